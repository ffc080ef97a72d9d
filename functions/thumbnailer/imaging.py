"""The pure image core: the bytes of an upload in, one encoded thumbnail per size out.

Knows nothing of S3 or Lambda. The image is decoded once, at the smallest scale that
still covers the largest size (a JPEG is decoded by libjpeg's DCT scaling, so a 12 MP
photo is never expanded to full size), and every size is derived from the next larger
one. Input that can never become a thumbnail raises `RejectedImageError` with a stable
reason; anything else that goes wrong (memory, an encoder failure) propagates, so the
invocation fails and Lambda's retries and on-failure destination take over.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# Registered explicitly: saving (or opening) a format Pillow has not registered yet makes
# it import every one of its ~40 plugins, on the first invocation of each cold start.
# JPEG, PNG and GIF are registered by Pillow's own preinit() on the first open.
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError, WebPImagePlugin  # noqa: F401

from thumbnailer.config import OutputFormat

# What `Image.format` reports for the accepted types. MPO is a JPEG with extra
# images appended (phones write them for depth maps): Pillow opens it as a JPEG subclass.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "GIF", "WEBP"})
# LANCZOS for the final resampling: the sharpest of Pillow's filters without ringing
# that shows at thumbnail sizes; at these sizes its cost is a few milliseconds.
RESAMPLE = Image.Resampling.LANCZOS
# Shrink by integer box reduction first, as long as at least twice the target remains,
# then LANCZOS for the rest: Pillow documents 2.0 as close to full LANCZOS quality, and
# it makes a large PNG or GIF (which have no DCT scaling) several times cheaper to shrink.
REDUCING_GAP = 2.0
# WebP 80 is libwebp's default and, at thumbnail sizes, hard to tell from 90 at about a
# third fewer bytes. Method 2, not libwebp's default 4: at 512 px methods 3 and up spend
# ~3x the encoding time (~16% of a 12 MP upload's processing) for files 0-12% smaller on
# the benchmark photos (a few hundred bytes per 512 px thumbnail).
WEBP_OPTIONS: dict[str, object] = {"quality": 80, "method": 2}
# JPEG 85: above it file size grows quickly for no visible gain at thumbnail sizes.
# optimize computes Huffman tables for the image: a few percent smaller for microseconds.
JPEG_OPTIONS: dict[str, object] = {"quality": 85, "optimize": True}
# JPEG has no alpha: transparent pixels are flattened onto white, as browsers show a
# transparent PNG on a default page.
JPEG_BACKGROUND = (255, 255, 255)
# Modes whose pixels an RGB ICC profile can describe; see `_rgb_icc_profile`.
_RGB_MODES = frozenset({"RGB", "RGBA", "RGBX", "P", "PA"})


class RejectionReason(StrEnum):
    """Stable, machine-readable reasons an upload is quarantined (never retried)."""

    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    TOO_MANY_PIXELS = "too_many_pixels"
    CORRUPT = "corrupt"
    # Decided before the object is read (see thumbnailer.processing), never by this module.
    TOO_LARGE = "too_large"


class RejectedImageError(ValueError):
    """Input that can never become a thumbnail, however often it is retried."""

    def __init__(self, reason: RejectionReason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Thumbnail:
    size: int  # the requested longest edge, which names the object
    width: int
    height: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Thumbnails:
    source_format: str
    source_mode: str
    source_size: tuple[int, int]  # as stored, before the EXIF orientation is applied
    decoded_size: tuple[int, int]  # what the decoder produced (smaller after DCT scaling)
    thumbnails: tuple[Thumbnail, ...]


def configure_pillow(max_image_pixels: int) -> None:
    """Set Pillow's process-wide decoder limits; called once per cold start.

    Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; `make_thumbnails`
    turns the warning into an error, so the limit is exactly `max_image_pixels`. It is
    checked against the header when the file is opened, before any pixel is decoded.
    """
    Image.MAX_IMAGE_PIXELS = max_image_pixels
    # A truncated file is corrupt: Pillow would otherwise fill the missing rows with grey.
    ImageFile.LOAD_TRUNCATED_IMAGES = False


def make_thumbnails(data: bytes, sizes: Sequence[int], output_format: OutputFormat) -> Thumbnails:
    """Decode `data` once and return one thumbnail per size, largest first.

    Each thumbnail's longest edge equals its size, or the image's own when the image is
    smaller (never upscaled); the aspect ratio is kept. The EXIF orientation is applied
    and no metadata other than an RGB colour profile is written (EXIF can hold GPS).
    """
    descending = sorted(set(sizes), reverse=True)
    if not descending or descending[-1] < 1:
        raise ValueError(f"sizes must be positive whole numbers, got {list(sizes)}")
    with (
        warnings.catch_warnings(action="error", category=Image.DecompressionBombWarning),
        _identify(data) as image,
    ):
        source_format, source_mode, source_size = image.format or "", image.mode, image.size
        _decode(image, largest=descending[0])
        decoded_size = image.size
        ImageOps.exif_transpose(image, in_place=True)
        icc_profile = _rgb_icc_profile(image)
        working = _normalise_mode(image, output_format)
        # Nothing of the source's metadata travels on: Pillow copies `info` to every
        # derived image, and its JPEG encoder writes the source's comment from it.
        working.info = {}
        thumbnails: list[Thumbnail] = []
        for size in descending:
            # In place, from the previous (larger) thumbnail: each step shrinks fewer pixels.
            working.thumbnail((size, size), RESAMPLE, reducing_gap=REDUCING_GAP)
            thumbnails.append(
                Thumbnail(
                    size=size,
                    width=working.width,
                    height=working.height,
                    data=_encode(working, output_format, icc_profile),
                )
            )
    return Thumbnails(
        source_format=source_format,
        source_mode=source_mode,
        source_size=source_size,
        decoded_size=decoded_size,
        thumbnails=tuple(thumbnails),
    )


def _identify(data: bytes) -> ImageFile.ImageFile:
    """Open lazily: reads the header only, which is where the pixel limit is checked."""
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        # Pillow's message names the in-memory buffer's address; the first bytes say more
        # and keep the reason document the same when the event is delivered again.
        detail = (
            f"no image format recognised; the data starts with {data[:8].hex()}"
            if data
            else "the object is empty"
        )
        raise RejectedImageError(RejectionReason.NOT_AN_IMAGE, detail) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(error) from None
    except (OSError, ValueError) as error:
        # A recognised format whose header is cut short ("Truncated File Read") or that
        # Pillow refuses, e.g. a PNG text chunk inflating past MAX_TEXT_CHUNK (ValueError).
        # (A header failing its checksum is not recognised at all: not_an_image.)
        raise RejectedImageError(
            RejectionReason.CORRUPT, f"{type(error).__name__}: {error}"
        ) from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise RejectedImageError(
            RejectionReason.UNSUPPORTED_FORMAT,
            f"{image.format} is not one of {', '.join(sorted(ACCEPTED_FORMATS))}",
        )
    return image


def _decode(image: ImageFile.ImageFile, largest: int) -> None:
    """Decode the first frame, for a JPEG at the smallest DCT scale still >= `largest`."""
    width, height = image.size
    longest = max(width, height)
    if longest > largest:
        # Requested per axis in proportion, so that the longest edge stays >= `largest`
        # (libjpeg picks 1/2, 1/4 or 1/8 so both axes stay >= the request). A square
        # request would block any scaling of a panorama by its short edge. Not a JPEG:
        # draft() does nothing, and `thumbnail` reduces after the full decode instead.
        # Ceiling division: rounding down could request less than `largest`.
        image.draft("RGB", (-(-width * largest // longest), -(-height * largest // longest)))
    try:
        # The first frame only: an animated GIF or WebP becomes a still thumbnail.
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # A GIF frame larger than the header's canvas is checked only when decoded.
        raise _too_many_pixels(error) from None
    except (OSError, SyntaxError, EOFError, ValueError) as error:
        # Truncated data ("image file is truncated"), broken streams, bad checksums.
        raise RejectedImageError(
            RejectionReason.CORRUPT, f"{type(error).__name__}: {error}"
        ) from None


def _too_many_pixels(error: Exception) -> RejectedImageError:
    # Pillow's error quotes twice the limit (where it raises rather than warns).
    return RejectedImageError(
        RejectionReason.TOO_MANY_PIXELS, f"more than {Image.MAX_IMAGE_PIXELS} pixels: {error}"
    )


def _normalise_mode(image: Image.Image, output_format: OutputFormat) -> Image.Image:
    """RGB, or RGBA when the image has transparency and the output format can keep it."""
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: convert() would clip every value above 255 to white.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.has_transparency_data:
        # Palette and greyscale transparency (tRNS, GIF transparent index) become alpha.
        rgba = image.convert("RGBA")
        if output_format is OutputFormat.JPEG:
            flattened = Image.new("RGB", rgba.size, JPEG_BACKGROUND)
            flattened.paste(rgba, mask=rgba.getchannel("A"))
            return flattened
        return rgba
    # CMYK (Pillow undoes Adobe's inverted CMYK while decoding), L, LA-less greyscale, P, 1.
    return image if image.mode == "RGB" else image.convert("RGB")


def _rgb_icc_profile(image: Image.Image) -> bytes | None:
    """The source's ICC profile when it still describes the thumbnail's pixels.

    Kept so that wide-gamut photos (Display P3 from phones) keep their colours; it holds
    no personal data. A CMYK or greyscale profile would be wrong for the RGB output, so
    it is dropped (bytes 16-19 of an ICC header name the profile's colour space).
    """
    profile = image.info.get("icc_profile")
    if isinstance(profile, bytes) and profile[16:20] == b"RGB " and image.mode in _RGB_MODES:
        return profile
    return None


def _encode(image: Image.Image, output_format: OutputFormat, icc_profile: bytes | None) -> bytes:
    options = WEBP_OPTIONS if output_format is OutputFormat.WEBP else JPEG_OPTIONS
    buffer = io.BytesIO()
    # exif, xmp and comments are written only when passed here, and they are not.
    image.save(buffer, format=output_format.pillow_format, icc_profile=icc_profile, **options)
    return buffer.getvalue()
