"""Fixtures for the stream processor's handler tests: moto S3 and Kinesis, env, handler."""

from __future__ import annotations

import base64
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from stream_processor_events import (
    ARCHIVE_BUCKET,
    REGION,
    event_record,
    import_handler_fresh,
    kinesis_event,
)

STREAM_NAME = "events-test"


@pytest.fixture
def aws(mocked_aws: None) -> None:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=ARCHIVE_BUCKET)


@pytest.fixture
def handler_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_BUCKET", ARCHIVE_BUCKET)
    monkeypatch.setenv("ARCHIVE_PREFIX", "archive/")
    monkeypatch.setenv("QUARANTINE_PREFIX", "quarantine/")
    monkeypatch.setenv("MAX_RECORD_BYTES", "262144")
    # A failed write fails at once here; the retry inside the invocation has its own tests.
    monkeypatch.setenv("WRITE_RETRY_SECONDS", "0")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "stream-processor")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "StreamProcessing")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")


@pytest.fixture
def handler(aws: None, handler_environment: None) -> ModuleType:
    return import_handler_fresh()


@pytest.fixture
def s3(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def stream_event(aws: None) -> Callable[[list[bytes]], dict[str, Any]]:
    """Put payloads on a real (moto) stream and read them back into a Lambda event."""
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName=STREAM_NAME, ShardCount=1)

    def build(payloads: list[bytes]) -> dict[str, Any]:
        for index, payload in enumerate(payloads):
            kinesis.put_record(StreamName=STREAM_NAME, Data=payload, PartitionKey=f"pk-{index}")
        shard_id = kinesis.list_shards(StreamName=STREAM_NAME)["Shards"][0]["ShardId"]
        iterator = kinesis.get_shard_iterator(
            StreamName=STREAM_NAME, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        response = kinesis.get_records(ShardIterator=iterator, Limit=10_000)
        return kinesis_event(
            [
                event_record(
                    data=base64.b64encode(record["Data"]).decode("ascii"),
                    sequence_number=record["SequenceNumber"],
                    partition_key=record["PartitionKey"],
                    arrival=record["ApproximateArrivalTimestamp"].timestamp(),
                    stream_name=STREAM_NAME,
                    shard_id=shard_id,
                )
                for record in response["Records"][-len(payloads) :]
            ]
        )

    return build
