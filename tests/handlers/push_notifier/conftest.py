"""Fixtures for the push notifier's handler tests: moto SNS apps, devices table, queue."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import boto3
import pytest
from moto_tables import create_table
from push_notifier_events import DEVICES_TABLE, PUSH_QUEUE, REGION, import_push_notifier_fresh


@pytest.fixture
def aws(mocked_aws: None) -> None:
    create_table(
        boto3.client("dynamodb", region_name=REGION), DEVICES_TABLE, "owner_sub", "device_id"
    )


@pytest.fixture
def dead_letter_queue_url(aws: None) -> str:
    url: str = boto3.client("sqs", region_name=REGION).create_queue(QueueName=f"{PUSH_QUEUE}-dlq")[
        "QueueUrl"
    ]
    return url


@pytest.fixture
def handler(aws: None, dead_letter_queue_url: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("DEVICES_TABLE", DEVICES_TABLE)
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dead_letter_queue_url)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "push-notifier")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "MobileBackend")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    return import_push_notifier_fresh()


@pytest.fixture
def sns(aws: None) -> Any:
    return boto3.client("sns", region_name=REGION)


@pytest.fixture
def dynamodb(aws: None) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def queue_url(aws: None) -> str:
    url: str = boto3.client("sqs", region_name=REGION).create_queue(QueueName=PUSH_QUEUE)[
        "QueueUrl"
    ]
    return url


@pytest.fixture
def sqs(aws: None) -> Any:
    return boto3.client("sqs", region_name=REGION)
