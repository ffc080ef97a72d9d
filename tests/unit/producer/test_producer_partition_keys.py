"""Partition-key strategies."""

from __future__ import annotations

import hashlib
import itertools
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clients.producer.partition_keys import (
    PartitionKey,
    PartitionKeyStrategy,
    random_partition_key,
    validate_partition_key,
)


def counter_keys() -> object:
    numbers = itertools.count()
    return lambda: f"rnd-{next(numbers)}"


EVENT = {"event_id": "6c1d3c2e-6b43-4f0e-9a51-6f2b8f8a1f00", "source": "shop", "n": 7}


@pytest.mark.parametrize(
    ("spec", "kind", "field"),
    [
        ("random", "random", None),
        ("event_id", "event_id", "event_id"),
        ("field:source", "field", "source"),
        ("field:a:b", "field", "a:b"),
    ],
)
def test_parse(spec: str, kind: str, field: str | None) -> None:
    strategy = PartitionKeyStrategy.parse(spec)
    assert (strategy.kind, strategy.field) == (kind, field)
    assert str(strategy) == spec


@pytest.mark.parametrize("spec", ["", "Random", "field:", "field", "source", "hash"])
def test_parse_rejects_unknown_specs(spec: str) -> None:
    with pytest.raises(ValueError, match="partition key strategy"):
        PartitionKeyStrategy.parse(spec)


def test_random_is_a_fresh_uuid4_each_time() -> None:
    strategy = PartitionKeyStrategy.parse("random")
    keys = {strategy.key_for(EVENT).key for _ in range(50)}
    assert len(keys) == 50
    assert all(uuid.UUID(k).version == 4 for k in keys)
    assert strategy.key_for(EVENT).fell_back is False


def test_event_id_uses_the_event_id() -> None:
    strategy = PartitionKeyStrategy.parse("event_id")
    assert strategy.key_for(EVENT) == PartitionKey(EVENT["event_id"], fell_back=False)


def test_field_uses_the_top_level_field() -> None:
    assert PartitionKeyStrategy.parse("field:source").key_for(EVENT) == ("shop", False)


@pytest.mark.parametrize(
    ("value", "key"),
    [(7, "7"), (1.5, "1.5"), (True, "true"), ("ä", "ä")],
)
def test_scalar_field_values_become_keys(value: object, key: str) -> None:
    strategy = PartitionKeyStrategy.parse("field:v")
    assert strategy.key_for({"v": value}) == (key, False)


@pytest.mark.parametrize(
    "item",
    [
        {"source": "shop"},  # field missing
        {"v": None},
        {"v": ""},
        {"v": {"nested": 1}},
        {"v": [1, 2]},
        b'{"v": "raw bytes are never parsed"}',
    ],
)
def test_missing_or_unusable_field_falls_back_to_random_and_says_so(item: object) -> None:
    strategy = PartitionKeyStrategy.parse("field:v")
    assert strategy.key_for(item, counter_keys()) == ("rnd-0", True)  # type: ignore[arg-type]


def test_event_id_strategy_falls_back_for_raw_bytes() -> None:
    assert PartitionKeyStrategy.parse("event_id").key_for(b"{}", counter_keys()) == ("rnd-0", True)


def test_long_values_are_hashed_to_a_valid_deterministic_key() -> None:
    value = "v" * 257
    key, fell_back = PartitionKeyStrategy.parse("field:v").key_for({"v": value})
    assert key == "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    assert not fell_back
    assert validate_partition_key(key) == key


def test_value_of_exactly_256_characters_is_kept() -> None:
    value = "é" * 256
    assert PartitionKeyStrategy.parse("field:v").key_for({"v": value}).key == value


@pytest.mark.parametrize("bad", ["", "x" * 257])
def test_validate_rejects_keys_kinesis_would_reject(bad: str) -> None:
    with pytest.raises(ValueError, match=r"1\.\.256"):
        validate_partition_key(bad)


def test_a_random_key_source_returning_bad_keys_is_caught() -> None:
    with pytest.raises(ValueError, match=r"1\.\.256"):
        PartitionKeyStrategy.parse("random").key_for({}, lambda: "")


def test_random_partition_key_is_uuid4() -> None:
    assert uuid.UUID(random_partition_key()).version == 4


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=5,
)


@given(value=json_values, spec=st.sampled_from(["random", "event_id", "field:v", "field:event_id"]))
def test_every_key_is_valid_for_kinesis(value: object, spec: str) -> None:
    item = {"v": value, "event_id": value}
    key, _ = PartitionKeyStrategy.parse(spec).key_for(item)
    assert validate_partition_key(key) == key
