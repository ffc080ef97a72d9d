"""DynamoDB stream events for the welcome-email handler tests, shaped as Lambda delivers them.

A uniquely named module rather than conftest imports: test folders have no __init__.py,
so every conftest in the repository is a top-level module called `conftest`.
"""

from __future__ import annotations

import importlib
import sys
import uuid
from dataclasses import dataclass
from types import ModuleType
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
SUBSCRIBERS_TABLE = "subscribers-test"
IDEMPOTENCY_TABLE = "welcome-email-idempotency-test"
SENDER_EMAIL = "no-reply@example.com"
SITE_URL = "https://d111111abcdef8.cloudfront.net/"
STREAM_LABEL = "2024-03-07T09:15:00.000"
STREAM_ARN = (
    f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{SUBSCRIBERS_TABLE}/stream/{STREAM_LABEL}"
)


def import_handler_fresh() -> ModuleType:
    """Import the handler as a cold start would, reading the current environment."""
    sys.modules.pop("welcome_email.handler", None)
    return importlib.import_module("welcome_email.handler")


@dataclass
class FakeLambdaContext:
    function_name: str = "welcome-email"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:welcome-email"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def subscriber_image(
    owner_sub: str, email: str, subscribed_at: str = "2024-03-07T09:15:00Z"
) -> dict[str, Any]:
    """A subscribers-table item in DynamoDB JSON, as web_api writes it."""
    return {
        "owner_sub": {"S": owner_sub},
        "email": {"S": email},
        "subscribed_at": {"S": subscribed_at},
        "email_verified": {"BOOL": True},
    }


def synthetic_sequence_number(index: int) -> str:
    """A 21-digit sequence number like DynamoDB Streams issues, increasing with index."""
    return str(111_000_000_000_000_000_000 + index)


def stream_record(
    new_image: dict[str, Any] | None,
    sequence_number: str,
    *,
    event_name: str = "INSERT",
    keys: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One Records[] entry exactly as documented for Lambda's DynamoDB event source."""
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": 1709802900.0,
        "Keys": keys if keys is not None else {"owner_sub": (new_image or {})["owner_sub"]},
        "SequenceNumber": sequence_number,
        "SizeBytes": 180,
        "StreamViewType": "NEW_IMAGE",
    }
    if new_image is not None:
        dynamodb["NewImage"] = new_image
    return {
        "eventID": uuid.uuid5(uuid.NAMESPACE_OID, sequence_number).hex,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": dynamodb,
        "eventSourceARN": STREAM_ARN,
    }


def lambda_record_from_stream(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record read with GetRecords, turned into what Lambda's event source delivers.

    Lambda adds eventSourceARN, reports eventVersion 1.1 and the creation time in epoch
    seconds; GetRecords (boto3) returns a datetime there.
    """
    dynamodb = dict(record["dynamodb"])
    dynamodb["ApproximateCreationDateTime"] = dynamodb["ApproximateCreationDateTime"].timestamp()
    return {**record, "eventVersion": "1.1", "dynamodb": dynamodb, "eventSourceARN": stream_arn}


def stream_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}
