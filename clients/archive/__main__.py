"""`python -m clients.archive --bucket NAME [summary|records|quarantine|redrive]`

Works against AWS and the local emulator alike (boto3 honours AWS_ENDPOINT_URL).
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3

from clients.archive.reader import iter_archived, iter_quarantined, summarize
from clients.archive.redrive import redrive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clients.archive", description=__doc__)
    parser.add_argument("--bucket", required=True, help="the archive bucket (Terraform output)")
    parser.add_argument(
        "view",
        nargs="?",
        default="summary",
        choices=["summary", "records", "quarantine", "redrive"],
        help="summary (default): counts; records / quarantine: one JSON line each; "
        "redrive: put the ranges kept under failed/ back into the stream, once",
    )
    args = parser.parse_args(argv)
    s3 = boto3.client("s3")
    if args.view == "redrive":
        report = redrive(s3, boto3.client("kinesis"), args.bucket)
        print(report.format_text())
        return 0 if report.ok else 1
    if args.view == "summary":
        print(summarize(s3, args.bucket).format_text())
    else:
        rows = iter_archived if args.view == "records" else iter_quarantined
        for key, row in rows(s3, args.bucket):
            print(json.dumps({"key": key, **row}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
