"""Replays the ranges the failure recorder kept under ``failed/`` back into their stream.

Why back into the stream rather than straight into archive/: the processor then decodes,
de-aggregates (KPL), validates, archives and quarantines these records with the same code
and the same guarantees as every other record, and a range that fails again (the outage
is not over) is given up on and recorded again, so nothing is decided twice or lost. What
changes is lineage: the archived lines carry the sequence numbers of the replay, and the
records land behind newer ones of the same partition key.

Idempotent by marking: a replayed document gets the object tag ``redrive=redriven``, and
documents so tagged are skipped, so redriving twice archives each record once. A document
is tagged only after every one of its records was put; should the run stop between the
put and the tag, the next run puts that range again (at least once, like any producer).
Tombstones (ranges retention dropped) have nothing to replay and are only counted.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from clients.archive.reader import object_keys
from clients.producer import Entry, Producer, PutSummary

if TYPE_CHECKING:
    from mypy_boto3_kinesis import KinesisClient
    from mypy_boto3_s3 import S3Client

FAILED_PREFIX = "failed/"
# Messages that were no failure record; kept by the recorder, nothing to replay.
UNREADABLE_FOLDER = "unreadable/"
REDRIVE_TAG = "redrive"
REDRIVEN = "redriven"


@dataclass
class RedriveReport:
    ranges_redriven: int = 0
    records_put: int = 0
    ranges_already_redriven: int = 0
    tombstones: int = 0
    records_lost: int = 0
    unreadable_messages: int = 0
    # Keys whose records could not all be put: left unmarked for the next run.
    failed_keys: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed_keys

    def format_text(self) -> str:
        text = (
            f"{self.records_put} Kinesis records of {self.ranges_redriven} failed ranges put back "
            f"into the stream; {self.ranges_already_redriven} ranges redriven before; "
            f"{self.tombstones} tombstones ({self.records_lost} records lost to retention); "
            f"{self.unreadable_messages} unreadable failure messages"
        )
        if self.failed_keys:
            text += f"; NOT redriven (run again): {', '.join(self.failed_keys)}"
        return text


def is_redriven(s3: S3Client, bucket: str, key: str) -> bool:
    tags = s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]
    return any(tag["Key"] == REDRIVE_TAG and tag["Value"] == REDRIVEN for tag in tags)


def range_entries(document: dict[str, Any]) -> list[Entry]:
    """The range's Kinesis records, exactly as the stream held them, ready to put."""
    return [
        Entry(base64.b64decode(record["data_base64"]), record["partition_key"], (index,))
        for index, record in enumerate(document["records"])
    ]


def redrive(
    s3: S3Client,
    kinesis: KinesisClient,
    bucket: str,
    prefix: str = FAILED_PREFIX,
    *,
    now: datetime | None = None,
) -> RedriveReport:
    """Put every unmarked failed range back into its stream, then mark it redriven."""
    report = RedriveReport()
    for key in object_keys(s3, bucket, prefix):
        if key.startswith(prefix + UNREADABLE_FOLDER):
            report.unreadable_messages += 1
            continue
        if is_redriven(s3, bucket, key):
            report.ranges_already_redriven += 1
            continue
        document = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        report.records_lost += int(document["records_lost"])
        entries = range_entries(document)
        if not entries:
            report.tombstones += 1
            continue
        summary: PutSummary = Producer(kinesis, document["stream_arn"]).put_entries(entries)
        if not summary.ok:
            report.failed_keys.append(key)
            continue
        moment = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        s3.put_object_tagging(
            Bucket=bucket,
            Key=key,
            Tagging={
                "TagSet": [
                    {"Key": REDRIVE_TAG, "Value": REDRIVEN},
                    {"Key": "redriven-at", "Value": moment},
                ]
            },
        )
        report.ranges_redriven += 1
        report.records_put += summary.succeeded
    return report
