"""SQS queues as event sources: Lambda's queue poller, run against the emulator.

A queue has no shards and no checkpoints: the queue itself keeps the state. As AWS
documents it, per mapping:
- ReceiveMessage (up to 10 messages a call, a short long-poll, all system and
  message attributes) until BatchSize messages, MaximumBatchingWindowInSeconds
  after the first one, or the 6 MB invocation payload, whichever comes first;
  without a window each receive that returns messages is one batch;
- FilterCriteria patterns see `{"body": ...}` (the body parsed when it is JSON;
  Lambda filters SQS messages on `body` only). A message no pattern matches is
  deleted without invoking the function, as Lambda does;
- the function is invoked synchronously; on success every message is deleted;
  with ReportBatchItemFailures only the messages not listed (itemIdentifier is the
  messageId) are; a response Lambda cannot read fails the whole batch;
- on a function error nothing is deleted: the messages become visible again after
  the queue's VisibilityTimeout (ApproximateReceiveCount goes up) and the queue's
  redrive policy moves them to its dead-letter queue after maxReceiveCount
  receives. That is SQS's doing (the emulator implements it), not the poller's;
- Lambda refuses a mapping whose queue's VisibilityTimeout is shorter than the
  function's timeout; so does this poller, so the wiring mistake shows up locally;
- received messages over the 6 MB payload are split into several invocations; in a
  FIFO queue the parts after a failed one are left for redelivery, to keep order.
FIFO queues work unchanged: SQS hands out a message group's messages in order and
none of a group while some of it is in flight, and a FIFO mapping's poller is
sequential. (moto 5.2.1 can reorder a group when in-flight messages time out; SQS
does not.)
A standard queue is polled by several loops at once, each receiving and delivering
its own batches, as Lambda's pollers scale out: ScalingConfig.MaximumConcurrency of
them, or STANDARD_QUEUE_POLLERS without one (the function's concurrency bounds the
invocations in flight as well).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from local_runtime.event_sources.batch_responses import InvalidBatchResponseError, reported_failures
from local_runtime.event_sources.event_source_mapping import MAX_EVENT_BYTES, event_size, is_enabled
from local_runtime.event_sources.filters import FilterCriteria
from local_runtime.workers.worker import InvocationResult, Invoker

log = logging.getLogger(__name__)

# ReceiveMessage and DeleteMessageBatch take at most 10 messages a call.
MAX_MESSAGES_PER_CALL = 10
LONG_POLL_SECONDS = 1
DEFAULT_BATCH_SIZE = 10
# Concurrent batches of a standard queue without MaximumConcurrency: Lambda starts with
# five pollers, and scales further than a laptop should.
STANDARD_QUEUE_POLLERS = 5
_ERROR_PAUSE_SECONDS = 1.0


class InvalidQueueMappingError(ValueError):
    """A mapping Lambda would reject (or that the local runtime cannot serve)."""


@dataclass(frozen=True)
class QueueMappingConfig:
    """The settings of one SQS event source mapping, as the emulator reports them."""

    uuid: str
    function_arn: str
    queue_arn: str
    batch_size: int
    batching_window_seconds: float
    report_batch_item_failures: bool
    filters: FilterCriteria
    enabled: bool
    # How many batches of a standard queue are in flight at once (None: not set).
    maximum_concurrency: int | None

    @classmethod
    def from_api(cls, mapping: Mapping[str, Any]) -> QueueMappingConfig:
        filters = FilterCriteria.from_api(mapping.get("FilterCriteria"))
        for pattern in filters.patterns:
            if set(pattern) - {"body"}:
                raise InvalidQueueMappingError(
                    f"mapping {mapping['UUID']}: SQS mappings filter on `body` only, "
                    f"pattern {json.dumps(pattern)} uses {sorted(set(pattern) - {'body'})}"
                )
        concurrency = (mapping.get("ScalingConfig") or {}).get("MaximumConcurrency")
        return cls(
            uuid=mapping["UUID"],
            function_arn=mapping["FunctionArn"],
            queue_arn=mapping["EventSourceArn"],
            batch_size=int(mapping.get("BatchSize") or DEFAULT_BATCH_SIZE),
            batching_window_seconds=float(mapping.get("MaximumBatchingWindowInSeconds") or 0),
            report_batch_item_failures="ReportBatchItemFailures"
            in (mapping.get("FunctionResponseTypes") or []),
            filters=filters,
            enabled=is_enabled(mapping),
            maximum_concurrency=None if concurrency is None else int(concurrency),
        )

    @property
    def region(self) -> str:
        return self.queue_arn.split(":")[3]

    @property
    def fifo(self) -> bool:
        return self.queue_arn.endswith(".fifo")


@dataclass(frozen=True)
class Queue:
    """What the poller needs to know about the mapped queue."""

    url: str
    visibility_timeout_seconds: int

    @classmethod
    def look_up(cls, client: Any, queue_arn: str) -> Queue:
        _, _, _, _, account, name = queue_arn.split(":", 5)
        url: str = client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        attributes = client.get_queue_attributes(
            QueueUrl=url, AttributeNames=["VisibilityTimeout"]
        )["Attributes"]
        return cls(url, int(attributes["VisibilityTimeout"]))

    def check_serves(self, mapping: QueueMappingConfig, function_timeout_seconds: int) -> None:
        """Raise what Lambda answers when a queue is mapped to a function it cannot serve."""
        if self.visibility_timeout_seconds < function_timeout_seconds:
            raise InvalidQueueMappingError(
                f"mapping {mapping.uuid}: queue visibility timeout "
                f"({self.visibility_timeout_seconds} s) is less than the function timeout "
                f"({function_timeout_seconds} s); Lambda rejects this mapping"
            )


def event_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """The record Lambda puts in the event for one received message."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {
            name: _message_attribute(value)
            for name, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    # Lambda spells the attribute fields in lower camel case, binary values in base64.
    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    attribute["stringListValues"] = list(value.get("StringListValues") or [])
    attribute["binaryListValues"] = [
        base64.b64encode(v).decode("ascii") for v in value.get("BinaryListValues") or []
    ]
    attribute["dataType"] = value["DataType"]
    return attribute


def filter_view(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as FilterCriteria patterns see it: the body, as JSON when it is JSON."""
    body: Any = record["body"]
    with contextlib.suppress(ValueError):
        body = json.loads(body)
    return {"body": body}


@dataclass(frozen=True)
class BatchOutcome:
    """Which messages of an invoked batch are done (deleted) and why others are not."""

    done: list[dict[str, Any]]
    error: str | None = None


def batch_outcome(
    records: list[dict[str, Any]], result: InvocationResult, report_batch_item_failures: bool
) -> BatchOutcome:
    """Apply Lambda's rules to a function's answer for `records`."""
    if result.failed:
        return BatchOutcome([], f"{result.error_type}: {result.error_message}")
    if not report_batch_item_failures:
        return BatchOutcome(records)  # whatever it returned, the batch succeeded
    try:
        failed = set(reported_failures(result.payload, {r["messageId"] for r in records}))
    except InvalidBatchResponseError as error:
        return BatchOutcome([], str(error))
    if not failed:
        return BatchOutcome(records)
    return BatchOutcome(
        [r for r in records if r["messageId"] not in failed],
        f"function reported {len(failed)} failed message(s)",
    )


def payload_batches(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split received messages into invocations under Lambda's payload limit."""
    batches: list[list[dict[str, Any]]] = []
    size = 0
    for record in records:
        record_size = event_size(record)
        if not batches or size + record_size > MAX_EVENT_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(record)
        size += record_size
    return batches


@dataclass
class QueueStats:
    """Counters the runtime publishes in its status file."""

    invocations: int = 0
    messages_received: int = 0
    messages_filtered_out: int = 0
    messages_deleted: int = 0
    function_errors: int = 0
    partial_failures: int = 0
    last_error: str | None = None


class QueuePoller:
    """Delivers one SQS mapping's messages to its function, `concurrency` batches at once."""

    def __init__(
        self,
        mapping: QueueMappingConfig,
        client: Any,
        queue: Queue,
        invoker_for: Callable[[str], Invoker],
        clock: Any = time,
    ) -> None:
        self.mapping = mapping
        self.queue = queue
        self._client = client
        self._invoker_for = invoker_for
        self._clock = clock
        self.stats = QueueStats()
        self._stats_lock = threading.Lock()  # the polling loops count concurrently

    def _count(self, counter: str, increment: int = 1) -> None:
        with self._stats_lock:
            setattr(self.stats, counter, getattr(self.stats, counter) + increment)

    @property
    def concurrency(self) -> int:
        """Batches in flight at once: one for FIFO (order), else the mapping's maximum."""
        if self.mapping.fifo:
            return 1
        return self.mapping.maximum_concurrency or STANDARD_QUEUE_POLLERS

    def run(self, stop: threading.Event) -> None:
        """Poll with `concurrency` loops at once until stopped."""
        others = [
            threading.Thread(target=self._poll, args=(stop,), daemon=True)
            for _ in range(self.concurrency - 1)
        ]
        for thread in others:
            thread.start()
        self._poll(stop)
        for thread in others:
            thread.join()

    def _poll(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.step(stop)
            except Exception as error:  # e.g. emulator restarting: undeleted messages come back
                self.stats.last_error = f"{type(error).__name__}: {error}"
                log.exception("queue mapping %s", self.mapping.uuid)
                stop.wait(_ERROR_PAUSE_SECONDS)

    def step(self, stop: threading.Event) -> bool:
        """Receive one batch and deliver it; False when the queue had nothing."""
        received = self._collect(stop)
        if not received:
            return False
        kept: list[dict[str, Any]] = []
        dropped: list[dict[str, Any]] = []
        for record in received:
            (kept if self.mapping.filters.matches(filter_view(record)) else dropped).append(record)
        if dropped:
            self._count("messages_filtered_out", len(dropped))
            self._delete(dropped)
        for records in payload_batches(kept):
            if not self._deliver(records) and self.mapping.fifo:
                # The rest of a FIFO batch stays in flight and comes back after the
                # visibility timeout, behind the failed part: its groups keep their order.
                break
        return True

    def _collect(self, stop: threading.Event) -> list[dict[str, Any]]:
        """Receive up to BatchSize messages within the batching window."""
        size = self.mapping.batch_size
        # By messageId: a window longer than the visibility timeout receives a message
        # again; it goes in once, with its newest receipt handle (the one to delete).
        batch: dict[str, dict[str, Any]] = {}
        window_ends: float | None = None
        while not stop.is_set() and len(batch) < size:
            remaining = (
                LONG_POLL_SECONDS if window_ends is None else window_ends - self._clock.monotonic()
            )
            wait = LONG_POLL_SECONDS if remaining >= LONG_POLL_SECONDS else 0
            got = self._receive(min(MAX_MESSAGES_PER_CALL, size - len(batch)), wait)
            batch |= {record["messageId"]: record for record in got}
            if not batch:
                return []  # one empty long poll: let the caller check for stop
            if window_ends is None:
                window_ends = self._clock.monotonic() + self.mapping.batching_window_seconds
            if self._clock.monotonic() >= window_ends or (
                sum(map(event_size, batch.values())) >= MAX_EVENT_BYTES
            ):
                break
            if not got and wait == 0:
                self._clock.sleep(min(0.25, max(0.0, window_ends - self._clock.monotonic())))
        return list(batch.values())

    def _receive(self, count: int, wait_seconds: int) -> list[dict[str, Any]]:
        reply = self._client.receive_message(
            QueueUrl=self.queue.url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = reply.get("Messages") or []
        self._count("messages_received", len(messages))
        return [event_record(m, self.mapping.queue_arn, self.mapping.region) for m in messages]

    def _deliver(self, records: list[dict[str, Any]]) -> bool:
        """Invoke the function with one batch; True when all of it is done."""
        try:
            invoker = self._invoker_for(self.mapping.function_arn)
            result = invoker.invoke({"Records": records})
        except Exception as error:  # no worker (artifact missing): a failed invocation
            result = InvocationResult(
                error_kind="Runtime", error_type=type(error).__name__, error_message=str(error)
            )
        self._count("invocations")
        outcome = batch_outcome(records, result, self.mapping.report_batch_item_failures)
        if result.failed:
            self._count("function_errors")
        elif outcome.error is not None:
            self._count("partial_failures")
        if outcome.error is not None:
            self.stats.last_error = outcome.error
        self._delete(outcome.done)
        return len(outcome.done) == len(records)

    def _delete(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), MAX_MESSAGES_PER_CALL):
            chunk = records[start : start + MAX_MESSAGES_PER_CALL]
            reply = self._client.delete_message_batch(
                QueueUrl=self.queue.url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)
                ],
            )
            self._count("messages_deleted", len(reply.get("Successful") or []))
            for failure in reply.get("Failed") or []:
                # Typically a receipt handle that expired while the function ran: SQS
                # delivers the message again, as it would to Lambda.
                self.stats.last_error = (
                    f"DeleteMessageBatch: {failure.get('Code')}: {failure.get('Message')}"
                )
                log.warning("queue mapping %s: %s", self.mapping.uuid, self.stats.last_error)
