"""KPL aggregation: round trip through the aws_kinesis_agg de-aggregator."""

from __future__ import annotations

import base64

from aws_kinesis_agg import MAGIC
from aws_kinesis_agg.deaggregator import iter_deaggregate_records
from hypothesis import given, settings
from hypothesis import strategies as st

from clients.producer.aggregation import aggregate_entries
from clients.producer.records import MAX_RECORD_BYTES, Entry


def user_entries(pairs: list[tuple[str, bytes]]) -> list[Entry]:
    return [Entry(data, key, (i,)) for i, (key, data) in enumerate(pairs)]


def deaggregate(entries: list[Entry]) -> list[tuple[str, bytes]]:
    """What a consumer sees: (partition key, data) of every user record, in order.

    Records are given in the shape Lambda delivers them (base64 data), as the stream
    processor gets them.
    """
    records = [
        {
            "eventSource": "aws:kinesis",
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": e.partition_key,
                "sequenceNumber": str(n),
                "approximateArrivalTimestamp": 1767225600.0,
                "data": base64.b64encode(e.data).decode(),
            },
        }
        for n, e in enumerate(entries)
    ]
    return [
        (r["kinesis"]["partitionKey"], base64.b64decode(r["kinesis"]["data"]))
        for r in iter_deaggregate_records(records)
    ]


def per_key(pairs: list[tuple[str, bytes]]) -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    for key, data in pairs:
        out.setdefault(key, []).append(data)
    return out


def test_records_sharing_a_key_become_one_aggregate() -> None:
    pairs = [("a", b"1"), ("b", b"2"), ("a", b"3"), ("a", b"4")]
    out = aggregate_entries(user_entries(pairs))
    assert [(e.partition_key, e.sources) for e in out] == [("a", (0, 2, 3)), ("b", (1,))]
    assert out[0].data.startswith(MAGIC)
    assert out[1].data == b"2"  # a group of one is sent plain
    assert per_key(deaggregate(out)) == per_key(pairs)


def test_aggregates_are_split_to_stay_within_the_record_limit() -> None:
    pairs = [("key", bytes([i]) * 300_000) for i in range(10)]
    out = aggregate_entries(user_entries(pairs))
    assert len(out) > 1
    assert all(e.size <= MAX_RECORD_BYTES for e in out)
    assert deaggregate(out) == pairs
    assert [i for e in out for i in e.sources] == list(range(10))


def test_a_record_too_big_for_an_aggregate_is_sent_plain_in_its_place() -> None:
    big = b"B" * (MAX_RECORD_BYTES - 10)
    pairs = [("k", b"1"), ("k", b"2"), ("k", big), ("k", b"3"), ("k", b"4")]
    out = aggregate_entries(user_entries(pairs))
    assert [e.sources for e in out] == [(0, 1), (2,), (3, 4)]
    assert out[1].data == big
    assert deaggregate(out) == pairs


def test_multibyte_keys_are_sized_in_bytes() -> None:
    key = "ключ" * 64  # 256 characters, 512 bytes
    pairs = [(key, b"x" * 100_000) for _ in range(30)]
    out = aggregate_entries(user_entries(pairs))
    assert all(e.size <= MAX_RECORD_BYTES for e in out)
    assert deaggregate(out) == pairs


keys = st.text(min_size=1, max_size=8)
records = st.lists(st.tuples(keys, st.binary(max_size=400)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(pairs=records, limit=st.integers(min_value=600, max_value=4000))
def test_round_trip_restores_every_record_in_per_key_order(
    pairs: list[tuple[str, bytes]], limit: int
) -> None:
    out = aggregate_entries(user_entries(pairs), max_record_bytes=limit)
    assert all(e.size <= limit or len(e.sources) == 1 for e in out)
    assert sorted(i for e in out for i in e.sources) == list(range(len(pairs)))
    consumed = deaggregate(out)
    assert sorted(consumed) == sorted(pairs)
    assert per_key(consumed) == per_key(pairs)
    for e in out:
        # every user record of an aggregate shares the aggregate's key
        assert {pairs[i][0] for i in e.sources} == {e.partition_key}
