"""Cognito ID tokens checked as API Gateway's user-pool authorizer does, with local keys."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from local_runtime.gateway.cognito_jwt import (
    CognitoTokenVerifier,
    InvalidTokenError,
    authorizer_claims,
    issuer,
    pool_of,
)

REGION = "eu-west-1"
POOL = "eu-west-1_pool"
CLIENT = "client-1"
NOW = 1_800_000_000
# Headers a client may send that json cannot decode without raising something other
# than JSONDecodeError: all of them are 401s, never 500s.
DEEPLY_NESTED = b"[" * 50_000 + b"]" * 50_000
HUGE_EXPIRY = b'{"exp": ' + b"9" * 5_000 + b"}"
UNTERMINATED = b'{"alg": "RS256"'


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Keys:
    """An RSA key pair standing in for a user pool's signing key."""

    def __init__(self, kid: str = "k1") -> None:
        self.kid = kid
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        return {
            "kty": "RSA",
            "alg": "RS256",
            "kid": self.kid,
            "e": b64url(numbers.e.to_bytes(3, "big")),
            "n": b64url(numbers.n.to_bytes(256, "big")),
        }

    def token(self, alg: str = "RS256", **overrides: Any) -> str:
        claims = {
            "sub": "user-1",
            "iss": issuer(REGION, POOL),
            "aud": CLIENT,
            "token_use": "id",
            "exp": NOW + 3600,
            "iat": NOW,
            "email_verified": True,
            "cognito:groups": ["admin", "ops"],
            **overrides,
        }
        header = b64url(json.dumps({"alg": alg, "kid": self.kid}).encode())
        payload = b64url(json.dumps(claims).encode())
        signature = self.private.sign(
            f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{header}.{payload}.{b64url(signature)}"


class Pool:
    """What the emulator serves for one pool: its JWKS and app clients, counting fetches."""

    def __init__(self, *keys: Keys) -> None:
        self.keys = list(keys)
        self.clients = [CLIENT]
        self.jwks_fetches = 0

    def jwks(self, pool_id: str) -> dict[str, Any]:
        assert pool_id == POOL
        self.jwks_fetches += 1
        return {"keys": [k.jwk() for k in self.keys]}

    def client_ids(self, pool_id: str) -> list[str]:
        return self.clients


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


def verifier(pool: Pool) -> CognitoTokenVerifier:
    return CognitoTokenVerifier(pool.jwks, pool.client_ids, clock=lambda: NOW)


def test_valid_id_token_yields_its_claims_bare_or_bearer(keys: Keys) -> None:
    check = verifier(Pool(keys))
    token = keys.token()
    assert check.verify(token, [(REGION, POOL)])["sub"] == "user-1"
    assert check.verify(f"Bearer {token}", [(REGION, POOL)])["sub"] == "user-1"


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda k: k.token(exp=NOW), "expired"),
        (lambda k: k.token(exp="tomorrow"), "expired"),
        (lambda k: k.token(iss=issuer(REGION, "eu-west-1_other")), "issuer"),
        (lambda k: k.token(iss=issuer("us-east-1", POOL)), "issuer"),
        (lambda k: k.token(aud="someone-elses-client"), "audience"),
        (lambda k: k.token(token_use="access"), "token_use"),
        (lambda k: k.token(alg="HS256"), "algorithm"),
        (lambda k: Keys(kid=k.kid).token(), "bad signature"),
        (lambda k: Keys(kid="k9").token(), "not in the pool"),
        (lambda k: k.token()[:-4] + "AAAA", "bad signature"),
        (lambda k: "a.b", "not a JWT"),
        (lambda k: "!!.??.##", "not a JWT"),
        (lambda k: "é.é.é", "not a JWT"),
        (lambda k: f"{b64url(DEEPLY_NESTED)}.e30.AA", "not a JWT"),
        (lambda k: f"e30.{b64url(HUGE_EXPIRY)}.AA", "not a JWT"),
        (lambda k: f"{b64url(UNTERMINATED)}.e30.AA", "not a JWT"),
        (lambda k: "", "no token"),
    ],
)
def test_invalid_tokens_are_refused_with_the_reason(
    keys: Keys, make_token: Any, reason: str
) -> None:
    with pytest.raises(InvalidTokenError, match=reason):
        verifier(Pool(keys)).verify(make_token(keys), [(REGION, POOL)])


def test_forged_claims_under_a_real_signature_are_refused(keys: Keys) -> None:
    header, _, signature = keys.token().split(".")
    forged = b64url(json.dumps({"sub": "admin", "iss": issuer(REGION, POOL)}).encode())
    with pytest.raises(InvalidTokenError, match="bad signature"):
        verifier(Pool(keys)).verify(f"{header}.{forged}.{signature}", [(REGION, POOL)])


def test_jwks_is_cached_and_refetched_when_the_pool_rotates_keys(keys: Keys) -> None:
    pool = Pool(keys)
    check = verifier(pool)
    for _ in range(3):
        check.verify(keys.token(), [(REGION, POOL)])
    assert pool.jwks_fetches == 1
    rotated = Keys(kid="k2")
    pool.keys.append(rotated)
    assert check.verify(rotated.token(), [(REGION, POOL)])["sub"] == "user-1"
    assert pool.jwks_fetches == 2


def test_a_client_created_after_the_first_request_is_accepted(keys: Keys) -> None:
    pool = Pool(keys)
    check = verifier(pool)
    check.verify(keys.token(), [(REGION, POOL)])
    pool.clients.append("client-2")
    assert check.verify(keys.token(aud="client-2"), [(REGION, POOL)])["aud"] == "client-2"


def test_claims_are_rendered_as_api_gateway_does() -> None:
    rendered = authorizer_claims(
        {
            "sub": "u",
            "exp": 1469814773,
            "iat": 1469811173,
            "auth_time": 1469811173,
            "email_verified": True,
            "cognito:groups": ["admin", "ops"],
        }
    )
    assert rendered == {
        "sub": "u",
        "exp": "Fri Jul 29 17:52:53 UTC 2016",
        "iat": "Fri Jul 29 16:52:53 UTC 2016",
        "auth_time": "1469811173",
        "email_verified": "true",
        "cognito:groups": "admin,ops",
    }


def test_pool_arn_parsing() -> None:
    arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc"
    assert pool_of(arn) == ("eu-west-1", "eu-west-1_abc")
    with pytest.raises(ValueError, match="user pool ARN"):
        pool_of("arn:aws:s3:::bucket")
