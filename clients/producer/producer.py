"""`Producer`: puts events into a Kinesis stream with PutRecords. The only I/O here.

Flow of `put`: every item is encoded and given its partition key, and all of them are
checked against the 1 MiB record limit *before anything is sent*; then (optionally)
aggregated, split into PutRecords batches and sent batch after batch. Failed entries
of a partially failed batch are retried alone, with backoff, before the next batch
is sent; whole-call throttling and 5xx errors are retried the same way. Nothing is
dropped: whatever could not be put is listed in `PutSummary.failed_records`.

Ordering: Kinesis keeps order per shard, i.e. per partition key. Batches go out one
after the other and a batch's retries finish before the next batch starts, so a
later batch never overtakes an earlier one. Within a batch, a retried entry lands
after entries that succeeded on the first try, so records sharing a partition key
can be reordered when some of them fail and are retried (Kinesis offers strict order
only with single-record PutRecord calls chained by SequenceNumberForOrdering).
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from clients.producer.aggregation import aggregate_entries
from clients.producer.batching import plan_batches
from clients.producer.partition_keys import PartitionKeyStrategy, random_partition_key
from clients.producer.rate_limit import TokenBucket
from clients.producer.records import (
    MAX_REQUEST_BYTES,
    MAX_REQUEST_ENTRIES,
    Entry,
    Item,
    check_entry_size,
    encode_item,
)
from clients.producer.retry import (
    RetryPolicy,
    error_code,
    is_retryable_call_error,
    is_retryable_entry_error,
)

if TYPE_CHECKING:
    from mypy_boto3_kinesis import KinesisClient
    from mypy_boto3_kinesis.type_defs import (
        PutRecordsOutputTypeDef,
        PutRecordsRequestEntryTypeDef,
    )

NOT_SENT = "NotSent"


@dataclass(frozen=True, slots=True)
class FailedRecord:
    """A Kinesis record that could not be put, with the user records it carried."""

    sources: tuple[int, ...]
    """Positions, in the input of `put`, of the user records in this Kinesis record."""
    partition_key: str
    error_code: str
    error_message: str
    attempts: int
    data: bytes = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sources"] = list(self.sources)
        del out["data"]
        out["data_bytes"] = len(self.data)
        return out


class PutRecordsFailedError(Exception):
    """Raised by `PutSummary.raise_for_failures` when some records could not be put."""

    def __init__(self, summary: PutSummary) -> None:
        self.summary = summary
        codes = sorted({f.error_code for f in summary.failed_records})
        super().__init__(
            f"{summary.failed} of {summary.user_records} records could not be put "
            f"(error codes: {', '.join(codes)})"
        )


@dataclass(frozen=True, slots=True)
class PutSummary:
    """What one `put` did. Record counts are user records unless named otherwise."""

    stream: str
    user_records: int
    kinesis_records: int
    succeeded: int
    failed: int
    retried_entries: int
    batches: int
    put_records_calls: int
    payload_bytes: int
    elapsed_seconds: float
    partition_key_fallbacks: int
    aggregated: bool
    failed_records: tuple[FailedRecord, ...] = ()

    @property
    def attempted(self) -> int:
        return self.user_records

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def records_per_second(self) -> float:
        return self.succeeded / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0

    def raise_for_failures(self) -> PutSummary:
        if not self.ok:
            raise PutRecordsFailedError(self)
        return self

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["failed_records"] = [f.to_dict() for f in self.failed_records]
        out["attempted"] = self.attempted
        out["records_per_second"] = round(self.records_per_second, 1)
        out["elapsed_seconds"] = round(self.elapsed_seconds, 6)
        out["ok"] = self.ok
        return out

    def format_text(self, *, max_failures: int = 10) -> str:
        lines = [
            f"put {self.succeeded:,} of {self.user_records:,} records into {self.stream} "
            f"in {self.elapsed_seconds:.2f} s ({self.records_per_second:,.0f} records/s)",
            f"  kinesis records  {self.kinesis_records:,}"
            + (" (aggregated)" if self.aggregated else ""),
            f"  batches          {self.batches:,} ({self.put_records_calls:,} PutRecords calls, "
            f"{self.retried_entries:,} entries retried)",
            f"  payload          {self.payload_bytes:,} bytes",
            f"  key fallbacks    {self.partition_key_fallbacks:,}",
            f"  failed           {self.failed:,}",
        ]
        for failure in self.failed_records[:max_failures]:
            where = ", ".join(f"#{i}" for i in failure.sources[:5])
            if len(failure.sources) > 5:
                where += f" (+{len(failure.sources) - 5} more)"
            lines.append(
                f"    record {where}: {failure.error_code}: {failure.error_message} "
                f"(after {failure.attempts} attempt(s))"
            )
        hidden = len(self.failed_records) - max_failures
        if hidden > 0:
            lines.append(f"    ... {hidden:,} more failed Kinesis record(s); --json lists all")
        return "\n".join(lines)


@dataclass
class _Progress:
    succeeded: int = 0
    retried_entries: int = 0
    calls: int = 0
    failed: list[FailedRecord] = field(default_factory=list)
    stopped_by: str | None = None


class Producer:
    """Puts events (dicts, sent as compact JSON) and raw bytes into one Kinesis stream.

    `stream` is a stream name or ARN. `client` is a boto3 Kinesis client: boto3 reads
    region, credentials and `AWS_ENDPOINT_URL` from the environment, so the same code
    runs against AWS and the local emulator. `rate_limit` caps user records per second.
    `sleep`, `random`, `clock` and `random_key` are injectable for tests.
    """

    def __init__(
        self,
        client: KinesisClient,
        stream: str,
        *,
        partition_key: PartitionKeyStrategy | str = "random",
        aggregate: bool = False,
        retry: RetryPolicy | None = None,
        rate_limit: float | None = None,
        max_batch_entries: int = MAX_REQUEST_ENTRIES,
        max_batch_bytes: int = MAX_REQUEST_BYTES,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.monotonic,
        random_key: Callable[[], str] = random_partition_key,
    ) -> None:
        if not stream:
            raise ValueError("stream name or ARN is required")
        self.client = client
        self.stream = stream
        self.partition_key = (
            partition_key
            if isinstance(partition_key, PartitionKeyStrategy)
            else PartitionKeyStrategy.parse(partition_key)
        )
        self.aggregate = aggregate
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._random_key = random_key
        self._limiter = (
            TokenBucket(rate_limit, clock=clock, sleep=sleep) if rate_limit is not None else None
        )
        # With a rate limit, batches hold at most one second's worth of records, so
        # records flow steadily instead of in 500-record bursts.
        if rate_limit is not None:
            max_batch_entries = min(max_batch_entries, max(1, int(rate_limit)))
        self.max_batch_entries = max_batch_entries
        self.max_batch_bytes = max_batch_bytes

    def prepare(self, items: Iterable[Item]) -> tuple[list[Entry], int]:
        """Encode and key every item, checking each against the record limit.

        Returns the user-record entries and how many keys fell back to random. Raises
        `ItemEncodingError` or `RecordTooLargeError` naming the first bad item.
        """
        entries: list[Entry] = []
        fallbacks = 0
        for index, item in enumerate(items):
            data = encode_item(index, item)
            key, fell_back = self.partition_key.key_for(item, self._random_key)
            fallbacks += fell_back
            entries.append(check_entry_size(Entry(data, key, (index,))))
        return entries, fallbacks

    def put(self, items: Iterable[Item]) -> PutSummary:
        """Put all items; return what happened. Never drops a record silently: records
        that could not be put after the retries are in `failed_records` (call
        `raise_for_failures()` to turn them into an exception)."""
        started = self._clock()
        user_entries, fallbacks = self.prepare(items)
        entries = aggregate_entries(user_entries) if self.aggregate else user_entries
        return self._send(entries, len(user_entries), fallbacks, started)

    def put_entries(self, entries: Sequence[Entry]) -> PutSummary:
        """Put Kinesis records already encoded and keyed (e.g. records read back from a
        stream, KPL aggregates included) with the batching, retries and reporting of
        `put`; `sources` index into `entries`' own user records."""
        user_records = sum(len(entry.sources) for entry in entries)
        return self._send(entries, user_records, fallbacks=0, started=self._clock())

    def _send(
        self, entries: Sequence[Entry], user_records: int, fallbacks: int, started: float
    ) -> PutSummary:
        batches = list(
            plan_batches(
                entries, max_entries=self.max_batch_entries, max_bytes=self.max_batch_bytes
            )
        )
        progress = _Progress()
        for batch in batches:
            if progress.stopped_by is not None:
                progress.failed.extend(
                    _failed(e, NOT_SENT, f"not sent: {progress.stopped_by}", 0) for e in batch
                )
                continue
            if self._limiter is not None:
                self._limiter.acquire(sum(len(e.sources) for e in batch))
            self._send_batch(batch, progress)
        failed_users = sum(len(f.sources) for f in progress.failed)
        return PutSummary(
            stream=self.stream,
            user_records=user_records,
            kinesis_records=len(entries),
            succeeded=progress.succeeded,
            failed=failed_users,
            retried_entries=progress.retried_entries,
            batches=len(batches),
            put_records_calls=progress.calls,
            payload_bytes=sum(e.size for e in entries),
            elapsed_seconds=self._clock() - started,
            partition_key_fallbacks=fallbacks,
            aggregated=self.aggregate,
            failed_records=tuple(sorted(progress.failed, key=lambda f: f.sources)),
        )

    def _put_records(self, entries: Sequence[Entry]) -> PutRecordsOutputTypeDef:
        records = [_request_entry(e) for e in entries]
        if self.stream.startswith("arn:"):
            return self.client.put_records(Records=records, StreamARN=self.stream)
        return self.client.put_records(Records=records, StreamName=self.stream)

    def _send_batch(self, batch: Sequence[Entry], progress: _Progress) -> None:
        pending = list(batch)
        attempt = 1
        while True:
            progress.calls += 1
            try:
                response = self._put_records(pending)
            except (ClientError, BotoCoreError) as exc:
                code, message = error_code(exc), str(exc)
                if is_retryable_call_error(exc) and attempt < self.retry.max_attempts:
                    self._sleep(self.retry.delay(attempt, self._random))
                    progress.retried_entries += len(pending)
                    attempt += 1
                    continue
                # Not retryable, or still failing: later batches would fail the same
                # way, so they are reported as not sent rather than hammered.
                progress.failed.extend(_failed(e, code, message, attempt) for e in pending)
                progress.stopped_by = f"an earlier PutRecords call failed with {code}"
                return
            results = response["Records"]
            if len(results) != len(pending):
                raise RuntimeError(
                    f"PutRecords answered {len(results)} results for {len(pending)} records"
                )
            retry_next: list[Entry] = []
            for entry, result in zip(pending, results, strict=True):
                entry_code = result.get("ErrorCode")
                if not entry_code:
                    progress.succeeded += len(entry.sources)
                    continue
                entry_message = result.get("ErrorMessage", "")
                if is_retryable_entry_error(entry_code) and attempt < self.retry.max_attempts:
                    retry_next.append(entry)
                else:
                    progress.failed.append(_failed(entry, entry_code, entry_message, attempt))
            if not retry_next:
                return
            self._sleep(self.retry.delay(attempt, self._random))
            progress.retried_entries += len(retry_next)
            pending = retry_next
            attempt += 1


def _request_entry(entry: Entry) -> PutRecordsRequestEntryTypeDef:
    return {"Data": entry.data, "PartitionKey": entry.partition_key}


def _failed(entry: Entry, code: str, message: str, attempts: int) -> FailedRecord:
    return FailedRecord(entry.sources, entry.partition_key, code, message, attempts, entry.data)
