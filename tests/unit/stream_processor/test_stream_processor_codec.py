from __future__ import annotations

import base64
import json
import string
from datetime import UTC
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stream_processor_builders import valid_event

from stream_processor.codec import decode_base64, parse_event
from stream_processor.models import MalformedReason, MalformedRecordError

LIMIT = 262_144


def reason_of(payload: bytes, limit: int = LIMIT) -> MalformedReason:
    with pytest.raises(MalformedRecordError) as error:
        parse_event(payload, limit)
    return error.value.reason


def dumps(document: Any) -> bytes:
    return json.dumps(document).encode("utf-8")


# --- base64 ---------------------------------------------------------------------------


def test_base64_decodes_exactly() -> None:
    assert decode_base64(base64.b64encode(b"\x00\xffhello").decode()) == b"\x00\xffhello"


def test_empty_data_is_an_empty_payload() -> None:
    assert decode_base64("") == b""


@pytest.mark.parametrize(
    "data",
    [
        "not base64!",  # characters outside the alphabet
        "aGVsbG8",  # missing padding
        "aGVsbG8=\n",  # trailing newline: lenient decoders drop it silently
        "aGVs bG8=",  # embedded space
        "=aGVsbG8",  # leading padding
        "aGVsbG8=aGVs",  # data after padding
        "aGVsbG8=é",  # not even ASCII
    ],
)
def test_anything_but_strict_base64_is_not_base64(data: str) -> None:
    with pytest.raises(MalformedRecordError) as error:
        decode_base64(data)
    assert error.value.reason is MalformedReason.NOT_BASE64
    assert error.value.detail


# --- size, UTF-8, JSON ----------------------------------------------------------------


def test_a_valid_event_parses_to_itself() -> None:
    event = valid_event()
    assert parse_event(dumps(event), LIMIT) == event


def test_size_limit_is_inclusive() -> None:
    payload = dumps(valid_event(source="x" * 100))
    assert parse_event(payload, len(payload)) == json.loads(payload)
    assert reason_of(payload, len(payload) - 1) is MalformedReason.OVERSIZED


def test_oversized_wins_over_every_other_defect() -> None:
    # Size is checked first, so a huge payload is never decoded or parsed.
    assert reason_of(b"\xff" * (LIMIT + 1)) is MalformedReason.OVERSIZED


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe{}",
        "{}".encode("utf-16"),  # JSON in UTF-16 would be accepted by json.loads(bytes)
        b'{"source": "\xc3"}',  # truncated multi-byte sequence
        b'{"source": "\xed\xa0\x80"}',  # encoded surrogate
    ],
)
def test_invalid_utf8_is_not_utf8(payload: bytes) -> None:
    assert reason_of(payload) is MalformedReason.NOT_UTF8


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"   ",
        b"{",
        b"hello",
        b"{'single': 'quotes'}",
        b'{"event_id": NaN}',
        b'{"event_id": Infinity}',
        b'{"event_id": 1e999}',
        b"1" * 5000,  # longer than Python's int conversion limit
        b"[" * 100_000 + b"]" * 100_000,  # hostile nesting
        b'{"a": 1} {"b": 2}',  # two documents
        "\ufeff{}".encode(),  # byte-order mark
    ],
)
def test_non_json_is_not_json(payload: bytes) -> None:
    assert reason_of(payload) is MalformedReason.NOT_JSON


# --- schema ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"event_id": "not-a-uuid"}, "data.event_id must be uuid"),
        ({"event_id": 7}, "data.event_id must be string"),
        ({"event_type": "Order.Created"}, "data.event_type must match pattern"),
        ({"event_type": "order.created\n"}, "data.event_type must match pattern"),
        ({"event_type": "o" * 65}, "data.event_type must match pattern"),
        ({"event_type": "1st"}, "data.event_type must match pattern"),
        ({"occurred_at": "2024-03-07"}, "data.occurred_at must be date-time"),
        ({"occurred_at": "2023-02-29T00:00:00Z"}, "data.occurred_at must be date-time"),
        ({"occurred_at": "2024-03-07T09:15:00"}, "data.occurred_at must be date-time"),
        ({"source": ""}, "data.source must be longer than or equal to 1 characters"),
        ({"source": "s" * 129}, "data.source must be shorter than or equal to 128 characters"),
        ({"payload": ["not", "an", "object"]}, "data.payload must be object"),
        ({"_kinesis": {}}, "data must not contain {'_kinesis'} properties"),
    ],
)
def test_schema_violations_carry_the_validator_message(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(MalformedRecordError) as error:
        parse_event(dumps(valid_event(**overrides)), LIMIT)
    assert error.value.reason is MalformedReason.SCHEMA_VIOLATION
    assert error.value.detail.startswith(message)


@pytest.mark.parametrize("field", ["event_id", "event_type", "occurred_at", "source"])
def test_each_required_field_is_required(field: str) -> None:
    event = valid_event()
    del event[field]
    with pytest.raises(MalformedRecordError, match=f"must contain .*{field}") as error:
        parse_event(dumps(event), LIMIT)
    assert error.value.reason is MalformedReason.SCHEMA_VIOLATION


@pytest.mark.parametrize("document", [[], "event", 42, None])
def test_a_document_that_is_not_an_object_violates_the_schema(document: Any) -> None:
    assert reason_of(dumps(document)) is MalformedReason.SCHEMA_VIOLATION


@pytest.mark.parametrize(
    "overrides",
    [
        {"event_type": "o" * 64},
        {"event_type": "a"},
        {"occurred_at": "2024-02-29T23:59:60.5+05:30"},
        {"source": "s" * 128},
        {"payload": {}},
    ],
)
def test_boundary_values_are_valid(overrides: dict[str, Any]) -> None:
    event = valid_event(**overrides)
    assert parse_event(dumps(event), LIMIT) == event


def test_payload_is_optional() -> None:
    event = valid_event()
    del event["payload"]
    assert parse_event(dumps(event), LIMIT) == event


# --- properties -----------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
events = st.fixed_dictionaries(
    {
        "event_id": st.uuids().map(str),
        "event_type": st.from_regex(r"[a-z][a-z0-9_.]{0,63}", fullmatch=True),
        "occurred_at": st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.isoformat()),
        "source": st.text(min_size=1, max_size=128),
    },
    optional={"payload": st.dictionaries(st.text(max_size=8), json_values, max_size=4)},
)


@given(event=events, ensure_ascii=st.booleans())
def test_any_valid_event_round_trips(event: dict[str, Any], ensure_ascii: bool) -> None:
    data = base64.b64encode(json.dumps(event, ensure_ascii=ensure_ascii).encode("utf-8"))
    assert parse_event(decode_base64(data.decode("ascii")), LIMIT) == event


@given(payload=st.binary(max_size=512), limit=st.integers(min_value=1, max_value=1024))
def test_arbitrary_bytes_are_always_classified(payload: bytes, limit: int) -> None:
    outcome: object
    try:
        outcome = parse_event(payload, limit)
    except MalformedRecordError as error:
        outcome = error
    if isinstance(outcome, MalformedRecordError):
        assert outcome.reason in set(MalformedReason)
        assert outcome.detail
    else:
        assert isinstance(outcome, dict)


@given(data=st.text(alphabet=string.printable + "é=\x00", max_size=64))
def test_arbitrary_text_either_decodes_or_is_not_base64(data: str) -> None:
    outcome: object
    try:
        outcome = decode_base64(data)
    except MalformedRecordError as error:
        outcome = error
    if isinstance(outcome, MalformedRecordError):
        assert outcome.reason is MalformedReason.NOT_BASE64
    else:
        # Whatever is accepted, the standard library's validating decoder agrees on.
        assert base64.b64decode(data, validate=True) == outcome
