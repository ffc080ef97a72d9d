from __future__ import annotations

import pytest

from lambda_common.settings import ConfigurationError
from stream_processor.config import Settings, load_settings


def test_defaults_apply_when_only_the_bucket_is_set() -> None:
    assert load_settings({"ARCHIVE_BUCKET": "archive-bucket"}) == Settings(
        archive_bucket="archive-bucket",
        archive_prefix="archive/",
        quarantine_prefix="quarantine/",
        max_record_bytes=262_144,
    )


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "ARCHIVE_BUCKET": "b",
            "ARCHIVE_PREFIX": "events/archive/",
            "QUARANTINE_PREFIX": "",
            "MAX_RECORD_BYTES": "1024",
        }
    )
    assert settings == Settings("b", "events/archive/", "", 1024)


@pytest.mark.parametrize("bucket", [None, "", "   "])
def test_missing_bucket_is_a_clear_error(bucket: str | None) -> None:
    environ = {} if bucket is None else {"ARCHIVE_BUCKET": bucket}
    with pytest.raises(ConfigurationError, match="ARCHIVE_BUCKET is not set"):
        load_settings(environ)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ARCHIVE_PREFIX", "archive", "must be empty or end with '/'"),
        ("QUARANTINE_PREFIX", "/quarantine/", "must not start with '/'"),
        ("MAX_RECORD_BYTES", "lots", "whole number"),
        ("MAX_RECORD_BYTES", "0", "must be positive"),
    ],
)
def test_invalid_settings_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as error:
        load_settings({"ARCHIVE_BUCKET": "b", name: value})
    assert name in str(error.value)
