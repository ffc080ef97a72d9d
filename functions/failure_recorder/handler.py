"""Lambda entry point: SQS partial batches (`lambda_common.sqs_batch`) around the range recorder."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from failure_recorder.config import load_settings
from failure_recorder.failure import InvalidFailureMessageError, parse_failure
from failure_recorder.kinesis_reader import KinesisShardReader
from failure_recorder.ranges import (
    CONTENT_TYPE,
    failed_document,
    failed_key,
    read_range,
    unreadable_document,
    unreadable_key,
)
from lambda_common.aws import standard_retries
from lambda_common.sqs_batch import (
    PartialBatchResponse,
    SQSMessage,
    process_sqs_batch,
)

# Read once per cold start; a missing ARCHIVE_BUCKET fails the import with a clear message.
settings = load_settings(os.environ)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on throttling and 5xx; whatever still fails leaves the
# message on the queue for redelivery (and the oldest-message alarm).
_client_config = standard_retries(5)
s3_client = boto3.client("s3", config=_client_config)
shard_reader = KinesisShardReader(boto3.client("kinesis", config=_client_config))


def _put_once(key: str, body: bytes) -> bool:
    """Create the document; False when a delivery of the same message already did.

    A conditional create, not an overwrite: a redelivered message must neither replace
    the document with a later, poorer read (retention moves on) nor drop the redrive's
    mark (tags go with the object version).
    """
    try:
        # No encryption arguments: the bucket's default SSE-KMS applies.
        s3_client.put_object(
            Bucket=settings.archive_bucket,
            Key=key,
            Body=body,
            ContentType=CONTENT_TYPE,
            IfNoneMatch="*",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
            raise
        logger.info("Already recorded by an earlier delivery", extra={"key": key})
        return False
    metrics.add_metric(name="FailedObjectsWritten", unit=MetricUnit.Count, value=1)
    return True


def record_failure(record: SQSMessage) -> None:
    """Store one failed range under failed/; raise to have the message redelivered."""
    now = datetime.now(UTC)
    try:
        failure = parse_failure(record["body"])
    except InvalidFailureMessageError as error:
        # Redelivery cannot fix it, and dropping it would be silent: keep the body.
        key = unreadable_key(settings.failed_prefix, record["messageId"])
        if _put_once(key, unreadable_document(record["body"], str(error), now)):
            metrics.add_metric(name="UnreadableFailureMessages", unit=MetricUnit.Count, value=1)
            logger.error(
                "Unreadable failure message kept", extra={"key": key, "reason": str(error)}
            )
        return
    key = failed_key(settings.failed_prefix, failure)
    read = read_range(shard_reader, failure)
    # FailedObjectsWritten (counted in _put_once) and RecordsLost are alarmed: the first
    # means records wait in failed/ for a redrive, the second that retention took some.
    if not _put_once(key, failed_document(read, now)):
        return
    metrics.add_metric(name="RecordsRecorded", unit=MetricUnit.Count, value=len(read.records))
    metrics.add_metric(name="RecordsLost", unit=MetricUnit.Count, value=read.records_lost)
    details = {
        "key": key,
        "condition": failure.condition,
        "shard_id": failure.shard_id,
        "start_sequence_number": failure.start_sequence_number,
        "end_sequence_number": failure.end_sequence_number,
        "records_recorded": len(read.records),
        "records_lost": read.records_lost,
    }
    if read.records_lost:
        logger.error("Failed range partly or wholly expired from the stream", extra=details)
    else:
        logger.info("Failed range recorded", extra=details)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    return process_sqs_batch(event, record_failure, logger)
