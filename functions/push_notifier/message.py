"""The push queue's messages: parse and check one, and render it for SNS.

Message body (written by mobile_api when a note is shared):
    {"recipient_sub": uuid, "title": str, "body": str, "data": {str: str}}
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

# APNs refuses a payload above 4 KiB, FCM a notification message above 4 KiB: a message
# that renders larger can never be delivered, so it is refused once rather than retried.
MAX_PAYLOAD_BYTES = 4096
# SNS's MessageStructure=json keys: one payload per platform, "default" for the rest.
SNS_PLATFORM_KEYS = ("GCM", "APNS", "APNS_SANDBOX")


class InvalidPushMessageError(ValueError):
    """A message that can never become a push; retrying it cannot help."""


@dataclass(frozen=True, slots=True)
class PushMessage:
    recipient_sub: str
    title: str
    body: str
    data: Mapping[str, str]


def parse_push_message(raw: str) -> PushMessage:
    """Parse and check a queue message body; raise InvalidPushMessageError if unusable."""
    try:
        parsed = json.loads(raw)
    except (json.JSONDecodeError, TypeError) as error:
        raise InvalidPushMessageError(f"the body is not JSON: {error}") from None
    if not isinstance(parsed, dict):
        raise InvalidPushMessageError("the body is not a JSON object")
    recipient_sub = parsed.get("recipient_sub")
    if not isinstance(recipient_sub, str) or not _is_uuid(recipient_sub):
        raise InvalidPushMessageError("recipient_sub is missing or not a Cognito sub (uuid)")
    title = _text(parsed, "title")
    if not title:
        raise InvalidPushMessageError("title is empty")
    data = parsed.get("data", {})
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in data.items()
    ):
        # FCM data payloads carry only string values.
        raise InvalidPushMessageError("data must be an object of strings")
    if "aps" in data:
        # The APNs payload spreads data next to "aps"; it must not replace the alert.
        raise InvalidPushMessageError("data must not contain the reserved key 'aps'")
    message = PushMessage(
        recipient_sub=recipient_sub,
        title=title,
        body=_text(parsed, "body"),
        data=MappingProxyType(dict(data)),
    )
    for platform, payload in _platform_payloads(message).items():
        if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
            raise InvalidPushMessageError(
                f"the {platform} payload is larger than {MAX_PAYLOAD_BYTES} bytes"
            )
    return message


def sns_message(message: PushMessage) -> str:
    """The Publish `Message` for MessageStructure=json: a payload per platform."""
    return json.dumps({"default": message.body, **_platform_payloads(message)}, ensure_ascii=False)


def _platform_payloads(message: PushMessage) -> dict[str, str]:
    alert = {"title": message.title, "body": message.body}
    # Unescaped UTF-8: the size limits are on bytes, and escaping would triple them.
    gcm = json.dumps({"notification": alert, "data": dict(message.data)}, ensure_ascii=False)
    apns = json.dumps({"aps": {"alert": alert}, **message.data}, ensure_ascii=False)
    return {"GCM": gcm, "APNS": apns, "APNS_SANDBOX": apns}


def _text(parsed: Mapping[str, Any], name: str) -> str:
    value = parsed.get(name)
    if not isinstance(value, str):
        raise InvalidPushMessageError(f"{name} is missing or not a string")
    return value.strip()


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False
