"""The partial batch response (ReportBatchItemFailures), read as Lambda reads it.

Streams and queues share the rule; only what an identifier names differs (a
sequence number, an SQS messageId), and what a failure then means (retry from the
lowest one, keep those messages).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


class InvalidBatchResponseError(ValueError):
    """A response Lambda cannot use: it treats the whole batch as failed."""


def reported_failures(payload: Any, item_ids: Collection[str]) -> list[str]:
    """The identifiers the function reported as failed; [] when the batch succeeded.

    Lambda counts a null or empty response, and a null or empty `batchItemFailures`,
    as success. Anything else it cannot read (a list of non-objects, an entry without
    `itemIdentifier`, an empty one, or one naming no record of this batch) raises
    InvalidBatchResponseError.
    """
    if payload is None or (isinstance(payload, dict) and not payload.get("batchItemFailures")):
        return []
    failures = payload.get("batchItemFailures") if isinstance(payload, dict) else None
    identifiers: list[str] = []
    for failure in failures if isinstance(failures, list) else [None]:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in item_ids:
            raise InvalidBatchResponseError(f"invalid batchItemFailures entry: {failure!r}")
        identifiers.append(identifier)
    return identifiers
