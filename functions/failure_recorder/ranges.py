"""Reading a failed range back from its shard, and the failed/ document that keeps it.

Pure: the stream is reached through the ShardReader protocol (kinesis_reader.py on AWS).
Records are kept exactly as the stream holds them, KPL aggregates whole: the redrive puts
them back into the stream, where the processor decodes, de-aggregates and validates them
with the same code as the first time, so nothing is interpreted twice.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from failure_recorder.failure import StreamFailure, parse_time

# A GetRecords page can be empty while the iterator is still behind (gaps in a shard);
# past this many calls without reaching the end, the invocation gives up and the message
# is redelivered rather than reading forever.
MAX_READ_CALLS = 1_000
DOCUMENT_VERSION = 1
CONTENT_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One Kinesis record of the range, as GetRecords returned it."""

    sequence_number: str
    partition_key: str
    approximate_arrival_timestamp: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Page:
    records: list[StoredRecord]
    next_iterator: str | None
    millis_behind_latest: int


class ShardReader(Protocol):
    def iterator_at(self, stream_arn: str, shard_id: str, sequence_number: str) -> str | None:
        """An AT_SEQUENCE_NUMBER iterator, or None when the shard or position is gone."""

    def read(self, stream_arn: str, iterator: str) -> Page: ...


class RangeNotReadError(RuntimeError):
    """The range could not be read to its end; the message is retried."""


@dataclass(slots=True)
class RangeRead:
    """What came back of a range: its records in order, and how many are gone for good."""

    failure: StreamFailure
    records: list[StoredRecord] = field(default_factory=list)

    @property
    def records_lost(self) -> int:
        # batchSize counts the records Lambda gave up on; records filtered out in between
        # are in the shard too, so finding more than batchSize is possible, fewer is loss.
        return max(0, self.failure.batch_size - len(self.records))

    @property
    def expired(self) -> bool:
        """Nothing of the range is left in the stream: the document is a tombstone."""
        return not self.records


def read_range(reader: ShardReader, failure: StreamFailure) -> RangeRead:
    """Read [start, end] of the failure's shard; what retention already dropped is lost."""
    result = RangeRead(failure)
    iterator = reader.iterator_at(
        failure.stream_arn, failure.shard_id, failure.start_sequence_number
    )
    for _ in range(MAX_READ_CALLS):
        if iterator is None:
            return result  # shard closed and expired, or the position is gone
        page = reader.read(failure.stream_arn, iterator)
        for record in page.records:
            position = int(record.sequence_number)
            if position > failure.end:
                return result
            if position >= failure.start:
                result.records.append(record)
            if position == failure.end:
                return result
        if not page.records and page.millis_behind_latest == 0:
            return result  # caught up with the shard without meeting the end: it is gone
        iterator = page.next_iterator
    raise RangeNotReadError(
        f"{failure.shard_id} [{failure.start_sequence_number}, {failure.end_sequence_number}]:"
        f" end not reached after {MAX_READ_CALLS} GetRecords calls"
    )


def failed_key(prefix: str, failure: StreamFailure) -> str:
    """Deterministic key, so a redelivered message names the document it already wrote:
    ``{prefix}year=YYYY/month=MM/day=DD/hour=HH/{shard}/{start}-{end}.json``, partitioned
    by the range's first arrival (the hour the archive would have used).
    """
    arrival = parse_time(failure.approximate_arrival_of_first_record)
    return (
        f"{prefix}year={arrival:%Y}/month={arrival:%m}/day={arrival:%d}/hour={arrival:%H}/"
        f"{failure.shard_id}/{failure.start_sequence_number}-{failure.end_sequence_number}.json"
    )


def failed_document(read: RangeRead, recorded_at: datetime) -> bytes:
    """The failed/ object: the failure's metadata, the range and its raw records."""
    failure = read.failure
    document = {
        "version": DOCUMENT_VERSION,
        "failure": failure.metadata(),
        "stream_arn": failure.stream_arn,
        "shard_id": failure.shard_id,
        "start_sequence_number": failure.start_sequence_number,
        "end_sequence_number": failure.end_sequence_number,
        "batch_size": failure.batch_size,
        "recorded_at": format_time(recorded_at),
        "records_recorded": len(read.records),
        "records_lost": read.records_lost,
        "tombstone": read.expired,
        "records": [
            {
                "sequence_number": record.sequence_number,
                "partition_key": record.partition_key,
                "approximate_arrival_timestamp": record.approximate_arrival_timestamp,
                "data_base64": base64.b64encode(record.data).decode("ascii"),
            }
            for record in read.records
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


def unreadable_key(prefix: str, message_id: str) -> str:
    """Key of a message that is no failure record: kept under its SQS message id."""
    return f"{prefix}unreadable/{message_id}.json"


def unreadable_document(body: str, reason: str, recorded_at: datetime) -> bytes:
    document: dict[str, Any] = {
        "version": DOCUMENT_VERSION,
        "reason": reason,
        "recorded_at": format_time(recorded_at),
        "body": body,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode("ascii")


def format_time(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds, as Lambda writes its failure records."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
