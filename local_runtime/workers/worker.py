"""Runs a deployed function's artifact in worker processes, as Lambda would.

A worker is one long-lived process (a warm execution environment) that serves one
invocation at a time; it is restarted after a timeout or a crash (a cold start). A
function's WorkerPool holds one worker per concurrent invocation, up to the function's
concurrency, as Lambda scales execution environments: concurrent callers (shards, queue
batches, API requests, async events) run at the same time.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from local_runtime.workers.counters import FunctionCounters
from local_runtime.workers.functions import DeployedFunction

_WORKER_SCRIPT = Path(__file__).with_name("lambda_worker.py")
# Generous allowance for interpreter start + imports before the first request.
_INIT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class InvocationResult:
    """What an invocation returned, or how it failed (as Lambda's FunctionError)."""

    payload: Any = None
    error_type: str | None = None
    error_message: str | None = None
    # "Unhandled" (the function raised), "Timeout", "Init" or "Runtime" (worker died).
    error_kind: str | None = None

    @property
    def failed(self) -> bool:
        return self.error_kind is not None


class Invoker(Protocol):
    """What event sources and the API gateway call to run a function: a worker pool."""

    def invoke(self, event: Any) -> InvocationResult: ...


class FunctionWorker:
    """One warm worker process for one deployed function."""

    def __init__(
        self,
        function: DeployedFunction,
        code_dir: Path,
        runtime_libs: list[Path],
        base_environment: dict[str, str],
        log_file: Path,
        *,
        counters: FunctionCounters | None = None,
    ) -> None:
        self.function = function
        # Kept across workers of one function (the runtime hands them on after a code change).
        self.counters = counters or FunctionCounters()
        self._code_dir = code_dir
        self._runtime_libs = runtime_libs
        self._base_environment = base_environment
        self._log_file = log_file
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self.last_init_ms: float | None = None

    def environment(self) -> dict[str, str]:
        """The function's configured variables over what the Lambda runtime sets."""
        function = self.function
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "en_US.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(self._code_dir),
            "_HANDLER": function.handler,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": function.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{uuid.uuid4().hex}",
            "LOCAL_RUNTIME_FUNCTION_ARN": function.arn,
            # X-Ray is not emulated: there is no daemon to send segments to.
            "POWERTOOLS_TRACE_DISABLED": "true",
            **self._base_environment,
            **function.environment,
        }

    def _start(self) -> subprocess.Popen[str]:
        self.counters.cold_start()
        log = open(self._log_file, "a", encoding="utf-8")  # noqa: SIM115 - owned by the child
        try:
            process = subprocess.Popen(  # noqa: S603 - our interpreter and our worker script
                [
                    sys.executable,
                    "-I",
                    "-S",
                    str(_WORKER_SCRIPT),
                    str(self._code_dir),
                    self.function.handler,
                    *map(str, self._runtime_libs),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env=self.environment(),
                cwd=self._code_dir,
                text=True,
                encoding="utf-8",
                start_new_session=True,
            )
        finally:
            log.close()
        ready = _read_reply(_pipe(process.stdout), _INIT_TIMEOUT_SECONDS)
        if ready is None or not ready.get("ok"):
            self._kill(process)
            detail = (ready or {}).get("errorMessage", "no answer from the worker")
            raise WorkerInitError(f"{self.function.name}: init failed: {detail}")
        self.last_init_ms = float(ready["init_ms"])
        return process

    @property
    def code_dir(self) -> Path:
        return self._code_dir

    def start(self) -> float:
        """Cold-start a fresh worker now, without invoking it; returns its init time (ms).

        Raises WorkerInitError when the artifact cannot be imported.
        """
        with self._lock:
            if self._process is not None:
                self._kill(self._process)
            self._process = self._start()
            return float(self.last_init_ms or 0.0)

    def invoke(self, event: Any) -> InvocationResult:
        """Invoke the function once with `event`, honouring its configured timeout."""
        result = self._invoke(event)
        self.counters.record(result)
        return result

    def _invoke(self, event: Any) -> InvocationResult:
        with self._lock:
            try:
                if self._process is None or self._process.poll() is not None:
                    self._process = self._start()
            except WorkerInitError as error:
                return InvocationResult(
                    error_kind="Init", error_type="Runtime.InitError", error_message=str(error)
                )
            process = self._process
            timeout = self.function.timeout_seconds
            request = {
                "request_id": str(uuid.uuid4()),
                "deadline_epoch_ms": int((time.time() + timeout) * 1000),
                "event": event,
            }
            try:
                _pipe(process.stdin).write(json.dumps(request) + "\n")
                _pipe(process.stdin).flush()
            except BrokenPipeError:
                self._process = None
                return InvocationResult(
                    error_kind="Runtime",
                    error_type="Runtime.ExitError",
                    error_message="worker exited before the request was sent",
                )
            reply = _read_reply(_pipe(process.stdout), timeout)
            if reply is None:
                self._kill(process)
                self._process = None
                timed_out = process.returncode is None or process.returncode < 0
                return InvocationResult(
                    error_kind="Timeout" if timed_out else "Runtime",
                    error_type="Sandbox.Timedout" if timed_out else "Runtime.ExitError",
                    error_message=f"Task timed out after {timeout:.2f} seconds"
                    if timed_out
                    else f"worker exited with status {process.returncode}",
                )
            if reply.get("ok"):
                return InvocationResult(payload=reply.get("result"))
            return InvocationResult(
                error_kind=reply.get("errorKind", "Unhandled"),
                error_type=reply.get("errorType"),
                error_message=reply.get("errorMessage"),
            )

    @staticmethod
    def _kill(process: subprocess.Popen[str]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()

    def stop(self) -> None:
        with self._lock:
            if self._process is not None:
                self._kill(self._process)
                self._process = None


class WorkerPool:
    """The warm workers of one deployed function, one per concurrent invocation.

    An invocation takes an idle worker (the most recently used: the warmest), or starts
    a new one while fewer than `limit` exist, or waits for one to come back: `limit` is
    the function's reserved concurrency, or the local default. `peak_concurrency` counts
    the most invocations that were in flight at once, `overlapping_invocations` those
    that started while another one was running.
    """

    def __init__(
        self,
        function: DeployedFunction,
        new_worker: Callable[[], FunctionWorker],
        limit: int,
        counters: FunctionCounters,
    ) -> None:
        self.function = function
        self.limit = max(1, limit)
        # Shared by every worker of the pool (new_worker hands them to each).
        self.counters = counters
        self._new_worker = new_worker
        self._workers: list[FunctionWorker] = []
        self._idle: list[FunctionWorker] = []
        self._changed = threading.Condition()
        self._in_flight = 0
        self.peak_concurrency = 0
        self.overlapping_invocations = 0

    @property
    def last_init_ms(self) -> float | None:
        """The init time of the most recently cold-started worker."""
        with self._changed:
            started = [w.last_init_ms for w in self._workers if w.last_init_ms is not None]
        return started[-1] if started else None

    def _acquire(self) -> FunctionWorker:
        with self._changed:
            while not self._idle and len(self._workers) >= self.limit:
                self._changed.wait()
            if self._idle:
                worker = self._idle.pop()
            else:
                worker = self._new_worker()
                self._workers.append(worker)
            self._in_flight += 1
            self.peak_concurrency = max(self.peak_concurrency, self._in_flight)
            self.overlapping_invocations += self._in_flight > 1
            return worker

    def _release(self, worker: FunctionWorker) -> None:
        with self._changed:
            self._in_flight -= 1
            if worker in self._workers:  # not stopped meanwhile
                self._idle.append(worker)
            self._changed.notify()

    def invoke(self, event: Any) -> InvocationResult:
        """Invoke on an idle or new worker, waiting while `limit` invocations are in flight."""
        worker = self._acquire()
        try:
            return worker.invoke(event)
        finally:
            self._release(worker)

    def stop(self) -> None:
        """Stop every worker; invocations in flight finish on theirs first."""
        with self._changed:
            workers, self._workers, self._idle = self._workers, [], []
        for worker in workers:
            worker.stop()


class WorkerInitError(RuntimeError):
    """The function's module could not be imported or its handler found."""


def _read_reply(stream: IO[str], timeout: float) -> dict[str, Any] | None:
    """One JSON line from the worker, or None on timeout or end of stream."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive() or not result or not result[0]:
        return None
    reply: dict[str, Any] = json.loads(result[0])
    return reply


def _pipe(stream: IO[str] | None) -> IO[str]:
    if stream is None:  # only when Popen was not asked for a pipe: a bug here
        raise RuntimeError("worker pipe missing")
    return stream
