"""Deterministic sample events, and poison records for testing the consumer side. Pure.

Valid events follow the stream processor's event schema: required `event_id` (UUID4),
`event_type` (^[a-z][a-z0-9_.]{0,63}$), `occurred_at` (RFC 3339 UTC with milliseconds,
e.g. 2026-11-21T23:59:59.123Z), `source` (1..128 chars), optional `payload` (object),
nothing else. Poison records are raw bytes, each of a known `PoisonKind`.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from clients.producer.records import Item, encode_event

DEFAULT_SOURCE = "clients.producer.sample"
# Fixed so that the same seed gives byte-identical events; pass `start` for real times.
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
EVENT_TYPES = (
    "order.created",
    "order.shipped",
    "payment.captured",
    "user.signed_up",
    "inventory.adjusted",
)
OVERSIZED_BYTES = 300 * 1024  # over the processor's 256 KiB, under Kinesis' 1 MiB


class PoisonKind(StrEnum):
    NOT_JSON = "not_json"
    INVALID_UTF8 = "invalid_utf8"
    MISSING_FIELD = "missing_field"
    BAD_UUID = "bad_uuid"
    EXTRA_PROPERTY = "extra_property"
    WRONG_TYPE = "wrong_type"
    OVERSIZED = "oversized"


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with milliseconds and a `Z`: 2026-11-21T23:59:59.123Z."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _rng(seed: object) -> random.Random:
    # Sample data must be reproducible from a seed, which rules out `secrets`; none of
    # it is security-sensitive.
    return random.Random(str(seed))  # noqa: S311


def _uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _payload(event_type: str, rng: random.Random) -> dict[str, Any]:
    if event_type.startswith("order."):
        payload: dict[str, Any] = {"order_id": f"ord-{rng.randrange(10**8):08d}"}
        if event_type == "order.created":
            payload["amount_cents"] = rng.randrange(100, 100_000)
            payload["currency"] = rng.choice(("EUR", "USD", "GBP"))
        else:
            payload["carrier"] = rng.choice(("dhl", "ups", "postnl"))
        return payload
    if event_type == "payment.captured":
        return {
            "payment_id": f"pay-{rng.randrange(10**8):08d}",
            "amount_cents": rng.randrange(1, 10**5),
        }
    if event_type == "user.signed_up":
        return {"user_id": _uuid4(rng), "plan": rng.choice(("free", "pro"))}
    return {"sku": f"sku-{rng.randrange(10**4):04d}", "delta": rng.randrange(-50, 51)}


def _event(rng: random.Random, moment: datetime, source: str) -> dict[str, Any]:
    event_type = rng.choice(EVENT_TYPES)
    return {
        "event_id": _uuid4(rng),
        "event_type": event_type,
        "occurred_at": format_timestamp(moment),
        "source": source,
        "payload": _payload(event_type, rng),
    }


def sample_events(
    count: int,
    *,
    seed: int = 0,
    start: datetime | None = None,
    source: str = DEFAULT_SOURCE,
) -> list[dict[str, Any]]:
    """`count` valid events; the same arguments always give the same events.

    `occurred_at` starts at `start` (default a fixed instant) and advances by a few
    milliseconds per event.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    if not 1 <= len(source) <= 128:
        raise ValueError("source must be 1..128 characters")
    rng = _rng(seed)
    moment = start if start is not None else DEFAULT_START
    events = []
    for _ in range(count):
        events.append(_event(rng, moment, source))
        moment += timedelta(milliseconds=rng.randrange(1, 50))
    return events


def poison_record(kind: PoisonKind, *, seed: int = 0) -> bytes:
    """One record of the given poison kind; schema-shaped kinds carry a valid `event_id`
    (except `bad_uuid`) so a consumer's quarantine can be matched to what was sent."""
    rng = _rng(f"{kind}:{seed}")
    event = _event(rng, DEFAULT_START, DEFAULT_SOURCE)
    if kind is PoisonKind.NOT_JSON:
        return f"not json {{event {event['event_id']}".encode()
    if kind is PoisonKind.INVALID_UTF8:
        return b'{"event_id":"\xff\xfe' + str(event["event_id"]).encode() + b'"}'
    if kind is PoisonKind.MISSING_FIELD:
        del event[rng.choice(("event_id", "event_type", "occurred_at", "source"))]
    elif kind is PoisonKind.BAD_UUID:
        event["event_id"] = f"not-a-uuid-{rng.randrange(10**6)}"
    elif kind is PoisonKind.EXTRA_PROPERTY:
        event["unexpected"] = True
    elif kind is PoisonKind.WRONG_TYPE:
        wrong: dict[str, object] = {"source": 12345, "payload": ["not", "an", "object"]}
        name = rng.choice(sorted(wrong))
        event[name] = wrong[name]
    elif kind is PoisonKind.OVERSIZED:
        # Schema-valid: only the size is wrong.
        event["payload"] = {"blob": "x" * OVERSIZED_BYTES}
    return encode_event(event)


@dataclass
class Sample:
    """A mix of valid events and poison records, in the order to put them.

    `items` go to `Producer.put`; `valid_events` are the dict items; `poison` lists
    `(position in items, kind)` for every poison record.
    """

    items: list[Item] = field(default_factory=list)
    valid_events: list[dict[str, Any]] = field(default_factory=list)
    poison: list[tuple[int, PoisonKind]] = field(default_factory=list)


def build_sample(
    count: int,
    *,
    poison_fraction: float = 0.0,
    seed: int = 0,
    start: datetime | None = None,
    source: str = DEFAULT_SOURCE,
    kinds: Sequence[PoisonKind] = tuple(PoisonKind),
) -> Sample:
    """`count` items of which `round(count * poison_fraction)` are poison, at positions
    chosen by `seed`, their kinds cycling through `kinds` so every kind appears once
    there are enough of them. Deterministic for the same arguments."""
    if not 0.0 <= poison_fraction <= 1.0:
        raise ValueError(f"poison_fraction must be within 0..1, got {poison_fraction}")
    if not kinds and poison_fraction > 0:
        raise ValueError("poison requested but no poison kinds given")
    rng = _rng(seed)
    poison_count = round(count * poison_fraction)
    poison_at = sorted(rng.sample(range(count), poison_count))
    events = iter(sample_events(count - poison_count, seed=seed, start=start, source=source))
    sample = Sample()
    poison_positions = set(poison_at)
    for position in range(count):
        if position in poison_positions:
            kind = kinds[len(sample.poison) % len(kinds)]
            sample.items.append(poison_record(kind, seed=seed * 1_000_003 + position))
            sample.poison.append((position, kind))
        else:
            event = next(events)
            sample.items.append(event)
            sample.valid_events.append(event)
    return sample


def to_ndjson(events: Sequence[dict[str, Any]]) -> str:
    """Events as NDJSON text, one compact JSON object per line (for `--input`)."""
    return "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in events)
