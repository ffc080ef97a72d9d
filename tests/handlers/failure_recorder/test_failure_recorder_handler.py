"""The failure recorder through its Lambda handler, on moto's Kinesis and S3."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from failure_recorder_events import (
    ARCHIVE_BUCKET,
    STREAM_NAME,
    FakeLambdaContext,
    as_body,
    failure_record,
    sqs_event,
)

from clients.producer import Producer, sample_events

KPL_MAGIC = b"\xf3\x89\x9a\xc2"
SHARD = "shardId-000000000000"


def put_records(kinesis: Any) -> tuple[str, list[str]]:
    """Plain records, one KPL aggregate, plain again; returns (stream ARN, sequence numbers)."""
    stream_arn = kinesis.describe_stream_summary(StreamName=STREAM_NAME)[
        "StreamDescriptionSummary"
    ]["StreamARN"]
    for items, aggregate in (
        (sample_events(3, source="plain"), False),
        (sample_events(4, source="kpl"), True),
    ):
        # One partition key for all: the producer aggregates records that share one.
        summary = Producer(
            kinesis, STREAM_NAME, aggregate=aggregate, partition_key="field:source"
        ).put(items)
        assert summary.ok
    Producer(kinesis, STREAM_NAME).put([b"not json: poison"])
    iterator = kinesis.get_shard_iterator(
        StreamName=STREAM_NAME, ShardId=SHARD, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    return stream_arn, [r["SequenceNumber"] for r in records]


def invoke(handler: Any, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())
    return response


def failed_objects(s3: Any) -> dict[str, dict[str, Any]]:
    listing = s3.list_objects_v2(Bucket=ARCHIVE_BUCKET, Prefix="failed/").get("Contents", [])
    return {
        item["Key"]: json.loads(
            s3.get_object(Bucket=ARCHIVE_BUCKET, Key=item["Key"])["Body"].read()
        )
        for item in listing
    }


def emitted_metrics(output: str) -> dict[str, float]:
    """Metric totals from the EMF lines Powertools printed (a list when added repeatedly)."""
    values: dict[str, float] = {}
    for line in output.splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                total = sum(value) if isinstance(value, list) else value
                values[metric["Name"]] = values.get(metric["Name"], 0) + total
    return values


def test_a_range_is_read_back_and_stored_raw_with_its_failure(
    handler: Any, s3: Any, kinesis: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    stream_arn, numbers = put_records(kinesis)
    assert len(numbers) == 5  # 3 plain, 1 aggregate of 4, 1 poison
    record = failure_record(stream_arn, SHARD, numbers[1], numbers[4], batch_size=4)

    assert invoke(handler, sqs_event(as_body(record))) == {"batchItemFailures": []}

    ((key, document),) = failed_objects(s3).items()
    assert key == f"failed/year=2024/month=03/day=07/hour=09/{SHARD}/{numbers[1]}-{numbers[4]}.json"
    assert [r["sequence_number"] for r in document["records"]] == numbers[1:5]
    payloads = [base64.b64decode(r["data_base64"]) for r in document["records"]]
    assert json.loads(payloads[0])["source"] == "plain"
    assert payloads[2].startswith(KPL_MAGIC)  # the aggregate, whole, as the stream held it
    assert payloads[3] == b"not json: poison"
    assert document["failure"]["condition"] == "RetryAttemptsExhausted"
    assert document["failure"]["approximate_invoke_count"] == 3
    assert document["failure"]["function_error"] == "Unhandled"
    assert document["records_lost"] == 0
    assert document["tombstone"] is False
    metrics = emitted_metrics(capsys.readouterr().out)
    written, recorded, lost = (
        metrics[name] for name in ("FailedObjectsWritten", "RecordsRecorded", "RecordsLost")
    )
    assert (written, recorded, lost) == (1, 4, 0)


def test_a_redelivered_message_keeps_the_first_document_and_its_redrive_mark(
    handler: Any, s3: Any, kinesis: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    stream_arn, numbers = put_records(kinesis)
    body = as_body(failure_record(stream_arn, SHARD, numbers[0], numbers[2], batch_size=3))
    invoke(handler, sqs_event(body))
    first = failed_objects(s3)
    ((key, _),) = first.items()
    s3.put_object_tagging(
        Bucket=ARCHIVE_BUCKET,
        Key=key,
        Tagging={"TagSet": [{"Key": "redrive", "Value": "redriven"}]},
    )
    capsys.readouterr()

    assert invoke(handler, sqs_event(body, body)) == {"batchItemFailures": []}

    assert failed_objects(s3) == first  # recorded_at and all: not rewritten
    assert s3.get_object_tagging(Bucket=ARCHIVE_BUCKET, Key=key)["TagSet"] == [
        {"Key": "redrive", "Value": "redriven"}
    ]
    assert "FailedObjectsWritten" not in emitted_metrics(capsys.readouterr().out)


def test_an_expired_range_is_a_tombstone_counted_in_a_metric(
    handler: Any,
    s3: Any,
    kinesis: Any,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream_arn, numbers = put_records(kinesis)
    # Positions past everything the shard holds stand for records retention dropped
    # (moto never trims a stream).
    gone = str(int(numbers[-1]) + 100)
    expired = failure_record(stream_arn, SHARD, gone, str(int(gone) + 9), batch_size=10)
    vanished_shard = failure_record(stream_arn, "shardId-000000000042", "1", "5", batch_size=5)

    response = invoke(handler, sqs_event(as_body(expired), as_body(vanished_shard)))

    assert response == {"batchItemFailures": []}
    documents = sorted(failed_objects(s3).values(), key=lambda d: d["batch_size"])
    assert [(d["tombstone"], d["records_lost"], d["records"]) for d in documents] == [
        (True, 5, []),
        (True, 10, []),
    ]
    assert emitted_metrics(capsys.readouterr().out)["RecordsLost"] == 15
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors == ["Failed range partly or wholly expired from the stream"] * 2


def test_a_message_that_is_no_failure_record_is_kept_not_retried(
    handler: Any, s3: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    response = invoke(handler, sqs_event("{not json"))

    assert response == {"batchItemFailures": []}
    ((key, document),) = failed_objects(s3).items()
    assert key.startswith("failed/unreadable/")
    assert document["body"] == "{not json"
    assert "not a Kinesis on-failure record" in document["reason"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert (metrics["UnreadableFailureMessages"], metrics["FailedObjectsWritten"]) == (1, 1)


def test_a_failed_write_leaves_the_message_for_redelivery(
    handler: Any, s3: Any, kinesis: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream_arn, numbers = put_records(kinesis)
    real_put_object = handler.s3_client.put_object
    failing_key = f"/{SHARD}/{numbers[0]}-{numbers[1]}.json"

    def put_object(**request: Any) -> Any:
        if request["Key"].endswith(failing_key):
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "PutObject")
        return real_put_object(**request)

    monkeypatch.setattr(handler.s3_client, "put_object", put_object)
    event = sqs_event(
        as_body(failure_record(stream_arn, SHARD, numbers[0], numbers[1], 2)),
        as_body(failure_record(stream_arn, SHARD, numbers[2], numbers[3], 2)),
    )

    response = invoke(handler, event)

    assert response == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert len(failed_objects(s3)) == 1
