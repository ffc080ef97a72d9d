"""The redrive (`python -m clients.archive redrive`) on moto: failed/ ranges go back into
the stream once, marked, and documents written by the failure recorder are what it reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from clients.archive import redrive
from clients.archive.__main__ import main
from clients.producer import Producer, sample_events
from failure_recorder.failure import parse_failure
from failure_recorder.kinesis_reader import KinesisShardReader
from failure_recorder.ranges import (
    failed_document,
    failed_key,
    read_range,
    unreadable_document,
    unreadable_key,
)

REGION = "us-east-1"
BUCKET = "stream-archive-test"
STREAM = "events-test"
SHARD = "shardId-000000000000"
KPL_MAGIC = b"\xf3\x89\x9a\xc2"


@pytest.fixture
def aws(mocked_aws: None) -> dict[str, Any]:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName=STREAM, ShardCount=1)
    return {"s3": s3, "kinesis": kinesis}


def shard_records(kinesis: Any) -> list[dict[str, Any]]:
    iterator = kinesis.get_shard_iterator(
        StreamName=STREAM, ShardId=SHARD, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records: list[dict[str, Any]] = kinesis.get_records(ShardIterator=iterator)["Records"]
    return records


def record_failed_range(clients: dict[str, Any], first: int, last: int) -> str:
    """What the failure recorder stores for records [first, last] of the shard."""
    records = shard_records(clients["kinesis"])
    stream_arn = clients["kinesis"].describe_stream_summary(StreamName=STREAM)[
        "StreamDescriptionSummary"
    ]["StreamARN"]
    message = {
        "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 3},
        "responseContext": {"functionError": ""},
        "timestamp": "2024-03-07T09:20:00.000Z",
        "KinesisBatchInfo": {
            "shardId": SHARD,
            "startSequenceNumber": records[first]["SequenceNumber"],
            "endSequenceNumber": records[last]["SequenceNumber"],
            "approximateArrivalOfFirstRecord": "2024-03-07T09:15:02.123Z",
            "batchSize": last - first + 1,
            "streamArn": stream_arn,
        },
    }
    failure = parse_failure(json.dumps(message))
    read = read_range(KinesisShardReader(clients["kinesis"]), failure)
    key = failed_key("failed/", failure)
    clients["s3"].put_object(Bucket=BUCKET, Key=key, Body=failed_document(read, datetime.now(UTC)))
    return key


def put_sample(kinesis: Any) -> None:
    assert Producer(kinesis, STREAM).put([*sample_events(3, source="plain"), b"poison"]).ok
    assert (
        Producer(kinesis, STREAM, aggregate=True, partition_key="field:source")
        .put(sample_events(4, source="kpl"))
        .ok
    )


def test_a_failed_range_goes_back_into_the_stream_once(aws: dict[str, Any]) -> None:
    put_sample(aws["kinesis"])
    before = shard_records(aws["kinesis"])
    assert len(before) == 5
    assert before[4]["Data"].startswith(KPL_MAGIC)
    key = record_failed_range(aws, 1, 4)

    first = redrive(aws["s3"], aws["kinesis"], BUCKET, now=datetime(2024, 3, 8, tzinfo=UTC))
    second = redrive(aws["s3"], aws["kinesis"], BUCKET)

    assert (first.ranges_redriven, first.records_put, first.ok) == (1, 4, True)
    assert (second.ranges_redriven, second.records_put, second.ranges_already_redriven) == (0, 0, 1)
    replayed = shard_records(aws["kinesis"])[5:]
    # The same bytes under the same partition keys, the KPL aggregate whole.
    assert [(r["Data"], r["PartitionKey"]) for r in replayed] == [
        (r["Data"], r["PartitionKey"]) for r in before[1:5]
    ]
    tags = aws["s3"].get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {
        "redrive": "redriven",
        "redriven-at": "2024-03-08T00:00:00Z",
    }


def test_tombstones_and_unreadable_messages_are_counted_not_replayed(
    aws: dict[str, Any],
) -> None:
    put_sample(aws["kinesis"])
    key = record_failed_range(aws, 0, 1)
    # The range expired: rewrite its document as the recorder would have found it.
    document = json.loads(aws["s3"].get_object(Bucket=BUCKET, Key=key)["Body"].read())
    document |= {"records": [], "records_lost": 2, "tombstone": True}
    aws["s3"].put_object(Bucket=BUCKET, Key=key, Body=json.dumps(document).encode())
    aws["s3"].put_object(
        Bucket=BUCKET,
        Key=unreadable_key("failed/", "m-1"),
        Body=unreadable_document("{", "not a Kinesis on-failure record", datetime.now(UTC)),
    )

    report = redrive(aws["s3"], aws["kinesis"], BUCKET)

    assert (report.tombstones, report.records_lost, report.unreadable_messages) == (1, 2, 1)
    assert report.records_put == 0
    assert len(shard_records(aws["kinesis"])) == 5


def test_a_range_not_wholly_put_stays_unmarked_for_the_next_run(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    put_sample(aws["kinesis"])
    key = record_failed_range(aws, 0, 2)

    def put_records(**request: Any) -> dict[str, Any]:
        return {
            "FailedRecordCount": len(request["Records"]),
            "Records": [
                {"ErrorCode": "InternalFailure", "ErrorMessage": "down"} for _ in request["Records"]
            ],
        }

    with monkeypatch.context() as patch:
        patch.setattr(aws["kinesis"], "put_records", put_records)
        failed = redrive(aws["s3"], aws["kinesis"], BUCKET)
    retried = redrive(aws["s3"], aws["kinesis"], BUCKET)

    assert (failed.ok, failed.failed_keys, failed.ranges_redriven) == (False, [key], 0)
    assert (retried.ok, retried.ranges_redriven, retried.records_put) == (True, 1, 3)


def test_the_command_redrives_and_reports(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    put_sample(aws["kinesis"])
    record_failed_range(aws, 0, 4)

    assert main(["--bucket", BUCKET, "redrive"]) == 0

    assert capsys.readouterr().out.startswith(
        "5 Kinesis records of 1 failed ranges put back into the stream; 0 ranges redriven before;"
    )
