"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from lambda_common.settings import ConfigurationError, number, required

DEFAULT_MAX_UPLOAD_BYTES = 10_485_760
# S3 rejects a single POST upload above 5 GiB whatever the policy says.
S3_MAX_POST_BYTES = 5 * 1024**3
DEFAULT_UPLOAD_URL_EXPIRY_SECONDS = 300
# SigV4 presigned URLs are valid for at most seven days.
MAX_URL_EXPIRY_SECONDS = 604_800
DEFAULT_THUMBNAIL_SIZES = "128,512"
DEFAULT_THUMBNAIL_FORMAT = "WEBP"
# The thumbnailer writes `{size}.webp` or `{size}.jpg`; the API looks for the same names.
THUMBNAIL_EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class Settings:
    items_table: str
    subscribers_table: str
    uploads_bucket: str
    thumbnails_bucket: str
    allowed_origin: str
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    # Lifetime of both the presigned POST and the presigned thumbnail GET URLs.
    url_expiry_seconds: int = DEFAULT_UPLOAD_URL_EXPIRY_SECONDS
    thumbnail_sizes: tuple[int, ...] = (128, 512)
    thumbnail_extension: str = "webp"


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    return Settings(
        items_table=required(environ, "ITEMS_TABLE", "the DynamoDB table of items"),
        subscribers_table=required(
            environ, "SUBSCRIBERS_TABLE", "the DynamoDB table of subscribers"
        ),
        uploads_bucket=required(environ, "UPLOADS_BUCKET", "the S3 bucket browsers upload to"),
        thumbnails_bucket=required(
            environ, "THUMBNAILS_BUCKET", "the S3 bucket the thumbnailer writes to"
        ),
        allowed_origin=parse_allowed_origin(
            required(environ, "ALLOWED_ORIGIN", "the site origin allowed by CORS")
        ),
        max_upload_bytes=_read_int(
            environ, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, upper=S3_MAX_POST_BYTES
        ),
        url_expiry_seconds=_read_int(
            environ,
            "UPLOAD_URL_EXPIRY_SECONDS",
            DEFAULT_UPLOAD_URL_EXPIRY_SECONDS,
            upper=MAX_URL_EXPIRY_SECONDS,
        ),
        thumbnail_sizes=parse_thumbnail_sizes(
            environ.get("THUMBNAIL_SIZES", DEFAULT_THUMBNAIL_SIZES)
        ),
        thumbnail_extension=_read_thumbnail_extension(environ),
    )


def parse_allowed_origin(raw: str) -> str:
    """Return the origin exactly as a browser sends it in the Origin header.

    CORS compares the Origin header with this string byte for byte, so anything a
    browser never sends (a path, a trailing slash, a default port) would silently block
    every request; those are configuration errors, reported at import.
    """
    if raw == "*":
        raise ConfigurationError(
            "ALLOWED_ORIGIN must name the site origin (e.g. https://d111.cloudfront.net); "
            "'*' would let any web page call the API with a user's token"
        )
    parts = urlsplit(raw)
    try:
        port = parts.port
    except ValueError:
        raise ConfigurationError(f"ALLOWED_ORIGIN has an invalid port: {raw!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ConfigurationError(
            f"ALLOWED_ORIGIN must be an http(s) origin such as https://example.com, got {raw!r}"
        )
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigurationError(
            "ALLOWED_ORIGIN must be scheme://host[:port] with no path, query, credentials "
            f"or trailing slash (browsers send no such thing in Origin), got {raw!r}"
        )
    if port == _DEFAULT_PORTS[scheme]:
        raise ConfigurationError(
            f"ALLOWED_ORIGIN must omit the default port {port} (browsers omit it), got {raw!r}"
        )
    host = parts.hostname
    # urlsplit drops the brackets of an IPv6 literal; the Origin header keeps them.
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port is not None else "")


def parse_thumbnail_sizes(raw: str) -> tuple[int, ...]:
    """Parse "128,512" into (128, 512): distinct positive pixel sizes, ascending."""
    sizes: set[int] = set()
    for part in raw.split(","):
        text = part.strip()
        if not (text.isascii() and text.isdigit()) or int(text) <= 0:
            raise ConfigurationError(
                f"THUMBNAIL_SIZES must be comma-separated positive pixel sizes, got {raw!r}"
            )
        sizes.add(int(text))
    return tuple(sorted(sizes))


def _read_thumbnail_extension(environ: Mapping[str, str]) -> str:
    raw = environ.get("THUMBNAIL_FORMAT", DEFAULT_THUMBNAIL_FORMAT)
    try:
        return THUMBNAIL_EXTENSIONS[raw.strip().upper()]
    except KeyError:
        raise ConfigurationError(
            f"THUMBNAIL_FORMAT must be one of {', '.join(THUMBNAIL_EXTENSIONS)}, got {raw!r}"
        ) from None


def _read_int(environ: Mapping[str, str], name: str, default: int, *, upper: int) -> int:
    value = number(environ, name, default, int, "a whole number")
    if not 1 <= value <= upper:
        raise ConfigurationError(f"{name} must be between 1 and {upper}, got {value}")
    return value
