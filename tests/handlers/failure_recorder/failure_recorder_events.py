"""SQS events carrying Kinesis on-failure records, for the recorder's handler tests.

A uniquely named module rather than conftest imports (test folders have no __init__.py).
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
ARCHIVE_BUCKET = "stream-archive-test"
STREAM_NAME = "events-test"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:stream-processor-failures"


def import_handler_fresh() -> ModuleType:
    """Import the handler as a cold start would, reading the current environment."""
    sys.modules.pop("failure_recorder.handler", None)
    return importlib.import_module("failure_recorder.handler")


@dataclass
class FakeLambdaContext:
    function_name: str = "failure-recorder"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:failure-recorder"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def failure_record(
    stream_arn: str, shard_id: str, start: str, end: str, batch_size: int
) -> dict[str, Any]:
    """What Lambda sends to a Kinesis mapping's on-failure destination."""
    return {
        "requestContext": {
            "requestId": "316aa6d0-8154-4b7d-8ba5-5b1b4d2c6e0a",
            "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:stream-processor",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 3,
        },
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "version": "1.0",
        "timestamp": "2024-03-07T09:20:00.000Z",
        "KinesisBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": start,
            "endSequenceNumber": end,
            "approximateArrivalOfFirstRecord": "2024-03-07T09:15:02.123Z",
            "approximateArrivalOfLastRecord": "2024-03-07T09:15:03.456Z",
            "batchSize": batch_size,
            "streamArn": stream_arn,
        },
    }


def sqs_event(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"059f36b4-87a3-44ab-83d2-66197562{index:04d}",
                "receiptHandle": f"handle-{index}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1709802000000",
                    "SenderId": ACCOUNT_ID,
                    "ApproximateFirstReceiveTimestamp": "1709802000001",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": REGION,
            }
            for index, body in enumerate(bodies)
        ]
    }


def as_body(record: dict[str, Any]) -> str:
    return json.dumps(record)
