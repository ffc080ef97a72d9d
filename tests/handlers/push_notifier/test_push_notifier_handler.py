"""The push notifier under moto: real SQS batches, SNS platform endpoints, partial failure."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sns.models import sns_backends
from push_notifier_events import ALICE, DEVICES_TABLE, REGION, FakeLambdaContext, sqs_event

BOB = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


class Devices:
    """Registers devices as mobile_api does: an SNS endpoint plus a devices row."""

    def __init__(self, sns: Any, dynamodb: Any) -> None:
        self.sns = sns
        self.dynamodb = dynamodb
        self.apps = {
            "fcm": sns.create_platform_application(
                Name="fcm", Platform="GCM", Attributes={"PlatformCredential": "k"}
            )["PlatformApplicationArn"],
            "apns": sns.create_platform_application(
                Name="apns", Platform="APNS", Attributes={"PlatformCredential": "k"}
            )["PlatformApplicationArn"],
        }

    def add(self, owner: str, platform: str, token: str) -> str:
        arn: str = self.sns.create_platform_endpoint(
            PlatformApplicationArn=self.apps[platform], Token=token
        )["EndpointArn"]
        self.dynamodb.put_item(
            TableName=DEVICES_TABLE,
            Item={
                "owner_sub": {"S": owner},
                "device_id": {"S": f"{platform}-{token}"},
                "platform": {"S": platform},
                "endpoint_arn": {"S": arn},
                "token": {"S": token},
                "updated_at": {"S": "2026-01-01T00:00:00.000Z"},
            },
        )
        return arn

    def rows(self, owner: str) -> list[str]:
        items = self.dynamodb.query(
            TableName=DEVICES_TABLE,
            KeyConditionExpression="owner_sub = :o",
            ExpressionAttributeValues={":o": {"S": owner}},
        )["Items"]
        return sorted(item["endpoint_arn"]["S"] for item in items)


@pytest.fixture
def devices(handler: ModuleType, sns: Any, dynamodb: Any) -> Devices:
    return Devices(sns, dynamodb)


def delivered(arn: str) -> list[dict[str, Any]]:
    endpoint = sns_backends[DEFAULT_ACCOUNT_ID][REGION].platform_endpoints[arn]
    return [json.loads(message) for message in endpoint.messages.values()]


def push(recipient: str, title: str = "A note was shared with you") -> str:
    return json.dumps(
        {
            "recipient_sub": recipient,
            "title": title,
            "body": "Trip to Lisbon",
            "data": {"note_key": f"{BOB}#0b0e4a4e-6f1c-4c1e-9d43-1c1e2a0e8f11"},
        }
    )


def run(handler: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())
    return result


def test_every_device_of_the_recipient_gets_the_push(
    handler: ModuleType, devices: Devices, sqs: Any, queue_url: str
) -> None:
    fcm = devices.add(ALICE, "fcm", "fcm-token")
    apns = devices.add(ALICE, "apns", "ab" * 32)
    others = devices.add(BOB, "fcm", "bobs-token")

    result = run(handler, sqs_event(sqs, queue_url, [push(ALICE)]))

    assert result == {"batchItemFailures": []}
    [fcm_message] = delivered(fcm)
    [apns_message] = delivered(apns)
    assert fcm_message == apns_message
    assert fcm_message["default"] == "Trip to Lisbon"
    assert json.loads(fcm_message["GCM"]) == {
        "notification": {"title": "A note was shared with you", "body": "Trip to Lisbon"},
        "data": {"note_key": f"{BOB}#0b0e4a4e-6f1c-4c1e-9d43-1c1e2a0e8f11"},
    }
    expected_apns = {
        "aps": {"alert": {"title": "A note was shared with you", "body": "Trip to Lisbon"}},
        "note_key": f"{BOB}#0b0e4a4e-6f1c-4c1e-9d43-1c1e2a0e8f11",
    }
    assert (
        json.loads(fcm_message["APNS"]) == json.loads(fcm_message["APNS_SANDBOX"]) == expected_apns
    )
    assert delivered(others) == []


def test_disabled_and_deleted_endpoints_are_cleaned_up(
    handler: ModuleType, devices: Devices, sns: Any, sqs: Any, queue_url: str
) -> None:
    alive = devices.add(ALICE, "fcm", "alive")
    disabled = devices.add(ALICE, "fcm", "disabled")
    deleted = devices.add(ALICE, "apns", "cd" * 32)
    sns.set_endpoint_attributes(EndpointArn=disabled, Attributes={"Enabled": "false"})
    sns.delete_endpoint(EndpointArn=deleted)

    result = run(handler, sqs_event(sqs, queue_url, [push(ALICE)]))

    assert result == {"batchItemFailures": []}
    assert len(delivered(alive)) == 1
    assert devices.rows(ALICE) == [alive]
    remaining = sns.list_endpoints_by_platform_application(
        PlatformApplicationArn=devices.apps["fcm"]
    )
    assert [endpoint["EndpointArn"] for endpoint in remaining["Endpoints"]] == [alive]


def test_a_transient_sns_error_fails_only_that_message(
    handler: ModuleType,
    devices: Devices,
    sqs: Any,
    queue_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    flaky = devices.add(ALICE, "fcm", "alice-token")
    fine = devices.add(BOB, "fcm", "bob-token")
    real_publish = handler.delivery._sns.publish

    def publish(**kwargs: Any) -> Any:
        if kwargs["TargetArn"] == flaky:
            raise ClientError(
                {"Error": {"Code": "Throttled", "Message": "Rate exceeded"}}, "Publish"
            )
        return real_publish(**kwargs)

    monkeypatch.setattr(handler.delivery._sns, "publish", publish)
    event = sqs_event(sqs, queue_url, [push(ALICE), push(BOB)])
    alice_message = next(r["messageId"] for r in event["Records"] if ALICE in r["body"])

    result = run(handler, event)

    assert result == {"batchItemFailures": [{"itemIdentifier": alice_message}]}
    assert len(delivered(fine)) == 1
    # A transient error is no reason to drop the device.
    assert devices.rows(ALICE) == [flaky]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"recipient_sub": "alice", "title": "t", "body": "b"}),
        json.dumps({"recipient_sub": ALICE, "title": "", "body": "b"}),
        json.dumps({"recipient_sub": ALICE, "title": "t", "body": "b", "data": {"n": 1}}),
        json.dumps({"recipient_sub": ALICE, "title": "t", "body": "b", "data": {"aps": "x"}}),
        json.dumps({"recipient_sub": ALICE, "title": "t", "body": "x" * 5000}),
    ],
)
def test_a_malformed_message_goes_to_the_dead_letter_queue_with_its_reason(
    handler: ModuleType,
    devices: Devices,
    sqs: Any,
    queue_url: str,
    dead_letter_queue_url: str,
    *,
    body: str,
) -> None:
    arn = devices.add(ALICE, "fcm", "alice-token")
    event = sqs_event(sqs, queue_url, [body, push(ALICE)])

    result = run(handler, event)

    # Not retried (no batch item failure), delivered once, and kept with why.
    assert result == {"batchItemFailures": []}
    assert len(delivered(arn)) == 1
    [dead] = sqs.receive_message(
        QueueUrl=dead_letter_queue_url, MessageAttributeNames=["All"], MaxNumberOfMessages=10
    )["Messages"]
    assert dead["Body"] == body
    attributes = dead["MessageAttributes"]
    assert attributes["failure_reason"]["StringValue"]
    assert attributes["source_message_id"]["StringValue"] == event["Records"][0]["messageId"]


def test_a_malformed_message_stays_queued_when_the_dead_letter_queue_is_unreachable(
    handler: ModuleType, sqs: Any, queue_url: str, dead_letter_queue_url: str
) -> None:
    sqs.delete_queue(QueueUrl=dead_letter_queue_url)
    event = sqs_event(sqs, queue_url, ["not json", push(ALICE)])

    result = run(handler, event)

    # Reported as failed: SQS keeps it, and its redrive policy still ends it in the DLQ.
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}


def test_a_recipient_without_devices_is_fine(
    handler: ModuleType, devices: Devices, sqs: Any, queue_url: str
) -> None:
    assert run(handler, sqs_event(sqs, queue_url, [push(ALICE)])) == {"batchItemFailures": []}


def test_cleanup_keeps_a_row_re_registered_in_between(
    handler: ModuleType, devices: Devices, sns: Any, dynamodb: Any
) -> None:
    from push_notifier.delivery import DeviceEndpoint

    old = devices.add(ALICE, "fcm", "token")
    stale = DeviceEndpoint(device_id="fcm-token", endpoint_arn=old)
    sns.delete_endpoint(EndpointArn=old)
    new = devices.add(ALICE, "fcm", "token")  # the app registered again: a new endpoint

    handler.delivery.remove(ALICE, stale)

    assert devices.rows(ALICE) == [new]
