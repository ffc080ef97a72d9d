"""Cognito user-pool tokens checked as API Gateway's COGNITO_USER_POOLS authorizer does.

A token is accepted when it is an RS256 JWT signed by a key of the pool's JWKS,
not expired, issued by one of the authorizer's pools
(`iss` == `https://cognito-idp.{region}.amazonaws.com/{pool_id}`), an ID token
(`token_use` "id") and issued to an app client of that pool (`aud`). Access tokens
are only valid for methods with OAuth scopes, which this project does not use, so
they are refused. The header may carry the token bare or as `Bearer <token>`.

The emulator issues tokens with the same `iss` as Cognito and serves the pool's
JWKS at `{endpoint}/{pool_id}/.well-known/jwks.json`; it signs every pool's tokens
with one fixed key (kid "dummy") that ships with it. That is harmless locally (the
emulator listens on loopback only) and the checks here are the real ones.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_JWKS_TIMEOUT_SECONDS = 5.0
# API Gateway renders these numeric date claims as dates in requestContext.authorizer.claims.
_DATE_CLAIMS = ("exp", "iat")


class InvalidTokenError(ValueError):
    """The token is missing, malformed, forged, expired or not for this authorizer."""


def issuer(region: str, pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def pool_of(pool_arn: str) -> tuple[str, str]:
    """(region, pool id) of `arn:aws:cognito-idp:{region}:{account}:userpool/{id}`."""
    parts = pool_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("userpool/"):
        raise ValueError(f"not a Cognito user pool ARN: {pool_arn!r}")
    return parts[3], parts[5].removeprefix("userpool/")


def fetch_jwks(endpoint_url: str) -> Callable[[str], dict[str, Any]]:
    """A JWKS fetcher for user pools served by the emulator at `endpoint_url`."""

    def fetch(pool_id: str) -> dict[str, Any]:
        url = f"{endpoint_url.rstrip('/')}/{pool_id}/.well-known/jwks.json"
        with urllib.request.urlopen(url, timeout=_JWKS_TIMEOUT_SECONDS) as response:  # noqa: S310 - the configured emulator URL
            jwks: dict[str, Any] = json.load(response)
        return jwks

    return fetch


class CognitoTokenVerifier:
    """Verifies ID tokens; JWKS and app clients are cached per pool, refetched on a miss."""

    def __init__(
        self,
        jwks_for: Callable[[str], dict[str, Any]],
        client_ids_for: Callable[[str], Iterable[str]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._jwks_for = jwks_for
        self._client_ids_for = client_ids_for
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, dict[str, rsa.RSAPublicKey]] = {}
        self._clients: dict[str, set[str]] = {}

    def verify(self, authorization: str | None, pools: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """The claims of the token in an Authorization header valid for one of `pools`
        ((region, pool id) pairs); raises InvalidTokenError otherwise."""
        if not authorization:
            raise InvalidTokenError("no token")
        token = authorization.removeprefix("Bearer ").strip()
        header, claims, signing_input, signature = _decode(token)
        issuers = {issuer(region, pool_id): pool_id for region, pool_id in pools}
        pool_id = issuers.get(str(claims.get("iss")))
        if pool_id is None:
            raise InvalidTokenError(f"issuer {claims.get('iss')!r} is not an authorizer pool")
        if header.get("alg") != "RS256":
            raise InvalidTokenError(f"algorithm {header.get('alg')!r} is not RS256")
        key = self._key(pool_id, str(header.get("kid")))
        try:
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise InvalidTokenError("bad signature") from None
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or expires <= self._clock():
            raise InvalidTokenError("expired")
        if claims.get("token_use") != "id":
            raise InvalidTokenError(f"token_use {claims.get('token_use')!r} is not 'id'")
        if not self._is_client(pool_id, claims.get("aud")):
            raise InvalidTokenError(f"audience {claims.get('aud')!r} is not a client of the pool")
        return claims

    def _key(self, pool_id: str, kid: str) -> rsa.RSAPublicKey:
        with self._lock:
            if kid not in self._keys.get(pool_id, {}):
                # Unknown kid: the pool may have rotated keys since the last fetch.
                self._keys[pool_id] = _public_keys(self._jwks_for(pool_id))
            key = self._keys[pool_id].get(kid)
        if key is None:
            raise InvalidTokenError(f"key {kid!r} is not in the pool's JWKS")
        return key

    def _is_client(self, pool_id: str, audience: Any) -> bool:
        with self._lock:
            if audience not in self._clients.get(pool_id, set()):
                self._clients[pool_id] = set(self._client_ids_for(pool_id))
            return audience in self._clients[pool_id]


def authorizer_claims(claims: dict[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's REST API puts them in requestContext.authorizer.claims:
    every value a string, `exp`/`iat` as dates (`Fri Jul 29 18:52:53 UTC 2016`),
    lists comma-joined, booleans lower-case."""
    rendered: dict[str, str] = {}
    for name, value in claims.items():
        if name in _DATE_CLAIMS and isinstance(value, int | float):
            rendered[name] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            rendered[name] = str(value).lower()
        elif isinstance(value, list):
            rendered[name] = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            rendered[name] = json.dumps(value)
        else:
            rendered[name] = str(value)
    return rendered


def _b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _decode(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidTokenError("not a JWT")
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
        signature = _b64url(parts[2])
        signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    # Whatever a client puts in the header is an unauthorized request, never a 500:
    # ValueError covers bad base64/UTF-8/JSON and integers over 4300 digits,
    # RecursionError deeply nested JSON.
    except (ValueError, binascii.Error, RecursionError):
        raise InvalidTokenError("not a JWT") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise InvalidTokenError("not a JWT")
    return header, claims, signing_input, signature


def _public_keys(jwks: dict[str, Any]) -> dict[str, rsa.RSAPublicKey]:
    keys: dict[str, rsa.RSAPublicKey] = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("kty") == "RSA" and "kid" in jwk:
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(_b64url(jwk["e"]), "big"), int.from_bytes(_b64url(jwk["n"]), "big")
            )
            keys[jwk["kid"]] = numbers.public_key()
    return keys
