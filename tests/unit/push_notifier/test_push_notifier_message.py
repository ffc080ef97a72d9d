"""push_notifier messages: parsing, refusal of what can never be delivered, SNS payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lambda_common.settings import ConfigurationError
from push_notifier.config import load_settings
from push_notifier.message import (
    MAX_PAYLOAD_BYTES,
    InvalidPushMessageError,
    parse_push_message,
    sns_message,
)

SUB = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def body(**fields: Any) -> str:
    return json.dumps({"recipient_sub": SUB, "title": "Hi", "body": "there", **fields})


def test_a_valid_message_renders_a_payload_per_platform() -> None:
    message = parse_push_message(body(data={"note_key": "k"}))

    rendered = json.loads(sns_message(message))

    assert set(rendered) == {"default", "GCM", "APNS", "APNS_SANDBOX"}
    assert rendered["default"] == "there"
    assert json.loads(rendered["GCM"]) == {
        "notification": {"title": "Hi", "body": "there"},
        "data": {"note_key": "k"},
    }
    assert json.loads(rendered["APNS"]) == {
        "aps": {"alert": {"title": "Hi", "body": "there"}},
        "note_key": "k",
    }


def test_data_is_optional() -> None:
    assert dict(parse_push_message(body()).data) == {}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{", "not JSON"),
        ("null", "not a JSON object"),
        (body(recipient_sub=SUB.upper()), "recipient_sub"),
        (body(title="  "), "title is empty"),
        (body(body=None), "body is missing"),
        (body(data=["x"]), "data must be an object of strings"),
        (body(data={"aps": "x"}), "reserved key 'aps'"),
        (body(body="é" * (MAX_PAYLOAD_BYTES // 2)), "larger than 4096 bytes"),
    ],
)
def test_unusable_messages_are_refused_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidPushMessageError, match=reason):
        parse_push_message(raw)


def test_the_devices_table_and_dead_letter_queue_are_required() -> None:
    settings = load_settings({"DEVICES_TABLE": "devices", "DEAD_LETTER_QUEUE_URL": "dlq"})
    assert (settings.devices_table, settings.dead_letter_queue_url) == ("devices", "dlq")
    with pytest.raises(ConfigurationError, match="DEVICES_TABLE"):
        load_settings({"DEAD_LETTER_QUEUE_URL": "dlq"})
    with pytest.raises(ConfigurationError, match="DEAD_LETTER_QUEUE_URL"):
        load_settings({"DEVICES_TABLE": "devices", "DEAD_LETTER_QUEUE_URL": " "})
