"""Polling helpers shared by the integration tests."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from clients.producer import PoisonKind
from local_runtime.runtime import DISCOVERY_INTERVAL_SECONDS

KPL_MAGIC = b"\xf3\x89\x9a\xc2"
# The quarantine reason the stream processor gives each kind of poison the producer makes.
EXPECTED_REASON = {
    PoisonKind.NOT_JSON: "not_json",
    PoisonKind.INVALID_UTF8: "not_utf8",
    PoisonKind.MISSING_FIELD: "schema_violation",
    PoisonKind.BAD_UUID: "schema_violation",
    PoisonKind.EXTRA_PROPERTY: "schema_violation",
    PoisonKind.WRONG_TYPE: "schema_violation",
    PoisonKind.OVERSIZED: "oversized",
}


def runtime_status(state_dir: Path) -> dict[str, Any]:
    path = state_dir / "status.json"
    return json.loads(path.read_text()) if path.is_file() else {"mappings": {}, "errors": {}}


def wait_until(condition: Any, timeout: float, what: str, interval: float = 0.25) -> None:
    """Poll `condition` until it is truthy; fail naming `what` at the deadline. Polls
    often (the conditions are cheap reads) so a test waits no longer than it must."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def emails_sent() -> int:
    """Recipients the emulator's SES has accepted so far (this account and region).

    Counted with GetSendQuota rather than moto's /moto-api/data.json, which answers 500
    once a Lambda function exists (it probes a Docker client) or while a table changes.
    """
    return int(boto3.client("ses").get_send_quota()["SentLast24Hours"])


def wait_until_drained(state_dir: Path, function_name_part: str, since: float) -> None:
    """Wait until the runtime has read every mapping of the matching function to its end
    after `since`: whatever those records cause has happened by then."""

    def drained() -> bool:
        status = runtime_status(state_dir)
        mappings = [
            m for m in status["mappings"].values() if function_name_part in m["function_arn"]
        ]
        fresh = status.get("updated_at", 0) > since + DISCOVERY_INTERVAL_SECONDS
        return fresh and bool(mappings) and all(m["caught_up"] for m in mappings)

    wait_until(drained, timeout=60, what=f"the {function_name_part} mappings to drain")
