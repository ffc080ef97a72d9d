"""Partition-key strategies: which key each user record is put with. Pure.

- `random`: a fresh UUID4 per record; spreads load evenly over shards, no ordering.
- `event_id`: the event's `event_id`; a retried or re-sent event lands on the same shard.
- `field:NAME`: the value of the top-level field NAME (e.g. `field:source`); records
  sharing the value share a shard, so Kinesis keeps their order (and KPL aggregation
  can pack them together).

When the key cannot be taken from the record (raw bytes, field missing, empty, null
or not a scalar), the record gets a random key instead and the fallback is counted
(`PutSummary.partition_key_fallbacks`), so it is visible rather than silent. Field
values longer than 256 characters are replaced by `sha256:<hex digest>` of the value:
still deterministic per value, and within the Kinesis key limit.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, NamedTuple

from clients.producer.records import MAX_PARTITION_KEY_CHARS

StrategyKind = Literal["random", "event_id", "field"]
STRATEGY_HELP = "random | event_id | field:NAME"


class PartitionKey(NamedTuple):
    key: str
    fell_back: bool


def random_partition_key() -> str:
    return str(uuid.uuid4())


def validate_partition_key(key: str) -> str:
    """Return the key, or raise ValueError if Kinesis would reject it (1..256 chars)."""
    if not 1 <= len(key) <= MAX_PARTITION_KEY_CHARS:
        raise ValueError(
            f"partition key must be 1..{MAX_PARTITION_KEY_CHARS} characters, got {len(key)}"
        )
    return key


def key_from_value(value: object) -> str | None:
    """A partition key from a field value, or None when the value cannot make one."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | int | float):
        text = json.dumps(value)
    else:
        return None
    if not text:
        return None
    if len(text) > MAX_PARTITION_KEY_CHARS:
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text


@dataclass(frozen=True, slots=True)
class PartitionKeyStrategy:
    kind: StrategyKind
    field: str | None = None

    @classmethod
    def parse(cls, spec: str) -> PartitionKeyStrategy:
        """Parse `random`, `event_id` or `field:NAME`; raise ValueError otherwise."""
        if spec == "random":
            return cls("random")
        if spec == "event_id":
            return cls("event_id", "event_id")
        if spec.startswith("field:"):
            name = spec.removeprefix("field:")
            if not name:
                raise ValueError("partition key strategy 'field:' needs a field name")
            return cls("field", name)
        raise ValueError(f"unknown partition key strategy {spec!r} (expected {STRATEGY_HELP})")

    def __str__(self) -> str:
        return f"field:{self.field}" if self.kind == "field" else self.kind

    def key_for(
        self,
        item: Mapping[str, object] | bytes,
        random_key: Callable[[], str] = random_partition_key,
    ) -> PartitionKey:
        """The partition key for one user record, and whether it fell back to random."""
        if self.kind == "random":
            return PartitionKey(validate_partition_key(random_key()), fell_back=False)
        key = None
        if self.field is not None and isinstance(item, Mapping):
            key = key_from_value(item.get(self.field))
        if key is None:
            return PartitionKey(validate_partition_key(random_key()), fell_back=True)
        return PartitionKey(key, fell_back=False)
