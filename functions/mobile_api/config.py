"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit

from lambda_common.settings import ConfigurationError, required
from mobile_api.models import Platform

# The DAX client speaks its own protocol: `dax://` (plain) or `daxs://` (TLS) cluster
# discovery endpoints, as DescribeClusters returns them.
DAX_SCHEMES = ("dax", "daxs")
# arn:aws:sns:region:account:app/{GCM|APNS|APNS_SANDBOX}/name: the SNS platform of an
# application must match the platform its key names, or every push would be refused.
_APPLICATION_ARN = re.compile(
    r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:app/(?P<platform>GCM|APNS|APNS_SANDBOX)/[\w.-]+"
)
_SNS_PLATFORMS = {Platform.FCM: ("GCM",), Platform.APNS: ("APNS", "APNS_SANDBOX")}


@dataclass(frozen=True, slots=True)
class Settings:
    notes_table: str
    shares_table: str
    devices_table: str
    user_pool_id: str
    push_queue_url: str
    # None: DynamoDB directly.
    dax_endpoint: str | None = None
    # Only the platforms with SNS credentials configured.
    platform_applications: Mapping[Platform, str] = field(
        default_factory=lambda: MappingProxyType({})
    )


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    return Settings(
        notes_table=required(environ, "NOTES_TABLE", "the DynamoDB table of notes"),
        shares_table=required(environ, "SHARES_TABLE", "the DynamoDB table of shares"),
        devices_table=required(environ, "DEVICES_TABLE", "the DynamoDB table of devices"),
        user_pool_id=required(
            environ, "USER_POOL_ID", "the Cognito user pool share recipients are looked up in"
        ),
        push_queue_url=required(environ, "PUSH_QUEUE_URL", "the SQS queue the push notifier reads"),
        dax_endpoint=parse_dax_endpoint(environ.get("DAX_ENDPOINT", "")),
        platform_applications=parse_platform_applications(
            environ.get("PLATFORM_APPLICATIONS", "{}")
        ),
    )


def parse_dax_endpoint(raw: str) -> str | None:
    """The cluster discovery endpoint, or None (empty) to use DynamoDB directly."""
    value = raw.strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in DAX_SCHEMES or not parts.hostname:
        raise ConfigurationError(
            "DAX_ENDPOINT must be a cluster discovery endpoint such as "
            f"daxs://name.abc123.dax-clusters.us-east-1.amazonaws.com, got {raw!r}"
        )
    return value


def parse_platform_applications(raw: str) -> Mapping[Platform, str]:
    """Parse {"fcm": arn, "apns": arn} (keys only for configured platforms; "{}" for none)."""
    try:
        parsed = json.loads(raw or "{}")
    except json.JSONDecodeError:
        raise ConfigurationError(
            f"PLATFORM_APPLICATIONS must be a JSON object, got {raw!r}"
        ) from None
    if not isinstance(parsed, dict):
        raise ConfigurationError(f"PLATFORM_APPLICATIONS must be a JSON object, got {raw!r}")
    applications: dict[Platform, str] = {}
    for key, arn in parsed.items():
        try:
            platform = Platform(key)
        except ValueError:
            raise ConfigurationError(
                f"PLATFORM_APPLICATIONS keys must be {' or '.join(Platform)}, got {key!r}"
            ) from None
        match = _APPLICATION_ARN.fullmatch(arn) if isinstance(arn, str) else None
        if match is None or match["platform"] not in _SNS_PLATFORMS[platform]:
            raise ConfigurationError(
                f"PLATFORM_APPLICATIONS[{key!r}] must be the ARN of an SNS "
                f"{'/'.join(_SNS_PLATFORMS[platform])} platform application, got {arn!r}"
            )
        applications[platform] = arn
    return MappingProxyType(applications)
