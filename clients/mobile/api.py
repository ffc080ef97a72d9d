"""The mobile API (functions/mobile_api) over HTTPS with the user's ID token.

Bodies are returned as the API sends them (parsed JSON), so this client does not need
a release for every field the API adds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import quote

import requests

from clients.mobile.errors import ApiError, MobileClientError

JsonObject = dict[str, Any]
Platform = Literal["fcm", "apns"]
# (connect, read) seconds: a phone on a bad network should fail, not hang.
TIMEOUT = (5.0, 30.0)


class ApiClient:
    def __init__(
        self,
        api_url: str,
        id_token: Callable[[], str],
        *,
        http: requests.Session | None = None,
    ) -> None:
        """`id_token` is called for every request (Session.id_token refreshes an
        expiring token), so a long-lived ApiClient never sends a stale one."""
        self._base = api_url.rstrip("/")
        self._id_token = id_token
        self._http = http or requests.Session()

    # ---- notes -----------------------------------------------------------------
    def list_notes(self) -> JsonObject:
        return self._call("GET", "/notes")

    def create_note(self, title: str, body: str = "") -> JsonObject:
        return self._call("POST", "/notes", {"title": title, "body": body})

    def get_note(self, note_id: str) -> JsonObject:
        return self._call("GET", f"/notes/{_segment(note_id)}")

    def update_note(
        self, note_id: str, *, title: str | None = None, body: str | None = None
    ) -> JsonObject:
        changes = {k: v for k, v in (("title", title), ("body", body)) if v is not None}
        if not changes:
            raise ValueError("nothing to update: give a title or a body")
        return self._call("PATCH", f"/notes/{_segment(note_id)}", changes)

    def delete_note(self, note_id: str) -> None:
        self._call("DELETE", f"/notes/{_segment(note_id)}")

    # ---- sharing ---------------------------------------------------------------
    def share_note(self, note_id: str, email: str) -> JsonObject:
        return self._call("POST", f"/notes/{_segment(note_id)}/share", {"email": email})

    def shared_with_me(self) -> JsonObject:
        return self._call("GET", "/shared")

    # ---- devices ---------------------------------------------------------------
    def register_device(self, platform: Platform, token: str, installation_id: str) -> JsonObject:
        """Register (or update) this installation's push token: one device per installation,
        whatever tokens the push service hands out over time (Session.installation_id)."""
        body = {"platform": platform, "token": token, "installation_id": installation_id}
        return self._call("POST", "/devices", body)

    def delete_device(self, device_id: str) -> None:
        self._call("DELETE", f"/devices/{_segment(device_id)}")

    # ---- transport -------------------------------------------------------------
    def _call(self, method: str, path: str, body: JsonObject | None = None) -> JsonObject:
        # The Cognito user-pool authorizer takes the bare ID token (no "Bearer ").
        headers = {"Authorization": self._id_token(), "Accept": "application/json"}
        url = self._base + path
        try:
            response = self._http.request(method, url, json=body, headers=headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise MobileClientError(f"cannot reach the API at {self._base}: {exc}") from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            parsed = response.json()
        except ValueError as exc:
            raise MobileClientError(f"{method} {path}: the API answered with non-JSON") from exc
        if not isinstance(parsed, dict):
            raise MobileClientError(f"{method} {path}: the API answered with non-object JSON")
        return parsed


def error_from_response(response: requests.Response) -> ApiError:
    """The API's error body {"message", "errors"?} as an ApiError; a body that is not
    that (a gateway's HTML page, an empty 502) still gives status and a short reason."""
    message = response.reason or "error"
    errors: list[Any] = []
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        if isinstance(body.get("message"), str):
            message = body["message"]
        elif isinstance(body.get("Message"), str):  # API Gateway's own 401/403 bodies
            message = body["Message"]
        if isinstance(body.get("errors"), list):
            errors = body["errors"]
    elif response.text.strip():
        message = response.text.strip()[:200]
    return ApiError(response.status_code, message, errors)


def _segment(value: str) -> str:
    """An id as one path segment: a '/' or '..' in it must not reach another route."""
    if not value or value in (".", ".."):
        raise ValueError(f"invalid id {value!r}")
    return quote(value, safe="")
