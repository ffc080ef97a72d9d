"""Sample and poison generators, checked against the event schema."""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from datetime import UTC, datetime

import fastjsonschema
import pytest

from clients.producer.samples import (
    DEFAULT_SOURCE,
    EVENT_TYPES,
    OVERSIZED_BYTES,
    PoisonKind,
    build_sample,
    format_timestamp,
    poison_record,
    sample_events,
    to_ndjson,
)

# The event contract the stream processor enforces (as specified to this client).
EVENT_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["event_id", "event_type", "occurred_at", "source"],
    "properties": {
        "event_id": {
            "type": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        },
        "event_type": {"type": "string", "pattern": "^[a-z][a-z0-9_.]{0,63}$"},
        "occurred_at": {
            "type": "string",
            "format": "date-time",
            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$",
        },
        "source": {"type": "string", "minLength": 1, "maxLength": 128},
        "payload": {"type": "object"},
    },
}
validate = fastjsonschema.compile(EVENT_SCHEMA)
PROCESSOR_MAX_BYTES = 256 * 1024


def test_sample_events_are_valid() -> None:
    events = sample_events(500, seed=1)
    for event in events:
        validate(event)
        assert uuid.UUID(event["event_id"]).version == 4
    assert len({e["event_id"] for e in events}) == 500
    assert set(Counter(e["event_type"] for e in events)) == set(EVENT_TYPES)


def test_same_seed_same_events_other_seed_other_events() -> None:
    assert sample_events(50, seed=3) == sample_events(50, seed=3)
    assert sample_events(50, seed=3) != sample_events(50, seed=4)


def test_timestamps_start_at_start_and_never_go_back() -> None:
    start = datetime(2026, 11, 21, 23, 59, 59, 123000, tzinfo=UTC)
    events = sample_events(100, start=start, source="me")
    assert events[0]["occurred_at"] == "2026-11-21T23:59:59.123Z"
    stamps = [e["occurred_at"] for e in events]
    assert stamps == sorted(stamps)
    assert {e["source"] for e in events} == {"me"}


def test_format_timestamp_converts_to_utc_with_milliseconds() -> None:
    moment = datetime.fromisoformat("2026-03-01T01:02:03.456789+02:00")
    assert format_timestamp(moment) == "2026-02-28T23:02:03.456Z"


@pytest.mark.parametrize("source", ["", "s" * 129])
def test_invalid_source_is_rejected(source: str) -> None:
    with pytest.raises(ValueError, match="source"):
        sample_events(1, source=source)


def consumer_verdict(data: bytes) -> str:
    """What a schema-checking consumer makes of a record."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_utf8"
    try:
        event = json.loads(text)
    except json.JSONDecodeError:
        return "not_json"
    if len(data) > PROCESSOR_MAX_BYTES:
        return "oversized"
    try:
        validate(event)
    except fastjsonschema.JsonSchemaException:
        return "schema"
    return "valid"


EXPECTED = {
    PoisonKind.NOT_JSON: "not_json",
    PoisonKind.INVALID_UTF8: "invalid_utf8",
    PoisonKind.MISSING_FIELD: "schema",
    PoisonKind.BAD_UUID: "schema",
    PoisonKind.EXTRA_PROPERTY: "schema",
    PoisonKind.WRONG_TYPE: "schema",
    PoisonKind.OVERSIZED: "oversized",
}


@pytest.mark.parametrize("kind", list(PoisonKind))
@pytest.mark.parametrize("seed", range(6))
def test_every_poison_kind_is_rejected_for_its_reason(kind: PoisonKind, seed: int) -> None:
    data = poison_record(kind, seed=seed)
    assert isinstance(data, bytes)
    assert consumer_verdict(data) == EXPECTED[kind]


def test_oversized_poison_is_over_256_kib_under_1_mib_and_otherwise_valid() -> None:
    data = poison_record(PoisonKind.OVERSIZED)
    assert PROCESSOR_MAX_BYTES < len(data) < 1024 * 1024
    assert len(data) > OVERSIZED_BYTES
    validate(json.loads(data))


def test_schema_shaped_poison_varies_with_the_seed() -> None:
    variants = {poison_record(PoisonKind.MISSING_FIELD, seed=s) for s in range(20)}
    missing = {
        frozenset({"event_id", "event_type", "occurred_at", "source"} - set(json.loads(v)))
        for v in variants
    }
    assert len(missing) > 1


def test_build_sample_mixes_poison_at_the_requested_fraction() -> None:
    sample = build_sample(1000, poison_fraction=0.07, seed=5)
    assert len(sample.items) == 1000
    assert len(sample.poison) == 70
    assert len(sample.valid_events) == 930
    assert Counter(kind for _, kind in sample.poison) == dict.fromkeys(PoisonKind, 10)
    for position, kind in sample.poison:
        item = sample.items[position]
        assert isinstance(item, bytes)
        assert consumer_verdict(item) == EXPECTED[kind]
    poison_positions = {p for p, _ in sample.poison}
    valid_items = [it for i, it in enumerate(sample.items) if i not in poison_positions]
    assert valid_items == sample.valid_events
    for event in sample.valid_events:
        validate(event)


def test_build_sample_is_deterministic_and_defaults_to_no_poison() -> None:
    assert build_sample(200, poison_fraction=0.1, seed=9) == build_sample(
        200, poison_fraction=0.1, seed=9
    )
    clean = build_sample(10)
    assert clean.poison == []
    assert clean.items == clean.valid_events == sample_events(10)


def test_build_sample_can_restrict_poison_kinds() -> None:
    sample = build_sample(50, poison_fraction=0.2, kinds=[PoisonKind.NOT_JSON])
    assert {kind for _, kind in sample.poison} == {PoisonKind.NOT_JSON}


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_build_sample_rejects_bad_fractions(fraction: float) -> None:
    with pytest.raises(ValueError, match="poison_fraction"):
        build_sample(10, poison_fraction=fraction)


def test_to_ndjson_round_trips() -> None:
    events = sample_events(3)
    lines = to_ndjson(events).splitlines()
    assert [json.loads(line) for line in lines] == events
    assert all(re.fullmatch(r"\{.*\}", line) for line in lines)
    assert DEFAULT_SOURCE in lines[0]
