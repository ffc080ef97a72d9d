"""The moto fixture every handler test builds on: all AWS APIs mocked in memory, fake
credentials, and nothing from the shell (profile, endpoint URLs) that could reach a real
account or the local emulator. Each function's conftest creates only its own resources."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws


@pytest.fixture
def aws_region() -> str:
    """The region the mocked clients use; a conftest overrides it where its tests differ."""
    return "us-east-1"


@pytest.fixture
def mocked_aws(monkeypatch: pytest.MonkeyPatch, aws_region: str) -> Iterator[None]:
    for name in list(os.environ):
        if name == "AWS_PROFILE" or name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", aws_region)
    monkeypatch.setenv("AWS_REGION", aws_region)
    with mock_aws():
        yield
