"""Fixtures for the mobile API's handler tests: moto tables, queue, user pool, SNS apps."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from mobile_api_events import (
    DEVICES_TABLE,
    NOTES_TABLE,
    PUSH_QUEUE,
    REGION,
    SHARES_TABLE,
    ApiResponse,
    Call,
    Cloud,
    FakeLambdaContext,
    User,
    import_mobile_api_fresh,
)
from moto_tables import create_table

_TABLE_KEYS = {
    NOTES_TABLE: ("owner_sub", "note_id"),
    SHARES_TABLE: ("recipient_sub", "note_key"),
    DEVICES_TABLE: ("owner_sub", "device_id"),
}


@pytest.fixture
def cloud(mocked_aws: None) -> Cloud:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for table, (partition, sort) in _TABLE_KEYS.items():
        create_table(dynamodb, table, partition, sort)
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = cognito.create_user_pool(PoolName="mobile-test", UsernameAttributes=["email"])[
        "UserPool"
    ]["Id"]
    users = {}
    for name in ("alice", "bob"):
        email = f"{name}@example.com"
        created = cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
        )["User"]
        sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
        users[name] = User(sub=sub, email=email)
    queue_url = boto3.client("sqs", region_name=REGION).create_queue(QueueName=PUSH_QUEUE)[
        "QueueUrl"
    ]
    sns = boto3.client("sns", region_name=REGION)
    applications = {
        "fcm": sns.create_platform_application(
            Name="mobile-fcm", Platform="GCM", Attributes={"PlatformCredential": "key"}
        )["PlatformApplicationArn"],
        "apns": sns.create_platform_application(
            Name="mobile-apns",
            Platform="APNS",
            Attributes={"PlatformCredential": "key", "PlatformPrincipal": "cert"},
        )["PlatformApplicationArn"],
    }
    return Cloud(pool_id, queue_url, applications, users["alice"], users["bob"])


@pytest.fixture
def environment(cloud: Cloud, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTES_TABLE", NOTES_TABLE)
    monkeypatch.setenv("SHARES_TABLE", SHARES_TABLE)
    monkeypatch.setenv("DEVICES_TABLE", DEVICES_TABLE)
    monkeypatch.setenv("DAX_ENDPOINT", "")
    monkeypatch.setenv("USER_POOL_ID", cloud.user_pool_id)
    monkeypatch.setenv("PUSH_QUEUE_URL", cloud.queue_url)
    monkeypatch.setenv("PLATFORM_APPLICATIONS", json.dumps(cloud.platform_applications))
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "mobile-api")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "MobileBackend")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")


@pytest.fixture
def handler(environment: None) -> ModuleType:
    return import_mobile_api_fresh()


@pytest.fixture
def call(handler: ModuleType) -> Call:
    def invoke(event: dict[str, Any]) -> ApiResponse:
        return ApiResponse.from_result(handler.lambda_handler(event, FakeLambdaContext()))

    return invoke


@pytest.fixture
def dynamodb(cloud: Cloud) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def sns(cloud: Cloud) -> Any:
    return boto3.client("sns", region_name=REGION)


@pytest.fixture
def sqs(cloud: Cloud) -> Any:
    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def tables(dynamodb: Any) -> Callable[[], dict[str, list[dict[str, Any]]]]:
    """Everything in the three tables, to assert that a refused request wrote nothing."""

    def snapshot() -> dict[str, list[dict[str, Any]]]:
        return {
            table: sorted(
                dynamodb.scan(TableName=table)["Items"],
                key=lambda item, keys=keys: tuple(item[key]["S"] for key in keys),
            )
            for table, keys in _TABLE_KEYS.items()
        }

    return snapshot
