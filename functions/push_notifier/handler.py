"""Lambda entry point: SQS partial batches (`lambda_common.sqs_batch`) to the push delivery."""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambda_common.aws import standard_retries
from lambda_common.sqs_batch import (
    PartialBatchResponse,
    SQSMessage,
    process_sqs_batch,
)
from push_notifier.config import load_settings
from push_notifier.delivery import PushDelivery
from push_notifier.message import InvalidPushMessageError, parse_push_message

# Read once per cold start; a missing setting fails the import with a clear message.
settings = load_settings(os.environ)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on SNS throttling and 5xx before a message is reported.
_client_config = standard_retries(3)
delivery = PushDelivery(
    boto3.client("sns", config=_client_config),
    boto3.client("dynamodb", config=_client_config),
    settings.devices_table,
)
sqs_client = boto3.client("sqs", config=_client_config)


class PushNotDeliveredError(Exception):
    """Some endpoint failed transiently; the message is reported for redelivery."""


def handle_record(record: SQSMessage) -> None:
    """Push one message to all of its recipient's devices; raise to have it redelivered."""
    try:
        message = parse_push_message(record["body"])
    except InvalidPushMessageError as error:
        dead_letter(record, str(error))
        return
    report = delivery.deliver(message)
    metrics.add_metric(name="PushesSent", unit=MetricUnit.Count, value=report.sent)
    metrics.add_metric(name="EndpointsRemoved", unit=MetricUnit.Count, value=report.removed)
    logger.info(
        "Push delivered",
        extra={
            "recipient_sub": message.recipient_sub,
            "message_id": record["messageId"],
            "sent": report.sent,
            "endpoints_removed": report.removed,
            "failed": len(report.failures),
        },
    )
    if report.failures:
        metrics.add_metric(name="PushesFailed", unit=MetricUnit.Count, value=len(report.failures))
        raise PushNotDeliveredError(
            f"{len(report.failures)} endpoint(s) failed: {', '.join(sorted(set(report.failures)))}"
        )


def dead_letter(record: SQSMessage, reason: str) -> None:
    """Move a message that can never become a push to the dead-letter queue, with why.

    Permanent: retrying the same body cannot help, so it goes there at once rather than
    after every receive the redrive policy allows, and unchanged, so a fixed producer's
    redrive needs no conversion. If the send fails, the error leaves the message on the
    queue: the redrive policy still delivers it to the same place, only without reason.
    """
    sqs_client.send_message(
        QueueUrl=settings.dead_letter_queue_url,
        MessageBody=record["body"],
        MessageAttributes={
            "failure_reason": {"DataType": "String", "StringValue": reason},
            "source_message_id": {"DataType": "String", "StringValue": record["messageId"]},
        },
    )
    metrics.add_metric(name="InvalidPushMessages", unit=MetricUnit.Count, value=1)
    logger.warning(
        "Invalid push message moved to the dead-letter queue",
        extra={"reason": reason, "message_id": record["messageId"]},
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialBatchResponse:
    response = process_sqs_batch(event, handle_record, logger)
    failed = len(response["batchItemFailures"])
    metrics.add_metric(name="MessagesFailed", unit=MetricUnit.Count, value=failed)
    logger.info(
        "Batch processed",
        extra={"batch_size": len(event.get("Records", [])), "messages_failed": failed},
    )
    return response
