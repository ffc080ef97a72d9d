"""The request gate, the caller's claims and JSON body parsing of lambda_common.rest_api."""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Any

import pytest

from lambda_common.rest_api import Caller, RequestGate, caller_from_event, parse_json_body

SUB = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
MAX_BODY_BYTES = 16 * 1024
# As web_api configures it: the strictest combination is tested where it differs.
GATE = RequestGate(
    max_body_bytes=MAX_BODY_BYTES,
    public_routes=frozenset({("GET", "/health")}),
    preflight_passes=True,
)


def event(
    claims: dict[str, Any] | None = None,
    *,
    method: str = "POST",
    path: str = "/items",
    body: str | None = None,
    base64_encoded: bool = False,
) -> dict[str, Any]:
    context: dict[str, Any] = {"requestId": "r-1"}
    if claims is not None:
        context["authorizer"] = {"claims": claims}
    return {
        "httpMethod": method,
        "path": path,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": base64_encoded,
    }


def test_caller_comes_from_the_authorizer_claims() -> None:
    claims = {"sub": SUB, "email": "a@example.com", "email_verified": "true"}
    assert caller_from_event(event(claims)) == Caller(
        sub=SUB, email="a@example.com", email_verified=True
    )
    assert caller_from_event(event({"sub": SUB})) == Caller(
        sub=SUB, email=None, email_verified=False
    )


@pytest.mark.parametrize("verified", [None, "false", "False", "TRUE", "1", "", False])
def test_only_a_true_email_verified_claim_verifies_the_email(verified: Any) -> None:
    claims = {"sub": SUB, "email": "a@example.com", "email_verified": verified}

    found = caller_from_event(event(claims))

    assert found is not None
    assert not found.email_verified


@pytest.mark.parametrize(
    "claims",
    [None, {}, {"sub": ""}, {"sub": 42}, {"sub": "../other"}, {"sub": f"{SUB}/x"}],
)
def test_no_usable_sub_means_no_caller(claims: dict[str, Any] | None) -> None:
    assert caller_from_event(event(claims)) is None


def test_authorizer_set_to_null_means_no_caller() -> None:
    broken = event()
    broken["requestContext"]["authorizer"] = None

    assert caller_from_event(broken) is None


@pytest.mark.parametrize(("method", "path"), [("GET", "/health"), ("OPTIONS", "/items")])
def test_gate_lets_public_requests_through_without_a_caller(method: str, path: str) -> None:
    assert GATE.refusal(event(None, method=method, path=path)) is None


def test_gate_refuses_a_request_without_a_caller() -> None:
    assert GATE.refusal(event(None, method="GET", path="/items")) == (
        HTTPStatus.UNAUTHORIZED,
        "Missing or invalid caller identity",
    )


def test_health_is_public_for_get_only() -> None:
    refused = GATE.refusal(event(None, method="POST", path="/health"))

    assert refused is not None
    assert refused[0] == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize(
    ("size", "base64_encoded", "status"),
    [
        (MAX_BODY_BYTES, False, None),
        (MAX_BODY_BYTES + 1, False, HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
        (MAX_BODY_BYTES, True, None),
        (MAX_BODY_BYTES + 1, True, HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
    ],
)
def test_gate_measures_the_decoded_body(size: int, base64_encoded: bool, status: Any) -> None:
    body = '"' + "x" * (size - 2) + '"'
    if base64_encoded:
        body = base64.b64encode(body.encode()).decode()

    refused = GATE.refusal(event({"sub": SUB}, body=body, base64_encoded=base64_encoded))

    assert (refused[0] if refused else None) == status


@pytest.mark.parametrize("body", ["not base64!", base64.b64encode(b"\xff\xfe").decode()])
def test_gate_refuses_undecodable_bodies(body: str) -> None:
    assert GATE.refusal(event({"sub": SUB}, body=body, base64_encoded=True)) == (
        HTTPStatus.BAD_REQUEST,
        "Request body is not valid UTF-8 text",
    )


# Deeper than the interpreter's recursion limit, yet well inside the body size limit.
DEEPLY_NESTED = "[" * 5_000 + "]" * 5_000
HUGE_INTEGER = '{"title": ' + "9" * 4301 + "}"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{", "Request body is not valid JSON"),
        (DEEPLY_NESTED, "Request body is nested too deeply"),
        (HUGE_INTEGER, "Request body holds a number too large to read"),
        ('{"title": NaN}', "Request body is not valid JSON: NaN is not a JSON value"),
        ('{"title": -Infinity}', "Request body is not valid JSON: -Infinity is not a JSON value"),
        (
            '{"title": "\\ud800"}',
            "Request body holds a lone UTF-16 surrogate (\\ud800-\\udfff escape)",
        ),
        (
            '{"\\udfff": [1, {"a": "ok"}]}',
            "Request body holds a lone UTF-16 surrogate (\\ud800-\\udfff escape)",
        ),
    ],
    ids=["syntax", "depth", "digits", "nan", "infinity", "surrogate", "surrogate-key"],
)
def test_gate_answers_400_for_every_body_json_cannot_decode(body: str, message: str) -> None:
    assert GATE.refusal(event({"sub": SUB}, body=body)) == (HTTPStatus.BAD_REQUEST, message)


def test_gate_accepts_a_surrogate_pair_and_a_4300_digit_integer() -> None:
    body = '{"title": "\\ud83d\\ude00", "n": ' + "9" * 4300 + "}"

    assert GATE.refusal(event({"sub": SUB}, body=body)) is None


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_gate_refuses_bodies_that_are_not_json(content_type: str) -> None:
    request = event({"sub": SUB}, body="title=x")
    request["headers"] = {"Content-Type": content_type}

    assert GATE.refusal(request) == (
        HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        "Request body must be sent as application/json",
    )


def test_parse_json_body_returns_the_document() -> None:
    assert parse_json_body('{"a": [1, "\\u00e9"]}') == {"a": [1, "\u00e9"]}
