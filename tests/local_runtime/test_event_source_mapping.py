"""ShardPoller semantics against an in-memory stream and a scripted function."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from local_runtime.event_sources.checkpoints import CheckpointStore
from local_runtime.event_sources.event_source_mapping import (
    MAX_EVENT_BYTES,
    MappingConfig,
    ShardPoller,
    StreamRecord,
    lane_of,
)
from local_runtime.event_sources.filters import FilterCriteria
from local_runtime.workers.worker import InvocationResult

SHARD = "shardId-000000000000"
STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/s"
DESTINATION = "arn:aws:sqs:eu-west-1:123456789012:failures"


class FakeClock:
    """Monotonic time that only moves when the poller sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.001)


class MemoryStream:
    """A one-shard stream; `read` hands out at most `per_read` records a call."""

    batch_info_key = "KinesisBatchInfo"
    source_arn = STREAM_ARN

    def __init__(self, payloads: list[Any], per_read: int = 10_000, arrival: float = 0) -> None:
        arrival = arrival or time.time()
        self.records = [
            StreamRecord(str(i + 1), arrival, {"data": p, "seq": str(i + 1)}, 100)
            for i, p in enumerate(payloads)
        ]
        self.per_read = per_read
        self.closed_after_end = True

    def shard_ids(self) -> list[str]:
        return [SHARD]

    def shard_iterator(self, shard_id: str, after: str | None, mapping: MappingConfig) -> str:
        return str(int(after or 0))

    def read(
        self, shard_id: str, iterator: str, limit: int
    ) -> tuple[list[StreamRecord], str | None]:
        start = int(iterator)
        page = self.records[start : start + min(limit, self.per_read)]
        end = start + len(page)
        done = end >= len(self.records) and self.closed_after_end
        return page, None if done else str(end)

    def filter_view(self, record: StreamRecord) -> dict[str, Any]:
        return record.event_record


class ScriptedFunction:
    """Calls `behaviour(batch_payloads, call_index)` and records every batch it saw."""

    def __init__(self, behaviour: Callable[[list[Any], int], InvocationResult]) -> None:
        self.behaviour = behaviour
        self.batches: list[list[Any]] = []

    def invoke(self, event: Any) -> InvocationResult:
        payloads = [r["data"] for r in event["Records"]]
        self.batches.append(payloads)
        return self.behaviour(payloads, len(self.batches) - 1)


class Destination:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []

    def send(self, arn: str, message: dict[str, Any]) -> None:
        json.dumps(message)  # must be serializable, as SQS needs
        self.messages.append((arn, message))


def mapping(**overrides: Any) -> MappingConfig:
    settings: dict[str, Any] = {
        "uuid": "m-1",
        "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:f",
        "source_arn": STREAM_ARN,
        "batch_size": 10,
        "batching_window_seconds": 0,
        "starting_position": "TRIM_HORIZON",
        "starting_position_timestamp": None,
        "bisect_on_error": False,
        "max_retry_attempts": 2,
        "max_record_age_seconds": -1,
        "report_batch_item_failures": True,
        "on_failure_destination": DESTINATION,
        "filters": FilterCriteria(),
        "enabled": True,
    }
    return MappingConfig(**{**settings, **overrides})


def ok(_: list[Any], __: int) -> InvocationResult:
    return InvocationResult(payload={"batchItemFailures": []})


def drain(
    stream: MemoryStream, function: ScriptedFunction, tmp_path: Any, **settings: Any
) -> tuple[ShardPoller, Destination]:
    destination = Destination()
    poller = ShardPoller(
        mapping(**settings),
        stream,
        SHARD,
        function,
        CheckpointStore(tmp_path / "checkpoints.json"),
        destination,
        clock=FakeClock(),
    )
    poller.run(threading.Event())  # returns when the closed shard is fully processed
    return poller, destination


def delivered_once(function: ScriptedFunction) -> list[Any]:
    return [p for batch in function.batches for p in batch]


def test_batches_close_at_batch_size_in_order(tmp_path: Any) -> None:
    function = ScriptedFunction(ok)
    poller, destination = drain(MemoryStream(list(range(25))), function, tmp_path)
    assert [len(b) for b in function.batches] == [10, 10, 5]
    assert delivered_once(function) == list(range(25))
    assert poller.stats.checkpoint == "25"
    assert destination.messages == []


def test_batching_window_waits_for_more_records_before_invoking(tmp_path: Any) -> None:
    function = ScriptedFunction(ok)
    stream = MemoryStream(list(range(7)), per_read=2)
    drain(stream, function, tmp_path, batching_window_seconds=5, batch_size=100)
    # Without the window each read of 2 would be its own invocation.
    assert function.batches == [list(range(7))]


def test_without_window_each_read_is_delivered_promptly(tmp_path: Any) -> None:
    function = ScriptedFunction(ok)
    stream = MemoryStream(list(range(6)), per_read=2)
    stream.closed_after_end = False
    destination = Destination()
    poller = ShardPoller(
        mapping(batch_size=100),
        stream,
        SHARD,
        function,
        CheckpointStore(tmp_path / "c.json"),
        destination,
        clock=FakeClock(),
    )
    stop = threading.Event()
    for _ in range(3):
        poller._step(stop)
    assert function.batches == [[0, 1], [2, 3], [4, 5]]


def test_payload_limit_cuts_a_batch(tmp_path: Any) -> None:
    stream = MemoryStream(list(range(5)))
    big = MAX_EVENT_BYTES // 2 - 10
    stream.records = [
        StreamRecord(r.sequence_number, r.arrival_epoch_seconds, r.event_record, big)
        for r in stream.records
    ]
    function = ScriptedFunction(ok)
    drain(stream, function, tmp_path, batch_size=100)
    assert [len(b) for b in function.batches] == [2, 2, 1]


def test_partial_failure_retries_from_lowest_failed_sequence(tmp_path: Any) -> None:
    def fail_4_and_7_once(payloads: list[Any], call: int) -> InvocationResult:
        failed = [p for p in payloads if p in (4, 7)] if call == 0 else []
        # Report in reverse order: the runtime must pick the lowest, not the first.
        return InvocationResult(
            payload={
                "batchItemFailures": [{"itemIdentifier": str(p + 1)} for p in reversed(failed)]
            }
        )

    function = ScriptedFunction(fail_4_and_7_once)
    poller, destination = drain(MemoryStream(list(range(10))), function, tmp_path)
    assert function.batches == [list(range(10)), list(range(4, 10))]
    assert poller.stats.checkpoint == "10"
    assert destination.messages == []


@pytest.mark.parametrize(
    "payload",
    [
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": "999"}]},
        {"batchItemFailures": [{"wrong": "1"}]},
        {"batchItemFailures": "nope"},
        "not a dict",
    ],
)
def test_invalid_partial_response_fails_the_whole_batch(tmp_path: Any, payload: Any) -> None:
    calls = ScriptedFunction(
        lambda p, call: InvocationResult(payload=payload if call == 0 else None)
    )
    drain(MemoryStream(list(range(3))), calls, tmp_path)
    assert calls.batches == [[0, 1, 2], [0, 1, 2]]


def test_function_error_retries_then_sends_batch_metadata_to_destination(tmp_path: Any) -> None:
    function = ScriptedFunction(
        lambda p, call: InvocationResult(
            error_kind="Unhandled", error_type="Boom", error_message="x"
        )
    )
    poller, destination = drain(
        MemoryStream(list(range(4))), function, tmp_path, max_retry_attempts=2
    )
    assert len(function.batches) == 3  # first attempt + 2 retries
    ((arn, message),) = destination.messages
    assert arn == DESTINATION
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["requestContext"]["approximateInvokeCount"] == 3
    assert message["responseContext"]["functionError"] == "Unhandled"
    info = message["KinesisBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        "1",
        "4",
        4,
    )
    assert info["shardId"] == SHARD
    assert info["streamArn"] == STREAM_ARN
    assert poller.stats.checkpoint == "4"  # moved on: the stream is not blocked


def test_bisect_isolates_the_poison_record(tmp_path: Any) -> None:
    def crash_on_5(payloads: list[Any], _: int) -> InvocationResult:
        if 5 in payloads:
            return InvocationResult(error_kind="Unhandled", error_type="Boom", error_message="5")
        return InvocationResult(payload=None)

    function = ScriptedFunction(crash_on_5)
    poller, destination = drain(
        MemoryStream(list(range(8))), function, tmp_path, bisect_on_error=True, max_retry_attempts=1
    )
    succeeded = [p for b in function.batches if 5 not in b for p in b]
    assert sorted(succeeded) == [0, 1, 2, 3, 4, 6, 7]
    assert len(succeeded) == len(set(succeeded))  # nothing delivered twice after success
    ((_, message),) = destination.messages
    assert message["KinesisBatchInfo"]["startSequenceNumber"] == "6"
    assert message["KinesisBatchInfo"]["batchSize"] == 1
    assert poller.stats.checkpoint == "8"


def test_zero_retries_sends_after_the_first_failure(tmp_path: Any) -> None:
    function = ScriptedFunction(lambda p, c: InvocationResult(error_kind="Timeout", error_type="T"))
    _, destination = drain(MemoryStream([1]), function, tmp_path, max_retry_attempts=0)
    assert len(function.batches) == 1
    assert destination.messages[0][1]["responseContext"]["functionError"] == "Timeout"


def test_records_older_than_max_age_go_to_destination_undelivered(tmp_path: Any) -> None:
    function = ScriptedFunction(ok)
    old = MemoryStream(list(range(3)), arrival=time.time() - 3600)
    poller, destination = drain(old, function, tmp_path, max_record_age_seconds=60)
    assert function.batches == []
    assert destination.messages[0][1]["requestContext"]["condition"] == "RecordAgeExceeded"
    assert poller.stats.checkpoint == "3"


def test_filter_criteria_drop_non_matching_records(tmp_path: Any) -> None:
    stream = MemoryStream([{"t": "keep"}, {"t": "drop"}, {"t": "keep", "n": 1}])
    criteria = FilterCriteria.from_api(
        {"Filters": [{"Pattern": json.dumps({"data": {"t": ["keep"]}})}]}
    )
    function = ScriptedFunction(ok)
    poller, _ = drain(stream, function, tmp_path, filters=criteria)
    assert delivered_once(function) == [{"t": "keep"}, {"t": "keep", "n": 1}]
    assert poller.stats.records_filtered_out == 1


def test_restart_resumes_after_the_persisted_checkpoint(tmp_path: Any) -> None:
    first = ScriptedFunction(ok)
    drain(MemoryStream(list(range(4))), first, tmp_path)
    stream = MemoryStream(list(range(6)))
    second = ScriptedFunction(ok)
    drain(stream, second, tmp_path)
    assert delivered_once(second) == [4, 5]


def test_without_report_batch_item_failures_a_response_is_success(tmp_path: Any) -> None:
    function = ScriptedFunction(
        lambda p, c: InvocationResult(payload={"batchItemFailures": [{"itemIdentifier": "1"}]})
    )
    drain(MemoryStream([1, 2]), function, tmp_path, report_batch_item_failures=False)
    assert function.batches == [[1, 2]]


def test_parallelization_factor_splits_a_shard_into_lanes_by_partition_key(
    tmp_path: Any,
) -> None:
    """Each lane delivers only its partition keys, every key in order and in exactly one
    lane, and keeps its own checkpoint; together the lanes deliver the whole shard."""
    keys = [f"user-{n % 7}" for n in range(60)]
    stream = MemoryStream(list(range(60)))
    stream.records = [
        StreamRecord(
            r.sequence_number,
            r.arrival_epoch_seconds,
            {"data": i, "kinesis": {"partitionKey": key}},
            r.payload_bytes,
        )
        for i, (r, key) in enumerate(zip(stream.records, keys, strict=True))
    ]
    checkpoints = CheckpointStore(tmp_path / "checkpoints.json")
    lanes: dict[int, ScriptedFunction] = {}
    settings = mapping(parallelization_factor=3)
    for lane in range(3):
        lanes[lane] = ScriptedFunction(ok)
        poller = ShardPoller(
            settings, stream, SHARD, lanes[lane], checkpoints, Destination(), FakeClock(), lane=lane
        )
        assert poller.position_key == f"{SHARD}/lane-{lane}"
        poller.run(threading.Event())

    per_lane = {lane: delivered_once(function) for lane, function in lanes.items()}
    assert sorted(p for payloads in per_lane.values() for p in payloads) == list(range(60))
    for lane, payloads in per_lane.items():
        assert payloads == sorted(payloads), "a lane keeps the shard's order"
        assert {lane_of(stream.records[p], 3) for p in payloads} <= {lane}
        if payloads:
            assert checkpoints.get("m-1", f"{SHARD}/lane-{lane}") == str(payloads[-1] + 1)
    assert sum(1 for payloads in per_lane.values() if payloads) >= 2, "keys spread over lanes"
    assert checkpoints.get("m-1", SHARD) is None
