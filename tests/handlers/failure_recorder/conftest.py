"""Fixtures for the failure recorder's handler tests: moto S3 and Kinesis, env, handler."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from failure_recorder_events import ARCHIVE_BUCKET, REGION, STREAM_NAME, import_handler_fresh
from moto import mock_aws


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(Bucket=ARCHIVE_BUCKET)
        boto3.client("kinesis", region_name=REGION).create_stream(
            StreamName=STREAM_NAME, ShardCount=1
        )
        yield


@pytest.fixture
def handler(aws: None, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("ARCHIVE_BUCKET", ARCHIVE_BUCKET)
    monkeypatch.setenv("FAILED_PREFIX", "failed/")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "failure-recorder")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "StreamProcessing")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    return import_handler_fresh()


@pytest.fixture
def s3(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def kinesis(aws: None) -> Any:
    return boto3.client("kinesis", region_name=REGION)
