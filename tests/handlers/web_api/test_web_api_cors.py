"""CORS: the site origin is echoed on responses and preflights, any other origin is not."""

from __future__ import annotations

from typing import Any

import pytest
from web_api_events import (
    NO_CLAIMS,
    OTHER_ORIGIN,
    SITE_ORIGIN,
    Call,
    preflight_event,
    rest_event,
)

# GET routes emit no business metric; Powertools warns about that on every flush.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")


@pytest.mark.parametrize(
    "event",
    [
        rest_event("GET", "/items"),
        rest_event("GET", "/health", claims=NO_CLAIMS),
        rest_event("POST", "/items", body="{bad"),
        rest_event("GET", "/nowhere"),
        # Refused by the gate before routing: the browser must still be able to read it.
        rest_event("GET", "/items", claims=NO_CLAIMS),
        rest_event("POST", "/items", body={"title": "x" * 20_000}),
    ],
    ids=["ok", "health", "bad-json", "unknown-route", "unauthorized", "too-large"],
)
def test_responses_echo_the_site_origin(call: Call, event: dict[str, Any]) -> None:
    response = call(event)

    assert response.headers["access-control-allow-origin"] == SITE_ORIGIN


@pytest.mark.parametrize(
    "event",
    [
        rest_event("GET", "/items", origin=OTHER_ORIGIN),
        rest_event("GET", "/items", claims=NO_CLAIMS, origin=OTHER_ORIGIN),
        rest_event("GET", "/items", origin="null"),
        rest_event("GET", "/items", origin=SITE_ORIGIN + ".evil.example"),
    ],
    ids=["other", "other-unauthorized", "null-origin", "suffix"],
)
def test_other_origins_get_no_cors_headers(call: Call, event: dict[str, Any]) -> None:
    response = call(event)

    assert not [name for name in response.headers if name.startswith("access-control-")]


def test_no_origin_means_no_cors_headers(call: Call) -> None:
    response = call(rest_event("GET", "/items", origin=None))

    assert response.status == 200
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    ("resource", "path_parameters"),
    [
        ("/items", None),
        ("/items/{item_id}", {"item_id": "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11"}),
        ("/uploads", None),
        ("/uploads/{upload_id}/thumbnails", {"upload_id": "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11"}),
        ("/subscriptions", None),
    ],
)
def test_preflight_is_answered_without_a_caller(
    call: Call, resource: str, path_parameters: dict[str, str] | None
) -> None:
    response = call(
        preflight_event(
            resource, origin=SITE_ORIGIN, method="PATCH", path_parameters=path_parameters
        )
    )

    assert response.status == 204
    assert response.headers["access-control-allow-origin"] == SITE_ORIGIN
    allowed_headers = response.headers["access-control-allow-headers"].lower().split(",")
    assert {"authorization", "content-type"} <= set(allowed_headers)
    assert {"GET", "POST", "PATCH", "DELETE"} <= set(
        response.headers["access-control-allow-methods"].split(",")
    )
    assert response.headers["access-control-max-age"] == "600"


def test_preflight_from_another_origin_is_not_allowed(call: Call) -> None:
    response = call(preflight_event("/items", origin=OTHER_ORIGIN))

    assert "access-control-allow-origin" not in response.headers
