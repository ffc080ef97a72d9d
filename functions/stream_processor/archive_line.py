"""One archive line from one user-record payload, by a fast path or the exact codec.

The exact path is the definition of a line: `codec.parse_event` (json + the schema
validator), the lineage added as `_kinesis`, then `encode_json` (compact, key-sorted,
ASCII-only). The fast path gives the same bytes in one pass in C: msgspec decodes the
payload into a Struct that carries the schema's constraints, and encodes it key-sorted.
It only answers when it can prove its line equal to the exact one; for everything else
it returns None and the caller takes the exact path, which also produces every reason and
detail a malformed record is quarantined with:
- any float (msgspec and json format them differently): `float_hook` refuses them;
- any character outside printable ASCII in the line (json escapes those, msgspec writes
  them raw): the line is checked, not the input, so escapes such as \\u00e9 count too;
- deep nesting (json's limit depends on the stack depth it is called at);
- every decoding or validation error, including duplicate keys msgspec types differently.
tests/unit/stream_processor/test_stream_processor_archive_line.py holds both paths to
byte equality on generated events and on every poison kind.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import msgspec

from stream_processor.codec import parse_event
from stream_processor.models import KinesisLineage

# Compact and key-sorted so identical events give identical bytes; ASCII-only so lone
# surrogates that JSON escapes can carry never make a line fail to encode.
encode_json = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
).encode

# The schema's constraints (event_schema.json) as fastjsonschema compiles them: its
# regexes for the uuid and date-time formats, and `$` turned into `\Z` so a trailing
# newline does not match. A unit test checks them against the compiled validator.
UUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\Z"
EVENT_TYPE_PATTERN = "^[a-z][a-z0-9_.]{0,63}\\Z"
DATE_TIME_PATTERN = (
    "^(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)"
    "|02-(?:0[1-9]|1\\d|2[0-8]))|(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])"
    "|(?:[02468][048]|[13579][26])00)-02-29)(t|T)(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)"
    "(?:\\.\\d+)?(?:[+-](?:[01]\\d|2[0-3]):[0-5]\\d|[+-](?:[01]\\d|2[0-3])[0-5]\\d|z|Z)\\Z"
)
SOURCE_MAX_LENGTH = 128
# Far below json's recursion limit (about 1000 less the caller's stack depth), far above
# any real event's nesting. A payload shorter than this cannot nest deeper.
MAX_FAST_NESTING = 512

# The three patterns as one: a search costs ~0.3 us in Python's re, and msgspec would
# run three per event. The bodies join on NUL, which none of them matches, so the
# joined pattern matches "event_id NUL event_type NUL occurred_at" exactly when each
# value matches its own pattern (a value holding NUL matches neither way).
_formats_match = re.compile(
    "\x00".join(
        pattern.removeprefix("^").removesuffix("\\Z")
        for pattern in (UUID_PATTERN, EVENT_TYPE_PATTERN, DATE_TIME_PATTERN)
    )
    + "\\Z"
).match


class _Event(msgspec.Struct, forbid_unknown_fields=True):
    # Formats and pattern checked by _formats_match after decoding.
    event_id: str
    event_type: str
    occurred_at: str
    source: Annotated[str, msgspec.Meta(min_length=1, max_length=SOURCE_MAX_LENGTH)]
    # UNSET is left out when encoding, as an absent key is in the exact path.
    payload: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET


def _refuse_float(text: str) -> Any:
    raise ValueError(f"float {text[:32]} takes the exact path")


_decode_event = msgspec.json.Decoder(_Event, float_hook=_refuse_float).decode
_encode_sorted = msgspec.json.Encoder(order="sorted").encode
# "_kinesis" sorts before every schema field (all lower-case letters), so the lineage
# opens the line in the exact path's key order.
_LINE_START = b'{"_kinesis":'


def fast_line(payload: bytes, lineage: KinesisLineage) -> str | None:
    """The archive line for a payload within the size limit, or None: take the exact path."""
    if len(payload) > MAX_FAST_NESTING and payload.count(b"[") + payload.count(b"{") > (
        MAX_FAST_NESTING
    ):
        return None
    try:
        event = _decode_event(payload)
    except msgspec.DecodeError:  # ValidationError included
        return None
    if _formats_match(f"{event.event_id}\x00{event.event_type}\x00{event.occurred_at}") is None:
        return None
    line = b"".join((_LINE_START, _encode_sorted(lineage), b",", _encode_sorted(event)[1:]))
    # json escapes DEL and everything outside ASCII; ascii decoding refuses the latter.
    if b"\x7f" in line:
        return None
    try:
        return line.decode("ascii")
    except UnicodeDecodeError:
        return None


def exact_line(payload: bytes, lineage: KinesisLineage, max_record_bytes: int) -> str:
    """The archive line by definition; raises MalformedRecordError for a bad payload."""
    event = parse_event(payload, max_record_bytes)
    # The schema forbids additional properties, so "_kinesis" cannot collide with a field.
    event["_kinesis"] = lineage
    return encode_json(event)


def archive_line(payload: bytes, lineage: KinesisLineage, max_record_bytes: int) -> str:
    """The line for one payload, or MalformedRecordError with the exact path's reason."""
    if len(payload) <= max_record_bytes:
        line = fast_line(payload, lineage)
        if line is not None:
            return line
    return exact_line(payload, lineage, max_record_bytes)
