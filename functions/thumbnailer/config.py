"""Configuration read once from the environment (the contract with the Terraform module)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from lambda_common.settings import ConfigurationError, number, positive, required

DEFAULT_THUMBNAIL_SIZES = "128,512"
DEFAULT_QUARANTINE_PREFIX = "quarantine/"
# 40 megapixels: above every phone camera in use (12-24 MP, 48 MP sensors save 12 MP by
# default), and a decoded RGBA frame of this size is 160 MB, which a 1024 MB function
# holds together with its conversions.
DEFAULT_MAX_IMAGE_PIXELS = 40_000_000
# A thumbnail larger than this is no thumbnail; the bound also caps the decoded size of
# a JPEG, which is drafted to the largest size.
MAX_THUMBNAIL_SIZE = 4096
# Objects above this are quarantined unread. The API's presigned POST caps uploads at
# MAX_UPLOAD_BYTES (10 MiB by default); this guards the function's memory against
# anything else that writes to the bucket.
MAX_OBJECT_BYTES = 50 * 1024 * 1024
# Only keys under this prefix are uploads (the bucket notification filters on it too).
UPLOADS_PREFIX = "uploads/"


class OutputFormat(Enum):
    """A thumbnail encoding: Pillow's format name, the HTTP content type, the key suffix."""

    WEBP = ("WEBP", "image/webp", "webp")
    JPEG = ("JPEG", "image/jpeg", "jpg")

    def __init__(self, pillow_format: str, content_type: str, extension: str) -> None:
        self.pillow_format = pillow_format
        self.content_type = content_type
        self.extension = extension


@dataclass(frozen=True, slots=True)
class Settings:
    thumbnail_bucket: str
    # Longest edge in pixels, distinct, largest first (the order thumbnails are derived in).
    sizes: tuple[int, ...] = (512, 128)
    output_format: OutputFormat = OutputFormat.WEBP
    quarantine_prefix: str = DEFAULT_QUARANTINE_PREFIX
    max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
    max_object_bytes: int = MAX_OBJECT_BYTES


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings; raise ConfigurationError naming the bad variable."""
    return Settings(
        thumbnail_bucket=required(
            environ, "THUMBNAIL_BUCKET", "the S3 bucket that receives thumbnails"
        ),
        sizes=parse_sizes(environ.get("THUMBNAIL_SIZES", DEFAULT_THUMBNAIL_SIZES)),
        output_format=_read_output_format(environ),
        quarantine_prefix=_read_quarantine_prefix(environ),
        max_image_pixels=positive(
            "MAX_IMAGE_PIXELS",
            number(
                environ,
                "MAX_IMAGE_PIXELS",
                DEFAULT_MAX_IMAGE_PIXELS,
                int,
                "a whole number of pixels",
            ),
        ),
    )


def parse_sizes(raw_value: str) -> tuple[int, ...]:
    """ "128,512" -> (512, 128): distinct whole numbers in 1..MAX_THUMBNAIL_SIZE."""
    sizes: list[int] = []
    for part in raw_value.split(","):
        try:
            size = int(part.strip())
        except ValueError:
            raise ConfigurationError(
                f"THUMBNAIL_SIZES must be comma-separated whole numbers of pixels, "
                f"got {raw_value!r}"
            ) from None
        if not 1 <= size <= MAX_THUMBNAIL_SIZE:
            raise ConfigurationError(
                f"THUMBNAIL_SIZES values must be between 1 and {MAX_THUMBNAIL_SIZE}, got {size}"
            )
        if size in sizes:
            raise ConfigurationError(f"THUMBNAIL_SIZES lists {size} twice in {raw_value!r}")
        sizes.append(size)
    return tuple(sorted(sizes, reverse=True))


def _read_output_format(environ: Mapping[str, str]) -> OutputFormat:
    raw_value = environ.get("THUMBNAIL_FORMAT", OutputFormat.WEBP.name)
    try:
        return OutputFormat[raw_value.strip().upper()]
    except KeyError:
        allowed = ", ".join(output_format.name for output_format in OutputFormat)
        raise ConfigurationError(
            f"THUMBNAIL_FORMAT must be one of {allowed}, got {raw_value!r}"
        ) from None


def _read_quarantine_prefix(environ: Mapping[str, str]) -> str:
    prefix = environ.get("QUARANTINE_PREFIX", DEFAULT_QUARANTINE_PREFIX)
    # The quarantine key is prefix + original key: an empty prefix would make it the
    # original key, which is then deleted, and a prefix under uploads/ would notify this
    # function again about its own copy.
    if not prefix.endswith("/") or prefix.startswith("/"):
        raise ConfigurationError(
            f"QUARANTINE_PREFIX must be a non-empty prefix ending with '/' and not starting "
            f"with one, got {prefix!r}"
        )
    if prefix.startswith(UPLOADS_PREFIX):
        raise ConfigurationError(
            f"QUARANTINE_PREFIX must not be under {UPLOADS_PREFIX!r} (it would notify the "
            f"function about its own copies), got {prefix!r}"
        )
    return prefix
