"""Temporary AWS credentials for the signed-in user from the Cognito identity pool
(GetId + GetCredentialsForIdentity), the way the mobile SDKs get them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from clients.mobile.config import MobileConfig
from clients.mobile.session import Session, cognito_errors

if TYPE_CHECKING:
    from mypy_boto3_cognito_identity import CognitoIdentityClient

# Ask for new credentials this long before they expire (an upload can take a while).
RENEW_MARGIN_SECONDS = 300


@dataclass(frozen=True)
class AwsCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime

    def __repr__(self) -> str:  # never show the secret parts
        return f"AwsCredentials(access_key_id={self.access_key_id!r}, expiration={self.expiration})"


class IdentityCredentials:
    def __init__(
        self,
        config: MobileConfig,
        session: Session,
        *,
        client: CognitoIdentityClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.session = session
        # GetId and GetCredentialsForIdentity are public APIs authorized by the login
        # token, so they go unsigned: the user has no AWS credentials yet.
        self._client = client or boto3.client(
            "cognito-identity",
            region_name=config.region,
            config=Config(signature_version=UNSIGNED),
        )
        self._clock = clock
        self._cached: AwsCredentials | None = None

    def _logins(self) -> dict[str, str]:
        return {self.config.user_pool_provider: self.session.id_token()}

    def identity_id(self) -> str:
        """This user's identity id (the `private/{identity_id}/` folder), looked up once
        and kept with the session."""
        cached = self.session.cached_identity_id()
        if cached:
            return cached
        with cognito_errors("Cognito Identity"):
            identity_id = self._client.get_id(
                IdentityPoolId=self.config.identity_pool_id, Logins=self._logins()
            )["IdentityId"]
        self.session.remember_identity_id(identity_id)
        return identity_id

    def credentials(self) -> AwsCredentials:
        """Credentials of the identity pool's authenticated role, reused until
        RENEW_MARGIN_SECONDS before they expire."""
        cached = self._cached
        if (
            cached is not None
            and cached.expiration.timestamp() - RENEW_MARGIN_SECONDS > self._clock()
        ):
            return cached
        with cognito_errors("Cognito Identity"):
            response = self._client.get_credentials_for_identity(
                IdentityId=self.identity_id(), Logins=self._logins()
            )
        raw = response["Credentials"]
        self._cached = AwsCredentials(
            access_key_id=raw["AccessKeyId"],
            secret_access_key=raw["SecretKey"],
            session_token=raw["SessionToken"],
            expiration=raw["Expiration"],
        )
        return self._cached
