"""mobile_api request models: note sizes, device tokens, recipient addresses."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from mobile_api.models import (
    BODY_MAX_BYTES,
    DeviceRegistration,
    NewNote,
    NoteChanges,
    Platform,
    ShareRequest,
)

INSTALLATION = "5d1e7f0a-8a4b-4c3d-9e2f-0a1b2c3d4e5f"


def error_types(model: type[Any], data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    return [error["type"] for error in raised.value.errors()]


def test_body_limit_counts_utf8_bytes_not_characters() -> None:
    emoji = "😀" * (BODY_MAX_BYTES // 4)  # four bytes each

    assert NewNote(title="t", body=emoji).body == emoji
    assert error_types(NewNote, {"title": "t", "body": emoji + "x"}) == ["body_too_long"]


def test_a_lone_surrogate_is_refused_not_stored() -> None:
    assert error_types(NewNote, {"title": "t", "body": "\ud800"})


def test_changes_need_a_field_and_no_nulls() -> None:
    assert NoteChanges(body="").model_fields_set == {"body"}
    assert error_types(NoteChanges, {}) == ["no_changes"]
    assert error_types(NoteChanges, {"body": None}) == ["null_not_allowed"]


@pytest.mark.parametrize("token", ["ab" * 32, "AB" * 100])
def test_apns_tokens_are_hex(token: str) -> None:
    assert (
        DeviceRegistration(platform=Platform.APNS, token=token, installation_id=INSTALLATION).token
        == token
    )


@pytest.mark.parametrize("token", ["ab" * 31, "ab" * 101, "a" * 65, "zz" * 32])
def test_bad_apns_tokens(token: str) -> None:
    assert error_types(
        DeviceRegistration, {"platform": "apns", "token": token, "installation_id": INSTALLATION}
    ) == ["apns_token"]


def test_fcm_tokens() -> None:
    token = "dQw4w9WgXcQ:APA91bH-" + "A_b" * 40

    assert (
        DeviceRegistration(platform=Platform.FCM, token=token, installation_id=INSTALLATION).token
        == token
    )
    assert error_types(
        DeviceRegistration, {"platform": "fcm", "token": "a b", "installation_id": INSTALLATION}
    ) == ["fcm_token"]
    assert error_types(
        DeviceRegistration, {"platform": "fcm", "token": "ab" * 32, "installation_id": INSTALLATION}
    ) == ["wrong_platform"]


def test_an_unknown_platform_is_reported_alone() -> None:
    assert error_types(
        DeviceRegistration, {"platform": "mpns", "token": "x y", "installation_id": INSTALLATION}
    ) == ["enum"]


@pytest.mark.parametrize(
    "email", ["", "bob", "bob@", 'b"ob@example.com', "bob\\@example.com", "bob@example.com\n"]
)
def test_share_addresses_are_checked(email: str) -> None:
    # "\n" is stripped like other surrounding space, so the last one is fine.
    if email.endswith("\n"):
        assert ShareRequest(email=email).email == "bob@example.com"
    else:
        assert error_types(ShareRequest, {"email": email}) == ["email"]


@pytest.mark.parametrize(
    "installation_id", [INSTALLATION.upper(), INSTALLATION.replace("-", ""), "phone-1", 7]
)
def test_installation_ids_are_lowercase_uuids(installation_id: Any) -> None:
    errors = error_types(
        DeviceRegistration,
        {"platform": "apns", "token": "ab" * 32, "installation_id": installation_id},
    )

    assert errors == ["string_type" if installation_id == 7 else "installation_id"]
