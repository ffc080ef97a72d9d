"""Settings from the environment: defaults, and a clear error for every bad value."""

from __future__ import annotations

import pytest

from lambda_common.settings import ConfigurationError
from web_api.config import Settings, load_settings, parse_allowed_origin

REQUIRED = {
    "ITEMS_TABLE": "items",
    "SUBSCRIBERS_TABLE": "subscribers",
    "UPLOADS_BUCKET": "uploads",
    "THUMBNAILS_BUCKET": "thumbnails",
    "ALLOWED_ORIGIN": "https://d111111abcdef8.cloudfront.net",
}


def test_defaults() -> None:
    assert load_settings(REQUIRED) == Settings(
        items_table="items",
        subscribers_table="subscribers",
        uploads_bucket="uploads",
        thumbnails_bucket="thumbnails",
        allowed_origin="https://d111111abcdef8.cloudfront.net",
        max_upload_bytes=10_485_760,
        url_expiry_seconds=300,
        thumbnail_sizes=(128, 512),
        thumbnail_extension="webp",
    )


@pytest.mark.parametrize("name", sorted(REQUIRED))
@pytest.mark.parametrize("value", [None, "", "  "])
def test_required_settings(name: str, value: str | None) -> None:
    environ = {key: val for key, val in REQUIRED.items() if key != name}
    if value is not None:
        environ[name] = value

    with pytest.raises(ConfigurationError, match=f"^{name} is not set"):
        load_settings(environ)


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://d111111abcdef8.cloudfront.net", "https://d111111abcdef8.cloudfront.net"),
        ("http://127.0.0.1:43117", "http://127.0.0.1:43117"),
        ("HTTPS://Example.COM", "https://example.com"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_allowed_origin_is_what_a_browser_sends(raw: str, origin: str) -> None:
    assert parse_allowed_origin(raw) == origin


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("*", "'\\*' would let any web page"),
        ("https://example.com/", "no path"),
        ("https://example.com/app", "no path"),
        ("https://example.com?x=1", "no path"),
        ("https://user:pw@example.com", "credentials"),
        ("https://example.com:443", "default port"),
        ("http://example.com:80", "default port"),
        ("https://example.com:99999", "invalid port"),
        ("ftp://example.com", "http\\(s\\) origin"),
        ("example.com", "http\\(s\\) origin"),
        ("https://", "http\\(s\\) origin"),
        ("null", "http\\(s\\) origin"),
    ],
)
def test_unusable_allowed_origin_is_refused(raw: str, reason: str) -> None:
    with pytest.raises(ConfigurationError, match=reason):
        load_settings({**REQUIRED, "ALLOWED_ORIGIN": raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("MAX_UPLOAD_BYTES", "ten"),
        ("MAX_UPLOAD_BYTES", "0"),
        ("MAX_UPLOAD_BYTES", str(5 * 1024**3 + 1)),
        ("UPLOAD_URL_EXPIRY_SECONDS", "-1"),
        ("UPLOAD_URL_EXPIRY_SECONDS", "604801"),
        ("UPLOAD_URL_EXPIRY_SECONDS", "1.5"),
    ],
)
def test_numbers_out_of_range_are_refused(name: str, raw: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{name} must be"):
        load_settings({**REQUIRED, name: raw})


def test_numbers_are_read() -> None:
    settings = load_settings(
        {**REQUIRED, "MAX_UPLOAD_BYTES": "1048576", "UPLOAD_URL_EXPIRY_SECONDS": "60"}
    )

    assert (settings.max_upload_bytes, settings.url_expiry_seconds) == (1_048_576, 60)


@pytest.mark.parametrize(
    ("raw", "sizes"), [("128,512", (128, 512)), (" 512 , 64,64", (64, 512)), ("256", (256,))]
)
def test_thumbnail_sizes(raw: str, sizes: tuple[int, ...]) -> None:
    assert load_settings({**REQUIRED, "THUMBNAIL_SIZES": raw}).thumbnail_sizes == sizes


@pytest.mark.parametrize("raw", ["", "128,", "0", "-128", "128px", "1.5", "²"])
def test_bad_thumbnail_sizes(raw: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^THUMBNAIL_SIZES must be"):
        load_settings({**REQUIRED, "THUMBNAIL_SIZES": raw})


@pytest.mark.parametrize(("raw", "extension"), [("WEBP", "webp"), ("JPEG", "jpg"), ("jpeg", "jpg")])
def test_thumbnail_format(raw: str, extension: str) -> None:
    assert load_settings({**REQUIRED, "THUMBNAIL_FORMAT": raw}).thumbnail_extension == extension


@pytest.mark.parametrize("raw", ["PNG", "JPG", ""])
def test_bad_thumbnail_format(raw: str) -> None:
    with pytest.raises(ConfigurationError, match=r"^THUMBNAIL_FORMAT must be one of WEBP, JPEG"):
        load_settings({**REQUIRED, "THUMBNAIL_FORMAT": raw})
