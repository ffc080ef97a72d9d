"""The end of `make up`: show records flowing producer -> Kinesis -> Lambda -> S3, and
create a user to sign in to the web app with.

Uses the same producer and archive reader a user would, against the freshly applied
local environment, and waits (with a deadline, never a blind sleep) until every record
it sent is either archived or quarantined.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import boto3

from clients.archive import ArchiveSummary, iter_archived, iter_quarantined, summarize
from clients.producer import Producer, build_sample

DEADLINE_SECONDS = 180.0


class DemoError(RuntimeError):
    """The records did not all arrive: the stack is up but not working."""


# Share of the demo's records that are deliberately malformed, to show the quarantine.
POISON_FRACTION = 0.02


def run_demo(outputs: dict[str, Any], count: int) -> ArchiveSummary:
    """Put `count` sample records (2% poison) and wait until each is archived or quarantined."""
    session = boto3.session.Session()
    kinesis, s3 = session.client("kinesis"), session.client("s3")
    bucket = outputs["archive_bucket_name"]

    sample = build_sample(count, poison_fraction=POISON_FRACTION, seed=int(time.time()))
    summary = Producer(kinesis, outputs["stream_name"]).put(sample.items)
    print("    producer: " + summary.format_text().replace("\n", "\n    producer: "))
    summary.raise_for_failures()

    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        archive = summarize(s3, bucket)
        arrived = archive.archived_records + archive.quarantined_records
        print(f"    archive:  {archive.format_text()}", flush=True)
        if arrived >= count:
            break
        if time.monotonic() > deadline:
            raise DemoError(
                f"only {arrived} of {count} records arrived within {DEADLINE_SECONDS:.0f}s; "
                "see .local/runtime.log and .local/runtime/logs/"
            )
        time.sleep(2)

    key, record = next(iter_archived(s3, bucket))
    print(f"    e.g. s3://{bucket}/{key}:\n      {json.dumps(record, sort_keys=True)[:300]}")
    quarantined = next(iter_quarantined(s3, bucket), None)
    if quarantined:
        key, entry = quarantined
        print(f"    e.g. s3://{bucket}/{key}: reason={entry['reason']} ({entry['detail'][:120]})")
    return archive


def create_demo_user(user_pool_id: str) -> tuple[str, str]:
    """A confirmed user with a fresh random password, as an administrator would add one."""
    cognito = boto3.client("cognito-idp")
    email = f"demo-{secrets.token_hex(3)}@example.com"
    # Random, and meets the pool's policy (length and every character class).
    password = f"{secrets.token_urlsafe(12)}-Aa1"
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
        ],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=user_pool_id, Username=email, Password=password, Permanent=True
    )
    return email, password
