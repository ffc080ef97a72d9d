"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lambda_common.settings import ConfigurationError, required

DEFAULT_FAILED_PREFIX = "failed/"


@dataclass(frozen=True, slots=True)
class Settings:
    archive_bucket: str
    failed_prefix: str = DEFAULT_FAILED_PREFIX


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    archive_bucket = required(environ, "ARCHIVE_BUCKET", "the bucket that receives failed ranges")
    failed_prefix = environ.get("FAILED_PREFIX", DEFAULT_FAILED_PREFIX)
    # Keys are prefix + "year=...": the prefix must be a folder of its own, and not the
    # whole bucket, or the redrive would read the archive as failed ranges.
    if not failed_prefix.endswith("/") or failed_prefix.startswith("/"):
        raise ConfigurationError(
            f"FAILED_PREFIX must end with '/' and not start with one, got {failed_prefix!r}"
        )
    return Settings(archive_bucket=archive_bucket, failed_prefix=failed_prefix)
