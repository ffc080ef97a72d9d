"""Counters the runtime keeps per function and per REST API, for the status command and
the console page (local_runtime/status/status_report.py, local_runtime/gateway/console/).

Each is updated by whatever thread invokes or answers, hence the lock.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from local_runtime.workers.worker import InvocationResult


@dataclass
class FunctionCounters:
    """Invocations of one function: how many, how many failed, cold or warm."""

    invocations: int = 0
    errors: int = 0
    # Worker processes started (each a cold start); the other invocations were warm.
    cold_starts: int = 0
    last_error: str | None = None
    last_invocation_failed: bool = False
    last_invoked_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def cold_start(self) -> None:
        with self._lock:
            self.cold_starts += 1

    def record(self, result: InvocationResult) -> None:
        with self._lock:
            self.invocations += 1
            self.last_invocation_failed = result.failed
            self.last_invoked_at = time.time()
            if result.failed:
                self.errors += 1
                self.last_error = f"{result.error_type}: {result.error_message}"

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            warm = max(0, self.invocations - self.cold_starts)
            return {**_public_fields(self), "warm_starts": warm}


@dataclass
class ApiCounters:
    """Requests one REST API answered, by class of status."""

    requests: int = 0
    client_errors: int = 0
    server_errors: int = 0
    last_status: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.last_status = status
            if 400 <= status < 500:
                self.client_errors += 1
            elif status >= 500:
                self.server_errors += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return _public_fields(self)


def _public_fields(counters: FunctionCounters | ApiCounters) -> dict[str, Any]:
    return {f.name: getattr(counters, f.name) for f in fields(counters) if f.name != "_lock"}
