"""Every route of the web API through the real handler, moto and REST proxy events."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from web_api_events import (
    ALICE,
    BOB,
    EMAILS,
    ITEMS_TABLE,
    NO_CLAIMS,
    SUBSCRIBERS_TABLE,
    UUID_PATTERN,
    Call,
    id_token_claims,
    import_handler_fresh,
    rest_event,
)

from web_api.api import UNVERIFIED_EMAIL_MESSAGE

# GET routes emit no business metric; Powertools warns about that on every flush.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
REPO = Path(__file__).resolve().parents[3]


def create(call: Call, title: str = "Buy milk", sub: str = ALICE) -> dict[str, Any]:
    response = call(rest_event("POST", "/items", body={"title": title}, sub=sub))
    assert response.status == 201, response.body
    item: dict[str, Any] = response.body
    return item


def item_path(item_id: str) -> dict[str, str]:
    return {"item_id": item_id}


def stored_item(dynamodb: Any, owner: str, item_id: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = dynamodb.get_item(
        TableName=ITEMS_TABLE, Key={"owner_sub": {"S": owner}, "item_id": {"S": item_id}}
    ).get("Item")
    return found


# --- health and routing --------------------------------------------------------------


def test_health_needs_no_caller(call: Call) -> None:
    response = call(rest_event("GET", "/health", claims=NO_CLAIMS))

    assert response.status == 200
    assert response.body == {"status": "ok"}


def test_unknown_route_is_a_json_404(call: Call) -> None:
    response = call(rest_event("GET", "/nothing/here"))

    assert response.status == 404
    assert response.headers["content-type"] == "application/json"
    assert response.body == {"message": "Not found"}


# --- items -----------------------------------------------------------------------------


def test_create_item_trims_title_and_owns_it_by_the_token_sub(call: Call, dynamodb: Any) -> None:
    item = create(call, title="  Buy milk \n")

    assert re.fullmatch(UUID_PATTERN, item["item_id"])
    assert item["title"] == "Buy milk"
    assert item["done"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", item["created_at"])
    assert item["updated_at"] == item["created_at"]
    row = stored_item(dynamodb, ALICE, item["item_id"])
    assert row is not None
    assert row["owner_sub"] == {"S": ALICE}
    assert row["title"] == {"S": "Buy milk"}


def test_body_cannot_choose_the_owner(call: Call, dynamodb: Any) -> None:
    response = call(rest_event("POST", "/items", body={"title": "x", "owner_sub": BOB}))

    assert response.status == 422
    assert response.body["errors"] == [
        {
            "loc": ["body", "owner_sub"],
            "type": "extra_forbidden",
            "msg": "Extra inputs are not permitted",
        }
    ]
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 0


def test_list_returns_only_the_callers_items_newest_first(call: Call) -> None:
    first = create(call, "first")
    second = create(call, "second")
    create(call, "bob's", sub=BOB)

    response = call(rest_event("GET", "/items"))

    assert response.status == 200
    assert [item["item_id"] for item in response.body["items"]] == [
        second["item_id"],
        first["item_id"],
    ]


def test_get_item_returns_the_callers_item(call: Call) -> None:
    item = create(call)

    response = call(
        rest_event("GET", "/items/{item_id}", path_parameters=item_path(item["item_id"]))
    )

    assert response.status == 200
    assert response.body == item


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("PATCH", {"title": "stolen", "done": True}), ("DELETE", None)],
)
def test_another_users_item_is_not_found_and_untouched(
    call: Call, dynamodb: Any, method: str, body: dict[str, Any] | None
) -> None:
    bobs = create(call, "bob's", sub=BOB)
    before = stored_item(dynamodb, BOB, bobs["item_id"])
    unknown = call(
        rest_event(
            method, "/items/{item_id}", path_parameters=item_path(str(uuid.uuid4())), body=body
        )
    )

    response = call(
        rest_event(
            method, "/items/{item_id}", path_parameters=item_path(bobs["item_id"]), body=body
        )
    )

    assert response.status == 404
    # Exactly what an unknown id gets: nothing tells Alice that Bob's id exists.
    assert response.body == unknown.body == {"message": "Item not found"}
    assert stored_item(dynamodb, BOB, bobs["item_id"]) == before
    assert stored_item(dynamodb, ALICE, bobs["item_id"]) is None


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_malformed_item_id_is_not_found(call: Call, method: str) -> None:
    body = {"done": True} if method == "PATCH" else None
    response = call(
        rest_event(method, "/items/{item_id}", path_parameters=item_path("../x"), body=body)
    )

    assert response.status == 404


def test_patch_changes_only_the_fields_sent(call: Call, dynamodb: Any) -> None:
    item = create(call, "write report")

    response = call(
        rest_event(
            "PATCH",
            "/items/{item_id}",
            path_parameters=item_path(item["item_id"]),
            body={"done": True},
        )
    )

    assert response.status == 200
    assert response.body["done"] is True
    assert response.body["title"] == "write report"
    assert response.body["created_at"] == item["created_at"]
    assert response.body["updated_at"] >= item["updated_at"]
    assert stored_item(dynamodb, ALICE, item["item_id"])["done"] == {"BOOL": True}  # type: ignore[index]


def test_patch_of_an_unknown_id_creates_nothing(call: Call, dynamodb: Any) -> None:
    response = call(
        rest_event(
            "PATCH",
            "/items/{item_id}",
            path_parameters=item_path(str(uuid.uuid4())),
            body={"done": True},
        )
    )

    assert response.status == 404
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, [{"loc": ["body"], "type": "no_changes"}]),
        ({"title": None}, [{"loc": ["body", "title"], "type": "null_not_allowed"}]),
        ({"done": "yes"}, [{"loc": ["body", "done"], "type": "bool_type"}]),
        ({"title": "a" * 201}, [{"loc": ["body", "title"], "type": "string_too_long"}]),
        (
            {"title": "ok", "owner_sub": BOB},
            [{"loc": ["body", "owner_sub"], "type": "extra_forbidden"}],
        ),
    ],
)
def test_patch_schema_violations_are_422_and_change_nothing(
    call: Call, dynamodb: Any, body: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    item = create(call, "keep me")
    before = stored_item(dynamodb, ALICE, item["item_id"])

    response = call(
        rest_event(
            "PATCH", "/items/{item_id}", path_parameters=item_path(item["item_id"]), body=body
        )
    )

    assert response.status == 422
    assert [{"loc": e["loc"], "type": e["type"]} for e in response.body["errors"]] == expected
    assert stored_item(dynamodb, ALICE, item["item_id"]) == before


def test_delete_removes_the_item_once(call: Call, dynamodb: Any) -> None:
    item = create(call)
    event = rest_event("DELETE", "/items/{item_id}", path_parameters=item_path(item["item_id"]))

    first = call(event)
    second = call(event)

    assert first.status == 204
    assert first.body is None
    assert second.status == 404
    assert stored_item(dynamodb, ALICE, item["item_id"]) is None


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        ({"title": ""}, 422, [{"loc": ["body", "title"], "type": "string_too_short"}]),
        ({"title": "   "}, 422, [{"loc": ["body", "title"], "type": "string_too_short"}]),
        ({"title": "a" * 201}, 422, [{"loc": ["body", "title"], "type": "string_too_long"}]),
        ({"title": "bell\x07"}, 422, [{"loc": ["body", "title"], "type": "control_characters"}]),
        ({"title": 42}, 422, [{"loc": ["body", "title"], "type": "string_type"}]),
        ({"title": ["x"]}, 422, [{"loc": ["body", "title"], "type": "string_type"}]),
        ({}, 422, [{"loc": ["body", "title"], "type": "missing"}]),
    ],
)
def test_create_schema_violations_list_the_field_errors(
    call: Call, dynamodb: Any, body: dict[str, Any], status: int, expected: list[dict[str, Any]]
) -> None:
    response = call(rest_event("POST", "/items", body=body))

    assert response.status == status
    assert response.body["message"] == "Request validation failed"
    assert [{"loc": e["loc"], "type": e["type"]} for e in response.body["errors"]] == expected
    assert all(e["msg"] for e in response.body["errors"])
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 0


def test_two_hundred_characters_are_accepted(call: Call) -> None:
    assert create(call, "é" * 200)["title"] == "é" * 200


@pytest.mark.parametrize("body", ['{"title": "x"', "not json", '{"title": "x"}}', "[1,"])
def test_bad_json_is_400(call: Call, dynamodb: Any, body: str) -> None:
    response = call(rest_event("POST", "/items", body=body))

    assert response.status == 400
    assert response.body["message"] == "Request body is not valid JSON"
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5_000 + "]" * 5_000, "Request body is nested too deeply"),
        ('{"title": ' + "1" * 4_301 + "}", "Request body holds a number too large to read"),
        (
            '{"title": "\\udc00"}',
            "Request body holds a lone UTF-16 surrogate (\\ud800-\\udfff escape)",
        ),
        ('{"title": Infinity}', "Request body is not valid JSON: Infinity is not a JSON value"),
    ],
    ids=["depth", "digits", "surrogate", "infinity"],
)
def test_bodies_json_cannot_decode_are_400_not_500(
    call: Call, dynamodb: Any, body: str, message: str
) -> None:
    response = call(rest_event("POST", "/items", body=body))

    assert response.status == 400
    assert response.body == {"message": message}
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 0


@pytest.mark.parametrize("body", ['"a string"', "[]", "null", "42"])
def test_json_that_is_not_an_object_is_422(call: Call, body: str) -> None:
    response = call(rest_event("POST", "/items", body=body))

    assert response.status == 422


def test_body_over_16_kib_is_413_and_at_16_kib_is_accepted(call: Call, dynamodb: Any) -> None:
    document = '{"title": "padded"}'
    at_limit = document + " " * (16 * 1024 - len(document))

    accepted = call(rest_event("POST", "/items", body=at_limit))
    refused = call(rest_event("POST", "/items", body=at_limit + " "))

    assert accepted.status == 201
    assert refused.status == 413
    assert refused.body == {"message": "Request body is larger than 16384 bytes"}
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 1


def test_size_limit_counts_bytes_not_characters(call: Call) -> None:
    # 6000 three-byte characters: 18 000 bytes in 6 000 characters.
    response = call(rest_event("POST", "/items", body={"title": "€" * 6000}))

    assert response.status == 413


def test_base64_encoded_body_is_decoded(call: Call) -> None:
    response = call(rest_event("POST", "/items", body={"title": "über"}, is_base64_encoded=True))

    assert response.status == 201
    assert response.body["title"] == "über"


def test_body_that_is_not_utf8_is_400(call: Call) -> None:
    event = rest_event("POST", "/items", body={"title": "x"})
    event["body"] = "/w=="  # base64 of the single byte 0xff
    event["isBase64Encoded"] = True

    response = call(event)

    assert response.status == 400
    assert response.body == {"message": "Request body is not valid UTF-8 text"}


def test_non_json_content_type_is_415(call: Call) -> None:
    response = call(
        rest_event("POST", "/items", body="title=x", headers={"Content-Type": "text/plain"})
    )

    assert response.status == 415
    assert response.body == {"message": "Request body must be sent as application/json"}


# --- caller identity -------------------------------------------------------------------

RequestSpec = tuple[str, str, dict[str, str] | None, dict[str, Any] | None]
AUTHORIZED_REQUESTS: list[RequestSpec] = [
    ("GET", "/openapi.json", None, None),
    ("GET", "/items", None, None),
    ("POST", "/items", None, {"title": "x"}),
    ("GET", "/items/{item_id}", {"item_id": ALICE}, None),
    ("PATCH", "/items/{item_id}", {"item_id": ALICE}, {"done": True}),
    ("DELETE", "/items/{item_id}", {"item_id": ALICE}, None),
    ("POST", "/subscriptions", None, {}),
    ("POST", "/uploads", None, {"content_type": "image/png"}),
    ("GET", "/uploads/{upload_id}/thumbnails", {"upload_id": ALICE}, None),
]


@pytest.mark.parametrize("request_spec", AUTHORIZED_REQUESTS, ids=lambda spec: " ".join(spec[:2]))
@pytest.mark.parametrize(
    "claims",
    [NO_CLAIMS, {"email": "x@example.com"}, {**id_token_claims(ALICE), "sub": "../../other"}],
    ids=["no-authorizer", "no-sub", "sub-not-a-uuid"],
)
def test_every_authorized_route_refuses_a_request_without_a_caller(
    call: Call, dynamodb: Any, request_spec: RequestSpec, claims: dict[str, str]
) -> None:
    method, resource, path_parameters, body = request_spec
    event = rest_event(method, resource, path_parameters=path_parameters, body=body, claims=claims)

    response = call(event)

    assert response.status == 401
    assert response.body == {"message": "Missing or invalid caller identity"}
    assert dynamodb.scan(TableName=ITEMS_TABLE)["Count"] == 0
    assert dynamodb.scan(TableName=SUBSCRIBERS_TABLE)["Count"] == 0


def test_missing_caller_is_refused_before_the_body_is_judged(call: Call) -> None:
    response = call(rest_event("POST", "/items", body="{not json", claims=NO_CLAIMS))

    assert response.status == 401


# --- subscriptions ---------------------------------------------------------------------


def test_subscribe_twice_writes_once(call: Call, dynamodb: Any) -> None:
    first = call(rest_event("POST", "/subscriptions", body={}))
    stored = dynamodb.scan(TableName=SUBSCRIBERS_TABLE)["Items"]

    second = call(rest_event("POST", "/subscriptions", body={}))

    assert first.status == 201
    assert first.body["email"] == EMAILS[ALICE]
    assert second.status == 200
    assert second.body == first.body
    rows = dynamodb.scan(TableName=SUBSCRIBERS_TABLE)["Items"]
    assert rows == stored
    assert rows == [
        {
            "owner_sub": {"S": ALICE},
            "email": {"S": EMAILS[ALICE]},
            "subscribed_at": {"S": first.body["subscribed_at"]},
            "email_verified": {"BOOL": True},
        }
    ]


def test_subscribe_without_a_body_is_accepted(call: Call) -> None:
    assert call(rest_event("POST", "/subscriptions")).status == 201


def test_subscribe_body_cannot_choose_the_address(call: Call, dynamodb: Any) -> None:
    response = call(rest_event("POST", "/subscriptions", body={"email": "victim@example.com"}))

    assert response.status == 422
    assert response.body["errors"][0]["loc"] == ["body", "email"]
    assert dynamodb.scan(TableName=SUBSCRIBERS_TABLE)["Count"] == 0


@pytest.mark.parametrize("verified", ["false", None])
def test_subscribe_needs_a_verified_email(call: Call, dynamodb: Any, verified: str | None) -> None:
    # A user who changed their email after sign-up (UpdateUserAttributes) holds an ID
    # token with the new, unverified address: it must not be subscribed nor mailed.
    claims = {**id_token_claims(ALICE), "email": "victim@example.com"}
    if verified is None:
        del claims["email_verified"]
    else:
        claims["email_verified"] = verified

    response = call(rest_event("POST", "/subscriptions", body={}, claims=claims))

    assert response.status == 403
    assert response.body == {"message": UNVERIFIED_EMAIL_MESSAGE}
    assert dynamodb.scan(TableName=SUBSCRIBERS_TABLE)["Count"] == 0


def test_subscribe_needs_an_email_claim(call: Call, dynamodb: Any) -> None:
    claims = {k: v for k, v in id_token_claims(ALICE).items() if k != "email"}

    response = call(rest_event("POST", "/subscriptions", body={}, claims=claims))

    assert response.status == 400
    assert "email" in response.body["message"]
    assert dynamodb.scan(TableName=SUBSCRIBERS_TABLE)["Count"] == 0


# --- errors ----------------------------------------------------------------------------


def test_unexpected_error_is_a_generic_500_with_the_request_id(
    call: Call, handler: ModuleType, dynamodb: Any
) -> None:
    logs = io.StringIO()
    handler.logger.registered_handler.setStream(logs)
    dynamodb.delete_table(TableName=ITEMS_TABLE)
    event = rest_event("GET", "/items")

    response = call(event)

    request_id = event["requestContext"]["requestId"]
    assert response.status == 500
    assert response.body == {"message": "Internal server error", "correlation_id": request_id}
    records = [json.loads(line) for line in logs.getvalue().splitlines()]
    error_log = next(record for record in records if record["message"] == "Unhandled error")
    assert error_log["correlation_id"] == request_id
    # The stack trace is in the log, and only there.
    assert "ResourceNotFoundException" in error_log["exception"]
    assert "Traceback" not in json.dumps(response.body)


def test_metrics_count_created_items(call: Call, capsys: pytest.CaptureFixture[str]) -> None:
    create(call)

    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert any(metric.get("ItemsCreated") == [1.0] for metric in emitted)


# --- OpenAPI ---------------------------------------------------------------------------

ROUTES = {
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("get", "/items"),
    ("post", "/items"),
    ("get", "/items/{item_id}"),
    ("patch", "/items/{item_id}"),
    ("delete", "/items/{item_id}"),
    ("post", "/subscriptions"),
    ("post", "/uploads"),
    ("get", "/uploads/{upload_id}/thumbnails"),
}


def test_openapi_route_serves_the_document_of_every_route(call: Call) -> None:
    response = call(rest_event("GET", "/openapi.json"))

    assert response.status == 200
    paths = response.body["paths"]
    assert {(method, path) for path, item in paths.items() for method in item} == ROUTES
    for path, item in paths.items():
        for method, operation in item.items():
            expected: list[dict[str, list[str]]] | None = (
                None if path == "/health" else [{"cognitoUserPool": []}]
            )
            assert operation.get("security") == expected, (method, path)
    assert response.body["components"]["securitySchemes"]["cognitoUserPool"]["in"] == "header"


def test_openapi_module_prints_the_same_document_without_any_environment(
    call: Call, handler: ModuleType
) -> None:
    served = call(rest_event("GET", "/openapi.json")).body

    printed = subprocess.run(
        [sys.executable, "-m", "web_api.openapi"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "functions"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert json.loads(printed) == served


# --- configuration ---------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["*", "https://site.example/"])
def test_handler_refuses_to_start_with_an_unusable_origin(
    aws: None, handler_environment: None, monkeypatch: pytest.MonkeyPatch, origin: str
) -> None:
    monkeypatch.setenv("ALLOWED_ORIGIN", origin)

    with pytest.raises(RuntimeError, match="ALLOWED_ORIGIN") as raised:
        import_handler_fresh()

    # By name: the fresh import defines a new ConfigurationError class.
    assert type(raised.value).__name__ == "ConfigurationError"
