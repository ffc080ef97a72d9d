"""Fixtures for the push notifier's handler tests: moto SNS apps, devices table, queue."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws
from push_notifier_events import DEVICES_TABLE, PUSH_QUEUE, REGION, import_push_notifier_fresh


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        boto3.client("dynamodb", region_name=REGION).create_table(
            TableName=DEVICES_TABLE,
            KeySchema=[
                {"AttributeName": "owner_sub", "KeyType": "HASH"},
                {"AttributeName": "device_id", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "owner_sub", "AttributeType": "S"},
                {"AttributeName": "device_id", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield


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
