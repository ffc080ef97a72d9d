"""Fixtures for the web API's handler tests: moto tables and buckets, env, the handler."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto import mock_aws
from web_api_events import (
    ITEMS_TABLE,
    MAX_UPLOAD_BYTES,
    REGION,
    SITE_ORIGIN,
    SUBSCRIBERS_TABLE,
    THUMBNAILS_BUCKET,
    UPLOADS_BUCKET,
    ApiResponse,
    FakeLambdaContext,
    import_handler_fresh,
)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=ITEMS_TABLE,
            KeySchema=[
                {"AttributeName": "owner_sub", "KeyType": "HASH"},
                {"AttributeName": "item_id", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "owner_sub", "AttributeType": "S"},
                {"AttributeName": "item_id", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        dynamodb.create_table(
            TableName=SUBSCRIBERS_TABLE,
            KeySchema=[{"AttributeName": "owner_sub", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "owner_sub", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=UPLOADS_BUCKET)
        s3.create_bucket(Bucket=THUMBNAILS_BUCKET)
        yield


@pytest.fixture
def handler_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITEMS_TABLE", ITEMS_TABLE)
    monkeypatch.setenv("SUBSCRIBERS_TABLE", SUBSCRIBERS_TABLE)
    monkeypatch.setenv("UPLOADS_BUCKET", UPLOADS_BUCKET)
    monkeypatch.setenv("THUMBNAILS_BUCKET", THUMBNAILS_BUCKET)
    monkeypatch.setenv("ALLOWED_ORIGIN", SITE_ORIGIN)
    monkeypatch.setenv("MAX_UPLOAD_BYTES", str(MAX_UPLOAD_BYTES))
    monkeypatch.setenv("UPLOAD_URL_EXPIRY_SECONDS", "300")
    monkeypatch.setenv("THUMBNAIL_SIZES", "128,512")
    monkeypatch.setenv("THUMBNAIL_FORMAT", "WEBP")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "web-api")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "WebApp")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")


@pytest.fixture
def handler(aws: None, handler_environment: None) -> ModuleType:
    return import_handler_fresh()


@pytest.fixture
def call(handler: ModuleType) -> Callable[[dict[str, Any]], ApiResponse]:
    """Invoke the handler with an event and decode its proxy response."""

    def invoke(event: dict[str, Any]) -> ApiResponse:
        return ApiResponse.from_result(handler.lambda_handler(event, FakeLambdaContext()))

    return invoke


@pytest.fixture
def dynamodb(aws: None) -> Any:
    return boto3.client("dynamodb", region_name=REGION)


@pytest.fixture
def s3(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)
