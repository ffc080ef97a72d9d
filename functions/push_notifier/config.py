"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lambda_common.settings import required


@dataclass(frozen=True, slots=True)
class Settings:
    devices_table: str
    # Where a message that can never become a push goes at once, with its reason.
    dead_letter_queue_url: str


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    return Settings(
        devices_table=required(environ, "DEVICES_TABLE", "the DynamoDB table of devices"),
        dead_letter_queue_url=required(
            environ, "DEAD_LETTER_QUEUE_URL", "the push queue's dead-letter queue"
        ),
    )
