from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from welcome_email.subscriber import (
    InvalidSubscriberError,
    Subscriber,
    is_valid_email,
    mask_email,
    subscriber_from_image,
)

IMAGE = {
    "owner_sub": {"S": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"},
    "email": {"S": "jane.doe@example.com"},
    "subscribed_at": {"S": "2024-03-07T09:15:00Z"},
    "email_verified": {"BOOL": True},
}


def test_a_stream_image_becomes_a_subscriber() -> None:
    assert subscriber_from_image(IMAGE) == Subscriber(
        owner_sub="3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        email="jane.doe@example.com",
        subscribed_at="2024-03-07T09:15:00Z",
    )


def test_attributes_the_email_does_not_need_are_ignored() -> None:
    extra = TypeSerializer().serialize({"source": "web", "count": Decimal(3), "tags": {"a"}})
    image = {**IMAGE, "meta": extra}

    assert subscriber_from_image(image).email == "jane.doe@example.com"


def test_surrounding_whitespace_is_trimmed() -> None:
    image = {**IMAGE, "email": {"S": "  jane.doe@example.com\t"}}

    assert subscriber_from_image(image).email == "jane.doe@example.com"


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        (None, "no NewImage"),
        ({}, "no NewImage"),
        ({**IMAGE, "email": {"BOGUS": "x"}}, "not DynamoDB JSON"),
        ({**IMAGE, "email": "jane.doe@example.com"}, "not DynamoDB JSON"),
        ({k: v for k, v in IMAGE.items() if k != "email"}, "email is missing"),
        ({**IMAGE, "email": {"NULL": True}}, "email is missing"),
        ({**IMAGE, "email": {"S": "   "}}, "email is missing"),
        ({**IMAGE, "email": {"SS": ["a@example.com"]}}, "email is missing"),
        ({**IMAGE, "owner_sub": {"N": "1"}}, "owner_sub is missing"),
        ({k: v for k, v in IMAGE.items() if k != "subscribed_at"}, "subscribed_at is missing"),
        ({**IMAGE, "email": {"S": "jane.doe"}}, "not a deliverable address"),
        ({k: v for k, v in IMAGE.items() if k != "email_verified"}, "never verified"),
        ({**IMAGE, "email_verified": {"BOOL": False}}, "never verified"),
        ({**IMAGE, "email_verified": {"S": "true"}}, "never verified"),
    ],
)
def test_an_image_that_cannot_become_an_email_is_rejected(
    image: dict[str, Any] | None, reason: str
) -> None:
    with pytest.raises(InvalidSubscriberError, match=reason):
        subscriber_from_image(image)


def test_the_rejection_message_never_holds_the_address() -> None:
    with pytest.raises(InvalidSubscriberError) as raised:
        subscriber_from_image({**IMAGE, "email": {"S": "jane doe@example.com"}})

    assert "jane doe" not in str(raised.value)
    assert "j***@e***.com" in str(raised.value)


@pytest.mark.parametrize(
    "address",
    [
        "jane.doe@example.com",
        "j+tag@mail.example.co.uk",
        "o'brien@example.ie",
        "x@a-b.example",
        f"{'a' * 64}@{'b' * 63}.com",
    ],
)
def test_deliverable_addresses_are_accepted(address: str) -> None:
    assert is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "jane",
        "@example.com",
        "jane@",
        "jane@example",
        "jane@@example.com",
        "jane doe@example.com",
        "jane@example.com\r\nBcc: victim@example.com",
        "jane@-example.com",
        "jané@example.com",
        "jane@exa_mple.com",
        f"{'a' * 250}@example.com",
    ],
)
def test_undeliverable_addresses_are_refused(address: str) -> None:
    assert not is_valid_email(address)


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jane.doe@example.com", "j***@e***.com"),
        ("a@b.co", "a***@b***.co"),
        ("jane@localhost", "j***@l***"),
        ("not-an-address", "n***"),
        ("", "***"),
        ("@example.com", "***@e***.com"),
    ],
)
def test_masking_keeps_only_first_letters_and_the_top_level_domain(
    address: str, masked: str
) -> None:
    assert mask_email(address) == masked


@given(
    local=st.text(st.characters(codec="ascii", exclude_characters="@"), min_size=2),
    domain=st.from_regex(r"[a-z]{2,20}\.[a-z]{2,6}", fullmatch=True),
)
def test_a_mask_never_reveals_a_local_part_longer_than_one_character(
    local: str, domain: str
) -> None:
    masked = mask_email(f"{local}@{domain}")

    assert local not in masked
    assert domain not in masked
