"""The runtime reads mappings deployed in a real emulator and drives a real artifact."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_runtime import emulator
from local_runtime.runtime import LocalRuntime, RuntimeSettings

REGION = "eu-west-1"
HANDLER = """
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


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    with emulator.running() as running:
        for key, value in running.client_environment(REGION).items():
            monkeypatch.setenv(key, value)
        session = boto3.session.Session(region_name=REGION)
        yield {
            "endpoint": running.endpoint_url,
            **{n: session.client(n) for n in ("iam", "kinesis", "lambda", "sqs")},
        }


def wait_for(condition: Any, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met before the deadline")


def test_kinesis_mapping_is_served_with_bisect_and_failure_destination(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any
) -> None:
    artifact = make_artifact(HANDLER)
    probe_log = tmp_path / "delivered.ndjson"
    role = aws["iam"].create_role(
        RoleName="probe",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    aws["kinesis"].create_stream(StreamName="events", ShardCount=2)
    stream_arn = aws["kinesis"].describe_stream_summary(StreamName="events")[
        "StreamDescriptionSummary"
    ]["StreamARN"]
    queue_url = aws["sqs"].create_queue(QueueName="failures")["QueueUrl"]
    queue_arn = aws["sqs"].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    function_arn = aws["lambda"].create_function(
        FunctionName="probe",
        Runtime="python3.12",
        Role=role,
        Handler="probe.handler.lambda_handler",
        Code={"ZipFile": artifact.read_bytes()},
        Timeout=10,
        Environment={"Variables": {"PROBE_LOG": str(probe_log)}},
    )["FunctionArn"]
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

    runtime = LocalRuntime(
        RuntimeSettings(
            endpoint_url=aws["endpoint"],
            region=REGION,
            artifacts_dir=artifact.parent,
            state_dir=tmp_path / "state",
            runtime_libs=(),
        )
    )
    server = threading.Thread(target=runtime.serve, daemon=True)
    server.start()
    try:

        def failures() -> list[dict[str, Any]]:
            reply = aws["sqs"].receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
            return [json.loads(m["Body"]) for m in reply.get("Messages", [])]

        received: list[dict[str, Any]] = []
        wait_for(lambda: received.extend(failures()) or len(received) >= 1)
        wait_for(lambda: probe_log.is_file() and len(probe_log.read_text().splitlines()) >= 60)
    finally:
        runtime.stop()
        server.join(timeout=30)

    delivered = [json.loads(line) for line in probe_log.read_text().splitlines()]
    assert sorted(d["data"] for d in delivered) == sorted(p for p in payloads if "poison" not in p)
    assert {d["shard"] for d in delivered} == {"shardId-000000000000", "shardId-000000000001"}
    (failure,) = received
    assert failure["KinesisBatchInfo"]["batchSize"] == 1
    assert failure["KinesisBatchInfo"]["streamArn"] == stream_arn
    assert failure["requestContext"]["functionArn"] == function_arn
    status = json.loads((tmp_path / "state" / "status.json").read_text())
    assert status["errors"] == {}
    assert sum(m["records_to_failure_destination"] for m in status["mappings"].values()) == 1
