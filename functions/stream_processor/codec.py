"""Decoding of one payload: base64 -> bytes -> UTF-8 -> JSON -> schema-valid event.

Each step either returns or raises MalformedRecordError with a stable reason, so the
caller classifies any input without a catch-all.
"""

from __future__ import annotations

import binascii
import json
import math
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from stream_processor.models import Event, MalformedReason, MalformedRecordError

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "event_schema.json")


# Imported and compiled once, on first use: the archive line's fast path validates valid
# events without it, and fastjsonschema is ~2,200 lines that a cold start on Lambda
# (no bytecode in the zip) would compile, plus ~15 ms to generate the validator.
@cache
def _validator() -> Callable[[Any], Any]:
    import fastjsonschema  # noqa: PLC0415

    with open(SCHEMA_PATH, encoding="utf-8") as schema_file:
        validator: Callable[[Any], Any] = fastjsonschema.compile(json.load(schema_file))
    return validator


def validate_event(document: Any) -> str | None:
    """None for a valid event, else the first violation's message."""
    from fastjsonschema import JsonSchemaValueException  # noqa: PLC0415

    try:
        _validator()(document)
    except JsonSchemaValueException as error:
        return str(error.message)
    return None


def _reject_non_finite_constant(name: str) -> float:
    # json accepts NaN/Infinity by default, but they are not JSON: an archived line
    # containing them would break every downstream JSON reader.
    raise ValueError(f"{name} is not valid JSON")


def _parse_finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        # 1e999 parses to inf and would be re-serialised as the non-JSON "Infinity".
        raise ValueError(f"number {text[:32]} is out of range")
    return value


_json_decoder = json.JSONDecoder(
    parse_constant=_reject_non_finite_constant, parse_float=_parse_finite_float
)


def decode_base64(data: str) -> bytes:
    """Decode the record's data field; strict, so stray characters are not silently dropped."""
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except (binascii.Error, ValueError) as error:
        # ValueError: non-ASCII characters in the text.
        raise MalformedRecordError(MalformedReason.NOT_BASE64, str(error)) from None


def parse_event(payload: bytes, max_record_bytes: int) -> Event:
    """Turn one user-record payload into a schema-valid event or raise MalformedRecordError."""
    if len(payload) > max_record_bytes:
        raise MalformedRecordError(
            MalformedReason.OVERSIZED,
            f"payload is {len(payload)} bytes, the limit is {max_record_bytes}",
        )
    try:
        # Decoded explicitly: json would also accept UTF-16/32 bytes, the contract is UTF-8.
        text = payload.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedRecordError(MalformedReason.NOT_UTF8, str(error)) from None
    try:
        document = _json_decoder.decode(text)
    except RecursionError:
        raise MalformedRecordError(MalformedReason.NOT_JSON, "nesting is too deep") from None
    except ValueError as error:
        # JSONDecodeError, the rejections above, and int() refusing over-long numbers.
        raise MalformedRecordError(MalformedReason.NOT_JSON, str(error)) from None
    violation = validate_event(document)
    if violation is not None:
        raise MalformedRecordError(MalformedReason.SCHEMA_VIOLATION, violation)
    event: Event = document
    return event
