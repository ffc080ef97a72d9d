"""python -m tools.preflight infra/environments/<env>: run every check, one line each."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.preflight import CHECKS
from tools.preflight.context import Context, client_factory
from tools.preflight.outcome import Outcome, Status
from tools.preflight.settings import SettingsError, read_root

REPOSITORY = Path(__file__).resolve().parents[2]


def run(ctx: Context) -> list[Outcome]:
    return [check(ctx) for check in CHECKS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.preflight",
        description="Read-only checks that a first apply of an environment needs.",
    )
    parser.add_argument("environment_dir", type=Path, help="e.g. infra/environments/prod")
    args = parser.parse_args(argv)
    try:
        root = read_root(args.environment_dir)
    except (SettingsError, OSError) as error:
        print(f"preflight: {error}", file=sys.stderr)
        return 2
    region = str(root.value("aws_region"))
    environment = root.value("environment")
    print(f"preflight of {args.environment_dir} (environment {environment}, {region})")
    outcomes = run(Context(root=root, client=client_factory(region), repository=REPOSITORY))
    width = max(len(o.check) for o in outcomes)
    for outcome in outcomes:
        print(outcome.line(width))
    counts = {s: sum(o.status is s for o in outcomes) for s in Status}
    print(", ".join(f"{n} {s.value}" for s, n in counts.items()))
    return 1 if counts[Status.FAIL] else 0


if __name__ == "__main__":
    sys.exit(main())
