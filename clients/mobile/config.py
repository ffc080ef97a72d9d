"""Where the mobile backend lives: the six values the `mobile_client_config` Terraform
output gives, from its JSON or from command-line flags."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from clients.mobile.errors import ConfigError

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_USER_POOL_ID = re.compile(r"^(?P<region>[a-z0-9-]+)_[0-9A-Za-z]+$")
_IDENTITY_POOL_ID = re.compile(r"^(?P<region>[a-z0-9-]+):[0-9a-f-]+$")


@dataclass(frozen=True)
class MobileConfig:
    api_url: str
    region: str
    user_pool_id: str
    user_pool_client_id: str
    identity_pool_id: str
    user_files_bucket: str

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ConfigError("invalid mobile client config: " + "; ".join(problems))

    @property
    def user_pool_provider(self) -> str:
        """The identity pool's login key for this user pool (Cognito Identity `Logins`)."""
        return f"cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> MobileConfig:
        """Builds the config from a mapping; keys it does not know are ignored, so an
        output that grows a field does not break older clients."""
        names = [f.name for f in fields(cls)]
        missing = [name for name in names if values.get(name) in (None, "")]
        if missing:
            raise ConfigError("mobile client config is missing " + ", ".join(missing))
        wrong = [name for name in names if not isinstance(values[name], str)]
        if wrong:
            raise ConfigError("mobile client config values must be strings: " + ", ".join(wrong))
        return cls(**{name: values[name] for name in names})

    @classmethod
    def from_json(cls, text: str) -> MobileConfig:
        """Parses the JSON object, or the JSON string holding it that
        `terraform output -json mobile_client_config` prints (the output is a string)."""
        try:
            value: Any = json.loads(text)
            if isinstance(value, str):
                value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"mobile client config is not JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise ConfigError("mobile client config must be a JSON object")
        return cls.from_mapping(value)

    @classmethod
    def from_file(cls, path: str | Path) -> MobileConfig:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read mobile client config {path}: {exc}") from exc
        try:
            return cls.from_json(text)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from exc

    def with_overrides(self, **overrides: str | None) -> MobileConfig:
        """A copy with the given non-None values replaced (flags over the file)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _problems(config: MobileConfig) -> list[str]:
    problems: list[str] = []
    if not config.api_url.startswith(("https://", "http://")):
        problems.append(f"api_url must be an http(s) URL, got {config.api_url!r}")
    if not _REGION.match(config.region):
        problems.append(f"region {config.region!r} is not an AWS region name")
    pool = _USER_POOL_ID.match(config.user_pool_id)
    if not pool:
        problems.append(f"user_pool_id {config.user_pool_id!r} is not a user pool id")
    elif pool["region"] != config.region:
        # Cognito pool ids start with their region: a mismatch means mixed-up outputs.
        problems.append(f"user_pool_id {config.user_pool_id!r} is not in {config.region}")
    identity = _IDENTITY_POOL_ID.match(config.identity_pool_id)
    if not identity:
        problems.append(f"identity_pool_id {config.identity_pool_id!r} is not an identity pool id")
    elif identity["region"] != config.region:
        problems.append(f"identity_pool_id {config.identity_pool_id!r} is not in {config.region}")
    if not config.user_pool_client_id.strip():
        problems.append("user_pool_client_id is empty")
    if not config.user_files_bucket.strip():
        problems.append("user_files_bucket is empty")
    return problems
