"""The two baselines the stream processor is measured against.

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

raw_floor: what no implementation can avoid: base64-decode every record, join the
bytes with newlines, one gzip at the processor's level. No validation, no JSON, no
lineage, so its output is not an archive; it bounds throughput from above.
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
from aws_kinesis_agg.deaggregator import iter_deaggregate_records

from benchmarks import FUNCTIONS_DIR
from benchmarks.memory_store import InMemoryStore
from stream_processor.batch import GZIP_COMPRESSLEVEL
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


def raw_floor(event: KinesisStreamEvent, store: InMemoryStore, key: str = "floor.gz") -> None:
    """Decode every record's data, join with newlines, gzip once, store once."""
    decode = binascii.a2b_base64
    joined = b"\n".join(decode(record["kinesis"]["data"]) for record in event["Records"])
    body = gzip.compress(joined, compresslevel=GZIP_COMPRESSLEVEL, mtime=0)
    store.put(key, body, "application/octet-stream", "gzip")
