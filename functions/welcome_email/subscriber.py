"""A subscriber as the subscribers table's stream delivers it: parse, validate, mask."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

# SES's limit on a whole address (RFC 5321 path length minus the angle brackets).
MAX_EMAIL_LENGTH = 254
# The address syntax browsers accept for <input type="email"> (WHATWG HTML), ASCII only:
# SendEmail rejects non-ASCII local parts, and a rejected address would be retried
# until the stream gives up instead of being skipped once here.
_EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_deserializer = TypeDeserializer()


class InvalidSubscriberError(ValueError):
    """A stream image that can never become an email; retrying it cannot help."""


@dataclass(frozen=True, slots=True)
class Subscriber:
    """The fields of a subscribers-table item that the welcome email needs.

    ``owner_sub`` and ``subscribed_at`` together identify one subscription: they are the
    idempotency key, so a redelivered stream record finds the email already sent.
    """

    owner_sub: str
    email: str
    subscribed_at: str


def is_valid_email(address: str) -> bool:
    return len(address) <= MAX_EMAIL_LENGTH and _EMAIL_PATTERN.fullmatch(address) is not None


def subscriber_from_image(image: Mapping[str, Any] | None) -> Subscriber:
    """Build a Subscriber from a stream NewImage in DynamoDB JSON ({"S": ...} values).

    Raises InvalidSubscriberError, whose message never holds the address itself.
    """
    if not image:
        raise InvalidSubscriberError("the record has no NewImage (is the stream NEW_IMAGE?)")
    try:
        item = {name: _deserializer.deserialize(value) for name, value in image.items()}
    except (TypeError, ValueError, AttributeError) as error:
        raise InvalidSubscriberError(f"the NewImage is not DynamoDB JSON: {error}") from None
    owner_sub = _string_attribute(item, "owner_sub")
    email = _string_attribute(item, "email")
    subscribed_at = _string_attribute(item, "subscribed_at")
    if item.get("email_verified") is not True:
        # web_api subscribes only addresses Cognito verified and marks them so; any other
        # row (written by hand, by an older API) could name a stranger's address.
        raise InvalidSubscriberError("email_verified is not true: the address was never verified")
    if not is_valid_email(email):
        raise InvalidSubscriberError(f"email is not a deliverable address ({mask_email(email)})")
    return Subscriber(owner_sub=owner_sub, email=email, subscribed_at=subscribed_at)


def _string_attribute(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidSubscriberError(f"{name} is missing or not a non-empty string")
    return value.strip()


def mask_email(address: str) -> str:
    """Enough of an address to tell two apart in a log, not enough to write to it.

    ``jane.doe@example.com`` -> ``j***@e***.com``.
    """
    local, at, domain = address.rpartition("@")
    if not at:
        return _mask_part(address)
    head, dot, top_level = domain.rpartition(".")
    masked_domain = f"{_mask_part(head)}.{top_level}" if dot else _mask_part(domain)
    return f"{_mask_part(local)}@{masked_domain}"


def _mask_part(part: str) -> str:
    return f"{part[:1]}***" if part else "***"
