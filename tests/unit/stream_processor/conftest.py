"""Fixtures for the stream processor's unit tests."""

from __future__ import annotations

import pytest
from stream_processor_builders import RecordingStore


@pytest.fixture
def store() -> RecordingStore:
    return RecordingStore()
