"""DeviceRegistry decisions that moto's SNS cannot produce: a token SNS itself rejects."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from mobile_api.devices import DeviceRegistry, TokenRejectedError
from mobile_api.models import Platform

APP = "arn:aws:sns:us-east-1:123456789012:app/APNS/mobile-apns"


class RejectingSns:
    def create_platform_endpoint(self, **_: Any) -> Any:
        raise ClientError(
            {
                "Error": {
                    "Code": "InvalidParameter",
                    "Message": "Invalid parameter: Token Reason: iOS device tokens must be "
                    "no more than 400 hexadecimal characters",
                }
            },
            "CreatePlatformEndpoint",
        )


class NoDevices:
    def __init__(self) -> None:
        self.written: list[Any] = []

    def get_device(self, owner_sub: str, device_id: str) -> None:
        return None

    def put_device(self, record: Any) -> None:
        self.written.append(record)


def test_a_token_sns_rejects_raises_and_writes_nothing() -> None:
    devices = NoDevices()
    registry = DeviceRegistry(RejectingSns(), devices, {Platform.APNS: APP})  # type: ignore[arg-type]

    with pytest.raises(TokenRejectedError, match="hexadecimal"):
        registry.register("owner", Platform.APNS, "ab" * 32, "5d1e7f0a-8a4b-4c3d-9e2f-0a1b2c3d4e5f")

    assert devices.written == []
