"""Request and response models: what the API accepts, what it returns, what the OpenAPI shows.

Requests are validated by Powertools against these pydantic models before a route runs;
every request model forbids unknown fields, so a body can never smuggle in an owner.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StrictBool,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

TITLE_MAX_LENGTH = 200


def _reject_control_characters(value: str) -> str:
    # Cc: C0/C1 controls and DEL (newlines, tabs, escapes, NUL). Format characters (Cf)
    # stay allowed: emoji sequences need the zero-width joiner. Lone surrogates never get
    # here: pydantic refuses them as invalid strings.
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise PydanticCustomError("control_characters", "Title must not contain control characters")
    return value


# Trimmed first, so the length limits apply to what is stored and "   " is empty.
Title = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH),
    AfterValidator(_reject_control_characters),
]
_TITLE_SCHEMA = {"type": "string", "minLength": 1, "maxLength": TITLE_MAX_LENGTH}


class ImageContentType(StrEnum):
    """Image types a browser may upload, each with the extension its object key gets."""

    JPEG = "image/jpeg"
    PNG = "image/png"
    GIF = "image/gif"
    WEBP = "image/webp"

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]


_EXTENSIONS = {
    ImageContentType.JPEG: "jpg",
    ImageContentType.PNG: "png",
    ImageContentType.GIF: "gif",
    ImageContentType.WEBP: "webp",
}


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NewItem(_Request):
    title: Title


class ItemChanges(_Request):
    """A partial update: a field left out keeps its value."""

    # None only stands for "omitted" (explicit nulls are refused below), so the document
    # shows the plain field types rather than nullable ones.
    title: Annotated[Title | None, WithJsonSchema(_TITLE_SCHEMA)] = None
    done: Annotated[StrictBool | None, WithJsonSchema({"type": "boolean"})] = None

    @field_validator("title", "done", mode="before")
    @classmethod
    def _reject_null(cls, value: Any) -> Any:
        # Only runs for fields that were sent: an explicit null is ambiguous (clear the
        # title?), so it is refused rather than guessed at.
        if value is None:
            raise PydanticCustomError(
                "null_not_allowed", "Must not be null; omit the field to keep its value"
            )
        return value

    @model_validator(mode="after")
    def _require_a_change(self) -> ItemChanges:
        if not self.model_fields_set:
            raise PydanticCustomError("no_changes", "Send at least one of: title, done")
        return self


class SubscriptionRequest(_Request):
    """Empty on purpose: the address comes from the caller's token, never from the body."""


class UploadRequest(_Request):
    content_type: ImageContentType


class Item(BaseModel):
    item_id: str
    title: str
    done: bool
    created_at: str
    updated_at: str


class ItemList(BaseModel):
    items: list[Item]


class Subscription(BaseModel):
    email: str
    subscribed_at: str


class UploadTicket(BaseModel):
    """A presigned POST: the browser sends `fields` plus the file to `url`."""

    upload_id: str
    key: str
    url: str
    fields: dict[str, str]


class Thumbnails(BaseModel):
    # Thumbnail size in pixels (as text, a JSON object key) -> presigned GET URL.
    thumbnails: dict[str, str]


class Health(BaseModel):
    status: Literal["ok"]
