"""Kinesis producer: library and CLI that push events into a Kinesis stream.

    import boto3
    from clients.producer import Producer, build_sample

    producer = Producer(boto3.client("kinesis"), "my-stream", partition_key="field:source")
    summary = producer.put(build_sample(1000, poison_fraction=0.05, seed=7).items)
    summary.raise_for_failures()

See README.md in this folder for the CLI, the guarantees and the limits.
"""

from clients.producer.aggregation import aggregate_entries
from clients.producer.batching import plan_batches
from clients.producer.ndjson import NdjsonError, parse_ndjson
from clients.producer.partition_keys import PartitionKey, PartitionKeyStrategy
from clients.producer.producer import FailedRecord, Producer, PutRecordsFailedError, PutSummary
from clients.producer.rate_limit import TokenBucket
from clients.producer.records import (
    MAX_RECORD_BYTES,
    MAX_REQUEST_BYTES,
    MAX_REQUEST_ENTRIES,
    Entry,
    Event,
    Item,
    ItemEncodingError,
    RecordTooLargeError,
    encode_event,
)
from clients.producer.retry import RetryPolicy, backoff_delay
from clients.producer.samples import (
    EVENT_TYPES,
    PoisonKind,
    Sample,
    build_sample,
    poison_record,
    sample_events,
)

__all__ = [
    "EVENT_TYPES",
    "MAX_RECORD_BYTES",
    "MAX_REQUEST_BYTES",
    "MAX_REQUEST_ENTRIES",
    "Entry",
    "Event",
    "FailedRecord",
    "Item",
    "ItemEncodingError",
    "NdjsonError",
    "PartitionKey",
    "PartitionKeyStrategy",
    "PoisonKind",
    "Producer",
    "PutRecordsFailedError",
    "PutSummary",
    "RecordTooLargeError",
    "RetryPolicy",
    "Sample",
    "TokenBucket",
    "aggregate_entries",
    "backoff_delay",
    "build_sample",
    "encode_event",
    "parse_ndjson",
    "plan_batches",
    "poison_record",
    "sample_events",
]
