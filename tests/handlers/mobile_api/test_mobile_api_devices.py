"""Device registration against moto's SNS: AWS's create/update endpoint pattern.

Every scenario of a device's life ends the same way: one enabled endpoint per app
installation, and one push per share (delivered by push_notifier's own code).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from mobile_api_events import (
    DEVICES_TABLE,
    Call,
    Cloud,
    FakeLambdaContext,
    User,
    api_event,
    import_mobile_api_fresh,
)

from mobile_api.devices import holder_data
from push_notifier.delivery import PushDelivery
from push_notifier.message import parse_push_message

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
Snapshot = Callable[[], dict[str, list[dict[str, Any]]]]
FCM_TOKEN = "fGx3kQz1RmC:APA91bH" + "x" * 140
APNS_TOKEN = "a1" * 32
# The app installations of these tests (each the id an app generates once and keeps).
PHONE = "5d1e7f0a-8a4b-4c3d-9e2f-0a1b2c3d4e5f"
TABLET = "c8b7a6f5-e4d3-4c2b-8a19-f0e1d2c3b4a5"


def register(
    call: Call, user: User, platform: str, token: str, installation_id: str = PHONE
) -> Any:
    body = {"platform": platform, "token": token, "installation_id": installation_id}
    return call(api_event(user, "POST", "/devices", body=body))


def enabled_endpoints(sns: Any, cloud: Cloud, platform: str) -> list[str]:
    return [
        endpoint["EndpointArn"]
        for endpoint in endpoints(sns, cloud, platform)
        if endpoint["Attributes"]["Enabled"] == "true"
    ]


def pushes_for_one_share(sns: Any, dynamodb: Any, user: User) -> int:
    """Pushes push_notifier sends for one share to `user`, with its own code."""
    message = parse_push_message(
        json.dumps({"recipient_sub": user.sub, "title": "Shared with you", "body": "Plans"})
    )
    report = PushDelivery(sns, dynamodb, DEVICES_TABLE).deliver(message)
    assert report.failures == []
    return report.sent


def endpoints(sns: Any, cloud: Cloud, platform: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = sns.list_endpoints_by_platform_application(
        PlatformApplicationArn=cloud.platform_applications[platform]
    )["Endpoints"]
    return listed


def device_row(dynamodb: Any, user: User, device_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = dynamodb.get_item(
        TableName=DEVICES_TABLE,
        Key={"owner_sub": {"S": user.sub}, "device_id": {"S": device_id}},
    ).get("Item")
    return found


@pytest.mark.parametrize("registration", [("fcm", FCM_TOKEN), ("apns", APNS_TOKEN)])
def test_a_new_device_gets_an_endpoint_and_a_row(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any, registration: tuple[str, str]
) -> None:
    platform, token = registration
    response = register(call, cloud.alice, platform, token)

    assert response.status == 201
    [endpoint] = endpoints(sns, cloud, platform)
    assert response.body == {"device_id": PHONE, "endpoint_arn": endpoint["EndpointArn"]}
    assert endpoint["Attributes"] == {
        "Token": token,
        "Enabled": "true",
        "CustomUserData": holder_data(cloud.alice.sub, PHONE),
    }
    row = device_row(dynamodb, cloud.alice, PHONE)
    assert row is not None
    assert {name: row[name]["S"] for name in ("platform", "endpoint_arn", "token")} == {
        "platform": platform,
        "endpoint_arn": endpoint["EndpointArn"],
        "token": token,
    }
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 1


def test_the_same_token_twice_is_one_endpoint_and_one_push(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any
) -> None:
    first = register(call, cloud.alice, "fcm", FCM_TOKEN)

    again = register(call, cloud.alice, "fcm", FCM_TOKEN)

    assert again.status == 201
    assert again.body == first.body
    assert len(enabled_endpoints(sns, cloud, "fcm")) == 1
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 1


def test_a_rotated_token_updates_the_installations_one_endpoint(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any
) -> None:
    old = register(call, cloud.alice, "fcm", FCM_TOKEN).body

    new = register(call, cloud.alice, "fcm", FCM_TOKEN + "z").body

    assert new == old
    [endpoint] = endpoints(sns, cloud, "fcm")
    assert endpoint["Attributes"]["Token"] == FCM_TOKEN + "z"
    assert endpoint["Attributes"]["Enabled"] == "true"
    row = device_row(dynamodb, cloud.alice, PHONE)
    assert row is not None
    assert row["token"]["S"] == FCM_TOKEN + "z"
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 1


def test_two_installations_of_one_user_are_two_devices(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any
) -> None:
    phone = register(call, cloud.alice, "fcm", FCM_TOKEN, PHONE).body
    tablet = register(call, cloud.alice, "apns", APNS_TOKEN, TABLET).body

    assert phone["endpoint_arn"] != tablet["endpoint_arn"]
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 2


@pytest.mark.parametrize("bobs_installation", [PHONE, TABLET], ids=["same-app", "reinstalled"])
def test_a_token_moved_to_another_user_is_taken_from_the_previous_one(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any, bobs_installation: str
) -> None:
    # Alice signs out of the phone and Bob signs in (same installation), or the app was
    # reinstalled (a new installation id) and the OS kept the token.
    alice = register(call, cloud.alice, "fcm", FCM_TOKEN, PHONE).body

    bob = register(call, cloud.bob, "fcm", FCM_TOKEN, bobs_installation).body

    assert bob["endpoint_arn"] == alice["endpoint_arn"]
    assert enabled_endpoints(sns, cloud, "fcm") == [bob["endpoint_arn"]]
    assert device_row(dynamodb, cloud.alice, PHONE) is None
    attributes = sns.get_endpoint_attributes(EndpointArn=bob["endpoint_arn"])["Attributes"]
    assert attributes["CustomUserData"] == holder_data(cloud.bob.sub, bobs_installation)
    assert pushes_for_one_share(sns, dynamodb, cloud.bob) == 1
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 0


def test_a_disabled_endpoint_is_re_enabled(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any
) -> None:
    arn = register(call, cloud.alice, "apns", APNS_TOKEN).body["endpoint_arn"]
    # What SNS does when APNs reports the token invalid.
    sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})

    again = register(call, cloud.alice, "apns", APNS_TOKEN)

    assert again.body["endpoint_arn"] == arn
    assert enabled_endpoints(sns, cloud, "apns") == [arn]
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 1


def test_a_disabled_endpoint_gets_the_rotated_token_and_is_re_enabled(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any
) -> None:
    arn = register(call, cloud.alice, "apns", APNS_TOKEN).body["endpoint_arn"]
    sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})

    register(call, cloud.alice, "apns", "b2" * 32)

    [endpoint] = endpoints(sns, cloud, "apns")
    assert (endpoint["EndpointArn"], endpoint["Attributes"]["Token"]) == (arn, "b2" * 32)
    assert endpoint["Attributes"]["Enabled"] == "true"
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 1


def test_an_endpoint_token_changed_by_sns_is_set_back(call: Call, cloud: Cloud, sns: Any) -> None:
    arn = register(call, cloud.alice, "fcm", FCM_TOKEN).body["endpoint_arn"]
    sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Token": "canonical-id"})

    register(call, cloud.alice, "fcm", FCM_TOKEN)

    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"]["Token"] == FCM_TOKEN


def test_an_unrecorded_disabled_endpoint_is_found_and_re_enabled(
    call: Call, cloud: Cloud, sns: Any
) -> None:
    # The endpoint exists (e.g. an earlier request died before writing the row) and is
    # disabled: CreatePlatformEndpoint refuses and names it.
    arn = sns.create_platform_endpoint(
        PlatformApplicationArn=cloud.platform_applications["fcm"], Token=FCM_TOKEN
    )["EndpointArn"]
    sns.set_endpoint_attributes(EndpointArn=arn, Attributes={"Enabled": "false"})

    response = register(call, cloud.alice, "fcm", FCM_TOKEN)

    assert (response.status, response.body["endpoint_arn"]) == (201, arn)
    assert sns.get_endpoint_attributes(EndpointArn=arn)["Attributes"]["Enabled"] == "true"


def test_an_endpoint_deleted_behind_our_back_is_recreated(
    call: Call, cloud: Cloud, sns: Any, dynamodb: Any
) -> None:
    first = register(call, cloud.alice, "fcm", FCM_TOKEN).body
    sns.delete_endpoint(EndpointArn=first["endpoint_arn"])

    again = register(call, cloud.alice, "fcm", FCM_TOKEN).body

    assert again["device_id"] == first["device_id"]
    assert again["endpoint_arn"] != first["endpoint_arn"]
    [endpoint] = endpoints(sns, cloud, "fcm")
    assert endpoint["EndpointArn"] == again["endpoint_arn"]
    row = device_row(dynamodb, cloud.alice, again["device_id"])
    assert row is not None
    assert row["endpoint_arn"]["S"] == again["endpoint_arn"]
    assert pushes_for_one_share(sns, dynamodb, cloud.alice) == 1


def test_a_registration_needs_a_uuid_installation_id(
    call: Call, cloud: Cloud, sns: Any, tables: Snapshot
) -> None:
    before = tables()
    missing = call(
        api_event(cloud.alice, "POST", "/devices", body={"platform": "fcm", "token": FCM_TOKEN})
    )
    malformed = register(call, cloud.alice, "fcm", FCM_TOKEN, str(uuid.uuid4()).upper())

    assert [error["type"] for error in missing.body["errors"]] == ["missing"]
    assert [error["type"] for error in malformed.body["errors"]] == ["installation_id"]
    assert missing.status == malformed.status == 422
    assert tables() == before
    assert endpoints(sns, cloud, "fcm") == []


@pytest.mark.parametrize(
    "case",
    [
        ("fcm", "", "string_too_short"),
        ("fcm", "x" * 4097, "string_too_long"),
        ("fcm", "has spaces in it", "fcm_token"),
        ("fcm", APNS_TOKEN, "wrong_platform"),
        ("apns", FCM_TOKEN, "apns_token"),
        ("apns", "abc", "apns_token"),
        ("apns", "a" * 63, "apns_token"),
        ("windows", FCM_TOKEN, "enum"),
    ],
)
def test_bogus_tokens_are_422_and_nothing_is_created(
    call: Call, cloud: Cloud, sns: Any, tables: Snapshot, case: tuple[str, str, str]
) -> None:
    platform, token, error_type = case
    before = tables()

    response = register(call, cloud.alice, platform, token)

    assert response.status == 422
    assert [error["type"] for error in response.body["errors"]] == [error_type]
    assert tables() == before
    assert endpoints(sns, cloud, "fcm") == endpoints(sns, cloud, "apns") == []


def test_a_platform_without_an_application_is_422(
    cloud: Cloud, environment: None, monkeypatch: pytest.MonkeyPatch, tables: Snapshot, sns: Any
) -> None:
    monkeypatch.setenv(
        "PLATFORM_APPLICATIONS", json.dumps({"fcm": cloud.platform_applications["fcm"]})
    )
    handler = import_mobile_api_fresh()
    before = tables()

    result = handler.lambda_handler(
        api_event(
            cloud.alice,
            "POST",
            "/devices",
            body={"platform": "apns", "token": APNS_TOKEN, "installation_id": PHONE},
        ),
        FakeLambdaContext(),
    )

    assert result["statusCode"] == 422
    assert json.loads(result["body"]) == {
        "message": "Push notifications are not configured for apns"
    }
    assert tables() == before
    assert endpoints(sns, cloud, "apns") == []


def test_delete_removes_endpoint_and_row(
    call: Call, cloud: Cloud, sns: Any, tables: Snapshot
) -> None:
    device = register(call, cloud.alice, "fcm", FCM_TOKEN).body

    response = call(
        api_event(
            cloud.alice,
            "DELETE",
            "/devices/{device_id}",
            path_parameters={"device_id": device["device_id"]},
        )
    )

    assert (response.status, response.body) == (204, None)
    assert endpoints(sns, cloud, "fcm") == []
    assert tables()[DEVICES_TABLE] == []


@pytest.mark.parametrize("whose", ["bob's", "malformed"])
def test_deleting_a_device_that_is_not_the_callers_is_404(
    call: Call, cloud: Cloud, sns: Any, tables: Snapshot, whose: str
) -> None:
    device = register(call, cloud.bob, "fcm", FCM_TOKEN).body
    device_id = device["device_id"] if whose == "bob's" else "ABC"
    before = tables()

    response = call(
        api_event(
            cloud.alice, "DELETE", "/devices/{device_id}", path_parameters={"device_id": device_id}
        )
    )

    assert (response.status, response.body) == (404, {"message": "Device not found"})
    assert tables() == before
    assert len(endpoints(sns, cloud, "fcm")) == 1
