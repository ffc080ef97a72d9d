"""The archive line's fast path gives the exact codec's bytes, or steps aside.

The exact path (json + fastjsonschema + json's encoder) defines a line and a quarantine
body; these tests hold the fast path (msgspec) and the spliced quarantine body to it,
byte for byte, on generated events and on every poison kind the producer can send.
"""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_processor_builders import RecordingStore, aggregate, encode_payload, make_record

from clients.producer import PoisonKind, build_sample, encode_event, poison_record
from stream_processor import archive_line as archive_line_module
from stream_processor.archive_line import (
    DATE_TIME_PATTERN,
    EVENT_TYPE_PATTERN,
    SOURCE_MAX_LENGTH,
    UUID_PATTERN,
    archive_line,
    encode_json,
    exact_line,
    fast_line,
)
from stream_processor.batch import process_batch, quarantine_body
from stream_processor.codec import SCHEMA_PATH
from stream_processor.config import Settings
from stream_processor.models import (
    KinesisLineage,
    MalformedReason,
    MalformedRecord,
    MalformedRecordError,
)

MAX_RECORD_BYTES = 256 * 1024
LINEAGE = KinesisLineage(
    shard_id="shardId-000000000000",
    sequence_number="49590338271490256608559692538361571095921575989136588898",
    sub_sequence_number=None,
    partition_key="customer-1",
    approximate_arrival_timestamp="2024-03-07T09:15:02.123Z",
)


def exact_outcome(payload: bytes, lineage: KinesisLineage = LINEAGE) -> str | MalformedReason:
    try:
        return exact_line(payload, lineage, MAX_RECORD_BYTES)
    except MalformedRecordError as error:
        return error.reason


def assert_paths_agree(payload: bytes, lineage: KinesisLineage = LINEAGE) -> None:
    expected = exact_outcome(payload, lineage)
    fast = fast_line(payload, lineage)
    if isinstance(expected, MalformedReason):
        assert fast is None, (payload, expected)
    else:
        assert fast in (None, expected), payload
    try:
        combined: str | MalformedReason = archive_line(payload, lineage, MAX_RECORD_BYTES)
    except MalformedRecordError as error:
        combined = error.reason
    assert combined == expected


def test_fast_path_constraints_are_the_compiled_schema() -> None:
    schema = json.loads(Path(SCHEMA_PATH).read_text(encoding="utf-8"))
    compiled = fastjsonschema.compile_to_code(schema)
    for pattern in (UUID_PATTERN, EVENT_TYPE_PATTERN, DATE_TIME_PATTERN):
        assert repr(pattern) in compiled
    assert schema["properties"]["source"]["maxLength"] == SOURCE_MAX_LENGTH
    assert schema["properties"]["source"]["minLength"] == 1
    assert set(schema["properties"]) == set(archive_line_module._Event.__struct_fields__)
    assert set(schema["required"]) == set(schema["properties"]) - {"payload"}


def test_fast_path_takes_ordinary_events() -> None:
    for event in build_sample(50, seed=3).valid_events:
        payload = encode_event(event)
        assert fast_line(payload, LINEAGE) == exact_line(payload, LINEAGE, MAX_RECORD_BYTES)


@pytest.mark.parametrize("kind", list(PoisonKind))
def test_every_poison_kind_takes_the_exact_path(kind: PoisonKind) -> None:
    payload = poison_record(kind, seed=11)
    if kind is not PoisonKind.OVERSIZED:  # schema-valid: archive_line checks the size first
        assert fast_line(payload, LINEAGE) is None
    expected = exact_outcome(payload)
    assert isinstance(expected, MalformedReason)
    with pytest.raises(MalformedRecordError) as raised:
        archive_line(payload, LINEAGE, MAX_RECORD_BYTES)
    assert raised.value.reason is expected


@pytest.mark.parametrize(
    "payload",
    [
        b'{"a":1.5}',  # floats are formatted differently
        '{"a":"\u00e9"}'.encode(),  # json escapes non-ASCII
        b'{"a":"\\u00e9"}',  # the escape decodes to non-ASCII
        b'{"a":"\\u007f"}',  # json escapes DEL
        b'{"a":"\\ud800"}',  # a lone surrogate json accepts
        b'{"a":' + b"[" * 600 + b"]" * 600 + b"}",  # nesting
        b'{"a":1e3}',
        b'{"a":NaN}',
    ],
)
def test_what_the_fast_path_cannot_prove_takes_the_exact_path(payload: bytes) -> None:
    event = {
        "event_id": str(uuid.UUID(int=7)),
        "event_type": "order.created",
        "occurred_at": "2024-03-07T09:15:00.250Z",
        "source": "checkout",
    }
    document = json.dumps(event, separators=(",", ":")).encode()
    with_payload = document[:-1] + b',"payload":' + payload + b"}"
    assert fast_line(with_payload, LINEAGE) is None
    assert_paths_agree(with_payload)


ID = str(uuid.UUID(int=1))


@pytest.mark.parametrize(
    "event",
    [
        {"event_id": "X", "event_id ": 1},
        # Duplicate keys: json keeps the last value.
        '{"event_id":"bad","event_id":"ID","event_type":"a","occurred_at":'
        '"2024-03-07T09:15:00Z","source":"s"}'.replace("ID", ID),
        '{"event_id":"ID","event_type":"a","occurred_at":"2024-03-07T09:15:00Z","source":"s",'
        '"source":""}'.replace("ID", ID),
        '{"event_id":"ID","event_type":"a\\n","occurred_at":"2024-03-07T09:15:00Z",'
        '"source":"s"}'.replace("ID", ID),
        '{"event_id":"ID","event_type":"a","occurred_at":"2024-02-30T09:15:00Z",'
        '"source":"s"}'.replace("ID", ID),
        '{"event_id":"ID","event_type":"a","occurred_at":"2024-03-07T09:15:00Z",'
        '"source":"s","payload":null}'.replace("ID", ID),
        '  {"event_id":"ID","event_type":"a","occurred_at":"2024-03-07t09:15:00+01:00",'
        '"source":"s","payload":{"z":[1,-0,true,null,"\\"\\\\/\\b\\f\\n\\r\\t\\u0001"],"a":{}}}\n'.replace(
            "ID", ID
        ),
    ],
)
def test_edge_cases_agree(event: Any) -> None:
    payload = event.encode() if isinstance(event, str) else json.dumps(event).encode()
    assert_paths_agree(payload)


ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=12)
# Scalars the fast path takes (ASCII text, integers) and ones it must leave alone.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | ascii_text
    | ascii_text
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ascii_text, children, max_size=4)
    ),
    max_leaves=8,
)
valid_event_types = st.from_regex(r"\A[a-z][a-z0-9_.]{0,8}\Z")
valid_occurred_ats = st.datetimes().map(lambda moment: moment.isoformat() + "Z")
valid_sources = st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=8)
events = st.fixed_dictionaries(
    {
        "event_id": st.uuids().map(str),
        "event_type": st.from_regex(r"\A[a-z][a-z0-9_.]{0,8}\Z"),
        "occurred_at": st.datetimes().map(lambda moment: moment.isoformat() + "Z"),
        "source": st.text(alphabet=st.characters(max_codepoint=127), min_size=1, max_size=8),
    },
    optional={
        "payload": st.dictionaries(ascii_text, json_values, max_size=5)
        | st.dictionaries(ascii_text, json_values, max_size=5)
        | json_values,
    },
)
# Values that may break a field: wrong type, wrong format, too long, non-ASCII, ...
wild_values = (
    json_values
    | st.text(max_size=6)
    | st.text(min_size=126, max_size=130, alphabet="ab\u00e9")
    | st.sampled_from(["2024-02-29T00:00:00.5+01:00", "2023-02-29T00:00:00Z", "a\n", ""])
)
partition_keys = ascii_text | st.text(max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    event=events,
    ensure_ascii=st.booleans(),
    indent=st.none() | st.integers(0, 2),
    # Mostly valid events: the fast path must be exercised, not only stepped around.
    change=st.sampled_from(
        [None] * 4 + ["event_id", "event_type", "occurred_at", "source", "unexpected"]
    ),
    how=st.sampled_from(["delete", "replace"]),
    wild=wild_values,
    partition_key=partition_keys,
)
def test_generated_events_give_the_same_bytes_on_both_paths(
    *,
    event: dict[str, Any],
    ensure_ascii: bool,
    indent: int | None,
    change: str | None,
    how: str,
    wild: Any,
    partition_key: str,
) -> None:
    if change is not None and how == "delete":
        event.pop(change, None)
    elif change is not None:
        event[change] = wild
    payload = json.dumps(event, ensure_ascii=ensure_ascii, indent=indent).encode(
        "utf-8", "surrogatepass"
    )
    lineage = KinesisLineage(
        shard_id=LINEAGE["shard_id"],
        sequence_number=LINEAGE["sequence_number"],
        sub_sequence_number=3,
        partition_key=partition_key,
        approximate_arrival_timestamp=LINEAGE["approximate_arrival_timestamp"],
    )
    assert_paths_agree(payload, lineage)


# --- quarantine bodies ------------------------------------------------------------------


def reference_quarantine_body(malformed: MalformedRecord) -> bytes:
    """The body as the exact codec defines it: the whole document through encode_json."""
    record = malformed.record
    document = {
        "reason": str(malformed.reason),
        "detail": malformed.detail,
        "kinesis": {
            "shard_id": record.shard_id,
            "sequence_number": record.sequence_number,
            "sub_sequence_number": malformed.sub_sequence_number,
            "partition_key": malformed.partition_key,
            "approximate_arrival_timestamp": "2024-03-07T09:15:02.123Z",
        },
        "data_base64": base64.b64encode(malformed.raw_payload).decode("ascii"),
    }
    return encode_json(document).encode("ascii")


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=40), detail=st.text(max_size=10), partition_key=partition_keys)
def test_quarantine_body_equals_the_encoded_document(
    raw: bytes, detail: str, partition_key: str
) -> None:
    text = base64.b64encode(raw).decode("ascii")
    record = make_record(text, partition_key=partition_key)
    for arrived in (None, text):
        malformed = MalformedRecord(
            MalformedReason.NOT_JSON, detail, record, None, partition_key, raw, arrived
        )
        assert quarantine_body(malformed) == reference_quarantine_body(malformed)


def test_non_canonical_base64_is_quarantined_as_its_canonical_encoding() -> None:
    # "QR==" decodes to b"A" like "QQ==": the body holds the payload, not the odd text.
    store = RecordingStore()
    process_batch([make_record("QR==")], Settings(archive_bucket="b"), store)
    [(body, _content_type, _encoding)] = store.objects.values()
    assert json.loads(body)["data_base64"] == "QQ=="


def test_a_batch_with_every_poison_kind_is_stored_identically_by_both_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sample = build_sample(140, poison_fraction=0.1, seed=5)
    payloads = [item if isinstance(item, bytes) else encode_event(item) for item in sample.items]
    records = [
        make_record(encode_payload(payload), sequence_number=str(1000 + index))
        for index, payload in enumerate(payloads)
    ]
    records.append(make_record(encode_payload(aggregate(payloads[:20])), sequence_number="2000"))
    settings_ = Settings(archive_bucket="b")

    both_paths = RecordingStore()
    process_batch(records, settings_, both_paths)
    monkeypatch.setattr(archive_line_module, "fast_line", lambda _payload, _lineage: None)
    exact_path = RecordingStore()
    process_batch(records, settings_, exact_path)

    assert both_paths.objects == exact_path.objects
    assert len(both_paths.objects) > len(PoisonKind)
