"""The runtime reads what is deployed in a real emulator and drives real artifacts:
stream mappings (Kinesis, DynamoDB) and S3 notifications with async retries."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.local_runtime.support import (
    REGION,
    create_queue,
    receive_all,
    serving,
    wait_for,
)

KINESIS_HANDLER = """
import base64, json, os

def lambda_handler(event, context):
    payloads = [base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]
    if any("poison" in p for p in payloads):
        raise RuntimeError("poison in batch")
    with open(os.environ["PROBE_LOG"], "a") as log:
        for r, p in zip(event["Records"], payloads):
            log.write(json.dumps({"shard": r["eventID"].split(":")[0], "data": p}) + "\\n")
    return {"batchItemFailures": []}
"""
# Appends every event it gets to PROBE_LOG; fails when FAIL is set.
RECORDING_HANDLER = """
import json, os

def lambda_handler(event, context):
    with open(os.environ["PROBE_LOG"], "a") as log:
        log.write(json.dumps(event) + "\\n")
    if os.environ.get("FAIL"):
        raise RuntimeError("transient failure")
    return {"batchItemFailures": []}
"""


def status(tmp_path: Path) -> dict[str, Any]:
    """The runtime's status file, as `make up` users read it ({} before the first write)."""
    path = tmp_path / "state" / "status.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def logged(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []


def test_kinesis_mapping_is_served_with_bisect_and_failure_destination(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(KINESIS_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    aws["kinesis"].create_stream(StreamName="events", ShardCount=2)
    stream_arn = aws["kinesis"].describe_stream_summary(StreamName="events")[
        "StreamDescriptionSummary"
    ]["StreamARN"]
    queue_url, queue_arn = create_queue(aws, "failures")
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log))
    aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    payloads = [f"good-{i}" for i in range(60)] + ["poison-1"]
    aws["kinesis"].put_records(
        StreamName="events",
        Records=[{"Data": p.encode(), "PartitionKey": p} for p in payloads],
    )

    received: list[dict[str, Any]] = []
    with serving(aws, artifact.parent, tmp_path / "state"):
        wait_for(lambda: received.extend(receive_all(aws, queue_url)) or len(received) >= 1)
        wait_for(lambda: len(logged(probe_log)) >= 60)

    delivered = logged(probe_log)
    assert sorted(d["data"] for d in delivered) == sorted(p for p in payloads if "poison" not in p)
    assert {d["shard"] for d in delivered} == {"shardId-000000000000", "shardId-000000000001"}
    (failure,) = received
    assert failure["KinesisBatchInfo"]["batchSize"] == 1
    assert failure["KinesisBatchInfo"]["streamArn"] == stream_arn
    assert failure["requestContext"]["functionArn"] == function_arn
    final = status(tmp_path)
    assert final["errors"] == {}
    assert sum(m["records_to_failure_destination"] for m in final["mappings"].values()) == 1


def test_dynamodb_stream_mapping_delivers_inserts_and_modifies_as_lambda_does(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(RECORDING_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    table = aws["dynamodb"].create_table(
        TableName="subscribers",
        KeySchema=[{"AttributeName": "owner_sub", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "owner_sub", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    stream_arn = table["LatestStreamArn"]
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log))
    aws["lambda"].create_event_source_mapping(
        FunctionName=function_arn,
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
        BatchSize=10,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    put = aws["dynamodb"].put_item
    put(TableName="subscribers", Item={"owner_sub": {"S": "u1"}, "email": {"S": "a@x.test"}})
    put(TableName="subscribers", Item={"owner_sub": {"S": "u1"}, "email": {"S": "b@x.test"}})
    put(TableName="subscribers", Item={"owner_sub": {"S": "u2"}, "email": {"S": "c@x.test"}})

    with serving(aws, artifact.parent, tmp_path / "state"):
        wait_for(lambda: sum(len(e["Records"]) for e in logged(probe_log)) >= 3)

    records = [r for event in logged(probe_log) for r in event["Records"]]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "INSERT"]
    first, modify, _ = records
    assert first["eventVersion"] == "1.1"
    assert first["eventSource"] == "aws:dynamodb"
    assert first["eventSourceARN"] == stream_arn
    assert first["awsRegion"] == REGION  # the emulator itself says us-east-1
    stream = first["dynamodb"]
    assert stream["Keys"] == {"owner_sub": {"S": "u1"}}
    assert stream["NewImage"] == {"owner_sub": {"S": "u1"}, "email": {"S": "a@x.test"}}
    assert stream["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(stream["ApproximateCreationDateTime"], int)
    assert stream["SizeBytes"] > 0
    assert modify["dynamodb"]["OldImage"]["email"] == {"S": "a@x.test"}
    sequence_numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequence_numbers == sorted(sequence_numbers)
    final = status(tmp_path)
    assert final["errors"] == {}
    (shard,) = final["mappings"].values()
    assert shard["checkpoint"] == records[-1]["dynamodb"]["SequenceNumber"]


def notify_on_uploads(aws: dict[str, Any], bucket: str, function_arn: str) -> None:
    aws["s3"].create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    aws["s3"].put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "Id": "thumbnails",
                    "LambdaFunctionArn": function_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}},
                }
            ]
        },
    )


def test_s3_upload_invokes_the_function_once_with_the_documented_event(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(RECORDING_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log))
    notify_on_uploads(aws, "uploads-bucket", function_arn)
    aws["s3"].put_object(Bucket="uploads-bucket", Key="uploads/before start.jpg", Body=b"old")

    with serving(aws, artifact.parent, tmp_path / "state"):
        wait_for(lambda: "uploads-bucket" in status(tmp_path).get("s3_notifications", {}))
        aws["s3"].put_object(Bucket="uploads-bucket", Key="uploads/u1/a photo+1.jpg", Body=b"x" * 7)
        aws["s3"].put_object(Bucket="uploads-bucket", Key="quarantine/outside.jpg", Body=b"q")
        wait_for(lambda: logged(probe_log))
        # Two more discovery passes: a second delivery would have happened by then.
        delivered_at = time.time()
        wait_for(lambda: status(tmp_path)["updated_at"] > delivered_at + 4, timeout=20)

    (event,) = logged(probe_log)
    (record,) = event["Records"]
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == REGION
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["eventTime"].endswith("Z")
    s3 = record["s3"]
    assert s3["configurationId"] == "thumbnails"
    assert s3["bucket"]["name"] == "uploads-bucket"
    assert s3["bucket"]["arn"] == "arn:aws:s3:::uploads-bucket"
    assert s3["object"]["key"] == "uploads/u1/a+photo%2B1.jpg"
    assert s3["object"]["size"] == 7
    head = aws["s3"].head_object(Bucket="uploads-bucket", Key="uploads/u1/a photo+1.jpg")
    assert s3["object"]["eTag"] == head["ETag"].strip('"')


def test_failing_s3_invocation_is_retried_twice_then_sent_to_the_destination(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> None:
    artifact = make_artifact(RECORDING_HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    function_arn = deploy_function(artifact, PROBE_LOG=str(probe_log), FAIL="1")
    queue_url, queue_arn = create_queue(aws, "thumbnail-failures")
    aws["lambda"].put_function_event_invoke_config(
        FunctionName=function_arn,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    notify_on_uploads(aws, "uploads-bucket", function_arn)

    received: list[dict[str, Any]] = []
    with serving(aws, artifact.parent, tmp_path / "state"):
        wait_for(lambda: "uploads-bucket" in status(tmp_path).get("s3_notifications", {}))
        aws["s3"].put_object(Bucket="uploads-bucket", Key="uploads/u1/broken.png", Body=b"x")
        wait_for(lambda: received.extend(receive_all(aws, queue_url)) or received)

    attempts = logged(probe_log)
    assert len(attempts) == 3  # the first invocation and MaximumRetryAttempts' default 2
    assert all(a == attempts[0] for a in attempts)
    (failure,) = received
    assert failure["requestContext"]["condition"] == "RetriesExhausted"
    assert failure["requestContext"]["approximateInvokeCount"] == 3
    assert failure["requestContext"]["functionArn"] == f"{function_arn}:$LATEST"
    assert failure["requestPayload"] == attempts[0]
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert failure["responsePayload"]["errorMessage"] == "transient failure"
