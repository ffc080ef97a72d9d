"""Fixtures for the failure recorder's handler tests: moto S3 and Kinesis, env, handler."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import boto3
import pytest
from failure_recorder_events import ARCHIVE_BUCKET, REGION, STREAM_NAME, import_handler_fresh


@pytest.fixture
def aws(mocked_aws: None) -> None:
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=ARCHIVE_BUCKET)
    boto3.client("kinesis", region_name=REGION).create_stream(StreamName=STREAM_NAME, ShardCount=1)


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
