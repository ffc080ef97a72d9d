"""The failure queues of what is deployed, and how many messages wait in each.

A queue is a failure queue when the deployed configuration sends failed events to it:
the on-failure destination of an event source mapping, the on-failure destination of a
function's asynchronous invocations, or the dead-letter queue of another queue's redrive
policy. Read from the emulator (never from Terraform), like everything the runtime serves.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError


@dataclass(frozen=True)
class FailureQueue:
    name: str
    arn: str
    url: str
    # Messages waiting, visible or in flight.
    depth: int
    # What sends failures here, e.g. "stream failures of refarch-local-stream-processor".
    fed_by: tuple[str, ...]


def read_failure_queues(
    lambda_client: Any, sqs_client: Any, function_arns: Iterable[str]
) -> list[FailureQueue]:
    feeds: dict[str, list[str]] = {}
    for function_arn in function_arns:
        name = function_arn.rsplit(":", 1)[-1]
        mappings = lambda_client.list_event_source_mappings(FunctionName=function_arn)
        for mapping in mappings["EventSourceMappings"]:
            destination = _on_failure(mapping)
            if destination:
                feeds.setdefault(destination, []).append(f"event source failures of {name}")
        destination = _on_failure(_event_invoke_config(lambda_client, function_arn))
        if destination:
            feeds.setdefault(destination, []).append(f"async failures of {name}")
    attributes = {
        url: sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        for url in sqs_client.list_queues().get("QueueUrls", [])
    }
    for attrs in attributes.values():
        redrive = json.loads(attrs.get("RedrivePolicy") or "{}")
        if redrive.get("deadLetterTargetArn"):
            source = attrs["QueueArn"].rsplit(":", 1)[-1]
            feeds.setdefault(redrive["deadLetterTargetArn"], []).append(f"dead letters of {source}")
    return [
        FailureQueue(
            name=attrs["QueueArn"].rsplit(":", 1)[-1],
            arn=attrs["QueueArn"],
            url=url,
            depth=int(attrs.get("ApproximateNumberOfMessages", 0))
            + int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
            fed_by=tuple(sorted(feeds[attrs["QueueArn"]])),
        )
        for url, attrs in sorted(attributes.items())
        if attrs["QueueArn"] in feeds
    ]


def _on_failure(config: dict[str, Any] | None) -> str | None:
    destination = ((config or {}).get("DestinationConfig") or {}).get("OnFailure") or {}
    arn = destination.get("Destination") or ""
    return arn if arn.split(":")[2:3] == ["sqs"] else None


def _event_invoke_config(lambda_client: Any, function_arn: str) -> dict[str, Any] | None:
    try:
        config: dict[str, Any] = lambda_client.get_function_event_invoke_config(
            FunctionName=function_arn
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None  # never configured: no destination
        raise
    return config
