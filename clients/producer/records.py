"""Kinesis record limits, the entry model and how user items become bytes.

Pure: no I/O. A *user record* is one item handed to `Producer.put` (an event dict or
raw bytes); an *entry* is one Kinesis record of a PutRecords request, which carries
one user record, or several when KPL aggregation is on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

# Kinesis Data Streams service limits for PutRecords (data + partition key bytes count).
MAX_RECORD_BYTES = 1024 * 1024
MAX_REQUEST_BYTES = 5 * 1024 * 1024
MAX_REQUEST_ENTRIES = 500
MAX_PARTITION_KEY_CHARS = 256

Event: TypeAlias = Mapping[str, Any]
"""One event: a JSON object, serialized compactly before sending."""

Item: TypeAlias = Event | bytes
"""What `Producer.put` accepts: an event, or raw bytes sent exactly as given."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One Kinesis record of a PutRecords request.

    `sources` are the positions (in the input of `Producer.put`) of the user records
    this entry carries: one, or several for an aggregated record, in order.
    """

    data: bytes
    partition_key: str
    sources: tuple[int, ...]

    @property
    def size(self) -> int:
        """Bytes Kinesis counts against its limits: data plus UTF-8 partition key."""
        return len(self.data) + len(self.partition_key.encode("utf-8"))


class RecordTooLargeError(ValueError):
    """A single record exceeds the 1 MiB Kinesis limit; nothing was dropped silently."""

    def __init__(self, entry: Entry, limit: int = MAX_RECORD_BYTES) -> None:
        self.entry = entry
        self.limit = limit
        key_bytes = entry.size - len(entry.data)
        where = ", ".join(f"#{i}" for i in entry.sources)
        super().__init__(
            f"record {where} (partition key {entry.partition_key!r}) is {entry.size:,} bytes "
            f"(data {len(entry.data):,} + partition key {key_bytes:,}); Kinesis accepts at "
            f"most {limit:,} bytes per record"
        )


class ItemEncodingError(ValueError):
    """An input item cannot be turned into record bytes (wrong type, not JSON-serializable)."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"record #{index}: {reason}")


def encode_event(event: Event) -> bytes:
    """Serialize an event as compact UTF-8 JSON (no spaces, non-ASCII kept as UTF-8).

    NaN and Infinity are rejected: they are not JSON and consumers would fail on them.
    """
    return json.dumps(
        event if isinstance(event, dict) else dict(event),
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def encode_item(index: int, item: object) -> bytes:
    """Bytes for one user record: events are JSON-encoded, bytes are sent as they are."""
    if isinstance(item, bytes):
        return item
    if isinstance(item, Mapping):
        try:
            return encode_event(item)
        except (TypeError, ValueError) as exc:
            raise ItemEncodingError(index, f"event is not JSON-serializable: {exc}") from exc
    raise ItemEncodingError(
        index,
        f"expected an event (dict) or raw bytes, got {type(item).__name__}"
        + (": encode the text, or parse it into a dict" if isinstance(item, str) else ""),
    )


def check_entry_size(entry: Entry, limit: int = MAX_RECORD_BYTES) -> Entry:
    """Return the entry unchanged, or raise `RecordTooLargeError` naming it."""
    if entry.size > limit:
        raise RecordTooLargeError(entry, limit)
    return entry
