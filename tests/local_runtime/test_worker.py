"""A function runs from its unzipped artifact in an isolated worker process."""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from local_runtime.workers.counters import FunctionCounters
from local_runtime.workers.functions import (
    ArtifactNotFoundError,
    ArtifactStore,
    DeployedFunction,
    code_sha256,
)
from local_runtime.workers.worker import FunctionWorker, WorkerPool

HANDLER = """
import json, os, sys, time

def lambda_handler(event, context):
    if event.get("sleep"):
        time.sleep(event["sleep"])
    if event.get("raise"):
        raise ValueError(event["raise"])
    if event.get("import"):
        __import__(event["import"])
    print("a log line, not a reply")
    return {
        "env": os.environ.get("GREETING"),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "function": context.function_name,
        "remaining_ok": 0 < context.get_remaining_time_in_millis() <= 2000,
        "pid": os.getpid(),
    }
"""


def deployed(artifact: Path, handler: str = "probe.handler.lambda_handler") -> DeployedFunction:
    return DeployedFunction(
        name="probe",
        arn="arn:aws:lambda:eu-west-1:123456789012:function:probe",
        handler=handler,
        runtime="python3.12",
        timeout_seconds=2,
        memory_mb=128,
        environment={"GREETING": "hello"},
        code_sha256=code_sha256(artifact),
        log_group_name="/aws/lambda/probe",
    )


def start_worker(
    tmp_path: Path, artifact: Path, handler: str = "probe.handler.lambda_handler"
) -> FunctionWorker:
    function = deployed(artifact, handler)
    store = ArtifactStore(artifact.parent, tmp_path / "code")
    return FunctionWorker(
        function,
        store.code_dir(function),
        [],
        {"AWS_ENDPOINT_URL": "http://127.0.0.1:1"},
        log_file=tmp_path / "probe.log",
    )


def test_invocation_gets_configured_environment_and_context(tmp_path: Path, make_artifact) -> None:
    worker = start_worker(tmp_path, make_artifact(HANDLER))
    try:
        result = worker.invoke({})
        assert not result.failed, result
        assert result.payload["env"] == "hello"
        assert result.payload["endpoint"] == "http://127.0.0.1:1"
        assert result.payload["function"] == "probe"
        assert result.payload["remaining_ok"] is True
        # Warm: the same process serves the next invocation.
        assert worker.invoke({}).payload["pid"] == result.payload["pid"]
        assert worker.last_init_ms is not None
    finally:
        worker.stop()
    assert "a log line, not a reply" in (tmp_path / "probe.log").read_text()


def test_function_error_is_reported_not_raised(tmp_path: Path, make_artifact) -> None:
    worker = start_worker(tmp_path, make_artifact(HANDLER))
    try:
        result = worker.invoke({"raise": "bad input"})
        assert (result.error_kind, result.error_type, result.error_message) == (
            "Unhandled",
            "ValueError",
            "bad input",
        )
        assert not worker.invoke({}).failed
    finally:
        worker.stop()


def test_timeout_kills_the_worker_and_next_call_is_a_cold_start(
    tmp_path: Path, make_artifact
) -> None:
    worker = start_worker(tmp_path, make_artifact(HANDLER))
    try:
        first_pid = worker.invoke({}).payload["pid"]
        result = worker.invoke({"sleep": 5})
        assert result.error_kind == "Timeout"
        assert "timed out after 2.00 seconds" in (result.error_message or "")
        assert worker.invoke({}).payload["pid"] != first_pid
    finally:
        worker.stop()


def test_project_venv_is_not_importable_only_the_artifact_is(tmp_path: Path, make_artifact) -> None:
    worker = start_worker(tmp_path, make_artifact(HANDLER))
    try:
        result = worker.invoke({"import": "moto"})  # installed in the venv, not in the zip
        assert result.error_type == "ModuleNotFoundError"
    finally:
        worker.stop()


def test_import_error_in_the_artifact_is_an_init_failure(tmp_path: Path, make_artifact) -> None:
    worker = start_worker(tmp_path, make_artifact("import not_bundled\n"))
    result = worker.invoke({})
    assert result.error_kind == "Init"
    assert "not_bundled" in (result.error_message or "")


def test_unknown_artifact_names_the_fix(tmp_path: Path, make_artifact) -> None:
    artifact = make_artifact(HANDLER)
    function = deployed(artifact)
    other = tmp_path / "elsewhere"
    other.mkdir()
    with zipfile.ZipFile(other / "x.zip", "w") as archive:
        archive.writestr("x.py", "")
    with pytest.raises(ArtifactNotFoundError, match="make build"):
        ArtifactStore(other, tmp_path / "code").code_dir(function)


def test_pool_runs_concurrent_invocations_on_separate_workers_up_to_its_limit(
    tmp_path: Path, make_artifact
) -> None:
    """Three callers at once on a pool of two: two run side by side in two processes,
    the third waits for a free worker (the warmest), as Lambda's concurrency limit."""
    artifact = make_artifact(HANDLER)
    pool = WorkerPool(
        deployed(artifact),
        lambda: start_worker(tmp_path, artifact),
        limit=2,
        counters=FunctionCounters(),
    )
    try:
        pool.invoke({})  # one warm worker first, so the timing below is not a cold start
        with ThreadPoolExecutor(max_workers=3) as callers:
            results = list(callers.map(pool.invoke, [{"sleep": 0.5}] * 3))
        assert all(not result.failed for result in results), results
        assert len({result.payload["pid"] for result in results}) == 2
        assert pool.peak_concurrency == 2
        assert pool.overlapping_invocations >= 1
        assert pool.last_init_ms is not None
    finally:
        pool.stop()


def test_pool_of_one_serializes_invocations(tmp_path: Path, make_artifact) -> None:
    artifact = make_artifact(HANDLER)
    pool = WorkerPool(
        deployed(artifact),
        lambda: start_worker(tmp_path, artifact),
        limit=1,
        counters=FunctionCounters(),
    )
    try:
        with ThreadPoolExecutor(max_workers=2) as callers:
            results = list(callers.map(pool.invoke, [{"sleep": 0.2}] * 2))
        assert results[0].payload["pid"] == results[1].payload["pid"]
        assert pool.peak_concurrency == 1
        assert pool.overlapping_invocations == 0
    finally:
        pool.stop()
