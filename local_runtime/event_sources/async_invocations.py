"""Lambda's asynchronous invocation (how S3 invokes functions), as AWS documents it.

- Events wait in a per-function queue; up to ASYNC_CONCURRENCY of them are invoked at
  once (the function's worker pool bounds that by its concurrency too).
- A failed invocation is retried MaximumRetryAttempts times (default 2), after a
  delay; Lambda waits about 1 then 2 minutes, locally the delays are short.
  Other events of the function go ahead while one waits for its retry.
- An event older than MaximumEventAgeInSeconds (default 6 hours) is not invoked.
- When retries are exhausted or the event expires, the invocation record goes to
  the function's on-failure destination (DestinationConfig.OnFailure), if any.
The configuration is read when each event is attempted, so a change applied by
Terraform takes effect on the next attempt, as on AWS.
The queue lives in memory: events still queued when the runtime stops are lost
(Lambda's queue is durable); a restart never re-reads them.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from local_runtime.event_sources.event_source_mapping import FailureDestination, iso_timestamp
from local_runtime.workers.worker import InvocationResult, Invoker

log = logging.getLogger(__name__)

DEFAULT_MAX_RETRY_ATTEMPTS = 2
DEFAULT_MAX_EVENT_AGE_SECONDS = 21600
LOCAL_RETRY_DELAYS_SECONDS = (1.0, 2.0)
# Events of one function in flight at once (consumers of its queue).
ASYNC_CONCURRENCY = 4


@dataclass(frozen=True)
class AsyncConfig:
    """A function's event invoke config (GetFunctionEventInvokeConfig) with AWS defaults."""

    max_retry_attempts: int = DEFAULT_MAX_RETRY_ATTEMPTS
    max_event_age_seconds: int = DEFAULT_MAX_EVENT_AGE_SECONDS
    on_failure_destination: str | None = None

    @classmethod
    def from_api(cls, config: Mapping[str, Any] | None) -> AsyncConfig:
        config = config or {}
        retries = config.get("MaximumRetryAttempts")
        age = config.get("MaximumEventAgeInSeconds")
        destination = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        )
        return cls(
            max_retry_attempts=DEFAULT_MAX_RETRY_ATTEMPTS if retries is None else int(retries),
            max_event_age_seconds=DEFAULT_MAX_EVENT_AGE_SECONDS if age is None else int(age),
            on_failure_destination=destination or None,
        )


@dataclass(order=True)
class _Queued:
    due: float
    order: int
    event: Any = field(compare=False)
    request_id: str = field(compare=False)
    received_at: float = field(compare=False)
    attempts: int = field(compare=False, default=0)


@dataclass
class AsyncStats:
    """Counters per function, published in the runtime's status file."""

    events_received: int = 0
    invocations: int = 0
    function_errors: int = 0
    events_succeeded: int = 0
    events_to_failure_destination: int = 0
    events_discarded: int = 0
    queued: int = 0
    last_error: str | None = None


class AsyncInvoker:
    """Queues events for functions and delivers them with Lambda's async semantics."""

    def __init__(
        self,
        invoker_for: Callable[[str], Invoker],
        config_for: Callable[[str], AsyncConfig],
        destination: FailureDestination,
        retry_delays: tuple[float, ...] = LOCAL_RETRY_DELAYS_SECONDS,
        # Stamps arrival and measures event age (tests move it; retries use real time).
        age_clock: Callable[[], float] = time.time,
    ) -> None:
        self._invoker_for = invoker_for
        self._config_for = config_for
        self._destination = destination
        self._retry_delays = retry_delays
        self._age_clock = age_clock
        self._order = itertools.count()
        self._queues: dict[str, list[_Queued]] = {}
        self._threads: dict[str, list[threading.Thread]] = {}
        self._wakeup = threading.Condition()
        self._stop = False
        self.stats: dict[str, AsyncStats] = {}

    def submit(self, function_arn: str, event: Any) -> str:
        """Accept an event (as Invoke with InvocationType=Event does); returns its request id."""
        request_id = str(uuid.uuid4())
        with self._wakeup:
            if self._stop:
                raise RuntimeError("the async invoker is stopped")
            queue = self._queues.setdefault(function_arn, [])
            heapq.heappush(
                queue,
                _Queued(time.time(), next(self._order), event, request_id, self._age_clock()),
            )
            stats = self.stats.setdefault(function_arn, AsyncStats())
            stats.events_received += 1
            stats.queued = len(queue)
            if function_arn not in self._threads:
                consumers = [
                    threading.Thread(
                        target=self._run,
                        args=(function_arn,),
                        name=f"async-{function_arn.rsplit(':', 1)[-1]}-{consumer}",
                        daemon=True,
                    )
                    for consumer in range(ASYNC_CONCURRENCY)
                ]
                self._threads[function_arn] = consumers
                for thread in consumers:
                    thread.start()
            self._wakeup.notify_all()
        return request_id

    def stop(self) -> None:
        with self._wakeup:
            self._stop = True
            self._wakeup.notify_all()
        for consumers in list(self._threads.values()):
            for thread in consumers:
                thread.join(timeout=30)

    def _next_due(self, function_arn: str) -> _Queued | None:
        """Block until an event of this function is due; None once stopped."""
        with self._wakeup:
            queue = self._queues[function_arn]
            while not self._stop:
                wait = queue[0].due - time.time() if queue else None
                if wait is not None and wait <= 0:
                    item = heapq.heappop(queue)
                    self.stats[function_arn].queued = len(queue)
                    return item
                self._wakeup.wait(wait)
            return None

    def _requeue(self, function_arn: str, item: _Queued, delay: float) -> None:
        with self._wakeup:
            item.due = time.time() + delay
            queue = self._queues[function_arn]
            heapq.heappush(queue, item)
            self.stats[function_arn].queued = len(queue)
            self._wakeup.notify_all()

    def _run(self, function_arn: str) -> None:
        while (item := self._next_due(function_arn)) is not None:
            try:
                self._attempt(function_arn, item)
            except Exception as error:  # e.g. destination unreachable: report, keep serving
                self.stats[function_arn].last_error = f"{type(error).__name__}: {error}"
                log.exception("async event %s for %s; requeued", item.request_id, function_arn)
                # Kept, not dropped: Lambda's queue holds an event until it succeeds or
                # reaches its destination, whatever fails in between.
                self._requeue(function_arn, item, self._retry_delays[-1])

    def _attempt(self, function_arn: str, item: _Queued) -> None:
        stats = self.stats[function_arn]
        config = self._config_for(function_arn)
        if self._age_clock() - item.received_at > config.max_event_age_seconds:
            self._fail(function_arn, item, config, "EventAgeExceeded", None)
            return
        try:
            result = self._invoker_for(function_arn).invoke(item.event)
        except Exception as error:  # no worker (artifact missing): a failed attempt
            result = InvocationResult(
                error_kind="Runtime", error_type=type(error).__name__, error_message=str(error)
            )
        item.attempts += 1
        stats.invocations += 1
        if not result.failed:
            stats.events_succeeded += 1
            return
        stats.function_errors += 1
        stats.last_error = f"{result.error_type}: {result.error_message}"
        if item.attempts > config.max_retry_attempts:
            self._fail(function_arn, item, config, "RetriesExhausted", result)
            return
        delay = self._retry_delays[min(item.attempts, len(self._retry_delays)) - 1]
        self._requeue(function_arn, item, delay)

    def _fail(
        self,
        function_arn: str,
        item: _Queued,
        config: AsyncConfig,
        condition: str,
        result: InvocationResult | None,
    ) -> None:
        stats = self.stats[function_arn]
        if config.on_failure_destination is None:
            stats.events_discarded += 1
            log.warning(
                "async event %s for %s discarded (%s): no on-failure destination",
                item.request_id,
                function_arn,
                condition,
            )
            return
        self._destination.send(
            config.on_failure_destination,
            failure_record(
                function_arn,
                request_id=item.request_id,
                event=item.event,
                condition=condition,
                invoke_count=item.attempts,
                result=result,
            ),
        )
        stats.events_to_failure_destination += 1


def failure_record(
    function_arn: str,
    *,
    request_id: str,
    event: Any,
    condition: str,
    invoke_count: int,
    result: InvocationResult | None,
) -> dict[str, Any]:
    """The invocation record Lambda sends to an async on-failure destination."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_timestamp(time.time()),
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{function_arn}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": event,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": (result.error_kind or "") if result else "",
        },
    }
    if result is not None:
        record["responsePayload"] = {
            "errorMessage": result.error_message,
            "errorType": result.error_type,
        }
    return record
