"""Device registration: SNS platform endpoints kept in step with the app's push token.

The create/update pattern AWS documents for mobile token management ("Best practices for
managing mobile tokens", SNS developer guide): create the endpoint once, then on every
registration read its attributes; re-create it when it was deleted, and set the latest
token and Enabled=true when the token differs or SNS disabled it (the push service
reported the token invalid, often only until the app sends a fresh one).
"""

from __future__ import annotations

import hashlib
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


def device_id_for(platform: Platform, token: str) -> str:
    """sha256 hex of platform + token: stable per device, and the token is not a key.

    Plain concatenation is unambiguous: neither platform name is a prefix of the other.
    """
    return hashlib.sha256(f"{platform.value}{token}".encode()).hexdigest()


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

    def register(self, owner_sub: str, platform: Platform, token: str) -> Device:
        """Create or repair the device's endpoint, then record it; safe to repeat.

        Raises PlatformNotConfiguredError or TokenRejectedError before anything is
        written. An endpoint created just before a failed table write is not lost: the
        retry's CreatePlatformEndpoint returns the same endpoint for the same token.
        """
        application_arn = self._applications.get(platform)
        if application_arn is None:
            raise PlatformNotConfiguredError(platform.value)
        device_id = device_id_for(platform, token)
        existing = self._devices.get_device(owner_sub, device_id)
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
        if attributes.get("Token") != token or attributes.get("Enabled", "").lower() != "true":
            self._sns.set_endpoint_attributes(
                EndpointArn=endpoint_arn, Attributes={"Token": token, "Enabled": "true"}
            )
        self._devices.put_device(
            DeviceRecord(
                owner_sub=owner_sub,
                device_id=device_id,
                platform=platform,
                endpoint_arn=endpoint_arn,
                token=token,
                updated_at=utc_timestamp(),
            )
        )
        return Device(device_id=device_id, endpoint_arn=endpoint_arn)

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
