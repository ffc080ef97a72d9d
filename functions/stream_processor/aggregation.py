"""De-aggregation of records packed by the Kinesis Producer Library (KPL).

Format (amazon-kinesis-producer/aggregation-format.md): 4 magic bytes, a protobuf
``AggregatedRecord``, then the MD5 digest of that protobuf message.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from stream_processor.models import MalformedReason, MalformedRecordError

KPL_MAGIC = b"\xf3\x89\x9a\xc2"
_MD5_DIGEST_SIZE = 16


class UserRecord(NamedTuple):
    """One record the producer put, recovered from an aggregate.

    A named tuple: an aggregate holds hundreds, and a frozen dataclass is several times
    slower to build.
    """

    partition_key: str
    data: bytes


def is_aggregated(payload: bytes) -> bool:
    # The magic bytes cannot start valid UTF-8 (0xC2 is not a continuation byte), so a
    # payload carrying them is either an aggregate or malformed anyway.
    return payload.startswith(KPL_MAGIC)


def deaggregate(payload: bytes) -> list[UserRecord]:
    """Split an aggregate into its user records, or raise corrupt_aggregate for the whole.

    The reference deaggregator passes a corrupt aggregate through as if it were a plain
    record and prints parse errors to stderr; here corruption is an explicit outcome.
    """
    if len(payload) <= len(KPL_MAGIC) + _MD5_DIGEST_SIZE:
        raise _corrupt("shorter than the KPL header and digest")
    message = payload[len(KPL_MAGIC) : -_MD5_DIGEST_SIZE]
    # MD5 is the integrity check the KPL format prescribes, not a security control.
    if hashlib.md5(message, usedforsecurity=False).digest() != payload[-_MD5_DIGEST_SIZE:]:
        raise _corrupt("MD5 digest does not match the aggregated message")
    aggregated = _aggregated_record_type()()
    try:
        aggregated.ParseFromString(message)
    except Exception as error:  # protobuf's DecodeError and its runtime's own errors
        raise _corrupt(f"protobuf message does not parse: {error}") from None
    partition_keys = aggregated.partition_key_table
    user_records: list[UserRecord] = []
    for record in aggregated.records:
        if record.partition_key_index >= len(partition_keys):
            raise _corrupt(f"partition key index {record.partition_key_index} is out of range")
        user_records.append(UserRecord(partition_keys[record.partition_key_index], record.data))
    if not user_records:
        # Accepting it would make the Kinesis record vanish without trace.
        raise _corrupt("aggregate holds no user records")
    return user_records


def _aggregated_record_type() -> Any:
    # Imported on first use: protobuf adds ~30 ms to a cold start and most streams carry
    # no aggregates. The generated messages_pb2 imports its sibling as a top-level
    # `config_pb2`; the deaggregator module puts the package directory on sys.path for
    # that, so the import has to go through it.
    from aws_kinesis_agg import deaggregator  # noqa: PLC0415

    return deaggregator.messages_pb2.AggregatedRecord


def _corrupt(detail: str) -> MalformedRecordError:
    return MalformedRecordError(MalformedReason.CORRUPT_AGGREGATE, detail)
