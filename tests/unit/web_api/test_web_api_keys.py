"""Object keys shared with the thumbnailer, and the caller gate that runs before routing."""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Any

import pytest

from web_api.api import MAX_BODY_BYTES, Caller, caller_from_event, gate
from web_api.models import ImageContentType
from web_api.uploads import thumbnail_prefix, upload_key

SUB = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
UPLOAD_ID = "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11"


@pytest.mark.parametrize(
    ("content_type", "key"),
    [
        (ImageContentType.JPEG, f"uploads/{SUB}/{UPLOAD_ID}.jpg"),
        (ImageContentType.PNG, f"uploads/{SUB}/{UPLOAD_ID}.png"),
        (ImageContentType.GIF, f"uploads/{SUB}/{UPLOAD_ID}.gif"),
        (ImageContentType.WEBP, f"uploads/{SUB}/{UPLOAD_ID}.webp"),
    ],
)
def test_upload_key(content_type: ImageContentType, key: str) -> None:
    assert upload_key(SUB, UPLOAD_ID, content_type) == key


def test_thumbnail_prefix() -> None:
    assert thumbnail_prefix(SUB, UPLOAD_ID) == f"thumbnails/{SUB}/{UPLOAD_ID}/"


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
    assert caller_from_event(event({"sub": SUB, "email": "a@example.com"})) == Caller(
        sub=SUB, email="a@example.com"
    )
    assert caller_from_event(event({"sub": SUB})) == Caller(sub=SUB, email=None)


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
    assert gate(event(None, method=method, path=path)) is None


def test_gate_refuses_a_request_without_a_caller() -> None:
    assert gate(event(None, method="GET", path="/items")) == (
        HTTPStatus.UNAUTHORIZED,
        "Missing or invalid caller identity",
    )


def test_health_is_public_for_get_only() -> None:
    refused = gate(event(None, method="POST", path="/health"))

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
    body = "x" * size
    if base64_encoded:
        body = base64.b64encode(body.encode()).decode()

    refused = gate(event({"sub": SUB}, body=body, base64_encoded=base64_encoded))

    assert (refused[0] if refused else None) == status


@pytest.mark.parametrize("body", ["not base64!", base64.b64encode(b"\xff\xfe").decode()])
def test_gate_refuses_undecodable_bodies(body: str) -> None:
    assert gate(event({"sub": SUB}, body=body, base64_encoded=True)) == (
        HTTPStatus.BAD_REQUEST,
        "Request body is not valid UTF-8 text",
    )
