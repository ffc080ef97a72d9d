"""Request and response models: what the API accepts and what it returns.

Requests are validated by Powertools against these pydantic models before a route runs;
every request model forbids unknown fields, so a body can never smuggle in an owner.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StrictStr,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from lambda_common.rest_api import is_resource_id

TITLE_MAX_LENGTH = 200
# Measured in UTF-8 bytes, what DynamoDB counts toward its 400 KB item limit.
BODY_MAX_BYTES = 16 * 1024
TOKEN_MAX_LENGTH = 4096
# SES's and Cognito's limit on a whole address.
EMAIL_MAX_LENGTH = 254
# The address syntax browsers accept for <input type="email"> (WHATWG HTML), ASCII only.
# It has no quote or backslash, so an address can go into a Cognito ListUsers filter
# string as is.
_EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
# An APNs device token is hex text: 32 bytes today, at most 100 bytes as Apple documents.
_APNS_TOKEN = re.compile(r"(?:[0-9a-fA-F]{2}){32,100}")
# FCM registration tokens are URL-safe base64 plus ":" (instance id prefix).
_FCM_TOKEN = re.compile(r"[A-Za-z0-9_:-]+")


def _reject_control_characters(value: str) -> str:
    # Cc: C0/C1 controls and DEL. Format characters (Cf) stay allowed: emoji sequences
    # need the zero-width joiner.
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise PydanticCustomError("control_characters", "Title must not contain control characters")
    return value


def _limit_body_bytes(value: str) -> str:
    if len(value.encode("utf-8")) > BODY_MAX_BYTES:
        raise PydanticCustomError(
            "body_too_long",
            "Body must be at most {limit} bytes of UTF-8",
            {"limit": BODY_MAX_BYTES},
        )
    return value


# Trimmed first, so the length limits apply to what is stored and "   " is empty.
Title = Annotated[
    StrictStr,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TITLE_MAX_LENGTH),
    AfterValidator(_reject_control_characters),
]
# Kept as sent: newlines and indentation are part of a note.
NoteBody = Annotated[StrictStr, AfterValidator(_limit_body_bytes)]
_TITLE_SCHEMA = {"type": "string", "minLength": 1, "maxLength": TITLE_MAX_LENGTH}
_BODY_SCHEMA = {"type": "string", "description": f"At most {BODY_MAX_BYTES} bytes of UTF-8"}


def is_valid_email(address: str) -> bool:
    return len(address) <= EMAIL_MAX_LENGTH and _EMAIL_PATTERN.fullmatch(address) is not None


class Platform(StrEnum):
    """Push platforms, each the key of its SNS platform application in the settings."""

    FCM = "fcm"
    APNS = "apns"


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NewNote(_Request):
    title: Title
    body: NoteBody = ""


class NoteChanges(_Request):
    """A partial update: a field left out keeps its value."""

    title: Annotated[Title | None, WithJsonSchema(_TITLE_SCHEMA)] = None
    body: Annotated[NoteBody | None, WithJsonSchema(_BODY_SCHEMA)] = None

    @field_validator("title", "body", mode="before")
    @classmethod
    def _reject_null(cls, value: Any) -> Any:
        # Only runs for fields that were sent: an explicit null is ambiguous, so refused.
        if value is None:
            raise PydanticCustomError(
                "null_not_allowed", "Must not be null; omit the field to keep its value"
            )
        return value

    @model_validator(mode="after")
    def _require_a_change(self) -> NoteChanges:
        if not self.model_fields_set:
            raise PydanticCustomError("no_changes", "Send at least one of: title, body")
        return self


class ShareRequest(_Request):
    email: StrictStr

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str) -> str:
        address = value.strip()
        if not is_valid_email(address):
            raise PydanticCustomError("email", "Must be an email address")
        return address


def _check_installation_id(value: str) -> str:
    if not is_resource_id(value):
        raise PydanticCustomError(
            "installation_id", "Must be the app installation's id: a lowercase uuid"
        )
    return value


class DeviceRegistration(_Request):
    platform: Platform
    token: Annotated[StrictStr, StringConstraints(min_length=1, max_length=TOKEN_MAX_LENGTH)]
    # Generated once by the app and kept with its session: the device's id, so a new
    # token for the same installation updates its one endpoint instead of adding one.
    installation_id: Annotated[StrictStr, AfterValidator(_check_installation_id)]

    @field_validator("token")
    @classmethod
    def _check_token(cls, token: str, info: ValidationInfo) -> str:
        # Refused here rather than by SNS: an endpoint with a bogus token would only fail
        # later, at the first push. `platform` is validated first (field order); when it
        # is invalid, that error is reported on its own.
        platform = info.data.get("platform")
        if platform is Platform.APNS and not _APNS_TOKEN.fullmatch(token):
            raise PydanticCustomError(
                "apns_token", "An APNs device token is 64 to 200 hexadecimal characters"
            )
        if platform is Platform.FCM:
            if not _FCM_TOKEN.fullmatch(token):
                raise PydanticCustomError(
                    "fcm_token", "An FCM registration token holds only A-Z a-z 0-9 _ : -"
                )
            if _APNS_TOKEN.fullmatch(token):
                raise PydanticCustomError(
                    "wrong_platform", "This is an APNs device token; register it as apns"
                )
        return token


class Note(BaseModel):
    note_id: str
    title: str
    body: str
    created_at: str
    updated_at: str


class NoteList(BaseModel):
    notes: list[Note]


class SharedNote(Note):
    # `{owner_sub}#{note_id}`, as the push's data carries it.
    note_key: str
    owner_email: str
    shared_at: str


class SharedNoteList(BaseModel):
    notes: list[SharedNote]


class ShareReceipt(BaseModel):
    recipient: str


class Device(BaseModel):
    device_id: str
    endpoint_arn: str


class Health(BaseModel):
    status: str
