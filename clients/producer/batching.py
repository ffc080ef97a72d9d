"""Split entries into PutRecords requests that respect the Kinesis limits. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from clients.producer.records import (
    MAX_RECORD_BYTES,
    MAX_REQUEST_BYTES,
    MAX_REQUEST_ENTRIES,
    Entry,
    check_entry_size,
)


def plan_batches(
    entries: Iterable[Entry],
    *,
    max_entries: int = MAX_REQUEST_ENTRIES,
    max_bytes: int = MAX_REQUEST_BYTES,
    max_record_bytes: int = MAX_RECORD_BYTES,
) -> Iterator[list[Entry]]:
    """Yield consecutive batches, in input order, each a valid PutRecords request.

    A batch holds at most `max_entries` entries and `max_bytes` bytes (data plus
    partition keys). A single entry over `max_record_bytes` (1 MiB) raises
    `RecordTooLargeError` naming it: it could never be put, and dropping it would lose
    data silently. Batches are
    greedy (a batch is closed only when the next entry does not fit), so the order of
    entries is exactly the input order.
    """
    if not 1 <= max_entries <= MAX_REQUEST_ENTRIES:
        raise ValueError(f"max_entries must be 1..{MAX_REQUEST_ENTRIES}, got {max_entries}")
    if not 1 <= max_record_bytes <= MAX_RECORD_BYTES:
        raise ValueError(f"max_record_bytes must be 1..{MAX_RECORD_BYTES}, got {max_record_bytes}")
    if not max_record_bytes <= max_bytes <= MAX_REQUEST_BYTES:
        raise ValueError(
            f"max_bytes must be {max_record_bytes}..{MAX_REQUEST_BYTES} so any valid record "
            f"fits a batch, got {max_bytes}"
        )
    batch: list[Entry] = []
    batch_bytes = 0
    for entry in entries:
        size = check_entry_size(entry, max_record_bytes).size
        if batch and (len(batch) == max_entries or batch_bytes + size > max_bytes):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(entry)
        batch_bytes += size
    if batch:
        yield batch
