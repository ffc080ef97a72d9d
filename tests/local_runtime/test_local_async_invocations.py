"""Lambda's asynchronous invocation: retries with delays, max event age, on-failure record."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from local_runtime.event_sources.async_invocations import AsyncConfig, AsyncInvoker
from local_runtime.workers.worker import InvocationResult

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer"
DESTINATION = "arn:aws:sqs:eu-west-1:123456789012:thumbnail-failures"
FAILED = InvocationResult(error_kind="Unhandled", error_type="OSError", error_message="S3 down")


class Function:
    """Returns `behaviour(event, attempt_of_that_event)`; records (event, time) per call."""

    def __init__(self, behaviour: Callable[[Any, int], InvocationResult]) -> None:
        self.behaviour = behaviour
        self.calls: list[tuple[Any, float]] = []
        self._lock = threading.Lock()

    def invoke(self, event: Any) -> InvocationResult:
        with self._lock:
            attempt = sum(1 for e, _ in self.calls if e == event)
            self.calls.append((event, time.monotonic()))
        return self.behaviour(event, attempt)


class Destination:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def send(self, arn: str, message: dict[str, Any]) -> None:
        self.messages.append((arn, message))


def run(
    function: Function,
    events: list[Any],
    config: AsyncConfig,
    until: Callable[[Destination], bool],
    delays: tuple[float, ...] = (0.1, 0.2),
) -> tuple[AsyncInvoker, Destination]:
    destination = Destination()
    invoker = AsyncInvoker(lambda arn: function, lambda arn: config, destination, delays)
    for event in events:
        invoker.submit(FUNCTION, event)
    deadline = time.monotonic() + 10
    while not until(destination) and time.monotonic() < deadline:
        time.sleep(0.02)
    invoker.stop()
    return invoker, destination


def test_defaults_are_lambdas() -> None:
    assert AsyncConfig.from_api(None) == AsyncConfig(2, 21600, None)
    config = AsyncConfig.from_api(
        {
            "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 60,
            "DestinationConfig": {"OnFailure": {"Destination": DESTINATION}},
        }
    )
    assert config == AsyncConfig(0, 60, DESTINATION)


def test_failing_event_is_tried_three_times_with_growing_delays_then_sent() -> None:
    function = Function(lambda event, attempt: FAILED)
    invoker, destination = run(
        function,
        [{"Records": ["e1"]}],
        AsyncConfig(on_failure_destination=DESTINATION),
        until=lambda d: bool(d.messages),
    )
    times = [t for _, t in function.calls]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.1
    assert times[2] - times[1] >= 0.2
    ((arn, record),) = destination.messages
    assert arn == DESTINATION
    assert record["version"] == "1.0"
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"] == f"{FUNCTION}:$LATEST"
    assert record["requestPayload"] == {"Records": ["e1"]}
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"] == {"errorMessage": "S3 down", "errorType": "OSError"}
    stats = invoker.stats[FUNCTION]
    assert (stats.invocations, stats.events_to_failure_destination, stats.queued) == (3, 1, 0)


def test_a_retry_that_succeeds_sends_nothing() -> None:
    function = Function(lambda event, attempt: FAILED if attempt == 0 else InvocationResult())
    _, destination = run(
        function,
        ["e1"],
        AsyncConfig(on_failure_destination=DESTINATION),
        until=lambda d: invoker_done(function, 2),
    )
    assert len(function.calls) == 2
    assert destination.messages == []


def invoker_done(function: Function, calls: int) -> bool:
    return len(function.calls) >= calls


def test_events_waiting_for_a_retry_do_not_block_newer_events() -> None:
    function = Function(lambda event, attempt: FAILED if event == "bad" else InvocationResult())
    _, destination = run(
        function,
        ["bad", "good-1", "good-2"],
        AsyncConfig(max_retry_attempts=1, on_failure_destination=DESTINATION),
        until=lambda d: bool(d.messages),
        delays=(0.5,),
    )
    order = [event for event, _ in function.calls]
    assert order == ["bad", "good-1", "good-2", "bad"]
    assert destination.messages[0][1]["requestContext"]["approximateInvokeCount"] == 2


def test_expired_events_go_to_the_destination_uninvoked() -> None:
    destination = Destination()
    function = Function(lambda event, attempt: InvocationResult())
    clock = iter([0.0, 61.0])  # arrival, then the first attempt a minute later
    invoker = AsyncInvoker(
        lambda arn: function,
        lambda arn: AsyncConfig(max_event_age_seconds=60, on_failure_destination=DESTINATION),
        destination,
        age_clock=lambda: next(clock),
    )
    invoker.submit(FUNCTION, "e1")
    deadline = time.monotonic() + 5
    while not destination.messages and time.monotonic() < deadline:
        time.sleep(0.02)
    invoker.stop()
    assert function.calls == []
    record = destination.messages[0][1]
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["responseContext"]["functionError"] == ""
    assert "responsePayload" not in record


def test_without_a_destination_the_event_is_counted_as_discarded() -> None:
    function = Function(lambda event, attempt: FAILED)
    invoker, _ = run(
        function,
        ["e1"],
        AsyncConfig(max_retry_attempts=0),
        until=lambda d: invoker_done(function, 1),
    )
    deadline = time.monotonic() + 5
    while invoker.stats[FUNCTION].events_discarded == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert invoker.stats[FUNCTION].events_discarded == 1


def test_missing_worker_is_a_failed_attempt_not_a_lost_event() -> None:
    destination = Destination()

    def no_worker(arn: str) -> Any:
        raise LookupError("artifact not built")

    invoker = AsyncInvoker(
        no_worker, lambda arn: AsyncConfig(0, 60, DESTINATION), destination, (0.01,)
    )
    invoker.submit(FUNCTION, "e1")
    deadline = time.monotonic() + 5
    while not destination.messages and time.monotonic() < deadline:
        time.sleep(0.02)
    invoker.stop()
    record = destination.messages[0][1]
    assert record["responsePayload"]["errorType"] == "LookupError"


def test_an_event_whose_handling_fails_is_requeued_not_dropped() -> None:
    destination = Destination()
    outages = iter([ConnectionError("destination unreachable"), OSError("config unreadable")])

    def flaky_config(arn: str) -> AsyncConfig:
        # Fails twice (as reading the config or sending to the destination may), then
        # works: the event must still end in the destination.
        outage = next(outages, None)
        if outage is not None:
            raise outage
        return AsyncConfig(0, 60, DESTINATION)

    function = Function(lambda event, attempt: FAILED)
    invoker = AsyncInvoker(lambda arn: function, flaky_config, destination, (0.01,))
    invoker.submit(FUNCTION, "e1")
    deadline = time.monotonic() + 5
    while not destination.messages and time.monotonic() < deadline:
        time.sleep(0.02)
    invoker.stop()

    assert [message["requestPayload"] for _, message in destination.messages] == ["e1"]
    assert len(function.calls) == 1


def test_submit_after_stop_is_refused() -> None:
    invoker = AsyncInvoker(
        lambda arn: Function(lambda e, a: FAILED), lambda arn: AsyncConfig(), Destination()
    )
    invoker.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        invoker.submit(FUNCTION, "e1")
