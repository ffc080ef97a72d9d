"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


class ConfigurationError(RuntimeError):
    """The function's environment is missing or has an invalid setting."""


@dataclass(frozen=True, slots=True)
class Settings:
    devices_table: str


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    devices_table = environ.get("DEVICES_TABLE", "").strip()
    if not devices_table:
        raise ConfigurationError(
            "DEVICES_TABLE is not set: it must name the DynamoDB table of devices"
        )
    return Settings(devices_table=devices_table)
