"""The errors the mobile client raises. Messages never contain tokens or passwords."""

from __future__ import annotations

from typing import Any


class MobileClientError(Exception):
    """Base class: an operation failed; the message says why."""


class ConfigError(MobileClientError, ValueError):
    """The client configuration is missing or malformed (nothing was sent)."""


class NotSignedInError(MobileClientError):
    """No usable session: sign in first (or again, when the refresh token expired)."""


class AuthError(MobileClientError):
    """Cognito refused a sign-up, confirmation, sign-in or refresh."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class SessionFileError(MobileClientError):
    """The session file cannot be read, is malformed, or is readable by others."""


class ApiError(MobileClientError):
    """The API answered 4xx or 5xx; `status`, `message` and `errors` come from its
    error body ({"message", "errors"?})."""

    def __init__(self, status: int, message: str, errors: list[Any] | None = None) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.errors = errors or []


class FileKeyError(MobileClientError, ValueError):
    """A file name that would leave the user's own `private/{identity_id}/` folder."""
