from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from stream_processor_builders import aggregate

from stream_processor.aggregation import KPL_MAGIC, UserRecord, deaggregate, is_aggregated
from stream_processor.models import MalformedReason, MalformedRecordError

REPO_ROOT = Path(__file__).resolve().parents[3]


def with_digest(message: bytes) -> bytes:
    return KPL_MAGIC + message + hashlib.md5(message, usedforsecurity=False).digest()


def corrupt_detail(payload: bytes) -> str:
    with pytest.raises(MalformedRecordError) as error:
        deaggregate(payload)
    assert error.value.reason is MalformedReason.CORRUPT_AGGREGATE
    return error.value.detail


def test_reference_aggregate_splits_into_its_user_records_in_order() -> None:
    payloads = [b'{"n": 0}', b"", b"\x00binary\xff"]
    assert deaggregate(aggregate(payloads)) == [
        UserRecord("pk-0", payloads[0]),
        UserRecord("pk-1", payloads[1]),
        UserRecord("pk-2", payloads[2]),
    ]


def test_only_payloads_starting_with_the_magic_bytes_are_aggregates() -> None:
    assert is_aggregated(aggregate([b"x"]))
    assert not is_aggregated(b'{"event_id": "..."}')
    assert not is_aggregated(KPL_MAGIC[:3])


def test_a_flipped_bit_fails_the_digest() -> None:
    payload = bytearray(aggregate([b"a", b"b"]))
    payload[len(KPL_MAGIC) + 3] ^= 0x01
    assert "MD5" in corrupt_detail(bytes(payload))


@pytest.mark.parametrize("length", [4, 10, 20])
def test_truncated_aggregate_is_corrupt(length: int) -> None:
    assert corrupt_detail(aggregate([b"a"])[:length])


def test_valid_digest_over_an_unparseable_message_is_corrupt() -> None:
    assert "protobuf" in corrupt_detail(with_digest(b"\xff\xff\xff"))


def test_partition_key_index_outside_the_table_is_corrupt() -> None:
    # records { partition_key_index: 5, data: "" } with an empty partition key table
    assert "out of range" in corrupt_detail(with_digest(b"\x1a\x04\x08\x05\x1a\x00"))


def test_aggregate_without_user_records_is_corrupt() -> None:
    # Accepting it would let a Kinesis record disappear without a trace.
    assert "no user records" in corrupt_detail(with_digest(b"\x0a\x01a"))


def test_protobuf_is_imported_only_when_an_aggregate_arrives() -> None:
    aggregate_data = base64.b64encode(aggregate([b"{}"])).decode("ascii")
    script = (
        "import sys\n"
        "from stream_processor.batch import prepare_batch\n"
        "from stream_processor.models import KinesisRecord\n"
        "record = KinesisRecord('shardId-0', '1', 'pk', 0.0, 'e30=')\n"
        "prepare_batch([record], 1024)\n"
        "assert 'aws_kinesis_agg' not in sys.modules, 'imported for a plain record'\n"
        "assert 'google.protobuf' not in sys.modules\n"
        f"prepare_batch([KinesisRecord('shardId-0', '2', 'pk', 0.0, '{aggregate_data}')], 1024)\n"
        "assert 'google.protobuf' in sys.modules\n"
    )
    python_path = os.pathsep.join([str(REPO_ROOT / "functions"), os.environ.get("PYTHONPATH", "")])
    subprocess.run(  # noqa: S603 - fixed argv of this interpreter, no shell
        [sys.executable, "-c", script],
        check=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": python_path},
    )
