"""The S3 outage the module's default retry settings ride out, measured.

Lambda's stream poller (the runtime's ShardPoller, with its retry pacing) drives the
stream processor's real core and S3 store against an S3 that fails every write until the
outage ends. Time is simulated: the poller's and the store's sleeps advance one clock, so
minutes of outage run in milliseconds. The settings are read from the module's variables,
so changing a default changes what is measured here.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from local_runtime.event_sources.checkpoints import CheckpointStore
from local_runtime.event_sources.event_source_mapping import (
    MappingConfig,
    ShardPoller,
    StreamRecord,
)
from local_runtime.event_sources.filters import FilterCriteria
from local_runtime.workers.worker import InvocationResult
from stream_processor.batch import process_batch
from stream_processor.config import Settings
from stream_processor.kinesis_event import partial_batch_response, records_from_event
from stream_processor.s3_store import S3ObjectStore, WriteRetry
from tests.local_runtime.test_event_source_mapping import FakeClock

ROOT = Path(__file__).resolve().parents[2]
SHARD = "shardId-000000000000"
STREAM_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/events"
FIVE_MINUTES = 300.0


def module_default(name: str) -> float:
    variables = (ROOT / "modules" / "stream_processing" / "variables.tf").read_text()
    block = re.search(rf'variable "{name}" {{(.*?)\n}}', variables, re.DOTALL)
    assert block is not None, name
    default = re.search(r"\n  default\s*=\s*(-?[0-9.]+)", block.group(1))
    assert default is not None, name
    return float(default.group(1))


class S3Outage:
    """put_object fails with 503 until the clock passes the outage's end."""

    def __init__(self, clock: FakeClock, ends_at: float) -> None:
        self.clock = clock
        self.ends_at = ends_at
        self.objects: dict[str, bytes] = {}

    def put_object(self, **request: Any) -> None:
        if self.clock.now < self.ends_at:
            raise ClientError(
                {"Error": {"Code": "ServiceUnavailable", "Message": "outage"}}, "PutObject"
            )
        self.objects[request["Key"]] = request["Body"]


class Processor:
    """The stream processor's handler minus Powertools: the core, the store, the response."""

    def __init__(self, store: S3ObjectStore) -> None:
        self.store = store
        self.settings = Settings(archive_bucket="archive")

    def invoke(self, event: Any) -> InvocationResult:
        outcome = process_batch(records_from_event(event), self.settings, self.store)
        return InvocationResult(payload=partial_batch_response(outcome.failed_sequence_numbers))


class Destination:
    def __init__(self) -> None:
        self.ranges: list[dict[str, Any]] = []

    def send(self, arn: str, message: dict[str, Any]) -> None:
        self.ranges.append(message)


class OneShard:
    batch_info_key = "KinesisBatchInfo"
    source_arn = STREAM_ARN

    def __init__(self, count: int) -> None:
        self.records = [self._record(i + 1) for i in range(count)]

    @staticmethod
    def _record(sequence: int) -> StreamRecord:
        event = {
            "event_id": f"3f2504e0-4f89-11d3-9a0c-{sequence:012d}",
            "event_type": "order.created",
            "occurred_at": "2024-03-07T09:15:00Z",
            "source": "outage",
        }
        event_record = {
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": "k",
                "sequenceNumber": str(sequence),
                "data": base64.b64encode(json.dumps(event).encode()).decode(),
                "approximateArrivalTimestamp": 1_709_802_902.0,
            },
            "eventID": f"{SHARD}:{sequence}",
        }
        return StreamRecord(str(sequence), 1_709_802_902.0, event_record, 300)

    def shard_ids(self) -> list[str]:
        return [SHARD]

    def shard_iterator(self, shard_id: str, after: str | None, mapping: MappingConfig) -> str:
        return str(int(after or 0))

    def read(
        self, shard_id: str, iterator: str, limit: int
    ) -> tuple[list[StreamRecord], str | None]:
        start = int(iterator)
        page = self.records[start : start + limit]
        end = start + len(page)
        # A closed shard: the poller returns once it has processed it to its end.
        return page, None if end >= len(self.records) else str(end)

    def filter_view(self, record: StreamRecord) -> dict[str, Any]:
        return record.event_record


def run_outage(outage_seconds: float, tmp_path: Path, records: int = 250) -> tuple[int, int]:
    """(records archived, ranges given up on) after an outage of `outage_seconds`."""
    random.seed(7)  # the store's jitter
    clock = FakeClock()
    s3 = S3Outage(clock, ends_at=outage_seconds)
    store = S3ObjectStore(
        s3,  # type: ignore[arg-type]
        "archive",
        WriteRetry(budget_seconds=module_default("archive_write_retry_seconds")),
        sleep=clock.sleep,
        clock=clock.monotonic,
    )
    destination = Destination()
    mapping = MappingConfig(
        uuid="m",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:processor",
        source_arn=STREAM_ARN,
        batch_size=int(module_default("batch_size")),
        batching_window_seconds=0,
        starting_position="TRIM_HORIZON",
        starting_position_timestamp=None,
        bisect_on_error=True,
        max_retry_attempts=int(module_default("maximum_retry_attempts")),
        # Record age is wall-clock time, which this simulation does not advance; the
        # default (3,600 s) is far above the outages measured here.
        max_record_age_seconds=-1,
        report_batch_item_failures=True,
        on_failure_destination="arn:aws:sqs:eu-west-1:123456789012:failures",
        filters=FilterCriteria(),
        enabled=True,
    )
    poller = ShardPoller(
        mapping,
        OneShard(records),
        SHARD,
        Processor(store),
        CheckpointStore(tmp_path / f"checkpoints-{outage_seconds}.json"),
        destination,
        clock=clock,
    )
    poller.run(threading.Event())
    archived = sum(len(gzip.decompress(body).splitlines()) for body in s3.objects.values())
    return archived, len(destination.ranges)


def test_a_five_minute_outage_ends_in_the_archive_with_no_manual_step(tmp_path: Path) -> None:
    assert run_outage(FIVE_MINUTES, tmp_path) == (250, 0)


def test_an_outage_past_the_tolerance_reaches_the_failure_destination(tmp_path: Path) -> None:
    archived, given_up = run_outage(3 * 3600, tmp_path)
    assert given_up > 0
    assert archived < 250


def test_the_measured_tolerance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The longest outage (10 s steps) the defaults ride out, printed for the README."""
    tolerated = FIVE_MINUTES
    while run_outage(tolerated + 10, tmp_path) == (250, 0):
        tolerated += 10
    retries = module_default("maximum_retry_attempts")
    budget = module_default("archive_write_retry_seconds")
    with capsys.disabled():
        print(
            f"\ndefaults ({retries:.0f} retries, {budget:.0f} s write retry): an S3 outage of "
            f"{tolerated:.0f} s ends in the archive, {tolerated + 10:.0f} s does not"
        )
    assert tolerated >= (retries + 1) * budget * 0.9
