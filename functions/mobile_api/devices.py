"""Device registration: one SNS platform endpoint per app installation, across tokens.

The create/update pattern AWS documents for mobile token management ("Best practices for
managing mobile tokens", SNS developer guide), keyed by the installation id the app
generates once and keeps: the installation's endpoint ARN is stored; on every
registration its attributes are read; it is re-created when it was deleted, and given
the latest token and Enabled=true when the token differs or SNS disabled it (the push
service reported the token invalid, often only until the app sends a fresh one). A new
token therefore updates the one endpoint instead of adding a second.

SNS keeps one endpoint per token, so a token that moves to another installation (a
second user signs in on the phone, or the OS hands the token on) brings its endpoint
along: the endpoint's CustomUserData names the installation holding it, and that
holder's row is removed, so the previous user stops receiving this phone's pushes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from mobile_api.models import Device, Platform
from mobile_api.repository import DeviceRecord, DevicesRepository, error_code, utc_timestamp

if TYPE_CHECKING:
    from mypy_boto3_sns.client import SNSClient

# CreatePlatformEndpoint is idempotent for the same token and attributes; with other
# attributes (e.g. the endpoint is disabled) it refuses and names the existing endpoint.
_EXISTING_ENDPOINT = re.compile(
    r"Endpoint (arn:aws[a-z-]*:sns:\S+) already exists with the same [Tt]oken"
)


class PlatformNotConfiguredError(Exception):
    """No SNS platform application exists for the requested platform."""


class TokenRejectedError(Exception):
    """SNS refused the token (InvalidParameter): the client sent a bogus token."""


def holder_data(owner_sub: str, installation_id: str) -> str:
    """The endpoint's CustomUserData: which installation (of which user) holds it."""
    return json.dumps({"owner_sub": owner_sub, "device_id": installation_id}, sort_keys=True)


def _holder(attributes: Mapping[str, str]) -> tuple[str, str] | None:
    try:
        data = json.loads(attributes.get("CustomUserData") or "null")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    owner, device = data.get("owner_sub"), data.get("device_id")
    return (owner, device) if isinstance(owner, str) and isinstance(device, str) else None


class DeviceRegistry:
    def __init__(
        self,
        sns: SNSClient,
        devices: DevicesRepository,
        platform_applications: Mapping[Platform, str],
    ) -> None:
        self._sns = sns
        self._devices = devices
        self._applications = platform_applications

    def register(
        self, owner_sub: str, platform: Platform, token: str, installation_id: str
    ) -> Device:
        """Create or repair the installation's one endpoint, then record it; safe to repeat.

        Raises PlatformNotConfiguredError or TokenRejectedError before anything is
        written. An endpoint created just before a failed table write is not lost: the
        retry's CreatePlatformEndpoint returns the same endpoint for the same token.
        """
        application_arn = self._applications.get(platform)
        if application_arn is None:
            raise PlatformNotConfiguredError(platform.value)
        existing = self._devices.get_device(owner_sub, installation_id)
        endpoint_arn = (
            existing.endpoint_arn if existing else self._create_endpoint(application_arn, token)
        )
        attributes = self._endpoint_attributes(endpoint_arn)
        if attributes is None:
            # Deleted behind our back (by the notifier's cleanup, or by hand).
            endpoint_arn = self._create_endpoint(application_arn, token)
            attributes = self._endpoint_attributes(endpoint_arn)
        if attributes is None:
            raise RuntimeError("The platform endpoint vanished right after it was created")
        previous = _holder(attributes)
        if previous is not None and previous != (owner_sub, installation_id):
            # Only while that row still names this endpoint: it may have moved on since.
            self._devices.delete_device(*previous, endpoint_arn=endpoint_arn)
        wanted = {
            "Token": token,
            "Enabled": "true",
            "CustomUserData": holder_data(owner_sub, installation_id),
        }
        if any(attributes.get(name, "").lower() != value.lower() for name, value in wanted.items()):
            self._sns.set_endpoint_attributes(EndpointArn=endpoint_arn, Attributes=wanted)
        self._devices.put_device(
            DeviceRecord(
                owner_sub=owner_sub,
                device_id=installation_id,
                platform=platform,
                endpoint_arn=endpoint_arn,
                token=token,
                updated_at=utc_timestamp(),
            )
        )
        return Device(device_id=installation_id, endpoint_arn=endpoint_arn)

    def unregister(self, owner_sub: str, device_id: str) -> bool:
        """Delete the endpoint, then the row; False when the owner has no such device.

        In this order so a failure leaves the row for the retry to find; deleting an
        endpoint that no longer exists succeeds.
        """
        record = self._devices.get_device(owner_sub, device_id)
        if record is None:
            return False
        self._sns.delete_endpoint(EndpointArn=record.endpoint_arn)
        return self._devices.delete_device(owner_sub, device_id)

    def _create_endpoint(self, application_arn: str, token: str) -> str:
        try:
            response = self._sns.create_platform_endpoint(
                PlatformApplicationArn=application_arn, Token=token
            )
        except ClientError as error:
            if error_code(error) != "InvalidParameter":
                raise
            message = str(error.response.get("Error", {}).get("Message", ""))
            existing = _EXISTING_ENDPOINT.search(message)
            if existing:
                return existing.group(1)
            raise TokenRejectedError(message) from None
        return response["EndpointArn"]

    def _endpoint_attributes(self, endpoint_arn: str) -> Mapping[str, str] | None:
        try:
            return self._sns.get_endpoint_attributes(EndpointArn=endpoint_arn)["Attributes"]
        except ClientError as error:
            if error_code(error) == "NotFound":
                return None
            raise
