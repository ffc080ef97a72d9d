"""Command line: `python -m clients.producer --stream NAME [options]`.

Exit status: 0 every record was put; 1 some records could not be put (listed in the
summary); 2 usage or input errors (bad option, malformed NDJSON line, record over
1 MiB, no region), in which case nothing was sent.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any

import boto3
from botocore.exceptions import NoRegionError

from clients.producer.ndjson import NdjsonError, parse_ndjson
from clients.producer.partition_keys import STRATEGY_HELP, PartitionKeyStrategy
from clients.producer.producer import Producer
from clients.producer.records import Item, ItemEncodingError, RecordTooLargeError
from clients.producer.retry import RetryPolicy
from clients.producer.samples import build_sample

if TYPE_CHECKING:
    from mypy_boto3_kinesis import KinesisClient

EXIT_OK = 0
EXIT_FAILED_RECORDS = 1
EXIT_USAGE = 2

DESCRIPTION = """\
Put events into a Kinesis stream with PutRecords (batches of up to 500 records /
5 MiB, retries of failed entries with exponential backoff and jitter, optional KPL
aggregation and rate limit), then print a throughput summary.

Without --input, generates --count valid sample events. With --input, sends one event
per NDJSON line; the whole input is parsed first, and a malformed line stops the run
with its line number before anything is sent.

Region, credentials and endpoint come from the usual AWS environment (AWS_REGION or
AWS_DEFAULT_REGION, AWS_PROFILE, ...); set AWS_ENDPOINT_URL to use the local emulator.
"""

EPILOG = """\
exit status: 0 all records put; 1 some records could not be put (see summary);
2 usage or input error, nothing sent.
"""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be within 0..1, got {text}")
    return value


def _attempts(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _strategy(text: str) -> PartitionKeyStrategy:
    try:
        return PartitionKeyStrategy.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m clients.producer",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stream", required=True, metavar="NAME|ARN", help="stream name or ARN")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--count",
        type=_positive_int,
        metavar="N",
        default=None,
        help="number of sample events to generate (default 100; not with --input)",
    )
    source.add_argument(
        "--input",
        metavar="FILE|-",
        help="NDJSON file of events, one JSON object per line; '-' reads stdin",
    )
    parser.add_argument(
        "--rate",
        type=_positive_float,
        metavar="R",
        help="at most R records per second (token bucket; default unlimited)",
    )
    parser.add_argument(
        "--aggregate",
        action="store_true",
        help="KPL-aggregate records sharing a partition key (use with field:NAME keys)",
    )
    parser.add_argument(
        "--partition-key",
        type=_strategy,
        default=PartitionKeyStrategy("random"),
        metavar="STRATEGY",
        help=f"{STRATEGY_HELP} (default random); "
        "records without the field get a random key, counted as fallbacks",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed for generated events: same seed, same event ids and payloads "
        "(timestamps are the current time); default random",
    )
    parser.add_argument(
        "--poison-fraction",
        type=_fraction,
        default=0.0,
        metavar="F",
        help="share of generated records that are poison (invalid for the stream "
        "processor; for testing its quarantine), 0..1, default 0",
    )
    parser.add_argument(
        "--region", metavar="R", help="AWS region (default from the environment or ARN)"
    )
    parser.add_argument(
        "--max-attempts",
        type=_attempts,
        metavar="N",
        default=RetryPolicy().max_attempts,
        help="PutRecords attempts per batch, first included (default %(default)s)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the summary as JSON (machine-readable)"
    )
    return parser


def _read_input(path: str, stdin: IO[bytes]) -> list[dict[str, Any]]:
    if path == "-":
        return parse_ndjson(stdin)
    with open(path, "rb") as handle:
        return parse_ndjson(handle)


def _region(args: argparse.Namespace) -> str | None:
    """--region, else the stream ARN's region, else AWS_REGION, else boto3's own chain
    (AWS_DEFAULT_REGION, the profile). boto3 itself does not read AWS_REGION."""
    if args.region:
        return str(args.region)
    if args.stream.startswith("arn:"):
        parts = args.stream.split(":")
        if len(parts) > 3 and parts[3]:
            return str(parts[3])
    return os.environ.get("AWS_REGION") or None


def main(
    argv: Sequence[str] | None = None,
    *,
    client: KinesisClient | None = None,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the CLI; returns the exit status. `client` and the streams are for tests."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = build_parser().parse_args(argv)

    def fail(message: str) -> int:
        print(f"error: {message}", file=err)
        return EXIT_USAGE

    items: list[Item]
    if args.input is not None:
        if args.poison_fraction:
            return fail("--poison-fraction only applies to generated events, not --input")
        try:
            items = list(_read_input(args.input, stdin or sys.stdin.buffer))
        except NdjsonError as exc:
            return fail(f"{args.input}: {exc}")
        except OSError as exc:
            return fail(f"cannot read {args.input}: {exc}")
    else:
        count = 100 if args.count is None else args.count
        sample = build_sample(
            count,
            poison_fraction=args.poison_fraction,
            seed=args.seed if args.seed is not None else _system_seed(),
            start=datetime.now(UTC),
        )
        items = sample.items

    if args.aggregate and args.partition_key.kind != "field":
        print(
            f"note: --aggregate packs records sharing a partition key; with "
            f"'{args.partition_key}' keys every record is sent unaggregated",
            file=err,
        )
    if client is None:
        try:
            client = boto3.client("kinesis", region_name=_region(args))
        except NoRegionError:
            return fail("no AWS region: pass --region or set AWS_REGION or AWS_DEFAULT_REGION")
    producer = Producer(
        client,
        args.stream,
        partition_key=args.partition_key,
        aggregate=args.aggregate,
        retry=RetryPolicy(max_attempts=args.max_attempts),
        rate_limit=args.rate,
    )
    try:
        summary = producer.put(items)
    except (RecordTooLargeError, ItemEncodingError) as exc:
        return fail(f"{exc}; nothing was sent")
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2), file=out)
    else:
        print(summary.format_text(), file=out)
    return EXIT_OK if summary.ok else EXIT_FAILED_RECORDS


def _system_seed() -> int:
    return secrets.randbits(64)
