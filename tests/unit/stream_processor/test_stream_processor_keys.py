from __future__ import annotations

import pytest
from stream_processor_builders import ARRIVAL

from stream_processor.batch import format_timestamp
from stream_processor.keys import archive_key, quarantine_key, time_partition


@pytest.mark.parametrize(
    ("epoch_seconds", "partition"),
    [
        (ARRIVAL, "year=2024/month=03/day=07/hour=09"),
        (0.0, "year=1970/month=01/day=01/hour=00"),
        # Last millisecond of a year and first of the next: the hour is taken in UTC.
        (1735689599.999, "year=2024/month=12/day=31/hour=23"),
        (1735689600.0, "year=2025/month=01/day=01/hour=00"),
    ],
)
def test_time_partition_is_utc_and_zero_padded(epoch_seconds: float, partition: str) -> None:
    assert time_partition(epoch_seconds) == partition


def test_archive_key_names_shard_and_first_sequence_number() -> None:
    assert (
        archive_key("archive/", "shardId-000000000003", "4959", ARRIVAL)
        == "archive/year=2024/month=03/day=07/hour=09/shardId-000000000003-4959.ndjson.gz"
    )


def test_quarantine_key_of_a_plain_record() -> None:
    assert (
        quarantine_key("quarantine/", "shardId-000000000000", "4959", None, ARRIVAL)
        == "quarantine/year=2024/month=03/day=07/hour=09/shardId-000000000000/4959.json"
    )


def test_quarantine_key_of_a_sub_record_includes_its_sub_sequence_number() -> None:
    assert quarantine_key("q/", "shardId-000000000000", "4959", 0, ARRIVAL).endswith(
        "/shardId-000000000000/4959-0.json"
    )


def test_empty_prefix_puts_partitions_at_the_bucket_root() -> None:
    assert archive_key("", "s", "1", 0.0) == "year=1970/month=01/day=01/hour=00/s-1.ndjson.gz"


@pytest.mark.parametrize(
    ("epoch_seconds", "text"),
    [
        (ARRIVAL, "2024-03-07T09:15:02.123Z"),
        (0.0, "1970-01-01T00:00:00.000Z"),
        (1545084650.987, "2018-12-17T22:10:50.987Z"),
    ],
)
def test_arrival_timestamp_is_iso_8601_utc_with_milliseconds(
    epoch_seconds: float, text: str
) -> None:
    assert format_timestamp(epoch_seconds) == text
