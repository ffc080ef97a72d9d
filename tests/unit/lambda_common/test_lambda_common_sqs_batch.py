"""The SQS partial-batch loop push_notifier and failure_recorder share: the contract of
Powertools' batch utility it replaces."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from aws_lambda_powertools import Logger

from lambda_common import sqs_batch

LOGGER = Logger(service="test")


@pytest.fixture
def partial_batch() -> ModuleType:
    return sqs_batch


def event(*bodies: str) -> dict[str, Any]:
    return {"Records": [{"messageId": f"m{i}", "body": body} for i, body in enumerate(bodies)]}


def handle(record: Any) -> None:
    if record["body"] == "bad":
        raise RuntimeError("cannot handle")


def test_only_the_failed_messages_are_reported(partial_batch: ModuleType) -> None:
    response = partial_batch.process_sqs_batch(event("ok", "bad", "ok", "bad"), handle, LOGGER)

    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}


def test_every_message_is_handled_even_after_a_failure(partial_batch: ModuleType) -> None:
    seen: list[str] = []

    def record_then_fail(record: Any) -> None:
        seen.append(record["messageId"])
        handle(record)

    partial_batch.process_sqs_batch(event("bad", "ok"), record_then_fail, LOGGER)

    assert seen == ["m0", "m1"]


def test_a_batch_that_wholly_fails_fails_the_invocation(partial_batch: ModuleType) -> None:
    with pytest.raises(partial_batch.BatchFailedError, match="All 2 messages") as raised:
        partial_batch.process_sqs_batch(event("bad", "bad"), handle, LOGGER)

    assert isinstance(raised.value.__cause__, RuntimeError)


def test_an_empty_batch_reports_nothing(partial_batch: ModuleType) -> None:
    assert partial_batch.process_sqs_batch({"Records": []}, handle, LOGGER) == {
        "batchItemFailures": []
    }


def test_an_event_without_records_is_refused(partial_batch: ModuleType) -> None:
    with pytest.raises(ValueError, match="no Records list"):
        partial_batch.process_sqs_batch({"detail": {}}, handle, LOGGER)
