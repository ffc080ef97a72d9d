from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_processor_builders import (
    SHARD_ID,
    RecordingStore,
    aggregate,
    encode_event,
    encode_payload,
    make_record,
    valid_event,
)

from stream_processor import batch as batch_module
from stream_processor.batch import (
    compress_lines,
    prepare_batch,
    process_batch,
    quarantine_body,
    write_batch,
)
from stream_processor.config import Settings
from stream_processor.models import BatchOutcome, KinesisLineage, KinesisRecord, MalformedReason

SETTINGS = Settings(archive_bucket="unused", max_record_bytes=1024)
PARTITION = "year=2024/month=03/day=07/hour=09"


def archive_key_for(sequence_number: str) -> str:
    return f"archive/{PARTITION}/{SHARD_ID}-{sequence_number}.ndjson.gz"


def quarantine_key_for(name: str) -> str:
    return f"quarantine/{PARTITION}/{SHARD_ID}/{name}.json"


def archived_lines(store: RecordingStore, key: str) -> list[dict[str, Any]]:
    body, content_type, content_encoding = store.objects[key]
    assert (content_type, content_encoding) == ("application/x-ndjson", "gzip")
    text = gzip.decompress(body).decode("ascii")
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def valid_record(sequence_number: str, **overrides: Any) -> KinesisRecord:
    event = valid_event(source=f"source-{sequence_number}", **overrides)
    return make_record(encode_event(event), sequence_number=sequence_number)


def malformed_record(sequence_number: str) -> KinesisRecord:
    return make_record(encode_payload(b"not json"), sequence_number=sequence_number)


def sequence_numbers_of(lines: list[dict[str, Any]]) -> list[str]:
    return [line["_kinesis"]["sequence_number"] for line in lines]


def assert_each_record_ends_in_one_place(
    records: Sequence[KinesisRecord], outcome: BatchOutcome, store: RecordingStore
) -> None:
    """Failed records are neither archived nor counted quarantined; all others are stored."""
    archived = set()
    if outcome.archive_key is not None:
        archived = set(sequence_numbers_of(archived_lines(store, outcome.archive_key)))
    quarantined = {item.malformed.record.sequence_number for item in outcome.quarantined}
    failed = set(outcome.failed_sequence_numbers)
    for record in records:
        stored = record.sequence_number in archived or record.sequence_number in quarantined
        assert stored != (record.sequence_number in failed), record.sequence_number
    for item in outcome.quarantined:
        assert item.key in store.objects


# --- one pass: decoding and transformation -------------------------------------------


def test_valid_records_become_exact_sorted_compact_lines(store: RecordingStore) -> None:
    event = valid_event(payload={"z": 1, "a": "é"})
    record = make_record(encode_event(event), sequence_number="4959", partition_key="pk-7")

    outcome = process_batch([record], SETTINGS, store)

    body, _, _ = store.objects[archive_key_for("4959")]
    assert gzip.decompress(body) == (
        b'{"_kinesis":{"approximate_arrival_timestamp":"2024-03-07T09:15:02.123Z",'
        b'"partition_key":"pk-7","sequence_number":"4959","shard_id":"shardId-000000000000",'
        b'"sub_sequence_number":null},'
        b'"event_id":"' + event["event_id"].encode() + b'","event_type":"order.created",'
        b'"occurred_at":"2024-03-07T09:15:00.250Z","payload":{"a":"\\u00e9","z":1},'
        b'"source":"checkout"}\n'
    )
    assert outcome.archive_key == archive_key_for("4959")
    assert outcome.archived_count == 1
    assert outcome.failed_sequence_numbers == []
    assert outcome.quarantined == []


def test_every_malformed_kind_is_classified_and_valid_records_still_archived() -> None:
    records = [
        valid_record("100"),
        make_record("%%%", sequence_number="101"),
        make_record(encode_payload(b"x" * 1025), sequence_number="102"),
        make_record(encode_payload(b"\xff\xfe"), sequence_number="103"),
        make_record(encode_payload(b"{"), sequence_number="104"),
        make_record(encode_event(valid_event(event_type="BAD")), sequence_number="105"),
        make_record(encode_payload(aggregate([b"{}"])[:-1]), sequence_number="106"),
        valid_record("107"),
    ]

    batch = prepare_batch(records, max_record_bytes=1024)

    assert [(m.record.sequence_number, m.reason) for m in batch.malformed] == [
        ("101", MalformedReason.NOT_BASE64),
        ("102", MalformedReason.OVERSIZED),
        ("103", MalformedReason.NOT_UTF8),
        ("104", MalformedReason.NOT_JSON),
        ("105", MalformedReason.SCHEMA_VIOLATION),
        ("106", MalformedReason.CORRUPT_AGGREGATE),
    ]
    assert [json.loads(line)["source"] for line in batch.lines] == ["source-100", "source-107"]
    assert batch.unprocessable == []


def test_aggregated_sub_records_are_archived_or_quarantined_individually(
    store: RecordingStore,
) -> None:
    payloads = [
        json.dumps(valid_event(source="first")).encode(),
        b"not json",
        json.dumps(valid_event(source="third")).encode(),
    ]
    record = make_record(encode_payload(aggregate(payloads)), sequence_number="4959")

    outcome = process_batch([record], SETTINGS, store)

    lines = archived_lines(store, archive_key_for("4959"))
    assert [line["source"] for line in lines] == ["first", "third"]
    assert [line["_kinesis"]["sub_sequence_number"] for line in lines] == [0, 2]
    assert [line["_kinesis"]["partition_key"] for line in lines] == ["pk-0", "pk-2"]
    assert [item.key for item in outcome.quarantined] == [quarantine_key_for("4959-1")]
    assert outcome.quarantined[0].malformed.partition_key == "pk-1"


def test_quarantine_body_keeps_reason_lineage_and_raw_payload() -> None:
    record = make_record(encode_payload(b"\xff not utf-8"), sequence_number="4959")
    [malformed] = prepare_batch([record], 1024).malformed

    assert json.loads(quarantine_body(malformed)) == {
        "reason": "not_utf8",
        "detail": malformed.detail,
        "kinesis": {
            "shard_id": SHARD_ID,
            "sequence_number": "4959",
            "sub_sequence_number": None,
            "partition_key": "customer-1",
            "approximate_arrival_timestamp": "2024-03-07T09:15:02.123Z",
        },
        "data_base64": encode_payload(b"\xff not utf-8"),
    }
    assert "invalid start byte" in malformed.detail


def test_not_base64_keeps_the_text_as_delivered() -> None:
    [malformed] = prepare_batch([make_record("not base64 ☃")], 1024).malformed
    assert base64.b64decode(json.loads(quarantine_body(malformed))["data_base64"]) == (
        "not base64 ☃".encode()
    )


def test_compression_is_deterministic() -> None:
    first = compress_lines(['{"a":1}', '{"b":2}'])
    assert first == compress_lines(['{"a":1}', '{"b":2}'])
    assert first[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field
    assert gzip.decompress(first) == b'{"a":1}\n{"b":2}\n'


def test_empty_batch_writes_nothing(store: RecordingStore) -> None:
    outcome = process_batch([], SETTINGS, store)
    assert store.attempted == []
    assert outcome.failed_sequence_numbers == []


def test_all_malformed_batch_writes_no_archive(store: RecordingStore) -> None:
    outcome = process_batch([malformed_record("1"), malformed_record("2")], SETTINGS, store)
    assert outcome.archive_key is None
    assert sorted(store.objects) == [quarantine_key_for("1"), quarantine_key_for("2")]


# --- partial failure planning ---------------------------------------------------------


def test_quarantine_is_written_before_the_archive(store: RecordingStore) -> None:
    process_batch([valid_record("1"), malformed_record("2")], SETTINGS, store)
    assert store.attempted == [quarantine_key_for("2"), archive_key_for("1")]


def test_quarantine_failure_trims_the_archive_and_reports_from_that_record() -> None:
    store = RecordingStore(fail_when=lambda key: key == quarantine_key_for("99"))
    records = [
        valid_record("98"),
        malformed_record("99"),
        valid_record("100"),
        malformed_record("101"),
        valid_record("102"),
    ]

    outcome = process_batch(records, SETTINGS, store)

    # Compared as integers: as text "100" < "99" and the wrong records would be kept.
    assert outcome.failed_sequence_numbers == ["99", "100", "101", "102"]
    assert sequence_numbers_of(archived_lines(store, archive_key_for("98"))) == ["98"]
    assert quarantine_key_for("101") not in store.attempted
    assert outcome.quarantined == []
    assert [failure.key for failure in outcome.write_failures] == [quarantine_key_for("99")]
    assert_each_record_ends_in_one_place(records, outcome, store)


def test_quarantine_failure_on_the_first_record_leaves_no_archive() -> None:
    store = RecordingStore(fail_when=lambda key: key.startswith("quarantine/"))
    records = [malformed_record("5"), valid_record("6")]

    outcome = process_batch(records, SETTINGS, store)

    assert outcome.failed_sequence_numbers == ["5", "6"]
    assert store.objects == {}
    assert outcome.archive_key is None


def test_archive_failure_reports_from_the_first_valid_record() -> None:
    store = RecordingStore(fail_when=lambda key: key.startswith("archive/"))
    records = [malformed_record("7"), valid_record("8"), malformed_record("9"), valid_record("10")]

    outcome = process_batch(records, SETTINGS, store)

    assert outcome.failed_sequence_numbers == ["8", "9", "10"]
    assert outcome.archive_key is None
    assert outcome.archived_count == 0
    # 9 was written but is retried with the rest; its key is simply overwritten then.
    assert [item.key for item in outcome.quarantined] == [quarantine_key_for("7")]
    assert [failure.key for failure in outcome.write_failures] == [archive_key_for("8")]
    assert_each_record_ends_in_one_place(records, outcome, store)


def test_quarantine_and_archive_failure_report_from_the_lowest_point() -> None:
    store = RecordingStore(
        fail_when=lambda key: key in {quarantine_key_for("13"), archive_key_for("11")}
    )
    records = [valid_record("11"), valid_record("12"), malformed_record("13"), valid_record("14")]

    outcome = process_batch(records, SETTINGS, store)

    assert outcome.failed_sequence_numbers == ["11", "12", "13", "14"]
    assert store.objects == {}
    # The archive that was attempted held only the lines before the quarantine failure.
    assert store.attempted == [quarantine_key_for("13"), archive_key_for("11")]


def test_sub_records_of_one_aggregate_fail_together() -> None:
    payloads = [b"bad 0", json.dumps(valid_event()).encode(), b"bad 2"]
    store = RecordingStore(fail_when=lambda key: key == quarantine_key_for("21-2"))
    records = [valid_record("20"), make_record(encode_payload(aggregate(payloads)), "21")]

    outcome = process_batch(records, SETTINGS, store)

    assert outcome.failed_sequence_numbers == ["21"]
    # Its valid sibling is not archived and its written sibling is not counted: the
    # whole Kinesis record is retried.
    assert sequence_numbers_of(archived_lines(store, archive_key_for("20"))) == ["20"]
    assert outcome.quarantined == []
    assert_each_record_ends_in_one_place(records, outcome, store)


def test_unexpected_error_in_one_record_is_reported_not_raised(
    store: RecordingStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    original_archive_line = batch_module.archive_line

    def archive_line_with_a_bug(
        payload: bytes, lineage: KinesisLineage, max_record_bytes: int
    ) -> str:
        if b"source-31" in payload:
            raise RuntimeError("bug")
        return original_archive_line(payload, lineage, max_record_bytes)

    monkeypatch.setattr(batch_module, "archive_line", archive_line_with_a_bug)
    records = [valid_record("30"), valid_record("31"), malformed_record("32"), valid_record("33")]

    outcome = process_batch(records, SETTINGS, store)

    assert outcome.failed_sequence_numbers == ["31", "32", "33"]
    assert [str(item.error) for item in outcome.unprocessable] == ["bug"]
    assert sorted(store.objects) == [archive_key_for("30")]
    assert_each_record_ends_in_one_place(records, outcome, store)


# --- property: nothing lost, nothing stored twice ------------------------------------

record_kinds = st.sampled_from(["valid", "not_json", "not_base64", "aggregate"])


def build_record(kind: str, sequence_number: str) -> KinesisRecord:
    if kind == "valid":
        return valid_record(sequence_number)
    if kind == "not_json":
        return malformed_record(sequence_number)
    if kind == "not_base64":
        return make_record("!!", sequence_number=sequence_number)
    payloads = [json.dumps(valid_event(source=sequence_number)).encode(), b"bad"]
    return make_record(encode_payload(aggregate(payloads)), sequence_number=sequence_number)


@settings(max_examples=150, deadline=None)
@given(
    kinds=st.lists(record_kinds, max_size=12),
    first_sequence_number=st.integers(min_value=0, max_value=10**30),
    failing_quarantine_positions=st.sets(st.integers(min_value=0, max_value=11)),
    archive_fails=st.booleans(),
)
def test_every_record_ends_in_exactly_one_place(
    kinds: list[str],
    first_sequence_number: int,
    failing_quarantine_positions: set[int],
    archive_fails: bool,
) -> None:
    # Gaps of 7 make the numbers cross digit-count boundaries.
    sequence_numbers = [str(first_sequence_number + 7 * index) for index in range(len(kinds))]
    records = [
        build_record(kind, number) for kind, number in zip(kinds, sequence_numbers, strict=True)
    ]
    failing_numbers = {sequence_numbers[i] for i in failing_quarantine_positions if i < len(kinds)}

    def fail_when(key: str) -> bool:
        if key.startswith("archive/"):
            return archive_fails
        name = key.rsplit("/", 1)[-1].removesuffix(".json")
        return name.split("-")[0] in failing_numbers

    store = RecordingStore(fail_when=fail_when)
    outcome = write_batch(
        prepare_batch(records, 1024), store, SETTINGS.archive_prefix, SETTINGS.quarantine_prefix
    )

    assert_each_record_ends_in_one_place(records, outcome, store)
    failed = [int(number) for number in outcome.failed_sequence_numbers]
    if failed:
        # Lambda resumes from the lowest reported number: everything after it is listed.
        assert failed == [int(n) for n in sequence_numbers if int(n) >= min(failed)]
