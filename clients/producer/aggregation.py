"""KPL record aggregation per partition key, with `aws_kinesis_agg`. Pure.

All user records of one aggregated Kinesis record share its partition key, so
consumers see them on the shard (and in the order) they would have had without
aggregation. Records are grouped by partition key in order of first appearance and
each group is packed, in order, into aggregates that stay within the 1 MiB record
limit including the partition key. Aggregation therefore only pays off when records
share keys (`event_id` and `random` keys give one record per group).

A group holding a single record, or a record too large to fit an aggregate with its
framing, is sent as a plain record: the de-aggregator passes plain records through
unchanged, and an aggregate of one record only adds overhead.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_kinesis_agg.aggregator import RecordAggregator

from clients.producer.records import MAX_RECORD_BYTES, Entry

# Upper bound of the framing one user record adds to an empty aggregate, besides its data
# and its key: magic (4) + MD5 digest (16) + key-table entry tag and length (1 + 2) +
# record tag and length (1 + 3) + key index (2) + data tag and length (1 + 3).
_AGGREGATE_OVERHEAD = 33


def _group_by_key(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(entry.partition_key, []).append(entry)
    return groups


def _aggregate_group(key: str, group: list[Entry], max_record_bytes: int) -> list[Entry]:
    key_bytes = key.encode("utf-8")
    # The aggregate's data plus its partition key must fit one Kinesis record. Keys are
    # given as bytes: the aggregator then sizes its key table exactly (with str keys its
    # lookup misses and it over-counts every record).
    max_size = max_record_bytes - len(key_bytes)
    aggregator = RecordAggregator(max_size=max_size)
    out: list[Entry] = []
    pending: list[Entry] = []

    def flush(aggregate: object | None) -> None:
        if len(pending) == 1:
            out.append(pending[0])
        elif pending and aggregate is not None:
            _, _, data = aggregate.get_contents()  # type: ignore[attr-defined]
            sources = tuple(i for entry in pending for i in entry.sources)
            out.append(Entry(bytes(data), key, sources))
        pending.clear()

    for entry in group:
        if len(entry.data) + _AGGREGATE_OVERHEAD + len(key_bytes) > max_size:
            # Too large for any aggregate with its framing: send it plain, after the
            # records that came before it. Checked here because the aggregator, asked
            # to add such a record, can drop the aggregate it was building.
            flush(aggregator.clear_and_get())
            out.append(entry)
            continue
        full = aggregator.add_user_record(key_bytes, entry.data)
        if full is not None:
            flush(full)
        pending.append(entry)
    flush(aggregator.clear_and_get())
    return out


def aggregate_entries(
    entries: Iterable[Entry], *, max_record_bytes: int = MAX_RECORD_BYTES
) -> list[Entry]:
    """Pack user-record entries into aggregated entries, one partition key per aggregate.

    Order is kept within each partition key (the only order Kinesis preserves); groups
    follow each other in order of their key's first appearance.
    """
    out: list[Entry] = []
    for key, group in _group_by_key(entries).items():
        out.extend(_aggregate_group(key, group, max_record_bytes))
    return out
