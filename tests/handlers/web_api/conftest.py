"""Fixtures for the web API's handler tests: moto tables and buckets, env, the handler."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from moto_tables import create_table
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
def aws(mocked_aws: None) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    create_table(dynamodb, ITEMS_TABLE, "owner_sub", "item_id")
    create_table(
        dynamodb,
        SUBSCRIBERS_TABLE,
        "owner_sub",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=UPLOADS_BUCKET)
    s3.create_bucket(Bucket=THUMBNAILS_BUCKET)


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
