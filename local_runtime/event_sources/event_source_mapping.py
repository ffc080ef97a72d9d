"""Event source mapping semantics for stream sources (Kinesis, DynamoDB streams).

Lambda's poller, as AWS documents it, run against the emulator per shard:
- a batch closes at BatchSize records, at MaximumBatchingWindowInSeconds after its
  first record, or at the 6 MB invocation payload limit, whichever comes first;
- FilterCriteria drops non-matching records before the function sees them;
- with ReportBatchItemFailures the batch is retried from the lowest failed sequence
  number (records before it are done); an invalid response fails the whole batch;
- a function error fails the whole batch; with BisectBatchOnFunctionError the batch
  is split in two and each half retried (splitting does not use up retries);
- after MaximumRetryAttempts retries, or once records are older than
  MaximumRecordAgeInSeconds, the batch's metadata goes to the on-failure destination
  and the poller moves on; -1 means "until the record expires";
- the shard's checkpoint only moves past records that are done, and it is persisted
  so a restarted runtime resumes where it stopped;
- shards are polled concurrently, and ParallelizationFactor splits a shard into lanes
  by partition key, each with its own batches in flight and its own checkpoint.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from local_runtime.event_sources.batch_responses import InvalidBatchResponseError, reported_failures
from local_runtime.event_sources.checkpoints import CheckpointStore
from local_runtime.event_sources.filters import FilterCriteria
from local_runtime.workers.worker import InvocationResult, Invoker

log = logging.getLogger(__name__)

# Lambda's synchronous invocation payload limit.
MAX_EVENT_BYTES = 6 * 1024 * 1024
_IDLE_POLL_SECONDS = 0.25
_MAX_RETRY_BACKOFF_SECONDS = 1.0


@dataclass(frozen=True)
class StreamRecord:
    """One stream record: its position, its arrival time, and its Lambda event form."""

    sequence_number: str
    arrival_epoch_seconds: float
    event_record: dict[str, Any]
    # Approximate size in the invocation payload, for the 6 MB cut.
    payload_bytes: int

    @property
    def position(self) -> int:
        return int(self.sequence_number)


class StreamSource(Protocol):
    """What the poller needs from a stream service (Kinesis, DynamoDB streams)."""

    source_arn: str
    # Key of the batch metadata in on-failure records: KinesisBatchInfo, DDBStreamBatchInfo.
    batch_info_key: str

    def shard_ids(self) -> list[str]: ...

    def shard_iterator(
        self, shard_id: str, after_sequence: str | None, mapping: MappingConfig
    ) -> str | None: ...

    def read(
        self, shard_id: str, iterator: str, limit: int
    ) -> tuple[list[StreamRecord], str | None]: ...

    def filter_view(self, record: StreamRecord) -> dict[str, Any]:
        """The record as FilterCriteria patterns see it (e.g. Kinesis data as JSON)."""
        ...


@dataclass(frozen=True)
class MappingConfig:
    """The settings of one event source mapping, as the emulator reports them."""

    uuid: str
    function_arn: str
    source_arn: str
    batch_size: int
    batching_window_seconds: float
    starting_position: str
    starting_position_timestamp: datetime | None
    bisect_on_error: bool
    max_retry_attempts: int
    max_record_age_seconds: int
    report_batch_item_failures: bool
    on_failure_destination: str | None
    filters: FilterCriteria
    enabled: bool
    # Batches of one shard in flight at once, split by partition key (1-10).
    parallelization_factor: int = 1

    @classmethod
    def from_api(cls, mapping: Mapping[str, Any]) -> MappingConfig:
        destination = (mapping.get("DestinationConfig") or {}).get("OnFailure") or {}
        timestamp = mapping.get("StartingPositionTimestamp")
        return cls(
            uuid=mapping["UUID"],
            function_arn=mapping["FunctionArn"],
            source_arn=mapping["EventSourceArn"],
            batch_size=int(mapping.get("BatchSize") or 100),
            batching_window_seconds=float(mapping.get("MaximumBatchingWindowInSeconds") or 0),
            starting_position=mapping.get("StartingPosition") or "TRIM_HORIZON",
            starting_position_timestamp=timestamp
            if isinstance(timestamp, datetime) or timestamp is None
            else datetime.fromtimestamp(float(timestamp), UTC),
            bisect_on_error=bool(mapping.get("BisectBatchOnFunctionError")),
            max_retry_attempts=_int_or(mapping.get("MaximumRetryAttempts"), -1),
            max_record_age_seconds=_int_or(mapping.get("MaximumRecordAgeInSeconds"), -1),
            report_batch_item_failures="ReportBatchItemFailures"
            in (mapping.get("FunctionResponseTypes") or []),
            on_failure_destination=destination.get("Destination") or None,
            filters=FilterCriteria.from_api(mapping.get("FilterCriteria")),
            enabled=is_enabled(mapping),
            parallelization_factor=max(1, int(mapping.get("ParallelizationFactor") or 1)),
        )


def is_enabled(mapping: Mapping[str, Any]) -> bool:
    """Whether Lambda polls for a mapping (ListEventSourceMappings item), of any source."""
    return (
        mapping.get("State", "Enabled") in ("Enabled", "Enabling", "Updating")
        and mapping.get("Enabled", True) is not False
    )


def _int_or(value: Any, default: int) -> int:
    return default if value is None else int(value)


def partition_key(record: StreamRecord) -> str:
    """The key Lambda keeps records in order by: Kinesis' partition key, or DynamoDB's
    item key (every change of one item stays in order)."""
    kinesis = record.event_record.get("kinesis")
    if kinesis is not None:
        return str(kinesis.get("partitionKey", ""))
    return json.dumps(record.event_record.get("dynamodb", {}).get("Keys"), sort_keys=True)


def lane_of(record: StreamRecord, lanes: int) -> int:
    """The lane (0..lanes-1) of a shard that delivers this record: a stable hash of its
    partition key, so one key always goes through the same lane, in order."""
    return zlib.crc32(partition_key(record).encode()) % lanes


class FailureDestination(Protocol):
    def send(self, destination_arn: str, message: dict[str, Any]) -> None: ...


@dataclass
class _Batch:
    records: list[StreamRecord]
    attempts: int = 0  # invocations of these records that failed (1 + retries)


@dataclass
class ShardStats:
    """Counters the runtime publishes in its status file."""

    invocations: int = 0
    records_delivered: int = 0
    records_filtered_out: int = 0
    function_errors: int = 0
    partial_failures: int = 0
    records_to_failure_destination: int = 0
    batches_to_failure_destination: int = 0
    # Lambda's IteratorAge: how old the last record handed to the function was then.
    iterator_age_ms: float = 0.0
    checkpoint: str | None = None
    caught_up: bool = False
    last_error: str | None = field(default=None)


class ShardPoller:
    """Delivers one shard of one mapping to its function, in order, until stopped.

    With a parallelization factor above 1, one poller per lane reads the shard and
    delivers only the records whose partition key hashes to its lane: batches of one
    shard are then in flight concurrently while each key keeps its order, as Lambda
    does. Each lane keeps its own checkpoint.
    """

    def __init__(  # noqa: PLR0917 - one poller wires these collaborators together
        self,
        mapping: MappingConfig,
        source: StreamSource,
        shard_id: str,
        invoker: Invoker,
        checkpoints: CheckpointStore,
        destination: FailureDestination,
        clock: Any = time,
        lane: int = 0,
    ) -> None:
        self.mapping = mapping
        self.source = source
        self.shard_id = shard_id
        self.lane = lane
        lanes = mapping.parallelization_factor
        # Where the checkpoint is kept and how the runtime names this poller.
        self.position_key = shard_id if lanes == 1 else f"{shard_id}/lane-{lane}"
        self.invoker = invoker
        self._checkpoints = checkpoints
        self._destination = destination
        self._clock = clock
        self._pending: deque[_Batch] = deque()
        self._carry: list[StreamRecord] = []  # read but not yet batched
        self._iterator: str | None = None
        self._shard_closed = False
        self.stats = ShardStats(checkpoint=checkpoints.get(mapping.uuid, self.position_key))

    # -- reading -----------------------------------------------------------------
    def _ensure_iterator(self) -> None:
        if self._iterator is None and not self._shard_closed:
            self._iterator = self.source.shard_iterator(
                self.shard_id, self.stats.checkpoint, self.mapping
            )
            self._shard_closed = self._iterator is None

    def _read_more(self, wanted: int) -> bool:
        """Read up to `wanted` records into the carry buffer; False when nothing came."""
        self._ensure_iterator()
        if self._iterator is None:
            return False
        records, self._iterator = self.source.read(
            self.shard_id, self._iterator, min(wanted, 10_000)
        )
        if self._iterator is None:
            self._shard_closed = True
        lanes = self.mapping.parallelization_factor
        self._carry.extend(r for r in records if lanes == 1 or lane_of(r, lanes) == self.lane)
        return bool(records)

    def _next_batch(self, stop: threading.Event) -> list[StreamRecord]:
        """Collect one batch honouring size, batching window and payload limit."""
        size = self.mapping.batch_size
        window_ends: float | None = None
        while not stop.is_set():
            wanted = size - len(self._carry)
            got = self._read_more(wanted) if wanted > 0 else False
            if self._carry and window_ends is None:
                window_ends = self._clock.monotonic() + self.mapping.batching_window_seconds
            full = len(self._carry) >= size or _payload_bytes(self._carry) >= MAX_EVENT_BYTES
            window_over = window_ends is not None and self._clock.monotonic() >= window_ends
            if full or window_over or (self._carry and self._shard_closed):
                break
            if not self._carry:
                self.stats.caught_up = True
                self.stats.iterator_age_ms = 0.0
                if self._shard_closed:
                    return []
                self._clock.sleep(_IDLE_POLL_SECONDS)
            elif not got:
                # Records are waiting for the window: poll again soon, not in a spin.
                self._clock.sleep(
                    min(_IDLE_POLL_SECONDS, max(0.0, window_ends - self._clock.monotonic()))
                )
        return self._take_batch(size)

    def _take_batch(self, size: int) -> list[StreamRecord]:
        batch: list[StreamRecord] = []
        total = 0
        for record in self._carry[:size]:
            if batch and total + record.payload_bytes > MAX_EVENT_BYTES:
                break
            batch.append(record)
            total += record.payload_bytes
        del self._carry[: len(batch)]
        return batch

    # -- delivering ----------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if not self._step(stop) and self._shard_closed and not self._carry:
                    return
            except Exception as error:  # keep polling: a failure here must not lose records
                self.stats.last_error = f"{type(error).__name__}: {error}"
                log.exception("shard %s of mapping %s", self.shard_id, self.mapping.uuid)
                self._iterator = None  # re-read from the checkpoint
                self._carry.clear()
                self._pending.clear()
                stop.wait(1.0)

    def _step(self, stop: threading.Event) -> bool:
        """Deliver (or retry) one batch; False when there was nothing to do."""
        if not self._pending:
            records = self._next_batch(stop)
            if not records:
                return False
            filters = self.mapping.filters
            # Without patterns every record passes: skip decoding each one for the view.
            kept = (
                [r for r in records if filters.matches(self.source.filter_view(r))]
                if filters.patterns
                else records
            )
            self.stats.records_filtered_out += len(records) - len(kept)
            if not kept:
                self._checkpoint(records[-1])
                return True
            self.stats.caught_up = False
            # Filtered-out records between kept ones are simply never delivered.
            self._pending.append(_Batch(kept))
        self._deliver(self._pending[0])
        return True

    def _deliver(self, batch: _Batch) -> None:
        self._expire_old_records(batch)
        if not batch.records:
            self._pending.popleft()
            return
        result = self.invoker.invoke({"Records": [r.event_record for r in batch.records]})
        self.stats.invocations += 1
        self.stats.records_delivered += len(batch.records)
        self.stats.iterator_age_ms = 1000 * (time.time() - batch.records[-1].arrival_epoch_seconds)
        failed_from = self._failed_from(batch, result)
        if failed_from is None:
            self._pending.popleft()
            self._checkpoint(batch.records[-1])
            return
        if failed_from > 0:
            self._checkpoint(batch.records[failed_from - 1])
            batch.records = batch.records[failed_from:]
        if result.failed and self.mapping.bisect_on_error and len(batch.records) > 1:
            middle = len(batch.records) // 2
            self._pending.popleft()
            self._pending.extendleft(
                [
                    _Batch(batch.records[middle:], batch.attempts),
                    _Batch(batch.records[:middle], batch.attempts),
                ]
            )
            return
        batch.attempts += 1
        retries_used = batch.attempts - 1
        limit = self.mapping.max_retry_attempts
        if limit != -1 and retries_used >= limit:
            self._send_to_destination(
                batch.records, "RetryAttemptsExhausted", result, batch.attempts
            )
            self._pending.popleft()
            self._checkpoint(batch.records[-1])
            return
        self._clock.sleep(min(_MAX_RETRY_BACKOFF_SECONDS, 0.05 * 2 ** min(batch.attempts, 5)))

    def _failed_from(self, batch: _Batch, result: InvocationResult) -> int | None:
        """Index of the first record to retry, or None when the whole batch succeeded."""
        if result.failed:
            self.stats.function_errors += 1
            self.stats.last_error = f"{result.error_type}: {result.error_message}"
            return 0
        if not self.mapping.report_batch_item_failures:
            return None
        positions = {r.sequence_number: i for i, r in enumerate(batch.records)}
        try:
            failed = reported_failures(result.payload, positions)
        except InvalidBatchResponseError as error:
            self.stats.partial_failures += 1
            self.stats.last_error = str(error)
            return 0
        if not failed:
            return None
        self.stats.partial_failures += 1
        return min(positions[identifier] for identifier in failed)

    def _expire_old_records(self, batch: _Batch) -> None:
        max_age = self.mapping.max_record_age_seconds
        if max_age == -1:
            return
        oldest_allowed = time.time() - max_age
        expired = [r for r in batch.records if r.arrival_epoch_seconds < oldest_allowed]
        if expired:
            self._send_to_destination(expired, "RecordAgeExceeded", None, batch.attempts)
            batch.records = [r for r in batch.records if r.arrival_epoch_seconds >= oldest_allowed]
            if not batch.records:
                self._checkpoint(expired[-1])

    def _send_to_destination(
        self,
        records: list[StreamRecord],
        condition: str,
        result: InvocationResult | None,
        invoke_count: int,
    ) -> None:
        self.stats.records_to_failure_destination += len(records)
        self.stats.batches_to_failure_destination += 1
        destination = self.mapping.on_failure_destination
        if destination is None:
            log.warning(
                "mapping %s shard %s: %d records discarded (%s), no on-failure destination",
                self.mapping.uuid,
                self.shard_id,
                len(records),
                condition,
            )
            return
        self._destination.send(
            destination, self._failure_record(records, condition, result, invoke_count)
        )

    def _failure_record(
        self,
        records: list[StreamRecord],
        condition: str,
        result: InvocationResult | None,
        invoke_count: int,
    ) -> dict[str, Any]:
        """The invocation record Lambda sends to an on-failure destination for streams."""
        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.mapping.function_arn,
                "condition": condition,
                "approximateInvokeCount": invoke_count,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": (result.error_kind or "") if result else "",
            },
            "version": "1.0",
            "timestamp": iso_timestamp(time.time()),
            self.source.batch_info_key: {
                "shardId": self.shard_id,
                "startSequenceNumber": records[0].sequence_number,
                "endSequenceNumber": records[-1].sequence_number,
                "approximateArrivalOfFirstRecord": iso_timestamp(records[0].arrival_epoch_seconds),
                "approximateArrivalOfLastRecord": iso_timestamp(records[-1].arrival_epoch_seconds),
                "batchSize": len(records),
                "streamArn": self.source.source_arn,
            },
        }

    def _checkpoint(self, record: StreamRecord) -> None:
        self.stats.checkpoint = record.sequence_number
        self._checkpoints.put(self.mapping.uuid, self.position_key, record.sequence_number)


def _payload_bytes(records: list[StreamRecord]) -> int:
    return sum(r.payload_bytes for r in records)


def iso_timestamp(epoch_seconds: float) -> str:
    return (
        datetime.fromtimestamp(epoch_seconds, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def event_size(event_record: dict[str, Any]) -> int:
    """Bytes a record adds to the invocation payload."""
    return len(json.dumps(event_record, separators=(",", ":"))) + 1
