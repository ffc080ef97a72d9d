"""mobile_api settings: required tables, the DAX endpoint, the platform applications."""

from __future__ import annotations

import json

import pytest

from lambda_common.settings import ConfigurationError
from mobile_api.config import load_settings
from mobile_api.models import Platform

FCM_APP = "arn:aws:sns:us-east-1:123456789012:app/GCM/mobile-fcm"
APNS_APP = "arn:aws:sns:us-east-1:123456789012:app/APNS_SANDBOX/mobile-apns"
BASE = {
    "NOTES_TABLE": "notes",
    "SHARES_TABLE": "shares",
    "DEVICES_TABLE": "devices",
    "USER_POOL_ID": "us-east-1_Example1",
    "PUSH_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/push",
}


def test_minimal_settings_use_dynamodb_and_no_platforms() -> None:
    settings = load_settings(BASE)

    assert settings.dax_endpoint is None
    assert dict(settings.platform_applications) == {}


def test_full_settings() -> None:
    settings = load_settings(
        {
            **BASE,
            "DAX_ENDPOINT": " daxs://c.abc123.dax-clusters.us-east-1.amazonaws.com ",
            "PLATFORM_APPLICATIONS": json.dumps({"fcm": FCM_APP, "apns": APNS_APP}),
        }
    )

    assert settings.dax_endpoint == "daxs://c.abc123.dax-clusters.us-east-1.amazonaws.com"
    assert dict(settings.platform_applications) == {Platform.FCM: FCM_APP, Platform.APNS: APNS_APP}


@pytest.mark.parametrize("name", sorted(BASE))
def test_each_required_variable_is_named_when_missing(name: str) -> None:
    environ = {key: value for key, value in BASE.items() if key != name}

    with pytest.raises(ConfigurationError, match=name):
        load_settings(environ)


@pytest.mark.parametrize(
    "endpoint", ["https://c.dax-clusters.amazonaws.com", "c.dax-clusters.amazonaws.com", "dax://"]
)
def test_a_dax_endpoint_must_be_a_dax_url(endpoint: str) -> None:
    with pytest.raises(ConfigurationError, match="DAX_ENDPOINT"):
        load_settings({**BASE, "DAX_ENDPOINT": endpoint})


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        json.dumps({"gcm": FCM_APP}),  # the key is the API's platform name, not SNS's
        json.dumps({"fcm": APNS_APP}),  # an APNs application for FCM tokens
        json.dumps({"apns": FCM_APP}),
        json.dumps({"fcm": "arn:aws:sns:us-east-1:123456789012:topic"}),
        json.dumps({"fcm": None}),
    ],
)
def test_bad_platform_applications_are_refused(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="PLATFORM_APPLICATIONS"):
        load_settings({**BASE, "PLATFORM_APPLICATIONS": raw})
