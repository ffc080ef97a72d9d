from __future__ import annotations

import pytest

from thumbnailer.config import (
    DEFAULT_MAX_IMAGE_PIXELS,
    ConfigurationError,
    OutputFormat,
    Settings,
    load_settings,
    parse_sizes,
)


def test_defaults_follow_the_contract() -> None:
    settings = load_settings({"THUMBNAIL_BUCKET": "thumbs"})

    assert settings == Settings(
        thumbnail_bucket="thumbs",
        sizes=(512, 128),
        output_format=OutputFormat.WEBP,
        quarantine_prefix="quarantine/",
        max_image_pixels=DEFAULT_MAX_IMAGE_PIXELS,
    )


def test_every_variable_is_read() -> None:
    settings = load_settings(
        {
            "THUMBNAIL_BUCKET": " thumbs ",
            "THUMBNAIL_SIZES": "64, 1024,256",
            "THUMBNAIL_FORMAT": "jpeg",
            "QUARANTINE_PREFIX": "rejected/",
            "MAX_IMAGE_PIXELS": "1000",
        }
    )

    assert settings.thumbnail_bucket == "thumbs"
    assert settings.sizes == (1024, 256, 64)
    assert settings.output_format is OutputFormat.JPEG
    assert settings.quarantine_prefix == "rejected/"
    assert settings.max_image_pixels == 1000


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "THUMBNAIL_BUCKET is not set"),
        ({"THUMBNAIL_BUCKET": "  "}, "THUMBNAIL_BUCKET is not set"),
        ({"THUMBNAIL_SIZES": "128,big"}, "THUMBNAIL_SIZES must be comma-separated"),
        ({"THUMBNAIL_SIZES": ""}, "THUMBNAIL_SIZES must be comma-separated"),
        ({"THUMBNAIL_SIZES": "0,128"}, "between 1 and 4096, got 0"),
        ({"THUMBNAIL_SIZES": "128,5000"}, "between 1 and 4096, got 5000"),
        ({"THUMBNAIL_SIZES": "128,512,128"}, "lists 128 twice"),
        ({"THUMBNAIL_FORMAT": "PNG"}, "THUMBNAIL_FORMAT must be one of WEBP, JPEG, got 'PNG'"),
        ({"QUARANTINE_PREFIX": ""}, "QUARANTINE_PREFIX must be a non-empty prefix"),
        ({"QUARANTINE_PREFIX": "quarantine"}, "QUARANTINE_PREFIX must be a non-empty prefix"),
        ({"QUARANTINE_PREFIX": "/quarantine/"}, "QUARANTINE_PREFIX must be a non-empty prefix"),
        ({"QUARANTINE_PREFIX": "uploads/quarantine/"}, "must not be under 'uploads/'"),
        ({"MAX_IMAGE_PIXELS": "4e7"}, "MAX_IMAGE_PIXELS must be a whole number"),
        ({"MAX_IMAGE_PIXELS": "0"}, "MAX_IMAGE_PIXELS must be positive"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_settings({"THUMBNAIL_BUCKET": "thumbs", **environ} if environ else {})


def test_single_size() -> None:
    assert parse_sizes("200") == (200,)


@pytest.mark.parametrize(
    ("output_format", "content_type", "extension"),
    [(OutputFormat.WEBP, "image/webp", "webp"), (OutputFormat.JPEG, "image/jpeg", "jpg")],
)
def test_output_formats(output_format: OutputFormat, content_type: str, extension: str) -> None:
    assert (output_format.content_type, output_format.extension) == (content_type, extension)
