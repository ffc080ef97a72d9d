"""Typed models shared by the pure modules: records in, outcomes out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple, TypedDict


class MalformedReason(StrEnum):
    """Stable, machine-readable reasons a record is quarantined (never retried)."""

    NOT_BASE64 = "not_base64"
    OVERSIZED = "oversized"
    NOT_UTF8 = "not_utf8"
    NOT_JSON = "not_json"
    SCHEMA_VIOLATION = "schema_violation"
    CORRUPT_AGGREGATE = "corrupt_aggregate"


class MalformedRecordError(ValueError):
    """A payload that can never become a valid event, however often it is retried."""

    def __init__(self, reason: MalformedReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class KinesisRecord(NamedTuple):
    """One Kinesis record as Lambda delivers it, before decoding.

    A named tuple rather than a frozen dataclass: a batch creates up to 10,000 of them,
    and a frozen dataclass pays object.__setattr__ per field (~4x slower to build).
    """

    shard_id: str
    sequence_number: str
    partition_key: str
    approximate_arrival_timestamp: float
    # Base64 text exactly as delivered; decoding is where malformed input is detected.
    data: str

    @property
    def ordinal(self) -> int:
        """The sequence number as an integer, for ordering.

        Sequence numbers are decimal strings that grow in length, so comparing them as
        text would misorder them.
        """
        return int(self.sequence_number)


class KinesisLineage(TypedDict):
    """Where an event came from, stored with it so any line can be traced to its record."""

    shard_id: str
    sequence_number: str
    sub_sequence_number: int | None
    partition_key: str
    approximate_arrival_timestamp: str


# A validated event: the JSON object the schema accepts (event_id, event_type, ...).
Event = dict[str, Any]


@dataclass(frozen=True, slots=True)
class MalformedRecord:
    """A (sub-)record that goes to quarantine, with the bytes it arrived as."""

    reason: MalformedReason
    detail: str
    record: KinesisRecord
    # Set for a sub-record of a KPL aggregate, None for a plain record or a whole aggregate.
    sub_sequence_number: int | None
    partition_key: str
    raw_payload: bytes
    # raw_payload's base64 text when the record arrived as exactly that text (a plain
    # record or a whole aggregate), so a quarantine body need not encode it again.
    raw_payload_base64: str | None = None


@dataclass(frozen=True, slots=True)
class UnprocessableRecord:
    """A record whose decoding raised an unexpected error: reported for retry, not lost."""

    record: KinesisRecord
    error: Exception


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    key: str
    malformed: MalformedRecord


@dataclass(frozen=True, slots=True)
class WriteFailure:
    key: str
    error: str


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """Where every record of a batch ended: archive, quarantine or reported failure."""

    archive_key: str | None
    archived_count: int
    quarantined: list[QuarantinedRecord]
    unprocessable: list[UnprocessableRecord]
    write_failures: list[WriteFailure]
    # Sequence numbers Lambda must retry from, in batch order.
    failed_sequence_numbers: list[str]
