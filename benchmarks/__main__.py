"""`python -m benchmarks [--only NAME ...] [--repeat N] [--records N]` (see README.md).

Prints one table per benchmark and writes every figure to .benchmarks/latest.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks import REPO_ROOT
from benchmarks.report import Section, format_table, write_json

BENCHMARKS = ("throughput", "drain", "cold_start", "sizes", "build", "thumbnailer")
DEFAULT_OUTPUT = REPO_ROOT / ".benchmarks" / "latest.json"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Performance figures, each a ratio against a baseline of the same run.",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=BENCHMARKS,
        default=list(BENCHMARKS),
        metavar="NAME",
        help=f"benchmarks to run, of: {', '.join(BENCHMARKS)} (default: all)",
    )
    parser.add_argument(
        "--repeat", type=int, default=5, help="measured repetitions after one warm-up (default 5)"
    )
    parser.add_argument(
        "--records",
        type=int,
        default=10_000,
        help="user records per throughput batch (default 10000, Lambda's Kinesis maximum)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON report path")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.records < 1:
        parser.error("--repeat and --records must be at least 1")
    return args


def _runners(args: argparse.Namespace) -> dict[str, Callable[[], Section]]:
    # Imported per benchmark so that `--only sizes` does not pay for the others' imports.
    def throughput() -> Section:
        from benchmarks import throughput

        return throughput.run(args.repeat, records=args.records)

    def drain() -> Section:
        from benchmarks import drain

        return drain.run(records=args.records)

    def cold_start() -> Section:
        from benchmarks import cold_start

        return cold_start.run(args.repeat)

    def sizes() -> Section:
        from benchmarks import sizes

        return sizes.run()

    def build() -> Section:
        from benchmarks import build

        return build.run(args.repeat)

    def thumbnailer() -> Section:
        from benchmarks import thumbnailer

        return thumbnailer.run(args.repeat)

    return {
        "throughput": throughput,
        "drain": drain,
        "cold_start": cold_start,
        "sizes": sizes,
        "build": build,
        "thumbnailer": thumbnailer,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    runners = _runners(args)
    sections: list[Section] = []
    started = time.perf_counter()
    for name in BENCHMARKS:
        if name not in args.only:
            continue
        section = runners[name]()
        sections.append(section)
        print(format_table(section), end="\n\n", flush=True)
    settings = {"only": list(args.only), "repeat": args.repeat, "records": args.records}
    write_json(sections, args.output, settings)
    print(
        f"{len(sections)} benchmark(s) in {time.perf_counter() - started:.1f} s; "
        f"JSON: {args.output}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
