"""Kinesis events for the handler tests, in the shape Lambda delivers them.

A uniquely named module rather than conftest imports: test folders have no __init__.py,
so every conftest in the repository is a top-level module called `conftest`.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
ARCHIVE_BUCKET = "stream-archive-test"


def import_handler_fresh() -> ModuleType:
    """Import the handler as a cold start would, reading the current environment."""
    sys.modules.pop("stream_processor.handler", None)
    return importlib.import_module("stream_processor.handler")


@dataclass
class FakeLambdaContext:
    function_name: str = "stream-processor"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:stream-processor"
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def event_record(
    data: str,
    sequence_number: str,
    *,
    partition_key: str,
    arrival: float,
    stream_name: str,
    shard_id: str = "shardId-000000000000",
) -> dict[str, Any]:
    """One Records[] entry exactly as documented for Lambda's Kinesis event source."""
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence_number,
            "data": data,
            "approximateArrivalTimestamp": arrival,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT_ID}:role/stream-processor",
        "awsRegion": REGION,
        "eventSourceARN": f"arn:aws:kinesis:{REGION}:{ACCOUNT_ID}:stream/{stream_name}",
    }


def synthetic_sequence_number(index: int) -> str:
    """A 56-digit sequence number like Kinesis issues, increasing with index."""
    return str(49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898 + index)


def kinesis_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}


def corrupt_aggregate_data() -> str:
    # KPL magic, a protobuf-looking body and a digest that does not match it.
    body = b"\x0a\x02pk\x1a\x06\x08\x00\x1a\x02{}"
    digest = hashlib.md5(body + b"tampered", usedforsecurity=False).digest()
    return base64.b64encode(b"\xf3\x89\x9a\xc2" + body + digest).decode("ascii")
