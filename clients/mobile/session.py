"""Cognito user-pool session: sign up, sign in with SRP (pycognito), refresh, sign out,
and the tokens kept in a file only the user can read.

Tokens are secrets: they are written only to the session file (mode 0600, replaced
atomically) and never printed, logged or put into an exception message.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import jwt
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pycognito import Cognito  # type: ignore[import-untyped]
from pycognito.exceptions import (  # type: ignore[import-untyped]
    ForceChangePasswordException,
    MFAChallengeException,
    TokenVerificationException,
)

from clients.mobile.config import MobileConfig
from clients.mobile.errors import AuthError, MobileClientError, NotSignedInError, SessionFileError

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

DEFAULT_SESSION_FILE = Path("~/.config/refarch-mobile/session.json")
SESSION_FILE_VERSION = 1
# Refresh this long before the ID token expires, so a request never carries a token
# that expires in flight.
REFRESH_MARGIN_SECONDS = 60
HTTP_TIMEOUT_SECONDS = 15

# Sign-up, SRP sign-in, refresh and sign-out are public Cognito APIs: a phone has no
# AWS credentials, so the client sends them unsigned, as the mobile SDKs do.
_PUBLIC = Config(signature_version=UNSIGNED)


def jwks_url(config: MobileConfig, environ: dict[str, str] | None = None) -> str:
    """Where the pool's signing keys are. pycognito would always ask AWS; against the
    emulator (AWS_ENDPOINT_URL[_COGNITO_IDP] set, as boto3 reads them) the keys are
    served at the same path under the endpoint. moto signs with AWS's issuer, so
    pycognito's issuer check passes unchanged."""
    env = os.environ if environ is None else environ
    endpoint = env.get("AWS_ENDPOINT_URL_COGNITO_IDP") or env.get("AWS_ENDPOINT_URL")
    base = (
        endpoint.rstrip("/") if endpoint else f"https://cognito-idp.{config.region}.amazonaws.com"
    )
    return f"{base}/{config.user_pool_id}/.well-known/jwks.json"


def fetch_jwks(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        keys: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise MobileClientError(
            f"cannot fetch the user pool's signing keys ({url}): {exc}"
        ) from exc
    return keys


class TokenStore:
    """The session file: JSON, mode 0600 in a 0700 directory, replaced atomically so a
    crash never leaves half a file. A file others can read is refused, not used."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path if path is not None else DEFAULT_SESSION_FILE).expanduser()

    def load(self) -> dict[str, Any] | None:
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SessionFileError(f"cannot read session file {self.path}: {exc}") from exc
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SessionFileError(
                f"session file {self.path} is accessible by other users "
                f"(mode {stat.S_IMODE(mode):04o}): `chmod 600` it, or sign in again"
            )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SessionFileError(f"session file {self.path} is unreadable: {exc}") from exc
        if not isinstance(data, dict) or data.get("version") != SESSION_FILE_VERSION:
            raise SessionFileError(f"session file {self.path} has an unknown format")
        return data

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        payload = json.dumps({**data, "version": SESSION_FILE_VERSION}).encode()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            # The umask can only clear bits; fchmod makes the mode exactly 0600.
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def clear(self) -> bool:
        """Deletes the file; True when there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


@dataclass(frozen=True)
class SignUpResult:
    user_sub: str
    confirmed: bool


@contextlib.contextmanager
def cognito_errors(service: str = "Cognito") -> Iterator[None]:
    """Refusals of the user pool or identity pool as AuthError (code + Cognito's
    message, which never echoes a password or token); transport failures as
    MobileClientError."""
    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise AuthError(error.get("Code", "Unknown"), error.get("Message", str(exc))) from None
    except MFAChallengeException:
        raise AuthError(
            "MFARequired", "this account needs MFA, which this client does not do"
        ) from None
    except ForceChangePasswordException:
        raise AuthError(
            "NewPasswordRequired", "the account must set a new password first"
        ) from None
    except TokenVerificationException as exc:
        raise AuthError("TokenVerification", str(exc)) from None
    except BotoCoreError as exc:
        raise MobileClientError(f"cannot reach {service}: {exc}") from exc


class Session:
    """One user's Cognito session, persisted in a TokenStore.

    `id_token()` returns a valid ID token, refreshing it first when it is about to
    expire; callers (the API client, identity credentials) never handle expiry."""

    def __init__(
        self,
        config: MobileConfig,
        store: TokenStore | None = None,
        *,
        jwks: Callable[[str], dict[str, Any]] = fetch_jwks,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.store = store or TokenStore()
        self._jwks = jwks
        self._clock = clock
        self._pool_jwk: dict[str, Any] | None = None

    # ---- sign-up ---------------------------------------------------------------
    def sign_up(self, email: str, password: str) -> SignUpResult:
        """Registers `email` (the pool signs in by email). The account stays
        unconfirmed until the emailed code is entered, or `confirm_with_admin`."""
        cognito = self._cognito(username=email)
        cognito.set_base_attributes(email=email)
        with cognito_errors():
            response = cognito.register(email, password)
        return SignUpResult(str(response["UserSub"]), bool(response["UserConfirmed"]))

    def confirm_with_admin(self, email: str) -> None:
        """EMULATOR / OPERATOR ONLY: confirms the account with AdminConfirmSignUp and
        marks the email verified, as entering the emailed code would (AdminConfirmSignUp
        alone leaves it unverified, and the API refuses sharing from an unverified
        address). Needs AWS credentials allowed to call cognito-idp:AdminConfirmSignUp
        and AdminUpdateUserAttributes on the pool (any credentials on the emulator); a
        phone app never has them."""
        admin: CognitoIdentityProviderClient = boto3.client(
            "cognito-idp", region_name=self.config.region
        )
        with cognito_errors():
            admin.admin_confirm_sign_up(UserPoolId=self.config.user_pool_id, Username=email)
            admin.admin_update_user_attributes(
                UserPoolId=self.config.user_pool_id,
                Username=email,
                UserAttributes=[{"Name": "email_verified", "Value": "true"}],
            )

    # ---- sign-in, refresh, sign-out ---------------------------------------------
    def sign_in(self, email: str, password: str) -> None:
        """SRP sign-in (the password never leaves this process); saves the tokens."""
        cognito = self._cognito(username=email)
        with cognito_errors():
            cognito.authenticate(password)
        self._save(email, cognito, identity_id=None)

    def refresh(self) -> None:
        """New ID and access tokens from the refresh token."""
        data = self._load()
        cognito = self._cognito(
            username=data["username"],
            id_token=data["id_token"],
            access_token=data["access_token"],
            refresh_token=data["refresh_token"],
        )
        try:
            with cognito_errors():
                cognito.renew_access_token()
        except AuthError as exc:
            if exc.code == "NotAuthorizedException":
                raise NotSignedInError(
                    f"the session has expired or was revoked ({exc}): sign in again"
                ) from None
            raise
        self._save(data["username"], cognito, identity_id=data.get("identity_id"))

    def sign_out(self) -> bool:
        """Revokes the tokens at Cognito (GlobalSignOut) when possible and deletes the
        session file in any case. Returns False when the revocation failed (e.g.
        tokens already expired); the local session is gone either way."""
        try:
            data = self._load()
        except NotSignedInError:
            return True
        cognito = self._cognito(username=data["username"], access_token=data["access_token"])
        revoked = True
        try:
            with cognito_errors():
                cognito.client.global_sign_out(AccessToken=data["access_token"])
        except MobileClientError:
            revoked = False
        finally:
            self.store.clear()
        return revoked

    # ---- what the other parts use ------------------------------------------------
    def id_token(self) -> str:
        data = self._load()
        if self._expires_soon(str(data["id_token"])):
            self.refresh()
            data = self._load()
        return str(data["id_token"])

    @property
    def username(self) -> str:
        return str(self._load()["username"])

    def cached_identity_id(self) -> str | None:
        """The identity pool id of this user, once looked up (GetId is per user and
        stable on AWS, so it is asked once and kept with the session)."""
        value = self._load().get("identity_id")
        return str(value) if value else None

    def remember_identity_id(self, identity_id: str) -> None:
        self.store.save({**self._load(), "identity_id": identity_id})

    def installation_id(self) -> str:
        """This app installation's id, generated once and kept with the session.

        The mobile API keys the device's one push endpoint by it, so a rotated push
        token updates that endpoint instead of adding a second. It survives refreshes
        and signing in again; a new one after sign-out is fine too (the API hands a
        token's endpoint over to whichever installation registers it last).
        """
        data = self._load()
        value = data.get("installation_id")
        if isinstance(value, str) and value:
            return value
        created = str(uuid.uuid4())
        self.store.save({**data, "installation_id": created})
        return created

    # ---- internals ---------------------------------------------------------------
    def _cognito(self, **kwargs: str) -> Any:
        cognito = Cognito(
            self.config.user_pool_id,
            self.config.user_pool_client_id,
            user_pool_region=self.config.region,
            botocore_config=_PUBLIC,
            **kwargs,
        )
        if self._pool_jwk is None:
            self._pool_jwk = self._jwks(jwks_url(self.config))
        cognito.pool_jwk = self._pool_jwk
        return cognito

    def _save(self, username: str, cognito: Any, identity_id: str | None) -> None:
        self.store.save(
            {
                "installation_id": self._kept_installation_id(),
                "user_pool_id": self.config.user_pool_id,
                "user_pool_client_id": self.config.user_pool_client_id,
                "username": username,
                "id_token": cognito.id_token,
                "access_token": cognito.access_token,
                "refresh_token": cognito.refresh_token,
                "identity_id": identity_id,
            }
        )

    def _kept_installation_id(self) -> str:
        try:
            previous = self.store.load() or {}
        except SessionFileError:
            previous = {}
        value = previous.get("installation_id")
        return value if isinstance(value, str) and value else str(uuid.uuid4())

    def _load(self) -> dict[str, Any]:
        data = self.store.load()
        if data is None:
            raise NotSignedInError(f"not signed in (no session in {self.store.path}): sign in")
        if (data.get("user_pool_id"), data.get("user_pool_client_id")) != (
            self.config.user_pool_id,
            self.config.user_pool_client_id,
        ):
            raise NotSignedInError(
                f"the session in {self.store.path} belongs to another user pool: sign in"
            )
        missing = [
            k for k in ("username", "id_token", "access_token", "refresh_token") if not data.get(k)
        ]
        if missing:
            raise SessionFileError(f"session file {self.store.path} lacks {', '.join(missing)}")
        return data

    def _expires_soon(self, token: str) -> bool:
        # The signature was checked when the token was received; here only its expiry
        # matters, to refresh before the server would refuse it.
        claims = jwt.decode(token, options={"verify_signature": False})
        return float(claims.get("exp", 0)) - REFRESH_MARGIN_SECONDS <= self._clock()
