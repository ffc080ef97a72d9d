"""Realistic Lambda Kinesis events built from the producer's sample data (1% poison)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from clients.producer import Entry, aggregate_entries, build_sample, encode_event
from stream_processor.kinesis_event import KinesisEventRecord, KinesisStreamEvent

SHARD_ID = "shardId-000000000006"
STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/bench-events"
ROLE_ARN = "arn:aws:iam::123456789012:role/bench-stream-processor"
# A real sequence number; later records add a stride, as sequence numbers only grow.
FIRST_SEQUENCE_NUMBER = 49590338271490256608559692538361571095921575989136588898
SEQUENCE_STRIDE = 1_000_003
# 2026-01-01T00:00:00Z. Records of one PutRecords call (500 at most) share an arrival
# time, so a batch repeats few distinct timestamps, as it does in production.
FIRST_ARRIVAL = 1767225600.0
PUT_RECORDS_ENTRIES = 500
# The KPL's default AggregationMaxSize: aggregates of ~50 kB, not the 1 MiB maximum.
KPL_AGGREGATE_BYTES = 51_200
# Producers that aggregate share partition keys; with one key per record nothing packs.
KPL_PARTITION_KEYS = 8
# Lambda's invoke payload limit: a Kinesis batch is cut so its event fits, whatever
# the batch size, so no real batch is larger.
INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024


@dataclass(frozen=True)
class SampleEvent:
    """One Lambda event plus what it should produce, for checking implementations."""

    event: KinesisStreamEvent
    user_records: int
    poison_records: int

    @property
    def kinesis_records(self) -> int:
        return len(self.event["Records"])

    @property
    def event_bytes(self) -> int:
        """The event's size as Lambda's invoke payload (compact JSON)."""
        return len(json.dumps(self.event, separators=(",", ":")))


def _event_record(index: int, data: bytes, partition_key: str) -> KinesisEventRecord:
    sequence_number = str(FIRST_SEQUENCE_NUMBER + index * SEQUENCE_STRIDE)
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence_number,
            "data": base64.b64encode(data).decode("ascii"),
            "approximateArrivalTimestamp": round(
                FIRST_ARRIVAL + (index // PUT_RECORDS_ENTRIES) * 0.25, 3
            ),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{SHARD_ID}:{sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": ROLE_ARN,
        "awsRegion": "eu-west-1",
        "eventSourceARN": STREAM_ARN,
    }


def _entries(count: int, seed: int, partition_keys: int | None) -> tuple[list[Entry], int]:
    sample = build_sample(count, poison_fraction=0.01, seed=seed)
    entries = []
    for position, item in enumerate(sample.items):
        data = item if isinstance(item, bytes) else encode_event(item)
        key = f"pk-{position % partition_keys}" if partition_keys else f"record-{position}"
        entries.append(Entry(data, key, (position,)))
    return entries, len(sample.poison)


def _event(entries: Sequence[Entry], user_records: int, poison: int) -> SampleEvent:
    records = [_event_record(i, e.data, e.partition_key) for i, e in enumerate(entries)]
    return SampleEvent({"Records": records}, user_records, poison)


def plain_event(count: int, *, seed: int = 1) -> SampleEvent:
    """`count` Kinesis records, one user record each, 1% of them poison."""
    entries, poison = _entries(count, seed, None)
    return _event(entries, count, poison)


def kpl_event(count: int, *, seed: int = 1) -> SampleEvent:
    """`count` user records (1% poison) packed by the KPL aggregation format.

    Uses the project's producer (`aggregate_entries`, built on
    `aws_kinesis_agg.aggregator.RecordAggregator`); records too large for an aggregate
    (the oversized poison) travel as plain records, as the KPL sends them.
    """
    entries, poison = _entries(count, seed, KPL_PARTITION_KEYS)
    packed = aggregate_entries(entries, max_record_bytes=KPL_AGGREGATE_BYTES)
    return _event(packed, count, poison)


def largest_fitting(
    build: Callable[[int], SampleEvent], most: int, limit: int = INVOKE_PAYLOAD_BYTES
) -> SampleEvent:
    """A sample of at most `most` user records whose event fits the invoke payload.

    Shrinks the count in proportion to the overshoot, at least one percent at a time.
    The size is not monotonic in the count (the oversized poison, 300 kB each, lands
    where the seed puts it), so this is a large batch that fits, not the largest.
    """
    count = most
    sample = build(count)
    while sample.event_bytes > limit:
        count = min(count * limit // sample.event_bytes, count - max(1, count // 100))
        sample = build(count)
    return sample
