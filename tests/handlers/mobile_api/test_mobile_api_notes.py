"""Notes routes and the request gate through the real handler, moto and REST v1 events."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from mobile_api_events import NOTES_TABLE, Call, Cloud, User, api_event

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
Snapshot = Callable[[], dict[str, list[dict[str, Any]]]]


def create(call: Call, user: User, title: str = "Groceries", body: str = "milk") -> dict[str, Any]:
    response = call(api_event(user, "POST", "/notes", body={"title": title, "body": body}))
    assert response.status == 201, response.body
    note: dict[str, Any] = response.body
    return note


def note_path(note_id: str) -> dict[str, str]:
    return {"note_id": note_id}


def test_health_needs_no_caller(call: Call) -> None:
    response = call(api_event(None, "GET", "/health"))

    assert (response.status, response.body) == (200, {"status": "ok"})


def test_no_claims_is_401_and_writes_nothing(call: Call, tables: Snapshot) -> None:
    before = tables()

    response = call(api_event(None, "POST", "/notes", body={"title": "x"}))

    assert response.status == 401
    assert response.body == {"message": "Missing or invalid caller identity"}
    assert tables() == before


def test_unknown_route_is_a_json_404(call: Call, cloud: Cloud) -> None:
    response = call(api_event(cloud.alice, "GET", "/nothing"))

    assert (response.status, response.body) == (404, {"message": "Not found"})


def test_create_stores_the_note_under_the_token_sub(
    call: Call, cloud: Cloud, dynamodb: Any
) -> None:
    note = create(call, cloud.alice, title="  Groceries \n", body="milk\n\teggs ")

    assert re.fullmatch(UUID_PATTERN, note["note_id"])
    assert (note["title"], note["body"]) == ("Groceries", "milk\n\teggs ")
    stored = dynamodb.get_item(
        TableName=NOTES_TABLE,
        Key={"owner_sub": {"S": cloud.alice.sub}, "note_id": {"S": note["note_id"]}},
    )["Item"]
    assert stored["body"] == {"S": "milk\n\teggs "}
    assert stored["created_at"] == stored["updated_at"] == {"S": note["created_at"]}


def test_body_defaults_to_empty(call: Call, cloud: Cloud) -> None:
    response = call(api_event(cloud.alice, "POST", "/notes", body={"title": "t"}))

    assert (response.status, response.body["body"]) == (201, "")


def test_list_is_the_callers_own_newest_first(call: Call, cloud: Cloud) -> None:
    first = create(call, cloud.alice, title="first")
    second = create(call, cloud.alice, title="second")
    create(call, cloud.bob, title="bob's")

    response = call(api_event(cloud.alice, "GET", "/notes"))

    assert response.status == 200
    assert [note["note_id"] for note in response.body["notes"]] == [
        second["note_id"],
        first["note_id"],
    ]


def test_get_one(call: Call, cloud: Cloud) -> None:
    note = create(call, cloud.alice)

    response = call(
        api_event(
            cloud.alice, "GET", "/notes/{note_id}", path_parameters=note_path(note["note_id"])
        )
    )

    assert (response.status, response.body) == (200, note)


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_another_users_note_is_the_same_404_as_an_unknown_one(
    call: Call, cloud: Cloud, tables: Snapshot, method: str
) -> None:
    note = create(call, cloud.alice)
    before = tables()
    body = {"title": "stolen"} if method == "PATCH" else None

    theirs = call(
        api_event(
            cloud.bob,
            method,
            "/notes/{note_id}",
            path_parameters=note_path(note["note_id"]),
            body=body,
        )
    )
    unknown = call(
        api_event(
            cloud.bob,
            method,
            "/notes/{note_id}",
            path_parameters=note_path("0b0e4a4e-6f1c-4c1e-9d43-1c1e2a0e8f11"),
            body=body,
        )
    )
    malformed = call(
        api_event(
            cloud.bob,
            method,
            "/notes/{note_id}",
            path_parameters=note_path("not-a-uuid"),
            body=body,
        )
    )

    assert theirs.status == unknown.status == malformed.status == 404
    assert theirs.body == unknown.body == malformed.body == {"message": "Note not found"}
    assert tables() == before


def test_patch_changes_only_what_was_sent(call: Call, cloud: Cloud) -> None:
    note = create(call, cloud.alice, title="t", body="old")

    response = call(
        api_event(
            cloud.alice,
            "PATCH",
            "/notes/{note_id}",
            path_parameters=note_path(note["note_id"]),
            body={"body": "new"},
        )
    )

    assert response.status == 200
    assert (response.body["title"], response.body["body"]) == ("t", "new")
    assert response.body["updated_at"] >= note["updated_at"]


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({}, "no_changes"),
        ({"title": None}, "null_not_allowed"),
        ({"owner_sub": "x"}, "extra_forbidden"),
    ],
)
def test_bad_patch_is_422_and_changes_nothing(
    call: Call, cloud: Cloud, tables: Snapshot, body: dict[str, Any], error_type: str
) -> None:
    note = create(call, cloud.alice)
    before = tables()

    response = call(
        api_event(
            cloud.alice,
            "PATCH",
            "/notes/{note_id}",
            path_parameters=note_path(note["note_id"]),
            body=body,
        )
    )

    assert response.status == 422
    assert error_type in [error["type"] for error in response.body["errors"]]
    assert tables() == before


def test_delete_then_gone(call: Call, cloud: Cloud, tables: Snapshot) -> None:
    note = create(call, cloud.alice)
    path = note_path(note["note_id"])

    deleted = call(api_event(cloud.alice, "DELETE", "/notes/{note_id}", path_parameters=path))
    again = call(api_event(cloud.alice, "DELETE", "/notes/{note_id}", path_parameters=path))

    assert (deleted.status, deleted.body) == (204, None)
    assert again.status == 404
    assert tables()[NOTES_TABLE] == []


@pytest.mark.parametrize("raw", ['{"title": "x",', "[1, 2", '{"title": "x"} trailing'])
def test_malformed_json_is_400_and_writes_nothing(
    call: Call, cloud: Cloud, tables: Snapshot, raw: str
) -> None:
    before = tables()

    response = call(api_event(cloud.alice, "POST", "/notes", body=raw))

    assert response.status == 400
    assert response.body["message"] == "Request body is not valid JSON"
    assert tables() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("[" * 5_000 + "]" * 5_000, "Request body is nested too deeply"),
        ('{"title": ' + "7" * 5_000 + "}", "Request body holds a number too large to read"),
        (
            '{"title": "\\ud800x"}',
            "Request body holds a lone UTF-16 surrogate (\\ud800-\\udfff escape)",
        ),
        ('{"title": NaN}', "Request body is not valid JSON: NaN is not a JSON value"),
    ],
    ids=["depth", "digits", "surrogate", "nan"],
)
@pytest.mark.parametrize("path", ["/notes", "/devices", "/notes/{note_id}/share"])
def test_bodies_json_cannot_decode_are_400_on_every_route(
    call: Call, cloud: Cloud, tables: Snapshot, *, raw: str, message: str, path: str
) -> None:
    before = tables()
    parameters = {"note_id": "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11"} if "{" in path else None

    response = call(api_event(cloud.alice, "POST", path, body=raw, path_parameters=parameters))

    assert (response.status, response.body) == (400, {"message": message})
    assert tables() == before


def test_a_16_kib_utf8_body_is_accepted(call: Call, cloud: Cloud) -> None:
    body = "é" * (16 * 1024 // 2)  # two bytes each: exactly 16384 bytes
    # As apps send it: UTF-8 JSON, non-ASCII not escaped (escaped, it would triple).
    raw = json.dumps({"title": "t", "body": body}, ensure_ascii=False)

    response = call(api_event(cloud.alice, "POST", "/notes", body=raw))

    assert (response.status, response.body["body"]) == (201, body)


@pytest.mark.parametrize("body", ["é" * (16 * 1024 // 2) + "x", "x" * (16 * 1024 + 1)])
def test_a_body_over_16_kib_is_422_and_writes_nothing(
    call: Call, cloud: Cloud, tables: Snapshot, body: str
) -> None:
    before = tables()

    raw = json.dumps({"title": "t", "body": body}, ensure_ascii=False)

    response = call(api_event(cloud.alice, "POST", "/notes", body=raw))

    assert response.status == 422
    assert response.body["errors"] == [
        {
            "loc": ["body", "body"],
            "type": "body_too_long",
            "msg": "Body must be at most 16384 bytes of UTF-8",
        }
    ]
    assert tables() == before


def test_an_oversized_patch_leaves_the_note_as_it_was(
    call: Call, cloud: Cloud, tables: Snapshot
) -> None:
    note = create(call, cloud.alice)
    before = tables()

    response = call(
        api_event(
            cloud.alice,
            "PATCH",
            "/notes/{note_id}",
            path_parameters=note_path(note["note_id"]),
            body={"body": "x" * 20_000},
        )
    )

    assert response.status == 422
    assert tables() == before


def test_a_request_over_32_kib_is_413_before_parsing(
    call: Call, cloud: Cloud, tables: Snapshot
) -> None:
    before = tables()
    # Not even JSON: the size is checked first.
    response = call(api_event(cloud.alice, "POST", "/notes", body="{" + "x" * (32 * 1024)))

    assert response.status == 413
    assert response.body == {"message": "Request body is larger than 32768 bytes"}
    assert tables() == before


@pytest.mark.parametrize(
    ("body", "error_type"),
    [
        ({"title": "x" * 201}, "string_too_long"),
        ({"title": "   "}, "string_too_short"),
        ({"title": "a\u0000b"}, "control_characters"),
        ({"title": 5}, "string_type"),
        ({"title": "t", "body": ["x"]}, "string_type"),
        ({"title": "t", "owner_sub": "someone"}, "extra_forbidden"),
    ],
)
def test_schema_violations_are_422_with_field_errors(
    call: Call, cloud: Cloud, tables: Snapshot, body: dict[str, Any], error_type: str
) -> None:
    before = tables()

    response = call(api_event(cloud.alice, "POST", "/notes", body=json.dumps(body)))

    assert response.status == 422
    assert response.body["message"] == "Request validation failed"
    assert error_type in [error["type"] for error in response.body["errors"]]
    assert tables() == before
