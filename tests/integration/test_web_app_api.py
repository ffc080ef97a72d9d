"""web-app end to end on the emulator: Cognito sign-up/SRP sign-in, every API route
through the local API gateway (no token, own token, another user's token), the
subscribers stream -> welcome email exactly once, and a browser-style presigned POST
upload -> S3 notification -> thumbnailer -> thumbnails.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
import requests
from PIL import Image
from pycognito import Cognito

from tests.integration.support import emails_sent, wait_until, wait_until_drained

Call = Callable[..., requests.Response]


@dataclass(frozen=True)
class User:
    email: str
    id_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.id_token}


def sign_up_and_sign_in(outputs: dict[str, Any]) -> User:
    """What a person does: SignUp, (an administrator confirms on the emulator), SRP sign-in."""
    email = f"user-{secrets.token_hex(4)}@example.com"
    password = f"{secrets.token_urlsafe(12)}-Aa1"
    pool, client = outputs["user_pool_id"], outputs["user_pool_client_id"]
    idp = boto3.client("cognito-idp")
    idp.sign_up(
        ClientId=client,
        Username=email,
        Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool, Username=email)
    # What entering the emailed code does too: the API serves only verified addresses.
    idp.admin_update_user_attributes(
        UserPoolId=pool,
        Username=email,
        UserAttributes=[{"Name": "email_verified", "Value": "true"}],
    )
    session = Cognito(pool, client, username=email)
    # pycognito verifies tokens with the pool's keys, which it would fetch from AWS; the
    # emulator serves them itself (and issues tokens with AWS's issuer, which then match).
    with urllib.request.urlopen(  # noqa: S310 - the emulator on loopback
        f"{os.environ['AWS_ENDPOINT_URL']}/{pool}/.well-known/jwks.json", timeout=10
    ) as keys:
        session.pool_jwk = json.load(keys)
    session.authenticate(password=password)  # USER_SRP_AUTH, the only flow the client allows
    return User(email, session.id_token)


@pytest.fixture(scope="module")
def api(outputs: dict[str, Any], runtime: Any) -> Call:
    base = outputs["api_url"]
    wait_until(lambda: _status(f"{base}/health") == 200, timeout=60, what="the local API to serve")

    def call(method: str, path: str, user: User | None = None, **kwargs: Any) -> requests.Response:
        headers = {**(user.headers if user else {}), **kwargs.pop("headers", {})}
        return requests.request(method, f"{base}{path}", headers=headers, timeout=30, **kwargs)

    return call


def _status(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.ConnectionError:
        return 0


@pytest.fixture(scope="module")
def alice(outputs: dict[str, Any], runtime: Any) -> User:
    return sign_up_and_sign_in(outputs)


@pytest.fixture(scope="module")
def bob(outputs: dict[str, Any], runtime: Any) -> User:
    return sign_up_and_sign_in(outputs)


def test_health_is_open_and_everything_else_needs_a_valid_token(api: Call, alice: User) -> None:
    assert api("GET", "/health").json() == {"status": "ok"}
    for method, path in [
        ("GET", "/items"),
        ("POST", "/items"),
        ("GET", "/items/x"),
        ("PATCH", "/items/x"),
        ("DELETE", "/items/x"),
        ("POST", "/subscriptions"),
        ("POST", "/uploads"),
        ("GET", "/uploads/x/thumbnails"),
        ("GET", "/openapi.json"),
    ]:
        assert api(method, path).status_code == 401, (method, path)
        forged = User(alice.email, alice.id_token[:-4] + "AAAA")
        assert api(method, path, forged).status_code == 401, (method, path)
    assert api("GET", "/openapi.json", alice).json()["paths"].keys() >= {"/items", "/uploads"}


def test_items_belong_to_their_owner_only(api: Call, alice: User, bob: User) -> None:
    created = api("POST", "/items", alice, json={"title": "  buy milk  "})
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["title"] == "buy milk"
    item_id = item["item_id"]

    assert [i["item_id"] for i in api("GET", "/items", alice).json()["items"]] == [item_id]
    assert api("GET", "/items", bob).json()["items"] == []
    # Another user's id answers exactly like an unknown one, and changes nothing.
    for method, kwargs in [("GET", {}), ("PATCH", {"json": {"done": True}}), ("DELETE", {})]:
        theirs = api(method, f"/items/{item_id}", bob, **kwargs)
        unknown = api(method, "/items/00000000-0000-4000-8000-000000000000", bob, **kwargs)
        assert theirs.status_code == unknown.status_code == 404
        assert theirs.json() == unknown.json()
    assert api("GET", f"/items/{item_id}", alice).json()["done"] is False

    patched = api("PATCH", f"/items/{item_id}", alice, json={"done": True})
    assert patched.status_code == 200
    assert patched.json()["done"] is True
    assert api("DELETE", f"/items/{item_id}", alice).status_code == 204
    assert api("GET", f"/items/{item_id}", alice).status_code == 404


def test_bad_input_gets_clear_errors_and_writes_nothing(api: Call, alice: User) -> None:
    before = api("GET", "/items", alice).json()["items"]
    bad_json = api(
        "POST", "/items", alice, data="{not json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert "message" in bad_json.json()
    for body in [
        {},
        {"title": ""},
        {"title": "x" * 201},
        {"title": 5},
        {"title": "a", "owner": "b"},
    ]:
        response = api("POST", "/items", alice, json=body)
        assert response.status_code == 422, (body, response.text)
        assert "Traceback" not in response.text
    assert api("POST", "/items", alice, json={"title": "x" * 20_000}).status_code == 413
    assert api("POST", "/uploads", alice, json={"content_type": "text/html"}).status_code == 422
    assert api("GET", "/items", alice).json()["items"] == before


def test_subscribing_twice_sends_exactly_one_welcome_email(
    api: Call, bob: User, runtime: Any
) -> None:
    before = emails_sent()
    first = api("POST", "/subscriptions", bob)
    assert first.status_code == 201, first.text
    assert first.json()["email"] == bob.email
    again = api("POST", "/subscriptions", bob)
    assert again.status_code == 200
    assert again.json() == first.json()

    wait_until(lambda: emails_sent() > before, timeout=90, what="the welcome email")
    wait_until_drained(runtime, "welcome", since=time.time())
    assert emails_sent() == before + 1


def test_presigned_upload_produces_thumbnails(api: Call, alice: User, bob: User) -> None:
    photo = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 120, 40)).save(photo, "JPEG", quality=85)
    grant = api("POST", "/uploads", alice, json={"content_type": "image/jpeg"})
    assert grant.status_code == 201, grant.text
    upload = grant.json()
    # What the browser does with the grant: a multipart form POST straight to S3.
    posted = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("photo.jpg", photo.getvalue(), "image/jpeg")},
        timeout=30,
    )
    assert posted.status_code in (200, 204), posted.text

    def thumbnails() -> dict[str, str]:
        reply = api("GET", f"/uploads/{upload['upload_id']}/thumbnails", alice)
        return dict(reply.json().get("thumbnails", {})) if reply.status_code == 200 else {}

    wait_until(lambda: len(thumbnails()) == 2, timeout=90, what="both thumbnails")
    for size, url in thumbnails().items():
        image = Image.open(io.BytesIO(requests.get(url, timeout=30).content))
        assert max(image.size) == int(size)
    assert api("GET", f"/uploads/{upload['upload_id']}/thumbnails", bob).status_code == 404
