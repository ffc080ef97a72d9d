"""Lambda entry point: wires Powertools (batch, idempotency) and SES to the pure parts."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from lambda_common.aws import standard_retries
from welcome_email.config import load_settings
from welcome_email.message import render_welcome_email
from welcome_email.subscriber import (
    InvalidSubscriberError,
    Subscriber,
    mask_email,
    subscriber_from_image,
)

# Read once per cold start; a missing or invalid setting fails the import with a clear message.
settings = load_settings(os.environ)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on SES throttling ("Maximum sending rate exceeded") and
# 5xx before a record is reported as failed and the stream retries it.
ses_client = boto3.client("ses", config=standard_retries(4))
sqs_client = boto3.client("sqs", config=standard_retries(3))
# The email is the same for every subscriber, so it is rendered once.
welcome_email = render_welcome_email(settings.site_name, settings.site_url)

# A week is far longer than a stream record can live (24 h retention) or be retried, so
# no redelivery can outlive the record of the email it already caused.
IDEMPOTENCY_EXPIRY_SECONDS = 7 * 24 * 60 * 60
# Given a client of the default session: left to itself, the layer opens a boto3 session
# of its own, whose endpoint data and service list load again (~50 ms of every cold start).
persistence_store = DynamoDBPersistenceLayer(
    table_name=settings.idempotency_table,
    boto3_client=boto3.client("dynamodb", config=standard_retries(3)),
)
idempotency_config = IdempotencyConfig(
    event_key_jmespath="[owner_sub, subscribed_at]",
    expires_after_seconds=IDEMPOTENCY_EXPIRY_SECONDS,
    # A subscriber without a key would silently lose its duplicate protection.
    raise_on_no_idempotency_key=True,
)
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

# Errors that mean "SES will not send from this account/identity as configured": they
# need an operator, so the log says what to check. They are still retried (and end in
# the failure destination), because fixing the identity makes the same record sendable.
_CONFIGURATION_ERROR_CODES = frozenset(
    {"MessageRejected", "MailFromDomainNotVerifiedException", "ConfigurationSetDoesNotExist"}
)


class WelcomeEmailNotSentError(Exception):
    """SES refused or failed the send; the record is reported for retry."""


# A fixed key prefix rather than the default (function name + Python qualified name),
# so renaming the function or this Python function cannot make old keys unreachable and
# a redelivered record send a second email. Powertools types the decorator loosely
# (Callable[..., Any]); the function below keeps its own annotations.
@idempotent_function(  # type: ignore[untyped-decorator]
    data_keyword_argument="subscriber",
    persistence_store=persistence_store,
    config=idempotency_config,
    key_prefix="welcome_email",
)
def send_welcome_email(*, subscriber: Subscriber) -> dict[str, str]:
    try:
        response = ses_client.send_email(
            Source=settings.sender_email,
            Destination={"ToAddresses": [subscriber.email]},
            Message={
                "Subject": {"Data": welcome_email.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": welcome_email.text, "Charset": "UTF-8"},
                    "Html": {"Data": welcome_email.html, "Charset": "UTF-8"},
                },
            },
        )
    except ClientError as error:
        # `from None`: the original message can quote the recipient (SES sandbox errors
        # list unverified addresses), and the batch processor logs the chained traceback.
        raise WelcomeEmailNotSentError(_describe_ses_error(error, subscriber.email)) from None
    metrics.add_metric(name="WelcomeEmailsSent", unit=MetricUnit.Count, value=1)
    logger.info(
        "Welcome email sent",
        extra={
            "owner_sub": subscriber.owner_sub,
            "recipient": mask_email(subscriber.email),
            "message_id": response["MessageId"],
        },
    )
    # Stored in the idempotency table and returned on a duplicate: no personal data.
    return {"message_id": response["MessageId"]}


def _describe_ses_error(error: ClientError, recipient: str) -> str:
    details = error.response.get("Error", {})
    code = details.get("Code", "Unknown")
    message = details.get("Message", "").replace(recipient, mask_email(recipient))
    description = f"SES SendEmail failed with {code}: {message}"
    if code in _CONFIGURATION_ERROR_CODES:
        description += (
            f" (check that SENDER_EMAIL {settings.sender_email} is a verified SES identity in"
            " this region and, while the account is in the SES sandbox, the recipient too)"
        )
    return description


def handle_record(record: DynamoDBRecord) -> None:
    """Send the welcome email for one stream record, or skip it; raise to retry it."""
    stream_record = record.raw_event.get("dynamodb", {})
    if record.event_name is not DynamoDBRecordEventName.INSERT:
        # Only a new subscription is welcomed; updates and deletes are expected traffic.
        metrics.add_metric(name="RecordsSkipped", unit=MetricUnit.Count, value=1)
        return
    try:
        subscriber = subscriber_from_image(stream_record.get("NewImage"))
    except InvalidSubscriberError as error:
        record_invalid_subscriber(record, str(error))
        return
    try:
        send_welcome_email(subscriber=subscriber)
    except Exception:
        # Logged here, with the record's position, because the batch processor only
        # keeps the failure for the response; re-raised so the record is retried.
        logger.exception(
            "Welcome email not sent; reporting the record for retry",
            extra={
                "owner_sub": subscriber.owner_sub,
                "recipient": mask_email(subscriber.email),
                "event_id": record.event_id,
                "sequence_number": stream_record.get("SequenceNumber"),
            },
        )
        raise


def record_invalid_subscriber(record: DynamoDBRecord, reason: str) -> None:
    """Send a record that can never become an email to the failure queue, with why.

    Permanent: retrying the same image cannot succeed, and reporting it would block the
    shard behind it until the record expires (after which Lambda's own failure record
    holds only sequence numbers). So the record itself goes to the same queue the
    mapping's on-failure destination uses, at once. If that send fails, the error makes
    the record retried like any other failure: it is never dropped.
    """
    stream_record = record.raw_event.get("dynamodb", {})
    sqs_client.send_message(
        QueueUrl=settings.failure_queue_url,
        MessageBody=json.dumps(
            {
                "condition": "InvalidSubscriber",
                "reason": reason,
                "eventID": record.event_id,
                "eventSourceARN": record.event_source_arn,
                "dynamodb": stream_record,
            },
            default=str,
        ),
    )
    metrics.add_metric(name="InvalidSubscriber", unit=MetricUnit.Count, value=1)
    logger.warning(
        "Invalid subscriber record sent to the failure queue",
        extra={
            "reason": reason,
            "event_id": record.event_id,
            "sequence_number": stream_record.get("SequenceNumber"),
        },
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # Lets idempotency expire an in-progress record when this invocation times out, so a
    # crashed attempt does not block the retry for the whole expiry period.
    idempotency_config.register_lambda_context(context)
    response = process_partial_response(
        event=event, record_handler=handle_record, processor=processor, context=context
    )
    failed = len(response["batchItemFailures"])
    metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=failed)
    logger.info(
        "Batch processed",
        extra={"batch_size": len(event.get("Records", [])), "records_failed": failed},
    )
    return response
