"""One batch, start to finish: decode in one pass, then write quarantine and archive.

Ordering rules (why the writes happen in this order):
- quarantine objects first: a malformed record is never retried, so it must be safely
  stored before the batch can be reported as done;
- if a quarantine write fails at sequence number p, the archive keeps only lines before
  p and everything from p on is reported for retry, so a retry starting at p never
  archives a line twice;
- if the archive write fails, everything from its first line on is reported.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from isal import igzip

from stream_processor.aggregation import deaggregate, is_aggregated
from stream_processor.archive_line import archive_line, encode_json
from stream_processor.codec import decode_base64
from stream_processor.config import Settings
from stream_processor.keys import archive_key, quarantine_key
from stream_processor.models import (
    BatchOutcome,
    KinesisLineage,
    KinesisRecord,
    MalformedRecord,
    MalformedRecordError,
    QuarantinedRecord,
    UnprocessableRecord,
    WriteFailure,
)

ARCHIVE_CONTENT_TYPE = "application/x-ndjson"
QUARANTINE_CONTENT_TYPE = "application/json"
# ISA-L's gzip at its default level 2: on a batch of events it is ~18x faster than zlib
# at level 6 for an object ~3% larger, and its output is a standard gzip member that
# gzip, zcat, Athena and the archive reader open.
GZIP_COMPRESSLEVEL = 2


class ObjectWriteError(Exception):
    """A write to the object store failed; the records involved are retried."""


class ObjectStore(Protocol):
    def put(
        self, key: str, body: bytes, content_type: str, content_encoding: str | None = None
    ) -> None:
        """Store body under key; raise ObjectWriteError on any failure."""


@dataclass(slots=True)
class PreparedBatch:
    """A decoded batch: archive lines in order, malformed and unprocessable records."""

    records: Sequence[KinesisRecord]
    lines: list[str] = field(default_factory=list)
    # Parallel to lines: the Kinesis record each line came from, so the archive can be
    # cut at a failure point without decoding again.
    line_records: list[KinesisRecord] = field(default_factory=list)
    malformed: list[MalformedRecord] = field(default_factory=list)
    unprocessable: list[UnprocessableRecord] = field(default_factory=list)

    def lines_before(self, failure_point: int | None) -> tuple[list[str], list[KinesisRecord]]:
        """Lines (and their records) that precede the failure point, all when there is none."""
        if failure_point is None:
            return self.lines, self.line_records
        kept = [
            index
            for index, record in enumerate(self.line_records)
            if record.ordinal < failure_point
        ]
        return [self.lines[index] for index in kept], [self.line_records[index] for index in kept]


def prepare_batch(records: Sequence[KinesisRecord], max_record_bytes: int) -> PreparedBatch:
    """Decode, validate and serialise every record in one pass; no I/O.

    Never raises for bad data: each record ends as archive lines, malformed records,
    or (on an unexpected error, i.e. a bug) an unprocessable record to retry.
    """
    batch = PreparedBatch(records)
    for record in records:
        try:
            _prepare_record(batch, record, max_record_bytes)
        except Exception as error:  # a bug must not cost the rest of the batch
            batch.unprocessable.append(UnprocessableRecord(record, error))
    return batch


def _prepare_record(batch: PreparedBatch, record: KinesisRecord, max_record_bytes: int) -> None:
    try:
        payload = decode_base64(record.data)
    except MalformedRecordError as error:
        # Keep exactly what arrived; surrogatepass because the event's JSON may carry any text.
        raw = record.data.encode("utf-8", "surrogatepass")
        batch.malformed.append(_malformed(error, record, None, record.partition_key, raw))
        return
    arrival = format_timestamp(record.approximate_arrival_timestamp)
    # (sub-sequence number, partition key, payload, the base64 text it arrived as)
    user_records: Sequence[tuple[int | None, str, bytes, str | None]]
    if not is_aggregated(payload):
        user_records = ((None, record.partition_key, payload, record.data),)
    else:
        try:
            user_records = [
                (sub_sequence_number, user_record.partition_key, user_record.data, None)
                for sub_sequence_number, user_record in enumerate(deaggregate(payload))
            ]
        except MalformedRecordError as error:
            batch.malformed.append(
                _malformed(
                    error, record, None, record.partition_key, payload, arrived_base64=record.data
                )
            )
            return
    for sub_sequence_number, partition_key, user_payload, arrived_base64 in user_records:
        # A literal: calling the TypedDict builds the same dict at twice the cost.
        lineage: KinesisLineage = {
            "shard_id": record.shard_id,
            "sequence_number": record.sequence_number,
            "sub_sequence_number": sub_sequence_number,
            "partition_key": partition_key,
            "approximate_arrival_timestamp": arrival,
        }
        try:
            line = archive_line(user_payload, lineage, max_record_bytes)
        except MalformedRecordError as error:
            batch.malformed.append(
                _malformed(
                    error,
                    record,
                    sub_sequence_number,
                    partition_key,
                    user_payload,
                    arrived_base64=arrived_base64,
                )
            )
            continue
        batch.lines.append(line)
        batch.line_records.append(record)


def _malformed(
    error: MalformedRecordError,
    record: KinesisRecord,
    sub_sequence_number: int | None,
    partition_key: str,
    raw_payload: bytes,
    *,
    arrived_base64: str | None = None,
) -> MalformedRecord:
    """arrived_base64: the text raw_payload was decoded from, if it was the whole record."""
    if arrived_base64 is not None and not _is_canonical_base64(arrived_base64):
        arrived_base64 = None
    return MalformedRecord(
        reason=error.reason,
        detail=error.detail,
        record=record,
        sub_sequence_number=sub_sequence_number,
        partition_key=partition_key,
        raw_payload=raw_payload,
        raw_payload_base64=arrived_base64,
    )


def _is_canonical_base64(data: str) -> bool:
    """Whether base64-encoding data's decoding gives data back, for text strict decoding
    accepted: only the last quantum can differ (in bits padding leaves unused)."""
    tail = data[-4:]
    return binascii.b2a_base64(binascii.a2b_base64(tail), newline=False) == tail.encode()


# Records put in one PutRecords call share their arrival millisecond, so a batch repeats
# few distinct timestamps and formatting each once saves ~10% of the decoding pass.
@lru_cache(maxsize=4096)
def format_timestamp(epoch_seconds: float) -> str:
    """ISO 8601 UTC with milliseconds (Kinesis' precision), e.g. 2024-03-07T09:15:02.123Z."""
    moment = datetime.fromtimestamp(epoch_seconds, UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def compress_lines(lines: Sequence[str]) -> bytes:
    """Gzip NDJSON body; mtime=0 makes it byte-identical when a retry writes it again."""
    ndjson = "\n".join(lines) + "\n"
    # Lines escape everything outside ASCII, so ASCII is exact (and fastest).
    return compress(ndjson.encode("ascii"))


def compress(data: bytes) -> bytes:
    """One gzip member at the archive's level, without a timestamp (deterministic)."""
    return igzip.compress(data, compresslevel=GZIP_COMPRESSLEVEL, mtime=0)


def quarantine_body(malformed: MalformedRecord) -> bytes:
    """The quarantine document: reason, detail, lineage and the payload as it arrived."""
    record = malformed.record
    document = {
        # Keys sorted as encode_json sorts them; data_base64 comes first, spliced in below.
        "reason": str(malformed.reason),
        "detail": malformed.detail,
        "kinesis": KinesisLineage(
            shard_id=record.shard_id,
            sequence_number=record.sequence_number,
            sub_sequence_number=malformed.sub_sequence_number,
            partition_key=malformed.partition_key,
            approximate_arrival_timestamp=format_timestamp(record.approximate_arrival_timestamp),
        ),
    }
    data_base64 = malformed.raw_payload_base64
    if data_base64 is None:
        data_base64 = binascii.b2a_base64(malformed.raw_payload, newline=False).decode("ascii")
    # Spliced rather than encoded: the text is base64 (nothing to escape) and can be the
    # whole oversized payload, which json would scan character by character.
    rest = encode_json(document)
    return f'{{"data_base64":"{data_base64}",{rest[1:]}'.encode("ascii")


def write_batch(
    batch: PreparedBatch, store: ObjectStore, archive_prefix: str, quarantine_prefix: str
) -> BatchOutcome:
    """Write quarantine objects, then the archive, and work out which records to retry."""
    # An unprocessable record is retried like a failed write: nothing at or after it may
    # be archived or quarantined now, or its retry would store it a second time.
    failure_point = min((item.record.ordinal for item in batch.unprocessable), default=None)
    write_failures: list[WriteFailure] = []

    quarantined: list[QuarantinedRecord] = []
    for malformed in sorted(batch.malformed, key=_stream_order):
        record = malformed.record
        if failure_point is not None and record.ordinal >= failure_point:
            break  # sorted: every remaining record is reported for retry anyway
        key = quarantine_key(
            quarantine_prefix,
            record.shard_id,
            record.sequence_number,
            malformed.sub_sequence_number,
            record.approximate_arrival_timestamp,
        )
        try:
            store.put(key, quarantine_body(malformed), QUARANTINE_CONTENT_TYPE)
        except ObjectWriteError as error:
            write_failures.append(WriteFailure(key, str(error)))
            failure_point = record.ordinal
            break
        quarantined.append(QuarantinedRecord(key, malformed))

    lines, line_records = batch.lines_before(failure_point)
    written_archive_key: str | None = None
    if lines:
        first_record = line_records[0]
        key = archive_key(
            archive_prefix,
            first_record.shard_id,
            first_record.sequence_number,
            first_record.approximate_arrival_timestamp,
        )
        try:
            store.put(key, compress_lines(lines), ARCHIVE_CONTENT_TYPE, "gzip")
        except ObjectWriteError as error:
            write_failures.append(WriteFailure(key, str(error)))
            failure_point = min(record.ordinal for record in line_records)
        else:
            written_archive_key = key

    if failure_point is None:
        failed_sequence_numbers: list[str] = []
    else:
        point = failure_point
        failed_sequence_numbers = [
            record.sequence_number for record in batch.records if record.ordinal >= point
        ]
        # Sub-records share their record's fate: a quarantined sibling of a failed
        # sub-record, or a quarantined record after a failed archive, is retried with
        # the rest and its deterministic key is simply overwritten then.
        quarantined = [item for item in quarantined if item.malformed.record.ordinal < point]

    return BatchOutcome(
        archive_key=written_archive_key,
        archived_count=len(lines) if written_archive_key else 0,
        quarantined=quarantined,
        unprocessable=batch.unprocessable,
        write_failures=write_failures,
        failed_sequence_numbers=failed_sequence_numbers,
    )


def _stream_order(malformed: MalformedRecord) -> tuple[int, int]:
    sub_sequence_number = malformed.sub_sequence_number
    return malformed.record.ordinal, -1 if sub_sequence_number is None else sub_sequence_number


def process_batch(
    records: Sequence[KinesisRecord], settings: Settings, store: ObjectStore
) -> BatchOutcome:
    """Decode, validate, archive and quarantine one batch of one shard's records."""
    batch = prepare_batch(records, settings.max_record_bytes)
    return write_batch(batch, store, settings.archive_prefix, settings.quarantine_prefix)
