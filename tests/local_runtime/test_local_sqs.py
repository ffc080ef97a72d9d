"""SQS mapping semantics without an emulator: records, responses, batching, filters."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Any

import pytest

from local_runtime.event_sources.event_source_mapping import MAX_EVENT_BYTES
from local_runtime.event_sources.sqs import (
    InvalidQueueMappingError,
    Queue,
    QueueMappingConfig,
    QueuePoller,
    batch_outcome,
    event_record,
    filter_view,
    payload_batches,
)
from local_runtime.workers.worker import InvocationResult

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:pushes"
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:push_notifier"


def mapping(**overrides: Any) -> QueueMappingConfig:
    return QueueMappingConfig.from_api(
        {"UUID": "m-1", "FunctionArn": FUNCTION_ARN, "EventSourceArn": QUEUE_ARN, **overrides}
    )


def received(message_id: str, body: str = "{}") -> dict[str, Any]:
    """A message as boto3's ReceiveMessage returns it."""
    return {
        "MessageId": message_id,
        "ReceiptHandle": f"handle-{message_id}",
        "MD5OfBody": "md5",
        "Body": body,
        "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"},
    }


def records(*ids: str) -> list[dict[str, Any]]:
    return [event_record(received(i), QUEUE_ARN, "eu-west-1") for i in ids]


def test_record_is_shaped_as_lambda_sends_it() -> None:
    message = received("id-1", "hello") | {
        "MD5OfMessageAttributes": "attrs-md5",
        "MessageAttributes": {
            "kind": {"StringValue": "push", "DataType": "String"},
            "blob": {"BinaryValue": b"\x00\xff", "DataType": "Binary"},
        },
    }
    assert event_record(message, QUEUE_ARN, "eu-west-1") == {
        "messageId": "id-1",
        "receiptHandle": "handle-id-1",
        "body": "hello",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1700000000000"},
        "messageAttributes": {
            "kind": {
                "stringValue": "push",
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "String",
            },
            "blob": {
                "binaryValue": "AP8=",
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "Binary",
            },
        },
        "md5OfMessageAttributes": "attrs-md5",
        "md5OfBody": "md5",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "eu-west-1",
    }


@pytest.mark.parametrize("payload", [None, {}, {"batchItemFailures": []}, "anything"])
def test_without_report_batch_item_failures_any_answer_deletes_everything(payload: Any) -> None:
    batch = records("a", "b")
    outcome = batch_outcome(batch, InvocationResult(payload=payload), False)
    assert outcome.done == batch
    assert outcome.error is None


@pytest.mark.parametrize("payload", [None, {}, {"batchItemFailures": []}])
def test_empty_partial_response_is_success(payload: Any) -> None:
    batch = records("a", "b")
    assert batch_outcome(batch, InvocationResult(payload=payload), True).done == batch


def test_partial_response_keeps_only_the_reported_messages() -> None:
    batch = records("a", "b", "c")
    payload = {"batchItemFailures": [{"itemIdentifier": "b"}]}
    outcome = batch_outcome(batch, InvocationResult(payload=payload), True)
    assert [r["messageId"] for r in outcome.done] == ["a", "c"]
    assert outcome.error == "function reported 1 failed message(s)"


@pytest.mark.parametrize(
    "payload",
    [
        {"batchItemFailures": [{"itemIdentifier": "unknown"}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"messageId": "a"}]},
        {"batchItemFailures": [{"itemIdentifier": "a"}, {"itemIdentifier": "handle-b"}]},
        {"batchItemFailures": "a"},
        "not an object",
    ],
)
def test_invalid_partial_response_fails_the_whole_batch(payload: Any) -> None:
    outcome = batch_outcome(records("a", "b"), InvocationResult(payload=payload), True)
    assert outcome.done == []
    assert outcome.error is not None
    assert "invalid batchItemFailures entry" in outcome.error


def test_function_error_deletes_nothing() -> None:
    failed = InvocationResult(error_kind="Unhandled", error_type="ValueError", error_message="x")
    outcome = batch_outcome(records("a"), failed, True)
    assert outcome.done == []
    assert outcome.error == "ValueError: x"


def test_filters_see_the_body_parsed_when_it_is_json() -> None:
    (json_record,) = records("a")
    json_record["body"] = json.dumps({"kind": "push", "n": 3})
    (text_record,) = records("b")
    text_record["body"] = "plain"
    assert filter_view(json_record) == {"body": {"kind": "push", "n": 3}}
    assert filter_view(text_record) == {"body": "plain"}
    pushes = mapping(FilterCriteria={"Filters": [{"Pattern": '{"body": {"kind": ["push"]}}'}]})
    assert pushes.filters.matches(filter_view(json_record))
    assert not pushes.filters.matches(filter_view(text_record))


def test_filters_on_other_keys_than_body_are_refused() -> None:
    with pytest.raises(InvalidQueueMappingError, match="body"):
        mapping(FilterCriteria={"Filters": [{"Pattern": '{"attributes": {"x": ["y"]}}'}]})


def test_mapping_defaults_and_settings() -> None:
    default = mapping()
    assert (default.batch_size, default.batching_window_seconds) == (10, 0.0)
    assert not default.report_batch_item_failures
    assert default.enabled
    assert not default.fifo
    configured = mapping(
        BatchSize=50,
        MaximumBatchingWindowInSeconds=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        ScalingConfig={"MaximumConcurrency": 5},
        State="Disabled",
    )
    assert (configured.batch_size, configured.batching_window_seconds) == (50, 2.0)
    assert configured.report_batch_item_failures
    assert configured.maximum_concurrency == 5
    assert not configured.enabled
    assert mapping(EventSourceArn=QUEUE_ARN + ".fifo").fifo


def test_visibility_timeout_shorter_than_function_timeout_is_refused() -> None:
    Queue("url", 30).check_serves(mapping(), 30)
    with pytest.raises(InvalidQueueMappingError, match="visibility timeout"):
        Queue("url", 5).check_serves(mapping(), 6)


def test_payload_batches_stay_under_the_invocation_limit() -> None:
    big = records("a", "b", "c")
    for record in big:
        record["body"] = "x" * (MAX_EVENT_BYTES // 2)  # two exceed the limit
    assert [[r["messageId"] for r in b] for b in payload_batches(big)] == [["a"], ["b"], ["c"]]
    small = records("a", "b", "c")
    assert payload_batches(small) == [small]


class FakeQueue:
    """ReceiveMessage hands out the queued messages; deletions are recorded."""

    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.messages = messages
        self.receive_sizes: list[int] = []
        self.deleted: list[str] = []

    def receive_message(self, **kwargs: Any) -> dict[str, Any]:
        count = kwargs["MaxNumberOfMessages"]
        assert kwargs["AttributeNames"] == ["All"]
        assert kwargs["MessageAttributeNames"] == ["All"]
        self.receive_sizes.append(count)
        page, self.messages = self.messages[:count], self.messages[count:]
        return {"Messages": page}

    def delete_message_batch(self, **kwargs: Any) -> dict[str, Any]:
        entries = kwargs["Entries"]
        assert len(entries) <= 10
        self.deleted += [e["ReceiptHandle"] for e in entries]
        return {"Successful": [{"Id": e["Id"]} for e in entries]}


class FakeClock:
    """Monotonic time that only moves when the poller sleeps or a receive waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)


def _one_per_call(receive: Any, clock: FakeClock) -> Any:
    """A queue that hands out one message a call and long-polls when it is empty."""

    def receive_one(**kwargs: Any) -> dict[str, Any]:
        reply: dict[str, Any] = receive(**(kwargs | {"MaxNumberOfMessages": 1}))
        if not reply["Messages"]:
            clock.now += kwargs["WaitTimeSeconds"]
        return reply

    return receive_one


class RecordingFunction:
    def __init__(self, result: InvocationResult) -> None:
        self.result = result
        self.events: list[Any] = []

    def invoke(self, event: Any) -> InvocationResult:
        self.events.append(event)
        return self.result


def poller(queue: FakeQueue, function: RecordingFunction, **overrides: Any) -> QueuePoller:
    return QueuePoller(mapping(**overrides), queue, Queue("url", 30), lambda _arn: function)


def test_window_collects_several_receives_up_to_batch_size() -> None:
    queue = FakeQueue([received(str(i)) for i in range(25)])
    function = RecordingFunction(InvocationResult(payload=None))
    step = poller(queue, function, BatchSize=23, MaximumBatchingWindowInSeconds=5).step
    assert step(threading.Event())
    assert queue.receive_sizes == [10, 10, 3]
    ((event),) = function.events
    assert [r["messageId"] for r in event["Records"]] == [str(i) for i in range(23)]
    assert queue.deleted == [f"handle-{i}" for i in range(23)]


def test_without_window_one_receive_is_one_batch() -> None:
    queue = FakeQueue([received(str(i)) for i in range(25)])
    function = RecordingFunction(InvocationResult(payload=None))
    assert poller(queue, function, BatchSize=3).step(threading.Event())
    assert queue.receive_sizes == [3]
    assert len(function.events[0]["Records"]) == 3


def test_filtered_out_messages_are_deleted_undelivered() -> None:
    queue = FakeQueue([received("keep", '{"kind": "push"}'), received("drop", "text")])
    function = RecordingFunction(
        InvocationResult(error_kind="Unhandled", error_type="E", error_message="m")
    )
    queue_poller = poller(
        queue, function, FilterCriteria={"Filters": [{"Pattern": '{"body": {"kind": ["push"]}}'}]}
    )
    assert queue_poller.step(threading.Event())
    assert [r["messageId"] for r in function.events[0]["Records"]] == ["keep"]
    assert queue.deleted == ["handle-drop"]  # the failed batch stays in flight
    assert queue_poller.stats.messages_filtered_out == 1
    assert queue_poller.stats.function_errors == 1


def test_a_message_received_again_within_the_window_is_delivered_once() -> None:
    again = received("a") | {"ReceiptHandle": "newer-handle"}
    queue = FakeQueue([received("a"), received("b"), again])
    clock = FakeClock()
    queue.receive_message = _one_per_call(queue.receive_message, clock)  # type: ignore[method-assign]
    function = RecordingFunction(InvocationResult(payload=None))
    queue_poller = QueuePoller(
        mapping(MaximumBatchingWindowInSeconds=30),
        queue,
        Queue("url", 1),
        lambda _: function,
        clock,
    )
    assert queue_poller.step(threading.Event())
    ((event),) = function.events
    assert [(r["messageId"], r["receiptHandle"]) for r in event["Records"]] == [
        ("a", "newer-handle"),
        ("b", "handle-b"),
    ]
    assert queue.deleted == ["newer-handle", "handle-b"]


def test_an_empty_queue_is_one_quiet_step() -> None:
    function = RecordingFunction(InvocationResult(payload=None))
    assert not poller(FakeQueue([]), function).step(threading.Event())
    assert function.events == []


def test_standard_queues_poll_concurrently_fifo_queues_one_batch_at_a_time() -> None:
    function = RecordingFunction(InvocationResult(payload=None))
    assert poller(FakeQueue([]), function).concurrency == 5  # Lambda's starting pollers
    configured = poller(FakeQueue([]), function, ScalingConfig={"MaximumConcurrency": 2})
    assert configured.concurrency == 2
    fifo = poller(FakeQueue([]), function, EventSourceArn=QUEUE_ARN + ".fifo")
    assert fifo.concurrency == 1


def test_concurrent_polling_loops_deliver_each_message_once() -> None:
    """Several loops share one queue: every message is delivered and deleted once, and
    the batches were in flight together."""
    queue = FakeQueue([received(str(i)) for i in range(40)])
    in_flight, peak, lock = [0], [0], threading.Lock()
    both_started = threading.Barrier(2, timeout=10)

    class OverlappingFunction(RecordingFunction):
        def invoke(self, event: Any) -> InvocationResult:
            with lock:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])
            with contextlib.suppress(threading.BrokenBarrierError):
                both_started.wait()  # the first two batches wait for each other
            with lock:
                in_flight[0] -= 1
            return super().invoke(event)

    function = OverlappingFunction(InvocationResult(payload=None))
    queue_lock = threading.Lock()
    receive, delete = queue.receive_message, queue.delete_message_batch
    queue.receive_message = lambda **kw: _locked(queue_lock, receive, kw)  # type: ignore[method-assign]
    queue.delete_message_batch = lambda **kw: _locked(queue_lock, delete, kw)  # type: ignore[method-assign]
    subject = poller(queue, function, BatchSize=5, ScalingConfig={"MaximumConcurrency": 2})
    stop = threading.Event()
    runner = threading.Thread(target=subject.run, args=(stop,))
    runner.start()
    deadline = time.monotonic() + 10
    while len(queue.deleted) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    runner.join(timeout=10)

    delivered = [r["messageId"] for event in function.events for r in event["Records"]]
    assert sorted(delivered, key=int) == [str(i) for i in range(40)]
    assert sorted(queue.deleted) == sorted(f"handle-{i}" for i in range(40))
    assert peak[0] == 2
    assert subject.stats.messages_deleted == 40


def _locked(lock: threading.Lock, call: Any, kwargs: dict[str, Any]) -> Any:
    with lock:
        return call(**kwargs)
