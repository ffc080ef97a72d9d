"""SQS events for the push notifier's handler tests, shaped as Lambda's SQS poller sends them.

Messages go through a moto queue first, so ids, receipt handles, MD5s and attributes are
what SQS returned; the record layout (camelCase keys, eventSource) is Lambda's.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
DEVICES_TABLE = "mobile-devices-test"
PUSH_QUEUE = "mobile-push-test"
ALICE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


@dataclass
class FakeLambdaContext:
    function_name: str = "push-notifier"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:push-notifier"
    aws_request_id: str = "0f3a1c2b-9d8e-4f70-a6b5-c4d3e2f1a0b9"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def import_push_notifier_fresh() -> ModuleType:
    for name in [name for name in sys.modules if name.startswith("push_notifier.")]:
        del sys.modules[name]
    return importlib.import_module("push_notifier.handler")


def sqs_event(sqs: Any, queue_url: str, bodies: list[str]) -> dict[str, Any]:
    """Send the bodies to the queue, receive them, and wrap them as one Lambda batch."""
    for body in bodies:
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    received = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=10,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    )["Messages"]
    assert len(received) == len(bodies)
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message["Attributes"],
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{PUSH_QUEUE}",
                "awsRegion": REGION,
            }
            for message in received
        ]
    }
