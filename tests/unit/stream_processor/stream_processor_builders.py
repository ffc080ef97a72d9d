"""Builders shared by the stream processor's unit tests (pure logic, no AWS).

A uniquely named module rather than conftest imports: test folders have no __init__.py,
so every conftest in the repository is a top-level module called `conftest`.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from aws_kinesis_agg.aggregator import RecordAggregator

from stream_processor.models import KinesisRecord

SHARD_ID = "shardId-000000000000"
# 2024-03-07T09:15:02.123Z: chosen so month, day and hour all need zero padding.
ARRIVAL = 1709802902.123


def valid_event(**overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=len(overrides) + 1)),
        "event_type": "order.created",
        "occurred_at": "2024-03-07T09:15:00.250Z",
        "source": "checkout",
        "payload": {"order_id": 42, "total": 9.5, "items": ["a", "b"]},
    }
    event.update(overrides)
    return event


def encode_payload(payload: bytes) -> str:
    return base64.b64encode(payload).decode("ascii")


def encode_event(event: Any) -> str:
    return encode_payload(json.dumps(event).encode("utf-8"))


def aggregate(payloads: Iterable[bytes], partition_key_prefix: str = "pk") -> bytes:
    """A KPL aggregate built with the reference aggregator."""
    aggregator = RecordAggregator()
    for index, payload in enumerate(payloads):
        aggregator.add_user_record(f"{partition_key_prefix}-{index}", payload)
    aggregated_record = aggregator.clear_and_get()
    assert aggregated_record is not None
    _partition_key, _explicit_hash_key, data = aggregated_record.get_contents()
    return bytes(data)


def make_record(
    data: str,
    sequence_number: str = "49590338271490256608559692538361571095921575989136588898",
    partition_key: str = "customer-1",
    arrival: float = ARRIVAL,
) -> KinesisRecord:
    return KinesisRecord(
        shard_id=SHARD_ID,
        sequence_number=sequence_number,
        partition_key=partition_key,
        approximate_arrival_timestamp=arrival,
        data=data,
    )


class RecordingStore:
    """ObjectStore double: keeps what was written, fails on chosen keys."""

    def __init__(self, fail_when: Callable[[str], bool] = lambda _key: False) -> None:
        self.objects: dict[str, tuple[bytes, str, str | None]] = {}
        self.attempted: list[str] = []
        self._fail_when = fail_when

    def put(
        self, key: str, body: bytes, content_type: str, content_encoding: str | None = None
    ) -> None:
        from stream_processor.batch import ObjectWriteError

        self.attempted.append(key)
        if self._fail_when(key):
            raise ObjectWriteError(f"injected failure for {key}")
        self.objects[key] = (body, content_type, content_encoding)
