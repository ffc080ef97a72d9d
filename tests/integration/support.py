"""Polling helpers shared by the integration tests."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest


def runtime_status(state_dir: Path) -> dict[str, Any]:
    path = state_dir / "status.json"
    return json.loads(path.read_text()) if path.is_file() else {"mappings": {}, "errors": {}}


def wait_until(condition: Any, timeout: float, what: str, interval: float = 1.0) -> None:
    """Poll `condition` until it is truthy; fail naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
