"""Request models: title trimming and limits, control characters, partial updates."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lambda_common.rest_api import is_resource_id
from web_api.models import (
    TITLE_MAX_LENGTH,
    ImageContentType,
    ItemChanges,
    NewItem,
    SubscriptionRequest,
    UploadRequest,
)


def error_types(model: Any, data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(error["loc"], error["type"]) for error in caught.value.errors()]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  milk  ", "milk"),
        ("\tmilk\n", "milk"),
        ("\u00a0milk\u3000", "milk"),
        ("two  spaces inside", "two  spaces inside"),
        ("emoji 👩‍👩‍👧", "emoji 👩‍👩‍👧"),
    ],
)
def test_title_is_trimmed(raw: str, stored: str) -> None:
    assert NewItem.model_validate({"title": raw}).title == stored


def test_length_limit_applies_after_trimming() -> None:
    title = "a" * TITLE_MAX_LENGTH
    assert NewItem.model_validate({"title": f"   {title}   "}).title == title
    assert error_types(NewItem, {"title": title + "a"}) == [(("title",), "string_too_long")]


def test_length_counts_characters_not_bytes() -> None:
    assert NewItem.model_validate({"title": "€" * TITLE_MAX_LENGTH}).title == "€" * 200


@pytest.mark.parametrize("title", ["", " ", "\n\t "])
def test_blank_title_is_too_short(title: str) -> None:
    assert error_types(NewItem, {"title": title}) == [(("title",), "string_too_short")]


@pytest.mark.parametrize(
    "control", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "a\nb", "a\tb"]
)
def test_control_characters_inside_are_refused(control: str) -> None:
    assert error_types(NewItem, {"title": f"x{control}y"}) == [(("title",), "control_characters")]


@pytest.mark.parametrize("title", [1, 1.5, True, None, ["x"], {"x": 1}, b"x"])
def test_title_must_be_a_string_never_coerced(title: Any) -> None:
    assert error_types(NewItem, {"title": title}) == [(("title",), "string_type")]


def test_unknown_fields_are_refused() -> None:
    assert error_types(NewItem, {"title": "x", "owner_sub": "someone"}) == [
        (("owner_sub",), "extra_forbidden")
    ]
    assert error_types(SubscriptionRequest, {"email": "x@example.com"}) == [
        (("email",), "extra_forbidden")
    ]


def test_changes_keep_omitted_fields_unset() -> None:
    changes = ItemChanges.model_validate({"done": False})

    assert changes.done is False
    assert changes.title is None
    assert changes.model_fields_set == {"done"}


def test_changes_trim_the_title_like_creation() -> None:
    assert ItemChanges.model_validate({"title": "  new  "}).title == "new"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, [((), "no_changes")]),
        ({"title": None}, [(("title",), "null_not_allowed")]),
        ({"done": None}, [(("done",), "null_not_allowed")]),
        ({"done": "true"}, [(("done",), "bool_type")]),
        ({"done": 1}, [(("done",), "bool_type")]),
        ({"title": ""}, [(("title",), "string_too_short")]),
    ],
)
def test_invalid_changes(data: dict[str, Any], expected: list[tuple[Any, str]]) -> None:
    assert error_types(ItemChanges, data) == expected


def test_changes_document_plain_types_not_nullable_ones() -> None:
    properties = ItemChanges.model_json_schema()["properties"]

    assert properties["title"]["type"] == "string"
    assert properties["title"]["maxLength"] == TITLE_MAX_LENGTH
    assert properties["done"]["type"] == "boolean"


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [("image/jpeg", "jpg"), ("image/png", "png"), ("image/gif", "gif"), ("image/webp", "webp")],
)
def test_content_type_extension(content_type: str, extension: str) -> None:
    assert UploadRequest.model_validate({"content_type": content_type}).content_type.extension == (
        extension
    )


def test_every_content_type_has_an_extension() -> None:
    assert {member.extension for member in ImageContentType} == {"jpg", "png", "gif", "webp"}


@pytest.mark.parametrize(
    "content_type", ["image/tiff", "image/svg+xml", "IMAGE/PNG", "image/png ", ""]
)
def test_other_content_types_are_refused(content_type: str) -> None:
    assert error_types(UploadRequest, {"content_type": content_type}) == [
        (("content_type",), "enum")
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11", True),
        ("0B6F6C4E-3C9A-4E0B-9D6A-2F7F0F6D1A11", False),
        ("0b6f6c4e3c9a4e0b9d6a2f7f0f6d1a11", False),
        ("{0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11}", False),
        ("../../etc", False),
        ("", False),
    ],
)
def test_resource_ids_are_canonical_uuids(value: str, expected: bool) -> None:
    assert is_resource_id(value) is expected
