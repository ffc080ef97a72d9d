"""Helpers of the runtime's emulator-backed tests (fixtures are in conftest.py)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from local_runtime.runtime import LocalRuntime, RuntimeSettings

REGION = "eu-west-1"


def create_queue(aws: dict[str, Any], name: str) -> tuple[str, str]:
    """(url, ARN) of a new SQS queue, e.g. an on-failure destination."""
    url: str = aws["sqs"].create_queue(QueueName=name)["QueueUrl"]
    arn: str = aws["sqs"].get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    return url, arn


def receive_all(aws: dict[str, Any], queue_url: str) -> list[dict[str, Any]]:
    reply = aws["sqs"].receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in reply.get("Messages", [])]


@contextlib.contextmanager
def serving(
    aws: dict[str, Any], artifacts_dir: Path, state_dir: Path, **settings: Any
) -> Iterator[LocalRuntime]:
    """A LocalRuntime serving the emulator in a thread, stopped (and joined) after."""
    runtime = LocalRuntime(
        RuntimeSettings(
            endpoint_url=aws["endpoint"],
            region=REGION,
            artifacts_dir=artifacts_dir,
            state_dir=state_dir,
            runtime_libs=(),
            **settings,
        )
    )
    server = threading.Thread(target=runtime.serve, daemon=True)
    server.start()
    try:
        yield runtime
    finally:
        runtime.stop()
        server.join(timeout=60)


def wait_for(condition: Callable[[], Any], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met before the deadline")
