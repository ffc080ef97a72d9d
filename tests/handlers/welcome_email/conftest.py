"""Fixtures for the welcome-email handler tests: moto SES and DynamoDB, env, handler."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto_tables import create_table
from welcome_email_events import (
    IDEMPOTENCY_TABLE,
    REGION,
    SENDER_EMAIL,
    SITE_URL,
    SUBSCRIBERS_TABLE,
    import_handler_fresh,
    lambda_record_from_stream,
)


@pytest.fixture
def aws(mocked_aws: None) -> None:
    # The idempotency table as the module declares it: key `id`, TTL on `expiration`.
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_table(dynamodb, IDEMPOTENCY_TABLE, "id")
    dynamodb.update_time_to_live(
        TableName=IDEMPOTENCY_TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"},
    )


@pytest.fixture
def verified_sender(aws: None) -> None:
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER_EMAIL)


@pytest.fixture
def failure_queue_url(aws: None) -> str:
    url: str = boto3.client("sqs", region_name=REGION).create_queue(
        QueueName="welcome-email-failures"
    )["QueueUrl"]
    return url


@pytest.fixture
def handler_environment(failure_queue_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAILURE_QUEUE_URL", failure_queue_url)
    monkeypatch.setenv("SENDER_EMAIL", SENDER_EMAIL)
    monkeypatch.setenv("IDEMPOTENCY_TABLE", IDEMPOTENCY_TABLE)
    monkeypatch.setenv("SITE_URL", SITE_URL)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "welcome-email")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "welcome-email")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "WebApp")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")


@pytest.fixture
def handler(aws: None, verified_sender: None, handler_environment: None) -> ModuleType:
    return import_handler_fresh()


@pytest.fixture
def sent_messages(aws: None) -> Callable[[], list[Any]]:
    """The messages moto's SES accepted, in order (moto's documented internal API)."""
    return lambda: list(ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages)


@pytest.fixture
def subscribe(aws: None) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Put an item into a real (moto) subscribers table and return its stream record."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = create_table(
        dynamodb,
        SUBSCRIBERS_TABLE,
        "owner_sub",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    stream_arn = table["TableDescription"]["LatestStreamArn"]
    streams = boto3.client("dynamodbstreams", region_name=REGION)

    def put(item: dict[str, Any]) -> dict[str, Any]:
        dynamodb.put_item(TableName=SUBSCRIBERS_TABLE, Item=item)
        shard_id = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0][
            "ShardId"
        ]
        iterator = streams.get_shard_iterator(
            StreamArn=stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        last = streams.get_records(ShardIterator=iterator)["Records"][-1]
        return lambda_record_from_stream(last, stream_arn)

    return put
