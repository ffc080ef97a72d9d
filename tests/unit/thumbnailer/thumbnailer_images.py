"""Image files generated in memory for the thumbnailer tests: no binary fixtures in the repo.

Imported as ``tests.unit.thumbnailer.thumbnailer_images`` by the unit and handler tests
alike (the repository root is on pytest's python path; test folders have no __init__.py).
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from PIL import Image, ImageCms, PngImagePlugin

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 255, 0)
EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825
GPS_LATITUDE = 2
XMP_PACKET = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="52,31.1N"/></rdf:RDF></x:xmpmeta>'
)


def encode(image: Image.Image, image_format: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def gradient(size: tuple[int, int]) -> Image.Image:
    """A smooth RGB image: red changes along the width, green along the height."""
    vertical = Image.linear_gradient("L")
    red = vertical.transpose(Image.Transpose.ROTATE_90).resize(size)
    return Image.merge("RGB", (red, vertical.resize(size), Image.new("L", size, 128)))


def marked(size: tuple[int, int]) -> Image.Image:
    """Blue with a red top-left quadrant, to see where the top-left corner ends up."""
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1] // 2))
    return image


def jpeg(
    image: Image.Image | None = None, *, orientation: int | None = None, **options: Any
) -> bytes:
    image = image if image is not None else gradient((640, 480))
    if orientation is not None:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        options["exif"] = exif.tobytes()
    return encode(image, "JPEG", **{"quality": 90, **options})


def jpeg_with_private_metadata() -> bytes:
    """EXIF with a GPS position, an XMP packet with one too, and a JPEG comment."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 1
    exif.get_ifd(EXIF_GPS_IFD)[GPS_LATITUDE] = (52.0, 31.0, 6.0)
    return encode(
        gradient((640, 480)),
        "JPEG",
        quality=90,
        exif=exif.tobytes(),
        xmp=XMP_PACKET,
        comment=b"taken at home",
    )


def cmyk_jpeg(size: tuple[int, int] = (300, 200)) -> bytes:
    # C=0 M=100% Y=100% K=0 is red.
    return encode(Image.new("CMYK", size, (0, 255, 255, 0)), "JPEG", quality=95)


def rgb_icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def with_colour_space(profile: bytes, colour_space: bytes) -> bytes:
    """The profile with another data colour space in its header (bytes 16-19)."""
    return profile[:16] + colour_space + profile[20:]


def rgba_png(size: tuple[int, int] = (400, 300)) -> bytes:
    """Left half opaque red, right half fully transparent."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, size[0] // 2, size[1]))
    return encode(image, "PNG")


def palette_png_with_transparency(size: tuple[int, int] = (400, 300)) -> bytes:
    """A palette image whose index 0 is transparent (tRNS), left half index 1 (red)."""
    image = Image.new("P", size, 0)
    image.putpalette([*GREEN, *RED] + [0, 0, 0] * 254)
    image.paste(1, (0, 0, size[0] // 2, size[1]))
    return encode(image, "PNG", transparency=0)


def la_png(size: tuple[int, int] = (400, 300)) -> bytes:
    """Grey with alpha: left half opaque mid-grey, right half transparent."""
    image = Image.new("LA", size, (0, 0))
    image.paste((128, 255), (0, 0, size[0] // 2, size[1]))
    return encode(image, "PNG")


def grey_16bit_png(size: tuple[int, int] = (200, 100), value: int = 30_000) -> bytes:
    return encode(Image.new("I;16", size, value), "PNG")


def animated_gif(size: tuple[int, int] = (300, 200)) -> bytes:
    """Two frames: red, then green."""
    first, second = Image.new("RGB", size, RED), Image.new("RGB", size, GREEN)
    return encode(first, "GIF", save_all=True, append_images=[second], duration=100, loop=0)


def mpo(size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A multi-picture JPEG, as phones write with a second (depth) image."""
    return encode(gradient(size), "MPO", save_all=True, append_images=[Image.new("RGB", size)])


def webp(size: tuple[int, int] = (400, 300)) -> bytes:
    return encode(gradient(size), "WEBP", quality=90)


def bmp(size: tuple[int, int] = (40, 30)) -> bytes:
    return encode(gradient(size), "BMP")


def png_claiming(width: int, height: int) -> bytes:
    """A valid 1x1 PNG whose IHDR is rewritten to claim width x height (CRC recomputed).

    Its pixel data still holds a single pixel: decoding it would fail as corrupt, so
    being rejected for its size shows the header was judged before any decoding.
    """
    original = encode(Image.new("RGB", (1, 1)), "PNG")
    ihdr_start = 8  # after the PNG signature; the IHDR chunk always comes first
    length, chunk_type = struct.unpack(">I4s", original[ihdr_start : ihdr_start + 8])
    assert (chunk_type, length) == (b"IHDR", 13)
    data = struct.pack(">II", width, height) + original[ihdr_start + 16 : ihdr_start + 8 + 13]
    crc = struct.pack(">I", zlib.crc32(chunk_type + data))
    return original[: ihdr_start + 8] + data + crc + original[ihdr_start + 8 + 13 + 4 :]


def png_with_text_bomb() -> bytes:
    """A tiny PNG whose compressed text chunk inflates past Pillow's limit."""
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "a" * (PngImagePlugin.MAX_TEXT_CHUNK + 1), zip=True)
    return encode(Image.new("RGB", (4, 4)), "PNG", pnginfo=info)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


TEXT_FILE = b"Dear diary, this is not a picture even if it is named photo.jpg.\n"
