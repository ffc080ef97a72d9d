"""The producer against moto's Kinesis: everything put can be read back."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import boto3
import pytest
from aws_kinesis_agg.deaggregator import iter_deaggregate_records

from clients.producer import Producer, build_sample, sample_events
from clients.producer.cli import EXIT_FAILED_RECORDS, EXIT_OK, main
from clients.producer.samples import to_ndjson

REGION = "eu-west-1"


@pytest.fixture
def aws_region() -> str:
    return REGION


@pytest.fixture
def kinesis(mocked_aws: None) -> Any:
    return boto3.client("kinesis", region_name=REGION)


def create_stream(client: Any, name: str, shards: int = 4) -> str:
    client.create_stream(StreamName=name, ShardCount=shards)
    summary = client.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
    return str(summary["StreamARN"])


def read_all(client: Any, name: str) -> list[dict[str, Any]]:
    """Every record of every shard, shard by shard, in sequence order."""
    records: list[dict[str, Any]] = []
    for shard in client.list_shards(StreamName=name)["Shards"]:
        iterator = client.get_shard_iterator(
            StreamName=name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        while iterator:
            page = client.get_records(ShardIterator=iterator, Limit=1000)
            records.extend({**r, "ShardId": shard["ShardId"]} for r in page["Records"])
            if not page["Records"]:
                break
            iterator = page.get("NextShardIterator")
    return records


def user_records(records: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """De-aggregate what a consumer reads, as Lambda would deliver it (base64 data)."""
    lambda_records = [
        {
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": r["PartitionKey"],
                "sequenceNumber": r["SequenceNumber"],
                "approximateArrivalTimestamp": r["ApproximateArrivalTimestamp"].timestamp(),
                "data": base64.b64encode(r["Data"]).decode(),
            }
        }
        for r in records
    ]
    return [
        (u["kinesis"]["partitionKey"], base64.b64decode(u["kinesis"]["data"]))
        for u in iter_deaggregate_records(lambda_records)
    ]


def test_1200_events_in_3_batches_are_all_readable(kinesis: Any) -> None:
    create_stream(kinesis, "events")
    events = sample_events(1200, seed=11)
    summary = Producer(kinesis, "events").put(events)

    assert summary.ok
    assert (summary.succeeded, summary.batches, summary.put_records_calls) == (1200, 3, 3)
    records = read_all(kinesis, "events")
    assert len(records) == 1200
    assert sorted(json.loads(r["Data"])["event_id"] for r in records) == sorted(
        e["event_id"] for e in events
    )
    # Random keys spread the records over all four shards, and all were read.
    assert len({r["ShardId"] for r in records}) == 4


def test_same_key_records_keep_their_order_on_their_shard(kinesis: Any) -> None:
    create_stream(kinesis, "ordered", shards=3)
    events = sample_events(900, seed=4)
    Producer(kinesis, "ordered", partition_key="field:event_type").put(events)
    seen: dict[str, list[str]] = {}
    for record in read_all(kinesis, "ordered"):
        event = json.loads(record["Data"])
        assert record["PartitionKey"] == event["event_type"]
        seen.setdefault(event["event_type"], []).append(event["event_id"])
    expected: dict[str, list[str]] = {}
    for event in events:
        expected.setdefault(event["event_type"], []).append(event["event_id"])
    assert seen == expected


def test_aggregated_records_deaggregate_to_the_inputs(kinesis: Any) -> None:
    arn = create_stream(kinesis, "aggregated")
    sample = build_sample(1500, poison_fraction=0.02, seed=8)
    summary = Producer(kinesis, arn, partition_key="field:event_type", aggregate=True).put(
        sample.items
    )

    assert summary.ok
    assert summary.user_records == 1500
    assert summary.kinesis_records < 100  # five event types, plus the poison records
    records = read_all(kinesis, "aggregated")
    assert len(records) == summary.kinesis_records
    consumed = user_records(records)
    sent = [
        item if isinstance(item, bytes) else json.dumps(item, separators=(",", ":")).encode()
        for item in sample.items
    ]
    assert sorted(data for _, data in consumed) == sorted(sent)
    # Per partition key (here: per event type), the consumer sees the producer's order.
    for event_type in {e["event_type"] for e in sample.valid_events}:
        got = [json.loads(data) for key, data in consumed if key == event_type]
        assert got == [e for e in sample.valid_events if e["event_type"] == event_type]


def test_missing_stream_is_reported_not_raised(kinesis: Any) -> None:
    summary = Producer(kinesis, "does-not-exist").put(sample_events(3))
    assert not summary.ok
    assert summary.failed == 3
    assert summary.failed_records[0].error_code == "ResourceNotFoundException"


def test_cli_end_to_end_generated(kinesis: Any) -> None:
    create_stream(kinesis, "cli", shards=2)
    out = io.StringIO()
    code = main(
        ["--stream", "cli", "--count", "700", "--seed", "5", "--region", REGION, "--json"],
        stdout=out,
    )
    assert code == EXIT_OK
    data = json.loads(out.getvalue())
    assert (data["succeeded"], data["batches"], data["ok"]) == (700, 2, True)
    assert len(read_all(kinesis, "cli")) == 700


def test_cli_end_to_end_stdin_aggregated(kinesis: Any) -> None:
    create_stream(kinesis, "cli-agg", shards=2)
    events = sample_events(300, seed=6)
    out = io.StringIO()
    code = main(
        ["--stream", "cli-agg", "--input", "-", "--aggregate", "--partition-key", "field:source"],
        stdin=io.BytesIO(to_ndjson(events).encode()),
        stdout=out,
    )
    assert code == EXIT_OK
    assert "put 300 of 300 records" in out.getvalue()
    records = read_all(kinesis, "cli-agg")
    assert len(records) == 1
    assert [json.loads(data) for _, data in user_records(records)] == events


def test_cli_exits_1_when_the_stream_is_missing(kinesis: Any) -> None:
    out = io.StringIO()
    assert main(["--stream", "nope", "--count", "2"], stdout=out) == EXIT_FAILED_RECORDS
    assert "ResourceNotFoundException" in out.getvalue()
