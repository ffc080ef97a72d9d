"""`Producer.put` against a fake PutRecords: retries, failures, counts, rate limit."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from producer_fakes import FakeClock, FakeKinesis, client_error

from clients.producer.producer import Producer, PutRecordsFailedError, PutSummary
from clients.producer.records import MAX_RECORD_BYTES, ItemEncodingError, RecordTooLargeError
from clients.producer.retry import RetryPolicy

THROTTLED = "ProvisionedThroughputExceededException"


def raw(n: int) -> list[bytes]:
    return [f"r{i:04d}".encode() for i in range(n)]


def make(client: FakeKinesis, clock: FakeClock | None = None, **kwargs: Any) -> Producer:
    clock = clock or FakeClock()
    keys = itertools.count()
    kwargs.setdefault("retry", RetryPolicy(max_attempts=4, base_delay=0.1, max_delay=1.0))
    return Producer(
        client,  # type: ignore[arg-type]
        "orders",
        sleep=clock.sleep,
        random=lambda: 1.0,  # jitter draws its maximum: delays are the ceilings
        clock=clock,
        random_key=lambda: f"k{next(keys)}",
        **kwargs,
    )


def test_all_succeed_in_batches_of_500() -> None:
    client = FakeKinesis()
    summary = make(client).put(raw(1200))
    assert [len(b) for b in client.sent_batches] == [500, 500, 200]
    assert [r["Data"] for r in client.stored] == raw(1200)
    assert all(call["StreamName"] == "orders" for call in client.calls)
    assert summary.ok
    assert (summary.user_records, summary.succeeded, summary.failed) == (1200, 1200, 0)
    assert (summary.batches, summary.put_records_calls, summary.retried_entries) == (3, 3, 0)
    assert summary.kinesis_records == 1200
    assert summary.payload_bytes == sum(len(d) + len(f"k{i}") for i, d in enumerate(raw(1200)))


def test_only_failed_entries_are_resent_in_order_with_backoff() -> None:
    records = raw(6)
    client = FakeKinesis({records[1]: [THROTTLED, THROTTLED], records[4]: ["InternalFailure"]})
    clock = FakeClock()
    summary = make(client, clock).put(records)
    assert client.sent_batches == [records, [records[1], records[4]], [records[1]]]
    assert clock.sleeps == pytest.approx([0.1, 0.2])
    assert summary.ok
    assert summary.succeeded == 6
    assert summary.retried_entries == 3
    assert summary.put_records_calls == 3
    assert summary.batches == 1


def test_entries_failing_every_attempt_are_reported_not_lost() -> None:
    records = raw(5)
    client = FakeKinesis({records[0]: [THROTTLED] * 10, records[3]: [THROTTLED] * 10})
    clock = FakeClock()
    summary = make(client, clock).put(records)
    assert client.sent_batches == [records] + [[records[0], records[3]]] * 3
    assert clock.sleeps == pytest.approx([0.1, 0.2, 0.4])
    assert not summary.ok
    assert (summary.succeeded, summary.failed) == (3, 2)
    assert [(f.sources, f.error_code, f.attempts, f.data) for f in summary.failed_records] == [
        ((0,), THROTTLED, 4, records[0]),
        ((3,), THROTTLED, 4, records[3]),
    ]
    with pytest.raises(PutRecordsFailedError, match="2 of 5 records could not be put"):
        summary.raise_for_failures()


def test_a_batch_finishes_its_retries_before_the_next_batch_is_sent() -> None:
    records = raw(700)
    client = FakeKinesis({records[10]: [THROTTLED]})
    make(client).put(records)
    assert [len(b) for b in client.sent_batches] == [500, 1, 200]
    assert client.sent_batches[1] == [records[10]]


def test_permanent_entry_errors_are_not_retried() -> None:
    records = raw(3)
    client = FakeKinesis({records[2]: ["KMSAccessDeniedException"]})
    summary = make(client).put(records)
    assert len(client.calls) == 1
    assert [(f.sources, f.attempts) for f in summary.failed_records] == [((2,), 1)]


def test_whole_call_throttling_is_retried() -> None:
    client = FakeKinesis(
        call_errors=[client_error("LimitExceededException"), client_error("InternalFailure", 500)]
    )
    clock = FakeClock()
    summary = make(client, clock).put(raw(3))
    assert len(client.calls) == 3
    assert clock.sleeps == pytest.approx([0.1, 0.2])
    assert summary.ok
    assert summary.retried_entries == 6
    assert summary.succeeded == 3


def test_exhausted_call_errors_fail_the_batch_and_later_batches_are_not_sent() -> None:
    client = FakeKinesis(call_errors=[client_error("KMSThrottlingException")] * 4)
    summary = make(client).put(raw(600))
    assert len(client.calls) == 4
    assert all(len(call["Records"]) == 500 for call in client.calls)
    assert summary.failed == 600
    codes = {f.error_code for f in summary.failed_records}
    assert codes == {"KMSThrottlingException", "NotSent"}
    not_sent = [f for f in summary.failed_records if f.error_code == "NotSent"]
    assert len(not_sent) == 100
    assert "KMSThrottlingException" in not_sent[0].error_message
    assert [f.sources[0] for f in summary.failed_records] == list(range(600))


def test_non_retryable_call_error_fails_at_once() -> None:
    client = FakeKinesis(call_errors=[client_error("ResourceNotFoundException")])
    summary = make(client).put(raw(2))
    assert len(client.calls) == 1
    assert summary.failed == 2
    assert summary.failed_records[0].error_code == "ResourceNotFoundException"


def test_events_are_sent_as_compact_json_and_bytes_as_given() -> None:
    client = FakeKinesis()
    event = {"event_id": "e1", "payload": {"name": "Zoë", "n": [1, 2]}}
    make(client).put([event, b"\xff raw"])
    assert [r["Data"] for r in client.stored] == [
        json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode(),
        b"\xff raw",
    ]
    assert b" " not in client.stored[0]["Data"].replace(b"Zo\xc3\xab", b"")


def test_partition_key_strategy_and_fallbacks_are_applied() -> None:
    client = FakeKinesis()
    summary = make(client, partition_key="field:source").put(
        [{"source": "a"}, {"other": 1}, b"raw", {"source": "b"}]
    )
    assert [r["PartitionKey"] for r in client.stored] == ["a", "k0", "k1", "b"]
    assert summary.partition_key_fallbacks == 2


def test_stream_arn_is_sent_as_stream_arn() -> None:
    client = FakeKinesis()
    arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
    Producer(client, arn).put([b"x"])  # type: ignore[arg-type]
    assert client.calls[0]["StreamARN"] == arn
    assert "StreamName" not in client.calls[0]


def test_oversized_record_raises_before_anything_is_sent() -> None:
    client = FakeKinesis()
    items = [b"ok", b"x" * MAX_RECORD_BYTES]
    with pytest.raises(RecordTooLargeError, match="#1"):
        make(client).put(items)
    assert client.calls == []


@pytest.mark.parametrize(
    ("item", "reason"),
    [("text", "got str"), ({"x": float("nan")}, "not JSON-serializable"), ({"x": {1, 2}}, "JSON")],
)
def test_unencodable_items_raise_before_anything_is_sent(item: object, reason: str) -> None:
    client = FakeKinesis()
    with pytest.raises(ItemEncodingError, match=reason) as raised:
        make(client).put([b"ok", item])  # type: ignore[list-item]
    assert raised.value.index == 1
    assert client.calls == []


def test_aggregated_failures_report_every_user_record_they_carried() -> None:
    client = FakeKinesis()
    producer = make(client, partition_key="field:g", aggregate=True)
    events = [{"g": "same", "i": i} for i in range(5)]
    aggregate = producer.put(events)
    assert aggregate.kinesis_records == 1
    assert aggregate.user_records == 5
    data = client.stored[0]["Data"]

    failing = FakeKinesis({data: [THROTTLED] * 10})
    summary = make(failing, partition_key="field:g", aggregate=True).put(events)
    assert summary.failed == 5
    assert summary.failed_records[0].sources == (0, 1, 2, 3, 4)


def test_rate_limit_spreads_records_over_time() -> None:
    clock = FakeClock()
    client = FakeKinesis()
    summary = make(client, clock, rate_limit=100).put(raw(1000))
    assert all(len(b) <= 100 for b in client.sent_batches)
    # 100 records of burst are free, the other 900 take 9 s at 100/s.
    assert sum(clock.sleeps) == pytest.approx(9.0)
    assert summary.elapsed_seconds == pytest.approx(9.0)
    assert summary.records_per_second == pytest.approx(1000 / 9.0)


def test_summary_renders_as_text_and_json() -> None:
    records = raw(3)
    client = FakeKinesis({records[1]: [THROTTLED] * 9})
    summary = make(client, retry=RetryPolicy(max_attempts=1)).put(records)
    text = summary.format_text()
    assert "put 2 of 3 records into orders" in text
    assert f"record #1: {THROTTLED}" in text
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["failed"] == 1
    assert data["ok"] is False
    assert data["failed_records"][0]["sources"] == [1]
    assert data["failed_records"][0]["data_bytes"] == len(records[1])
    assert set(PutSummary.__dataclass_fields__) <= set(data)


def test_text_summary_truncates_long_failure_lists() -> None:
    client = FakeKinesis(call_errors=[client_error("ResourceNotFoundException")])
    text = make(client).put(raw(30)).format_text(max_failures=10)
    assert "20 more failed Kinesis record(s)" in text


def test_empty_input_sends_nothing() -> None:
    client = FakeKinesis()
    summary = make(client).put([])
    assert client.calls == []
    assert summary.ok
    assert summary.records_per_second == 0.0
