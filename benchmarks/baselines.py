"""The baselines the stream processor is measured against.

naive_process: what many tutorials do, written correctly (it archives and quarantines
exactly the records the project does, which the smoke test checks):
  for each record: base64-decode, deaggregate if KPL (the reference
  `aws_kinesis_agg.deaggregator.iter_deaggregate_records`, which re-encodes each user
  record to base64 as tutorials then decode it again), size check, `json.loads`,
  schema validation, `json.dumps` with the lineage added, `gzip.compress` (default
  level 9) and one `put` per record; a bad record gets one quarantine object.
  Fair choices, so the ratio measures the per-record design and not a strawman:
  - the schema validator is compiled once, at first use, and reused. Tutorials that
    call `fastjsonschema.validate(schema, obj)` recompile it on every call (about a
    millisecond each), which would make the baseline look far worse than its design is;
  - the same size limit as the processor, so the oversized poison is quarantined too.

fair_floor: the least a correct implementation must do, and nothing more: per record
base64-decode (strict), de-aggregate KPL records (the processor's own `deaggregate`),
quarantine a payload over the size limit or not UTF-8 with the text it arrived as, check
UTF-8, splice the lineage into the line (`{...,"_kinesis":{...}}`, the lineage encoded by
msgspec), then one object compressed by the processor's own `compress` (same compressor,
same level). It parses no JSON and validates no schema, so poison that is valid UTF-8
ends in its archive: it bounds the processor's throughput from above, and every ratio to
the naive baseline is bounded by the floor's.
`zlib6_floor`: the same with the standard library's gzip at level 6 (zlib's default),
for reference: what the floor costs with the compressor most code uses.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
import msgspec
from aws_kinesis_agg.deaggregator import iter_deaggregate_records

from benchmarks import FUNCTIONS_DIR
from benchmarks.memory_store import InMemoryStore
from stream_processor.aggregation import deaggregate, is_aggregated
from stream_processor.batch import compress, format_timestamp
from stream_processor.config import Settings
from stream_processor.kinesis_event import KinesisStreamEvent

SCHEMA_PATH = FUNCTIONS_DIR / "stream_processor" / "event_schema.json"


@cache
def _validator(schema_path: Path) -> Callable[[Any], Any]:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return validator


def _user_records(event: KinesisStreamEvent) -> Iterator[Mapping[str, Any]]:
    for record in event["Records"]:
        # The deaggregator yields plain records unchanged and one dict per user record
        # of an aggregate (with subSequenceNumber); it decodes every record to find out.
        yield from iter_deaggregate_records(record)


def _archive_key(prefix: str, shard_id: str, sequence: str, sub: int | None) -> str:
    name = sequence if sub is None else f"{sequence}-{sub}"
    return f"{prefix}{shard_id}/{name}.json.gz"


def naive_process(event: KinesisStreamEvent, settings: Settings, store: InMemoryStore) -> None:
    """Archive each valid event as its own gzip object; quarantine each bad record."""
    validate = _validator(SCHEMA_PATH)
    for user_record in _user_records(event):
        kinesis = user_record["kinesis"]
        shard_id = user_record["eventID"].split(":")[0]
        sequence = kinesis["sequenceNumber"]
        sub = kinesis.get("subSequenceNumber")
        lineage = {
            "shard_id": shard_id,
            "sequence_number": sequence,
            "sub_sequence_number": sub,
            "partition_key": kinesis["partitionKey"],
            "approximate_arrival_timestamp": datetime.fromtimestamp(
                kinesis["approximateArrivalTimestamp"], UTC
            )
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        payload = b""
        try:
            payload = base64.b64decode(kinesis["data"])
            if len(payload) > settings.max_record_bytes:
                raise ValueError("record too large")
            document = json.loads(payload)
            validate(document)
        except (ValueError, fastjsonschema.JsonSchemaException) as error:
            # binascii.Error, UnicodeDecodeError and JSONDecodeError are ValueErrors.
            quarantine = {
                "reason": type(error).__name__,
                "kinesis": lineage,
                "data_base64": base64.b64encode(payload).decode("ascii"),
            }
            key = _archive_key(settings.quarantine_prefix, shard_id, sequence, sub)
            store.put(key.removesuffix(".gz"), json.dumps(quarantine).encode(), "application/json")
            continue
        document["_kinesis"] = lineage
        body = gzip.compress(json.dumps(document).encode("utf-8"))
        key = _archive_key(settings.archive_prefix, shard_id, sequence, sub)
        store.put(key, body, "application/json", "gzip")


ZLIB_DEFAULT_LEVEL = 6
_encode_lineage = msgspec.json.Encoder().encode


def fair_floor(
    event: KinesisStreamEvent,
    settings: Settings,
    store: InMemoryStore,
    compress_body: Callable[[bytes], bytes] = compress,
) -> None:
    """Decode, de-aggregate, size and UTF-8 check, splice the lineage, compress once."""
    decode = binascii.a2b_base64
    lines: list[bytes] = []
    for record in event["Records"]:
        kinesis = record["kinesis"]
        shard_id = record["eventID"].partition(":")[0]
        sequence = kinesis["sequenceNumber"]
        payload = decode(kinesis["data"], strict_mode=True)
        arrival = format_timestamp(kinesis["approximateArrivalTimestamp"])
        user_records: list[tuple[int | None, str, bytes]]
        if is_aggregated(payload):
            user_records = [
                (index, user.partition_key, user.data)
                for index, user in enumerate(deaggregate(payload))
            ]
        else:
            user_records = [(None, kinesis["partitionKey"], payload)]
        for sub, partition_key, data in user_records:
            lineage = {
                "shard_id": shard_id,
                "sequence_number": sequence,
                "sub_sequence_number": sub,
                "partition_key": partition_key,
                "approximate_arrival_timestamp": arrival,
            }
            try:
                if len(data) > settings.max_record_bytes:
                    raise ValueError("oversized")
                data.decode("utf-8")
            except ValueError:
                arrived = kinesis["data"] if sub is None else base64.b64encode(data).decode()
                body = b'{"data_base64":"%s","kinesis":%s}' % (
                    arrived.encode(),
                    _encode_lineage(lineage),
                )
                key = _archive_key(settings.quarantine_prefix, shard_id, sequence, sub)
                store.put(key.removesuffix(".gz"), body, "application/json")
                continue
            lines.append(b"".join((data[:-1], b',"_kinesis":', _encode_lineage(lineage), b"}")))
    lines.append(b"")
    store.put("floor.gz", compress_body(b"\n".join(lines)), "application/x-ndjson", "gzip")


def zlib6_floor(event: KinesisStreamEvent, settings: Settings, store: InMemoryStore) -> None:
    """fair_floor with the standard library's gzip at zlib's default level."""
    fair_floor(
        event,
        settings,
        store,
        lambda body: gzip.compress(body, compresslevel=ZLIB_DEFAULT_LEVEL, mtime=0),
    )
