"""Presigned uploads and thumbnail links through the handler, with moto S3."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import pytest
import requests
from web_api_events import (
    ALICE,
    BOB,
    MAX_UPLOAD_BYTES,
    THUMBNAILS_BUCKET,
    UPLOADS_BUCKET,
    UUID_PATTERN,
    ApiResponse,
    Call,
    rest_event,
)

# GET routes emit no business metric; Powertools warns about that on every flush.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")


def issue(call: Call, content_type: str = "image/jpeg", sub: str = ALICE) -> dict[str, Any]:
    response = call(rest_event("POST", "/uploads", body={"content_type": content_type}, sub=sub))
    assert response.status == 201, response.body
    ticket: dict[str, Any] = response.body
    return ticket


def thumbnails(call: Call, upload_id: str, sub: str = ALICE) -> ApiResponse:
    return call(
        rest_event(
            "GET",
            "/uploads/{upload_id}/thumbnails",
            path_parameters={"upload_id": upload_id},
            sub=sub,
        )
    )


@pytest.mark.parametrize(
    ("content_type", "extension"),
    [("image/jpeg", "jpg"), ("image/png", "png"), ("image/gif", "gif"), ("image/webp", "webp")],
)
def test_upload_key_is_under_the_callers_prefix(
    call: Call, content_type: str, extension: str
) -> None:
    ticket = issue(call, content_type)

    assert re.fullmatch(UUID_PATTERN, ticket["upload_id"])
    assert ticket["key"] == f"uploads/{ALICE}/{ticket['upload_id']}.{extension}"
    assert ticket["fields"]["key"] == ticket["key"]
    assert ticket["fields"]["Content-Type"] == content_type


def test_presigned_post_policy_pins_key_type_and_size(call: Call) -> None:
    ticket = issue(call, "image/png")

    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))

    conditions = policy["conditions"]
    assert {"bucket": UPLOADS_BUCKET} in conditions
    assert {"key": ticket["key"]} in conditions
    assert {"Content-Type": "image/png"} in conditions
    assert ["content-length-range", 1, MAX_UPLOAD_BYTES] in conditions
    # Nothing that would loosen it: no starts-with on the key or the type.
    assert not [c for c in conditions if isinstance(c, list) and c[0] == "starts-with"]
    assert ticket["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"


@pytest.mark.parametrize(
    "body",
    [
        {"content_type": "image/tiff"},
        {"content_type": "text/html"},
        {"content_type": "IMAGE/PNG"},
        {},
        {"content_type": "image/png", "key": "uploads/other/x.png"},
    ],
)
def test_unsupported_upload_requests_are_422(call: Call, body: dict[str, Any]) -> None:
    response = call(rest_event("POST", "/uploads", body=body))

    assert response.status == 422
    assert response.body["errors"]


def test_a_post_to_the_presigned_url_stores_the_object(call: Call, s3: Any) -> None:
    ticket = issue(call, "image/png")

    # moto intercepts `requests` as well, so this is the browser's form POST.
    posted = requests.post(
        ticket["url"],
        data=ticket["fields"],
        files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n fake", "image/png")},
        timeout=10,
    )

    assert posted.status_code in (200, 201, 204)
    head = s3.head_object(Bucket=UPLOADS_BUCKET, Key=ticket["key"])
    assert head["ContentType"] == "image/png"


def test_thumbnails_are_pending_once_the_upload_exists(call: Call, s3: Any) -> None:
    ticket = issue(call)
    s3.put_object(Bucket=UPLOADS_BUCKET, Key=ticket["key"], Body=b"jpeg")

    response = thumbnails(call, ticket["upload_id"])

    assert response.status == 200
    assert response.body == {"thumbnails": {}}


def test_thumbnails_are_presigned_links_keyed_by_size(call: Call, s3: Any) -> None:
    ticket = issue(call)
    prefix = f"thumbnails/{ALICE}/{ticket['upload_id']}/"
    for name in ("512.webp", "128.webp", "64.webp", "128.jpg"):
        s3.put_object(Bucket=THUMBNAILS_BUCKET, Key=prefix + name, Body=name.encode())

    response = thumbnails(call, ticket["upload_id"])

    assert response.status == 200
    links = response.body["thumbnails"]
    # Only the configured sizes (128, 512) in the configured format (WEBP).
    assert list(links) == ["128", "512"]
    for size, url in links.items():
        assert f"/{prefix}{size}.webp" in url
        assert "X-Amz-Signature=" in url
        assert "X-Amz-Expires=300" in url
        assert requests.get(url, timeout=10).content == f"{size}.webp".encode()


def test_unknown_upload_is_404(call: Call) -> None:
    response = thumbnails(call, "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11")

    assert response.status == 404
    assert response.body == {"message": "Upload not found"}


def test_another_users_upload_is_404(call: Call, s3: Any) -> None:
    ticket = issue(call, sub=BOB)
    s3.put_object(Bucket=UPLOADS_BUCKET, Key=ticket["key"], Body=b"jpeg")
    s3.put_object(
        Bucket=THUMBNAILS_BUCKET,
        Key=f"thumbnails/{BOB}/{ticket['upload_id']}/128.webp",
        Body=b"thumb",
    )

    assert thumbnails(call, ticket["upload_id"], sub=ALICE).status == 404
    assert thumbnails(call, ticket["upload_id"], sub=BOB).status == 200


def test_malformed_upload_id_is_404(call: Call) -> None:
    assert thumbnails(call, "..").status == 404
