"""`python -m local_runtime status`: the table and the exit status scripts rely on."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from local_runtime.status import status_report
from local_runtime.status.status_report import EXIT_FAILING, EXIT_NOT_RUNNING, EXIT_OK

PROCESSOR = "arn:aws:lambda:us-east-1:123456789012:function:processor"


def healthy_status() -> dict[str, Any]:
    return {
        "updated_at": time.time(),
        "errors": {},
        "functions": {
            "processor": {
                "invocations": 4,
                "errors": 1,  # an earlier failure that a retry resolved: counted, not failing
                "cold_starts": 1,
                "warm_starts": 3,
                "init_ms": 120.5,
                "last_error": "ValueError: transient",
                "last_invocation_failed": False,
            }
        },
        "mappings": {
            "uuid-1/shardId-000000000000": {
                "function_arn": PROCESSOR,
                "source_arn": "arn:aws:kinesis:us-east-1:123456789012:stream/events",
                "alive": True,
                "records_delivered": 500,
                "caught_up": True,
                "iterator_age_ms": 0.0,
                "checkpoint": "499",
                "batches_to_failure_destination": 0,
                "last_error": None,
            }
        },
        "sqs_mappings": {},
        "apis": {
            "abc123defg": {
                "name": "web",
                "requests": 10,
                "client_errors": 3,
                "server_errors": 0,
                "last_status": 404,
            }
        },
        "failure_queues": {
            "processor-failures": {"depth": 0, "fed_by": ["event source failures of processor"]}
        },
    }


def run(tmp_path: Path, status: dict[str, Any] | None) -> int:
    if status is not None:
        (tmp_path / "status.json").write_text(json.dumps(status))
    return status_report.main(tmp_path)


def test_healthy_runtime_exits_0_with_one_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(tmp_path, healthy_status()) == EXIT_OK
    shown = capsys.readouterr().out
    for heading in ("Functions (1)", "Stream mappings", "APIs (1)", "Failure queues (1)"):
        assert heading in shown
    assert "events" in shown
    assert "caught up" in shown
    assert shown.rstrip().endswith("OK: nothing is failing.")


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (
            lambda s: s["functions"]["processor"].update(last_invocation_failed=True),
            "function processor: last invocation failed",
        ),
        (
            lambda s: s["mappings"]["uuid-1/shardId-000000000000"].update(alive=False),
            "mapping uuid-1/shardId-000000000000: its poller stopped",
        ),
        (lambda s: s["apis"]["abc123defg"].update(last_status=502), "API web: last answer was 502"),
        (
            lambda s: s["failure_queues"]["processor-failures"].update(depth=3),
            "failure queue processor-failures: 3 message(s) waiting",
        ),
        (lambda s: s["errors"].update(discovery="EndpointConnectionError"), "runtime: discovery"),
    ],
)
def test_anything_failing_exits_1_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], breakage: Any, problem: str
) -> None:
    status = healthy_status()
    breakage(status)
    assert run(tmp_path, status) == EXIT_FAILING
    assert f"FAILING: {problem}" in capsys.readouterr().out


def test_no_runtime_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, None) == EXIT_NOT_RUNNING
    assert "not running" in capsys.readouterr().out


def test_a_runtime_that_stopped_updating_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = healthy_status()
    status["updated_at"] -= 60
    assert run(tmp_path, status) == EXIT_NOT_RUNNING
    assert "NOT RUNNING" in capsys.readouterr().out
