"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_ARCHIVE_PREFIX = "archive/"
DEFAULT_QUARANTINE_PREFIX = "quarantine/"
# 256 KiB: far above a well-formed event, far below the Kinesis record limit, so one
# hostile producer cannot make a single archived line dominate a batch.
DEFAULT_MAX_RECORD_BYTES = 262_144
# Seconds one archive or quarantine write keeps retrying inside an invocation (see
# stream_processor.s3_store.WriteRetry); the module keeps two of them within the timeout.
DEFAULT_WRITE_RETRY_SECONDS = 20.0


class ConfigurationError(RuntimeError):
    """The function's environment is missing or has an invalid setting."""


@dataclass(frozen=True, slots=True)
class Settings:
    archive_bucket: str
    archive_prefix: str = DEFAULT_ARCHIVE_PREFIX
    quarantine_prefix: str = DEFAULT_QUARANTINE_PREFIX
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    write_retry_seconds: float = DEFAULT_WRITE_RETRY_SECONDS


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    archive_bucket = environ.get("ARCHIVE_BUCKET", "").strip()
    if not archive_bucket:
        raise ConfigurationError(
            "ARCHIVE_BUCKET is not set: it must name the S3 bucket that receives the archive"
        )
    return Settings(
        archive_bucket=archive_bucket,
        archive_prefix=_read_prefix(environ, "ARCHIVE_PREFIX", DEFAULT_ARCHIVE_PREFIX),
        quarantine_prefix=_read_prefix(environ, "QUARANTINE_PREFIX", DEFAULT_QUARANTINE_PREFIX),
        max_record_bytes=_read_max_record_bytes(environ),
        write_retry_seconds=_read_write_retry_seconds(environ),
    )


def _read_prefix(environ: Mapping[str, str], name: str, default: str) -> str:
    prefix = environ.get(name, default)
    # Keys are built as prefix + "year=...": without the slash the partitions would be
    # glued to the prefix ("archiveyear=2024"), which no query layout expects.
    if prefix and not prefix.endswith("/"):
        raise ConfigurationError(f"{name} must be empty or end with '/', got {prefix!r}")
    if prefix.startswith("/"):
        raise ConfigurationError(f"{name} must not start with '/', got {prefix!r}")
    return prefix


def _read_max_record_bytes(environ: Mapping[str, str]) -> int:
    raw_value = environ.get("MAX_RECORD_BYTES", str(DEFAULT_MAX_RECORD_BYTES))
    try:
        max_record_bytes = int(raw_value)
    except ValueError:
        raise ConfigurationError(
            f"MAX_RECORD_BYTES must be a whole number of bytes, got {raw_value!r}"
        ) from None
    if max_record_bytes <= 0:
        raise ConfigurationError(f"MAX_RECORD_BYTES must be positive, got {max_record_bytes}")
    return max_record_bytes


def _read_write_retry_seconds(environ: Mapping[str, str]) -> float:
    raw_value = environ.get("WRITE_RETRY_SECONDS", str(DEFAULT_WRITE_RETRY_SECONDS))
    try:
        seconds = float(raw_value)
    except ValueError:
        raise ConfigurationError(
            f"WRITE_RETRY_SECONDS must be a number of seconds, got {raw_value!r}"
        ) from None
    if not 0 <= seconds <= 900:
        raise ConfigurationError(
            f"WRITE_RETRY_SECONDS must be from 0 to 900 (Lambda's longest timeout), got {seconds}"
        )
    return seconds
