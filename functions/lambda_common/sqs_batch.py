"""SQS partial-batch responses, without Powertools' batch utility.

The utility imports every Powertools event data class and asyncio: ~50 ms of each cold
start without bytecode (as Lambda runs the zip), for a loop this short. Its contract is
kept: every message is handled; one whose handler raises is reported in
`batchItemFailures`, so SQS delivers only those again; when every message of the batch
fails, the invocation fails, so the function's Errors metric sees it and the whole batch
is retried. push_notifier and failure_recorder use it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger

# One message of the event, as the SQS event source delivers it.
SQSMessage = Mapping[str, Any]


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    batchItemFailures: list[BatchItemFailure]


class BatchFailedError(Exception):
    """Every message of the batch failed; raised from the first message's error."""


def process_sqs_batch(
    event: Mapping[str, Any], handle: Callable[[SQSMessage], None], logger: Logger
) -> PartialBatchResponse:
    """Handle each message of the event; report the ones whose handler raised."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("Not an SQS event: it has no Records list")
    failures: list[BatchItemFailure] = []
    first_error: Exception | None = None
    for record in records:
        try:
            handle(record)
        except Exception as error:  # any error means "deliver this message again"
            identifier = record["messageId"]
            logger.warning(
                "Message failed; reported for redelivery",
                exc_info=error,
                extra={"message_id": identifier},
            )
            failures.append({"itemIdentifier": identifier})
            first_error = first_error or error
    if records and len(failures) == len(records):
        raise BatchFailedError(f"All {len(records)} messages failed processing") from first_error
    return {"batchItemFailures": failures}
