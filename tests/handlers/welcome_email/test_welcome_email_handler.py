from __future__ import annotations

import json
from collections.abc import Callable
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ClientError
from welcome_email_events import (
    IDEMPOTENCY_TABLE,
    REGION,
    SENDER_EMAIL,
    SITE_URL,
    FakeLambdaContext,
    import_handler_fresh,
    stream_event,
    stream_record,
    subscriber_image,
    synthetic_sequence_number,
)

from lambda_common.settings import ConfigurationError

SentMessages = Callable[[], list[Any]]
Subscribe = Callable[[dict[str, Any]], dict[str, Any]]


def invoke(handler: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())
    return response


def failures(*numbers: str) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": number} for number in numbers]}


def recipients(sent_messages: SentMessages) -> list[str]:
    return [
        address for message in sent_messages() for address in message.destinations["ToAddresses"]
    ]


def insert(index: int, email: str | None = None, **image: Any) -> dict[str, Any]:
    owner_sub = f"sub-{index}"
    new_image = subscriber_image(owner_sub, email or f"user{index}@example.com", **image)
    return stream_record(new_image, synthetic_sequence_number(index))


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every log record with all its fields (Powertools puts `extra` keys on the record)."""
    return "\n".join(json.dumps(vars(record), default=str) for record in caplog.records)


def emitted_metrics(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The values of every metric in the EMF documents the invocation printed."""
    values: dict[str, Any] = {}
    for line in capsys.readouterr().out.splitlines():
        document = json.loads(line) if line.startswith("{") else {}
        for directive in document.get("_aws", {}).get("CloudWatchMetrics", []):
            for metric in directive["Metrics"]:
                values[metric["Name"]] = document[metric["Name"]]
    return values


# --- happy path through a real (moto) table stream --------------------------------------


def test_an_insert_from_the_table_stream_sends_one_welcome_email(
    handler: ModuleType, subscribe: Subscribe, sent_messages: SentMessages
) -> None:
    record = subscribe(subscriber_image("sub-1", "jane.doe@example.com"))

    response = invoke(handler, stream_event([record]))

    assert response == failures()
    [message] = sent_messages()
    assert message.source == SENDER_EMAIL
    assert message.destinations["ToAddresses"] == ["jane.doe@example.com"]
    assert message.subject.startswith("Welcome to ")
    assert SITE_URL in message.body


def test_the_recipient_address_is_never_logged_in_full(
    handler: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    invoke(handler, stream_event([insert(1, "jane.doe@example.com")]))

    output = logged(caplog)
    assert "jane.doe@example.com" not in output
    assert "j***@e***.com" in output


def test_sent_emails_are_counted_in_a_metric(
    handler: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(handler, stream_event([insert(1), insert(2)]))

    metrics = emitted_metrics(capsys)
    assert metrics["WelcomeEmailsSent"] == [1.0, 1.0]
    assert metrics["RecordsFailed"] == [0.0]


# --- exactly one email per subscriber ----------------------------------------------------


def test_a_record_delivered_twice_sends_one_email(
    handler: ModuleType, subscribe: Subscribe, sent_messages: SentMessages
) -> None:
    record = subscribe(subscriber_image("sub-1", "jane.doe@example.com"))

    assert invoke(handler, stream_event([record])) == failures()
    assert invoke(handler, stream_event([record])) == failures()

    assert recipients(sent_messages) == ["jane.doe@example.com"]


def test_a_redelivery_after_a_cold_start_still_sends_nothing(
    handler: ModuleType, sent_messages: SentMessages
) -> None:
    invoke(handler, stream_event([insert(1)]))

    # The duplicate protection lives in DynamoDB, not in the process.
    invoke(import_handler_fresh(), stream_event([insert(1)]))

    assert recipients(sent_messages) == ["user1@example.com"]


def test_the_same_record_twice_in_one_batch_sends_one_email(
    handler: ModuleType, sent_messages: SentMessages
) -> None:
    response = invoke(handler, stream_event([insert(1), insert(1), insert(2)]))

    assert response == failures()
    assert recipients(sent_messages) == ["user1@example.com", "user2@example.com"]


def test_a_new_subscription_of_the_same_user_is_welcomed_again(
    handler: ModuleType, sent_messages: SentMessages
) -> None:
    # Unsubscribing deletes the item; subscribing again writes a new subscribed_at.
    invoke(handler, stream_event([insert(1, subscribed_at="2024-03-07T09:15:00Z")]))
    invoke(handler, stream_event([insert(1, subscribed_at="2024-05-01T10:00:00Z")]))

    assert recipients(sent_messages) == ["user1@example.com", "user1@example.com"]


def test_the_idempotency_record_holds_no_address_and_expires(
    handler: ModuleType,
) -> None:
    invoke(handler, stream_event([insert(1, "jane.doe@example.com")]))

    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=IDEMPOTENCY_TABLE)["Items"]
    [item] = items
    assert item["id"]["S"].startswith("welcome_email#")
    assert item["status"]["S"] == "COMPLETED"
    assert "jane.doe" not in json.dumps(item)
    assert int(item["expiration"]["N"]) > 0


# --- records that are skipped -------------------------------------------------------------


@pytest.mark.parametrize("event_name", ["MODIFY", "REMOVE"])
def test_modify_and_remove_records_send_nothing(
    handler: ModuleType,
    sent_messages: SentMessages,
    capsys: pytest.CaptureFixture[str],
    event_name: str,
) -> None:
    image = subscriber_image("sub-1", "jane.doe@example.com")
    record = stream_record(
        None if event_name == "REMOVE" else image,
        synthetic_sequence_number(1),
        event_name=event_name,
        keys={"owner_sub": image["owner_sub"]},
    )

    assert invoke(handler, stream_event([record])) == failures()

    assert sent_messages() == []
    assert emitted_metrics(capsys)["RecordsSkipped"] == [1.0]


@pytest.mark.parametrize(
    "new_image",
    [
        subscriber_image("sub-1", "not-an-address"),
        subscriber_image("sub-1", "jane doe@example.com"),
        subscriber_image("sub-1", "jane@example.com\r\nBcc: victim@example.com"),
        {"owner_sub": {"S": "sub-1"}, "subscribed_at": {"S": "2024-03-07T09:15:00Z"}},
        {"owner_sub": {"S": "sub-1"}, "email": {"N": "42"}, "subscribed_at": {"S": "x"}},
        {"owner_sub": {"S": "sub-1"}, "email": {"S": "jane@example.com"}},
        {"owner_sub": {"S": "sub-1"}, "email": {"BOGUS": "jane@example.com"}},
        {**subscriber_image("sub-1", "jane@example.com"), "email_verified": {"BOOL": False}},
        {k: v for k, v in subscriber_image("sub-1", "jane@x.com").items() if k != "email_verified"},
    ],
    ids=[
        "no-at",
        "space",
        "header-injection",
        "no-email",
        "number",
        "no-date",
        "bad-type",
        "unverified",
        "unmarked",
    ],
)
def test_an_invalid_subscriber_goes_to_the_failure_queue_with_its_reason(
    handler: ModuleType,
    sent_messages: SentMessages,
    capsys: pytest.CaptureFixture[str],
    failure_queue_url: str,
    new_image: dict[str, Any],
) -> None:
    bad = stream_record(new_image, synthetic_sequence_number(1))

    response = invoke(handler, stream_event([bad, insert(2)]))

    # Not retried (no batch item failure), nothing sent to it, and kept with why.
    assert response == failures()
    assert recipients(sent_messages) == ["user2@example.com"]
    assert emitted_metrics(capsys)["InvalidSubscriber"] == [1.0]
    [message] = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=failure_queue_url, MaxNumberOfMessages=10
    )["Messages"]
    recorded = json.loads(message["Body"])
    assert recorded["condition"] == "InvalidSubscriber"
    assert recorded["reason"]
    assert recorded["eventID"] == bad["eventID"]
    assert recorded["dynamodb"]["SequenceNumber"] == synthetic_sequence_number(1)


def test_an_invalid_subscriber_is_retried_when_the_failure_queue_is_unreachable(
    handler: ModuleType, sent_messages: SentMessages, failure_queue_url: str
) -> None:
    boto3.client("sqs", region_name=REGION).delete_queue(QueueUrl=failure_queue_url)

    response = invoke(handler, stream_event([insert(1, "not-an-address"), insert(2)]))

    # Reported for retry (then Lambda's own on-failure record): never dropped.
    assert response == failures(synthetic_sequence_number(1))
    assert recipients(sent_messages) == ["user2@example.com"]


def test_an_invalid_address_is_masked_in_the_log(
    handler: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    invoke(handler, stream_event([insert(1, "jane doe@example.com")]))

    output = logged(caplog)
    assert "jane doe" not in output
    assert "Invalid subscriber record sent to the failure queue" in output


# --- failures that are retried -------------------------------------------------------------


def throttle_sends_to(handler: ModuleType, monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    """Make SES throttle one recipient, as SES does past the account's sending rate."""
    real_send_email = handler.ses_client.send_email

    def send_email(**kwargs: Any) -> Any:
        if kwargs["Destination"]["ToAddresses"] == [address]:
            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}},
                "SendEmail",
            )
        return real_send_email(**kwargs)

    monkeypatch.setattr(handler.ses_client, "send_email", send_email)


def test_an_ses_failure_reports_exactly_that_record_for_retry(
    handler: ModuleType, sent_messages: SentMessages, monkeypatch: pytest.MonkeyPatch
) -> None:
    throttle_sends_to(handler, monkeypatch, "user2@example.com")

    response = invoke(handler, stream_event([insert(1), insert(2), insert(3)]))

    assert response == failures(synthetic_sequence_number(2))
    assert recipients(sent_messages) == ["user1@example.com", "user3@example.com"]


def test_a_retried_record_is_sent_once_ses_recovers(
    handler: ModuleType, sent_messages: SentMessages, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as throttled:
        throttle_sends_to(handler, throttled, "user2@example.com")
        invoke(handler, stream_event([insert(1), insert(2)]))

    # Lambda retries from the failed record on: the failed send left no idempotency
    # record behind, and the record already sent stays sent.
    response = invoke(handler, stream_event([insert(2)]))

    assert response == failures()
    assert recipients(sent_messages) == ["user1@example.com", "user2@example.com"]


def test_an_unverified_sender_fails_the_batch_with_a_clear_message(
    aws: None,
    handler_environment: None,
    sent_messages: SentMessages,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = import_handler_fresh()

    with pytest.raises(BatchProcessingError) as raised:
        invoke(handler, stream_event([insert(1, "jane.doe@example.com")]))

    assert "MessageRejected" in str(raised.value)
    assert f"check that SENDER_EMAIL {SENDER_EMAIL} is a verified SES identity" in str(raised.value)
    assert sent_messages() == []
    assert "Welcome email not sent; reporting the record for retry" in logged(caplog)
    assert "jane.doe@example.com" not in logged(caplog)


def test_an_unverified_sender_with_other_records_reports_each_for_retry(
    aws: None, handler_environment: None
) -> None:
    handler = import_handler_fresh()
    skipped = stream_record(None, synthetic_sequence_number(9), event_name="REMOVE", keys={})

    response = invoke(handler, stream_event([insert(1), skipped, insert(2)]))

    assert response == failures(synthetic_sequence_number(1), synthetic_sequence_number(2))


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.usefixtures("aws", "handler_environment")
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SENDER_EMAIL", "", "SENDER_EMAIL is not set"),
        ("SENDER_EMAIL", "no-reply", "SENDER_EMAIL is not an email address"),
        ("IDEMPOTENCY_TABLE", "", "IDEMPOTENCY_TABLE is not set"),
        ("SITE_URL", "", "SITE_URL is not set"),
        ("SITE_URL", "javascript:alert(1)", r"SITE_URL must be an absolute http\(s\) URL"),
    ],
)
def test_a_bad_setting_fails_the_cold_start_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match=message):
        import_handler_fresh()
