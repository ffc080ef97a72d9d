"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lambda_common.settings import ConfigurationError, number, positive, required

DEFAULT_ARCHIVE_PREFIX = "archive/"
DEFAULT_QUARANTINE_PREFIX = "quarantine/"
# 256 KiB: far above a well-formed event, far below the Kinesis record limit, so one
# hostile producer cannot make a single archived line dominate a batch.
DEFAULT_MAX_RECORD_BYTES = 262_144
# Seconds one archive or quarantine write keeps retrying inside an invocation (see
# stream_processor.s3_store.WriteRetry); the module keeps two of them within the timeout.
DEFAULT_WRITE_RETRY_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Settings:
    archive_bucket: str
    archive_prefix: str = DEFAULT_ARCHIVE_PREFIX
    quarantine_prefix: str = DEFAULT_QUARANTINE_PREFIX
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    write_retry_seconds: float = DEFAULT_WRITE_RETRY_SECONDS


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    return Settings(
        archive_bucket=required(
            environ, "ARCHIVE_BUCKET", "the S3 bucket that receives the archive"
        ),
        archive_prefix=_read_prefix(environ, "ARCHIVE_PREFIX", DEFAULT_ARCHIVE_PREFIX),
        quarantine_prefix=_read_prefix(environ, "QUARANTINE_PREFIX", DEFAULT_QUARANTINE_PREFIX),
        max_record_bytes=positive(
            "MAX_RECORD_BYTES",
            number(
                environ,
                "MAX_RECORD_BYTES",
                DEFAULT_MAX_RECORD_BYTES,
                int,
                "a whole number of bytes",
            ),
        ),
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


def _read_write_retry_seconds(environ: Mapping[str, str]) -> float:
    seconds = number(
        environ,
        "WRITE_RETRY_SECONDS",
        DEFAULT_WRITE_RETRY_SECONDS,
        float,
        "a number of seconds",
    )
    if not 0 <= seconds <= 900:
        raise ConfigurationError(
            f"WRITE_RETRY_SECONDS must be from 0 to 900 (Lambda's longest timeout), got {seconds}"
        )
    return seconds
