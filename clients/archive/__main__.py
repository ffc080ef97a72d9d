"""`python -m clients.archive --bucket NAME [summary|records|quarantine|redrive]`

Works against AWS and the local emulator alike (boto3 honours AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import boto3

from clients.archive.reader import iter_archived, iter_quarantined, summarize
from clients.archive.redrive import redrive

VIEWS = """\
views:
  summary     (default) archived records and objects, quarantined records by reason
  records     every archived record, one JSON line each: {"key": ..., <record>}
  quarantine  every quarantined record, one JSON line each: {"key", "reason", "detail", ...}
  redrive     put the ranges kept under failed/ back into the stream, once each

JSON lines stop quietly when the reader does (`... records | head -1`).
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m clients.archive",
        description=__doc__,
        epilog=VIEWS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bucket", required=True, help="the archive bucket (Terraform output)")
    parser.add_argument(
        "view",
        nargs="?",
        default="summary",
        choices=["summary", "records", "quarantine", "redrive"],
        help="what to show, or redrive (see views below)",
    )
    args = parser.parse_args(argv)
    s3 = boto3.client("s3")
    if args.view == "redrive":
        report = redrive(s3, boto3.client("kinesis"), args.bucket)
        print(report.format_text())
        return 0 if report.ok else 1
    try:
        if args.view == "summary":
            print(summarize(s3, args.bucket).format_text())
        else:
            rows = iter_archived if args.view == "records" else iter_quarantined
            for key, row in rows(s3, args.bucket):
                print(json.dumps({"key": key, **row}, sort_keys=True))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe (`| head -1`): it has what it wanted. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
