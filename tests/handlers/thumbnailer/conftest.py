"""Fixtures for the thumbnailer's handler tests: moto S3 buckets, env, a fresh handler."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import boto3
import pytest
from PIL import Image, ImageFile
from thumbnailer_events import REGION, THUMBNAILS_BUCKET, UPLOADS_BUCKET, import_handler_fresh


@pytest.fixture
def aws(mocked_aws: None) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (UPLOADS_BUCKET, THUMBNAILS_BUCKET):
        s3.create_bucket(Bucket=bucket)
        # Both are versioned in the deployment (modules/secure_bucket).
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})


@pytest.fixture
def handler_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THUMBNAIL_BUCKET", THUMBNAILS_BUCKET)
    monkeypatch.setenv("THUMBNAIL_SIZES", "128,512")
    monkeypatch.setenv("THUMBNAIL_FORMAT", "WEBP")
    monkeypatch.setenv("QUARANTINE_PREFIX", "quarantine/")
    monkeypatch.setenv("MAX_IMAGE_PIXELS", "40000000")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "thumbnailer")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "WebApp")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "INFO")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    # The import sets Pillow's process-wide limits: restored after each test.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", ImageFile.LOAD_TRUNCATED_IMAGES)


@pytest.fixture
def handler(aws: None, handler_environment: None) -> ModuleType:
    return import_handler_fresh()


@pytest.fixture
def s3(aws: None) -> Any:
    return boto3.client("s3", region_name=REGION)
