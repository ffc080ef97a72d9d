"""Lambda entry point: wires Powertools and S3 to the pure batch logic."""

from __future__ import annotations

import os
from collections import Counter

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambda_common.aws import standard_retries
from stream_processor.batch import process_batch
from stream_processor.config import load_settings
from stream_processor.kinesis_event import (
    KinesisStreamEvent,
    PartialBatchResponse,
    partial_batch_response,
    records_from_event,
)
from stream_processor.models import BatchOutcome
from stream_processor.s3_store import S3ObjectStore, WriteRetry

# Read once per cold start; a missing ARCHIVE_BUCKET fails the import with a clear message.
settings = load_settings(os.environ)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on throttling and 5xx before a write counts as failed.
s3_client = boto3.client("s3", config=standard_retries(4))
archive_store = S3ObjectStore(
    s3_client, settings.archive_bucket, WriteRetry(budget_seconds=settings.write_retry_seconds)
)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: KinesisStreamEvent, context: LambdaContext) -> PartialBatchResponse:
    records = records_from_event(event)
    outcome = process_batch(records, settings, archive_store)
    _report(outcome, batch_size=len(records))
    return partial_batch_response(outcome.failed_sequence_numbers)


def _report(outcome: BatchOutcome, batch_size: int) -> None:
    for item in outcome.quarantined:
        malformed = item.malformed
        # Reason and position only: the payload may hold personal data and stays in S3.
        logger.warning(
            "Record quarantined",
            extra={
                "reason": str(malformed.reason),
                "detail": malformed.detail,
                "quarantine_key": item.key,
                "shard_id": malformed.record.shard_id,
                "sequence_number": malformed.record.sequence_number,
                "sub_sequence_number": malformed.sub_sequence_number,
            },
        )
    for unprocessable in outcome.unprocessable:
        logger.error(
            "Unexpected error while decoding a record; reporting it for retry",
            exc_info=unprocessable.error,
            extra={
                "shard_id": unprocessable.record.shard_id,
                "sequence_number": unprocessable.record.sequence_number,
            },
        )
    for failure in outcome.write_failures:
        logger.warning(
            "Write failed; reporting the affected records for retry",
            extra={"key": failure.key, "error": failure.error},
        )

    quarantined_by_reason = Counter(str(item.malformed.reason) for item in outcome.quarantined)
    metrics.add_metric(name="BatchSize", unit=MetricUnit.Count, value=batch_size)
    metrics.add_metric(name="RecordsArchived", unit=MetricUnit.Count, value=outcome.archived_count)
    metrics.add_metric(
        name="RecordsQuarantined", unit=MetricUnit.Count, value=len(outcome.quarantined)
    )
    metrics.add_metric(
        name="RecordsFailed", unit=MetricUnit.Count, value=len(outcome.failed_sequence_numbers)
    )
    for reason, count in sorted(quarantined_by_reason.items()):
        # A reason dimension on its own metric, so the batch totals above stay undivided.
        with single_metric(
            name="RecordsQuarantined",
            unit=MetricUnit.Count,
            value=count,
            default_dimensions=metrics.default_dimensions,
        ) as reason_metric:
            reason_metric.add_dimension(name="reason", value=reason)

    logger.info(
        "Batch processed",
        extra={
            "batch_size": batch_size,
            "records_archived": outcome.archived_count,
            "records_quarantined": len(outcome.quarantined),
            "records_failed": len(outcome.failed_sequence_numbers),
            "quarantined_by_reason": dict(quarantined_by_reason),
            "archive_key": outcome.archive_key,
            "first_failed_sequence_number": (
                outcome.failed_sequence_numbers[0] if outcome.failed_sequence_numbers else None
            ),
        },
    )
