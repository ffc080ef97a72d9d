"""The on-failure invocation record Lambda sends for a Kinesis mapping, parsed and checked.

Shape (AWS Lambda developer guide, "Retaining discarded records for a Kinesis event
source"): requestContext (condition, approximateInvokeCount, functionArn, requestId),
responseContext (functionError, statusCode), timestamp, and KinesisBatchInfo (shardId,
start/endSequenceNumber, approximateArrivalOfFirst/LastRecord, batchSize, streamArn).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class InvalidFailureMessageError(ValueError):
    """The message is not a Kinesis on-failure record; no range can be read from it."""


@dataclass(frozen=True, slots=True)
class StreamFailure:
    """One range of a shard that Lambda stopped retrying, and why."""

    stream_arn: str
    shard_id: str
    start_sequence_number: str
    end_sequence_number: str
    batch_size: int
    condition: str
    approximate_invoke_count: int
    function_error: str
    function_arn: str
    request_id: str
    timestamp: str
    approximate_arrival_of_first_record: str
    approximate_arrival_of_last_record: str

    @property
    def start(self) -> int:
        # Sequence numbers are decimal strings of growing length: compare them as integers.
        return int(self.start_sequence_number)

    @property
    def end(self) -> int:
        return int(self.end_sequence_number)

    def metadata(self) -> dict[str, Any]:
        """What the failed/ document says about the failure (everything but the range)."""
        return {
            "condition": self.condition,
            "approximate_invoke_count": self.approximate_invoke_count,
            "function_error": self.function_error,
            "function_arn": self.function_arn,
            "request_id": self.request_id,
            "timestamp": self.timestamp,
            "approximate_arrival_of_first_record": self.approximate_arrival_of_first_record,
            "approximate_arrival_of_last_record": self.approximate_arrival_of_last_record,
        }


def parse_failure(body: str) -> StreamFailure:
    """Parse an SQS message body; raise InvalidFailureMessageError saying what is wrong."""
    try:
        message = json.loads(body)
        request = message["requestContext"]
        response = message.get("responseContext") or {}
        batch = message["KinesisBatchInfo"]
        failure = StreamFailure(
            stream_arn=_text(batch["streamArn"]),
            shard_id=_text(batch["shardId"]),
            start_sequence_number=_text(batch["startSequenceNumber"]),
            end_sequence_number=_text(batch["endSequenceNumber"]),
            batch_size=int(batch["batchSize"]),
            condition=_text(request["condition"]),
            approximate_invoke_count=int(request.get("approximateInvokeCount", 0)),
            function_error=str(response.get("functionError") or ""),
            function_arn=str(request.get("functionArn") or ""),
            request_id=str(request.get("requestId") or ""),
            timestamp=str(message.get("timestamp") or ""),
            approximate_arrival_of_first_record=_text(batch["approximateArrivalOfFirstRecord"]),
            approximate_arrival_of_last_record=str(
                batch.get("approximateArrivalOfLastRecord") or ""
            ),
        )
        if failure.start > failure.end or failure.batch_size < 1:
            raise ValueError("the range is empty or reversed")
        parse_time(failure.approximate_arrival_of_first_record)  # the key's partition
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidFailureMessageError(
            f"not a Kinesis on-failure record: {type(error).__name__}: {error}"
        ) from None
    return failure


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise TypeError(f"expected a non-empty string, got {value!r}")
    return value


def parse_time(value: str) -> datetime:
    """An ISO 8601 time as Lambda writes them (``2024-03-07T09:15:02.123Z``), in UTC."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
