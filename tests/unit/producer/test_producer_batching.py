"""PutRecords batching: 500 entries, 5 MiB per request, 1 MiB per record."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clients.producer.batching import plan_batches
from clients.producer.records import (
    MAX_RECORD_BYTES,
    MAX_REQUEST_BYTES,
    Entry,
    RecordTooLargeError,
)

MIB = 1024 * 1024


def entry(index: int, size: int, key: str = "k") -> Entry:
    """An entry whose Kinesis size (data + key bytes) is exactly `size`."""
    return Entry(b"x" * (size - len(key.encode())), key, (index,))


def test_exactly_500_entries_make_one_batch() -> None:
    batches = list(plan_batches(entry(i, 10) for i in range(500)))
    assert [len(b) for b in batches] == [500]


def test_501_entries_make_two_batches_in_order() -> None:
    entries = [entry(i, 10) for i in range(501)]
    batches = list(plan_batches(entries))
    assert [len(b) for b in batches] == [500, 1]
    assert [e for b in batches for e in b] == entries


def test_exactly_5_mib_fits_one_batch() -> None:
    entries = [entry(i, MIB) for i in range(5)]
    assert sum(e.size for e in entries) == MAX_REQUEST_BYTES
    assert [len(b) for b in plan_batches(entries)] == [5]


def test_one_byte_over_5_mib_starts_a_new_batch() -> None:
    entries = [entry(i, MIB) for i in range(4)] + [entry(4, MIB - 10), entry(5, 11)]
    assert sum(e.size for e in entries) == MAX_REQUEST_BYTES + 1
    assert [len(b) for b in plan_batches(entries)] == [5, 1]


def test_partition_key_bytes_count_towards_the_request_limit() -> None:
    # 4 records of 1 MiB of data + 1 MiB minus a 3-byte key: the key tips it over.
    key = "€"  # 3 bytes in UTF-8
    entries = [entry(i, MIB, key) for i in range(5)] + [entry(5, 3, key)]
    assert [len(b) for b in plan_batches(entries)] == [5, 1]


def test_record_of_exactly_1_mib_is_accepted() -> None:
    record = entry(0, MAX_RECORD_BYTES, key="a-key")
    assert list(plan_batches([record])) == [[record]]


def test_record_over_1_mib_raises_naming_it() -> None:
    ok = entry(0, 10)
    too_big = entry(7, MAX_RECORD_BYTES + 1, key="big-key")
    with pytest.raises(RecordTooLargeError) as raised:
        list(plan_batches([ok, too_big]))
    message = str(raised.value)
    assert "#7" in message
    assert "'big-key'" in message
    assert f"{MAX_RECORD_BYTES + 1:,}" in message
    assert raised.value.entry is too_big
    assert isinstance(raised.value, ValueError)


def test_multibyte_key_counts_in_utf8_bytes_for_the_record_limit() -> None:
    key = "é" * 10  # 20 bytes, 10 characters
    record = Entry(b"x" * (MAX_RECORD_BYTES - 19), key, (0,))
    with pytest.raises(RecordTooLargeError):
        list(plan_batches([record]))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_entries": 0},
        {"max_entries": 501},
        {"max_bytes": MAX_REQUEST_BYTES + 1},
        {"max_record_bytes": 0},
        {"max_record_bytes": 100, "max_bytes": 99},
    ],
)
def test_limits_beyond_kinesis_are_rejected(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        list(plan_batches([], **kwargs))


sizes = st.lists(st.integers(min_value=1, max_value=64), max_size=200)


@given(
    sizes=sizes,
    max_entries=st.integers(min_value=1, max_value=20),
    max_bytes=st.integers(min_value=64, max_value=300),
)
def test_batches_respect_limits_keep_order_and_are_greedy(
    sizes: list[int], max_entries: int, max_bytes: int
) -> None:
    entries = [entry(i, size) for i, size in enumerate(sizes)]
    batches = list(
        plan_batches(entries, max_entries=max_entries, max_bytes=max_bytes, max_record_bytes=64)
    )
    assert [e for b in batches for e in b] == entries
    for batch in batches:
        assert 1 <= len(batch) <= max_entries
        assert sum(e.size for e in batch) <= max_bytes
    for batch, following in itertools.pairwise(batches):
        # Greedy: a batch was only closed because the next entry did not fit.
        next_size = following[0].size
        assert len(batch) == max_entries or sum(e.size for e in batch) + next_size > max_bytes


@given(st.lists(st.integers(min_value=1, max_value=80), min_size=1, max_size=50))
def test_any_record_over_the_limit_raises_and_none_under_it_does(sizes: list[int]) -> None:
    entries = [entry(i, size) for i, size in enumerate(sizes)]
    run = lambda: list(plan_batches(entries, max_bytes=200, max_record_bytes=64))  # noqa: E731
    if max(sizes) > 64:
        with pytest.raises(RecordTooLargeError) as raised:
            run()
        first = next(i for i, size in enumerate(sizes) if size > 64)
        assert raised.value.entry.sources == (first,)
    else:
        assert sum(len(b) for b in run()) == len(entries)
