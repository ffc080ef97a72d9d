"""The recorder's pure core: parsing failure records, reading ranges, keys and documents."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from failure_recorder.config import load_settings
from failure_recorder.failure import InvalidFailureMessageError, StreamFailure, parse_failure
from failure_recorder.ranges import (
    MAX_READ_CALLS,
    Page,
    RangeNotReadError,
    StoredRecord,
    failed_document,
    failed_key,
    read_range,
)
from lambda_common.settings import ConfigurationError

STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/events"
SHARD = "shardId-000000000000"


def failure_message(start: int, end: int, batch_size: int, **overrides: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "requestContext": {
            "requestId": "6b4f2c8e-0000-4000-8000-000000000000",
            "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:processor",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": 4,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": ""},
        "version": "1.0",
        "timestamp": "2024-03-07T09:20:00.000Z",
        "KinesisBatchInfo": {
            "shardId": SHARD,
            "startSequenceNumber": str(start),
            "endSequenceNumber": str(end),
            "approximateArrivalOfFirstRecord": "2024-03-07T09:15:02.123Z",
            "approximateArrivalOfLastRecord": "2024-03-07T09:15:03.456Z",
            "batchSize": batch_size,
            "streamArn": STREAM_ARN,
        },
    }
    message.update(overrides)
    return message


def failure(start: int, end: int, batch_size: int) -> StreamFailure:
    return parse_failure(json.dumps(failure_message(start, end, batch_size)))


def stored(sequence_number: int) -> StoredRecord:
    return StoredRecord(
        str(sequence_number), f"key-{sequence_number}", "2024-03-07T09:15:02.123Z", b"x"
    )


class FakeShard:
    """Pages of sequence numbers; an iterator is the index of the next page."""

    def __init__(self, pages: list[list[int]], *, behind_until: int = 0) -> None:
        self.pages = pages
        self.behind_until = behind_until
        self.reads = 0
        self.asked_at: str | None = None

    def iterator_at(self, stream_arn: str, shard_id: str, sequence_number: str) -> str | None:
        assert (stream_arn, shard_id) == (STREAM_ARN, SHARD)
        self.asked_at = sequence_number
        return "0"

    def read(self, stream_arn: str, iterator: str) -> Page:
        self.reads += 1
        index = int(iterator)
        numbers = self.pages[index] if index < len(self.pages) else []
        return Page(
            [stored(n) for n in numbers],
            str(index + 1),
            millis_behind_latest=1000 if index < self.behind_until else 0,
        )


def test_a_range_is_read_across_pages_up_to_its_end_and_no_further() -> None:
    shard = FakeShard([[10, 11], [], [12, 13], [14, 15]], behind_until=2)

    read = read_range(shard, failure(10, 14, 5))

    assert shard.asked_at == "10"
    assert [r.sequence_number for r in read.records] == ["10", "11", "12", "13", "14"]
    assert read.records_lost == 0
    assert not read.expired
    assert shard.reads == 4  # stops at the end record, never reads the next page


def test_records_before_the_start_are_not_part_of_the_range() -> None:
    # Kinesis answers from the trim horizon (or a later position) when the start is gone.
    read = read_range(FakeShard([[8, 9, 10, 11]]), failure(10, 11, 2))
    assert [r.sequence_number for r in read.records] == ["10", "11"]


def test_records_already_trimmed_are_counted_lost() -> None:
    # Retention dropped 10..12: the shard now starts at 13.
    read = read_range(FakeShard([[13, 14, 15]]), failure(10, 14, 5))
    assert [r.sequence_number for r in read.records] == ["13", "14"]
    assert read.records_lost == 3
    assert not read.expired


def test_a_wholly_expired_range_is_a_tombstone_with_its_whole_count_lost() -> None:
    read = read_range(FakeShard([[20, 21]]), failure(10, 14, 5))
    assert read.records == []
    assert read.records_lost == 5
    assert read.expired


def test_a_gone_shard_is_a_tombstone() -> None:
    class GoneShard(FakeShard):
        def iterator_at(self, stream_arn: str, shard_id: str, sequence_number: str) -> None:
            return None

    read = read_range(GoneShard([]), failure(10, 14, 5))
    assert read.expired
    assert read.records_lost == 5


def test_caught_up_without_meeting_the_end_stops_reading() -> None:
    shard = FakeShard([[10], [], []])
    read = read_range(shard, failure(10, 14, 5))
    assert [r.sequence_number for r in read.records] == ["10"]
    assert read.records_lost == 4
    assert shard.reads == 2


def test_a_shard_that_stays_behind_without_records_is_retried_not_read_forever() -> None:
    shard = FakeShard([], behind_until=MAX_READ_CALLS + 1)
    with pytest.raises(RangeNotReadError, match="end not reached"):
        read_range(shard, failure(10, 14, 5))
    assert shard.reads == MAX_READ_CALLS


def test_filtered_records_inside_the_range_are_kept_and_lose_nothing() -> None:
    read = read_range(FakeShard([[10, 11, 12]]), failure(10, 12, 2))
    assert len(read.records) == 3
    assert read.records_lost == 0


def test_the_key_is_deterministic_and_partitioned_by_first_arrival() -> None:
    assert failed_key("failed/", failure(10, 14, 5)) == (
        f"failed/year=2024/month=03/day=07/hour=09/{SHARD}/10-14.json"
    )
    assert failed_key("failed/", failure(10, 14, 5)) == failed_key("failed/", failure(10, 14, 5))


def test_the_document_keeps_the_metadata_and_the_raw_records() -> None:
    aggregate = b"\xf3\x89\x9a\xc2 protobuf and digest"
    read = read_range(FakeShard([[10]]), failure(10, 11, 2))
    read.records[0] = StoredRecord("10", "pk", "2024-03-07T09:15:02.123Z", aggregate)

    document = json.loads(failed_document(read, datetime(2024, 3, 7, 10, 0, tzinfo=UTC)))

    assert document["failure"] == {
        "condition": "RetryAttemptsExhausted",
        "approximate_invoke_count": 4,
        "function_error": "",
        "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:processor",
        "request_id": "6b4f2c8e-0000-4000-8000-000000000000",
        "timestamp": "2024-03-07T09:20:00.000Z",
        "approximate_arrival_of_first_record": "2024-03-07T09:15:02.123Z",
        "approximate_arrival_of_last_record": "2024-03-07T09:15:03.456Z",
    }
    assert document["recorded_at"] == "2024-03-07T10:00:00.000Z"
    assert (document["records_recorded"], document["records_lost"], document["tombstone"]) == (
        1,
        1,
        False,
    )
    (record,) = document["records"]
    assert base64.b64decode(record["data_base64"]) == aggregate
    assert record["partition_key"] == "pk"


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"requestContext": {}}),
        json.dumps(failure_message(14, 10, 5)),
        json.dumps(failure_message(10, 14, 0)),
        json.dumps({**failure_message(10, 14, 5), "KinesisBatchInfo": {"shardId": SHARD}}),
        json.dumps(
            failure_message(10, 14, 5)
            | {
                "KinesisBatchInfo": failure_message(10, 14, 5)["KinesisBatchInfo"]
                | {"approximateArrivalOfFirstRecord": "yesterday"}
            }
        ),
        json.dumps(
            failure_message(10, 14, 5)
            | {
                "KinesisBatchInfo": failure_message(10, 14, 5)["KinesisBatchInfo"]
                | {"startSequenceNumber": "ten"}
            }
        ),
    ],
)
def test_anything_but_a_kinesis_failure_record_is_rejected_clearly(body: str) -> None:
    with pytest.raises(InvalidFailureMessageError, match="not a Kinesis on-failure record"):
        parse_failure(body)


def test_settings() -> None:
    assert load_settings({"ARCHIVE_BUCKET": "b"}).failed_prefix == "failed/"
    with pytest.raises(ConfigurationError, match="ARCHIVE_BUCKET"):
        load_settings({})
    for prefix in ("", "failed", "/failed/"):
        with pytest.raises(ConfigurationError, match="FAILED_PREFIX"):
            load_settings({"ARCHIVE_BUCKET": "b", "FAILED_PREFIX": prefix})
