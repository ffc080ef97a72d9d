"""Reads the archive bucket's layout (functions/stream_processor/README.md):
`archive/.../*.ndjson.gz` objects of one record per line, and one
`quarantine/.../*.json` object per malformed record with its reason.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ARCHIVE_PREFIX = "archive/"
QUARANTINE_PREFIX = "quarantine/"


def object_keys(s3: S3Client, bucket: str, prefix: str) -> Iterator[str]:
    """Every key under prefix, in key order."""
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def iter_archived(
    s3: S3Client, bucket: str, prefix: str = ARCHIVE_PREFIX
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every archived record as (object key, record), in key order."""
    for key in object_keys(s3, bucket, prefix):
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        for line in gzip.decompress(body).splitlines():
            yield key, json.loads(line)


def iter_quarantined(
    s3: S3Client, bucket: str, prefix: str = QUARANTINE_PREFIX
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every quarantined record as (object key, {reason, detail, kinesis, data_base64})."""
    for key in object_keys(s3, bucket, prefix):
        yield key, json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())


@dataclass
class ArchiveSummary:
    archive_objects: int = 0
    archived_records: int = 0
    quarantined_by_reason: Counter[str] = field(default_factory=Counter)

    @property
    def quarantined_records(self) -> int:
        return sum(self.quarantined_by_reason.values())

    def format_text(self) -> str:
        reasons = ", ".join(f"{r}: {n}" for r, n in sorted(self.quarantined_by_reason.items()))
        return (
            f"{self.archived_records} records archived in {self.archive_objects} objects; "
            f"{self.quarantined_records} quarantined" + (f" ({reasons})" if reasons else "")
        )


def summarize(s3: S3Client, bucket: str) -> ArchiveSummary:
    summary = ArchiveSummary()
    keys: set[str] = set()
    for key, _ in iter_archived(s3, bucket):
        keys.add(key)
        summary.archived_records += 1
    summary.archive_objects = len(keys)
    for _, quarantined in iter_quarantined(s3, bucket):
        summary.quarantined_by_reason[str(quarantined["reason"])] += 1
    return summary
