"""The pure image core on generated files: sizes, orientation, colour, metadata, rejects."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image, ImageChops, ImageFile, ImageStat

from tests.unit.thumbnailer import thumbnailer_images as images
from thumbnailer.config import OutputFormat
from thumbnailer.imaging import (
    RejectedImageError,
    RejectionReason,
    Thumbnails,
    make_thumbnails,
)

SIZES = (512, 128)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def thumbnails_of(
    data: bytes, sizes: tuple[int, ...] = SIZES, output_format: OutputFormat = OutputFormat.WEBP
) -> Thumbnails:
    return make_thumbnails(data, sizes, output_format)


def rejection_of(data: bytes) -> RejectedImageError:
    with pytest.raises(RejectedImageError) as caught:
        thumbnails_of(data)
    return caught.value


# ---- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "height"), [(2000, 1000), (1000, 2000), (1500, 1500), (3000, 7), (641, 479)]
)
def test_longest_edge_equals_each_size_and_aspect_ratio_is_kept(width: int, height: int) -> None:
    result = thumbnails_of(images.encode(images.gradient((width, height)), "PNG"))

    assert [thumbnail.size for thumbnail in result.thumbnails] == [512, 128]
    for thumbnail in result.thumbnails:
        assert max(thumbnail.width, thumbnail.height) == thumbnail.size
        # Rounded to whole pixels (at least one): within one pixel of the exact ratio.
        exact_short_edge = min(width, height) * thumbnail.size / max(width, height)
        assert abs(min(thumbnail.width, thumbnail.height) - max(1, exact_short_edge)) <= 1
        assert (thumbnail.width >= thumbnail.height) == (width >= height)
        assert decoded(thumbnail.data).size == (thumbnail.width, thumbnail.height)


def test_small_images_are_never_upscaled() -> None:
    result = thumbnails_of(images.jpeg(images.gradient((100, 60))))

    assert [(t.size, t.width, t.height) for t in result.thumbnails] == [
        (512, 100, 60),
        (128, 100, 60),
    ]


def test_sizes_come_out_largest_first_whatever_the_order_given() -> None:
    result = thumbnails_of(images.jpeg(), sizes=(64, 256, 128))

    assert [thumbnail.size for thumbnail in result.thumbnails] == [256, 128, 64]


def test_no_sizes_is_a_programming_error_not_a_rejection() -> None:
    with pytest.raises(ValueError, match="sizes"):
        thumbnails_of(images.jpeg(), sizes=())


# ---- the JPEG fast path ----------------------------------------------------------------------


def test_large_jpeg_is_decoded_at_a_reduced_scale_still_covering_the_largest_size() -> None:
    result = thumbnails_of(images.jpeg(images.gradient((2400, 1600))), sizes=(256, 64))

    assert result.source_size == (2400, 1600)
    # 1/8 is the smallest DCT scale whose longest edge (300) still covers 256.
    assert result.decoded_size == (300, 200)
    assert [(t.width, t.height) for t in result.thumbnails] == [(256, 171), (64, 43)]


def test_largest_size_decides_the_scale() -> None:
    result = thumbnails_of(images.jpeg(images.gradient((2400, 1600))), sizes=(700, 64))

    # 1/2 is the smallest scale whose longest edge covers 700 (1/4 would give 600).
    assert result.decoded_size == (1200, 800)


def test_panorama_is_scaled_by_its_long_edge_not_its_short_one() -> None:
    # A square draft request (256, 256) would allow only 1/2 here (512 // 256).
    result = thumbnails_of(images.jpeg(images.gradient((4096, 512))), sizes=(256,))

    assert result.decoded_size == (512, 64)
    assert (result.thumbnails[0].width, result.thumbnails[0].height) == (256, 32)


def test_fast_path_skips_the_full_size_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded_sizes: list[tuple[int, int]] = []
    original_load = ImageFile.ImageFile.load

    def spying_load(image: ImageFile.ImageFile) -> object:
        if image.tile:  # pixel data still to decode; later calls return what is loaded
            decoded_sizes.append(image.size)
        return original_load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spying_load)

    thumbnails_of(images.jpeg(images.gradient((3200, 2400))))

    assert decoded_sizes == [(800, 600)]


def test_fast_path_matches_a_full_decode_closely() -> None:
    source = images.gradient((2400, 1600))
    result = thumbnails_of(images.jpeg(source, quality=95), sizes=(256,))
    reference = source.resize((256, 171), Image.Resampling.LANCZOS)

    produced = decoded(result.thumbnails[0].data).convert("RGB")
    difference = ImageStat.Stat(ImageChops.difference(produced, reference)).mean

    # Mean absolute difference per channel, out of 255: WebP q80 alone accounts for ~1.
    assert max(difference) < 3


def test_non_jpeg_is_decoded_at_full_size() -> None:
    result = thumbnails_of(images.encode(images.gradient((1200, 900)), "PNG"))

    assert result.decoded_size == result.source_size == (1200, 900)


# ---- orientation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "red_corner"),
    [
        (1, "top_left"),
        # 6: the camera was turned clockwise; shown rotated 90 degrees clockwise.
        (6, "top_right"),
        # 8: turned the other way; shown rotated 90 degrees counter-clockwise.
        (8, "bottom_left"),
        (3, "bottom_right"),
    ],
)
def test_exif_orientation_is_applied(orientation: int, red_corner: str) -> None:
    data = images.jpeg(images.marked((800, 400)), orientation=orientation)

    result = thumbnails_of(data, sizes=(200,))

    thumbnail = decoded(result.thumbnails[0].data).convert("RGB")
    expected_size = (100, 200) if orientation in (6, 8) else (200, 100)
    assert thumbnail.size == expected_size
    width, height = thumbnail.size
    corners = {
        "top_left": (width // 8, height // 8),
        "top_right": (width - 1 - width // 8, height // 8),
        "bottom_left": (width // 8, height - 1 - height // 8),
        "bottom_right": (width - 1 - width // 8, height - 1 - height // 8),
    }
    for corner, position in corners.items():
        red, _, blue = thumbnail.getpixel(position)  # type: ignore[misc]
        assert (red > blue) == (corner == red_corner), corner
    # The orientation was applied to the pixels, so no tag may rotate them again.
    assert images.EXIF_ORIENTATION not in thumbnail.getexif()


# ---- colour modes ----------------------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb_with_the_same_colour() -> None:
    result = thumbnails_of(images.cmyk_jpeg(), sizes=(64,), output_format=OutputFormat.JPEG)

    assert result.source_mode == "CMYK"
    thumbnail = decoded(result.thumbnails[0].data)
    assert thumbnail.mode == "RGB"
    red, green, blue = thumbnail.getpixel((32, 20))  # type: ignore[misc]
    assert (red > 230, green < 30, blue < 30) == (True, True, True)


@pytest.mark.parametrize(
    "build", [images.rgba_png, images.palette_png_with_transparency, images.la_png]
)
def test_webp_keeps_transparency(build: Callable[[], bytes]) -> None:
    result = thumbnails_of(build(), sizes=(100,))

    thumbnail = decoded(result.thumbnails[0].data)
    assert thumbnail.format == "WEBP"
    assert thumbnail.mode == "RGBA"
    assert thumbnail.getpixel((10, 30))[3] == 255  # type: ignore[index]
    assert thumbnail.getpixel((90, 30))[3] == 0  # type: ignore[index]


@pytest.mark.parametrize(
    "build", [images.rgba_png, images.palette_png_with_transparency, images.la_png]
)
def test_jpeg_flattens_transparency_onto_white(build: Callable[[], bytes]) -> None:
    result = thumbnails_of(build(), sizes=(100,), output_format=OutputFormat.JPEG)

    thumbnail = decoded(result.thumbnails[0].data)
    assert thumbnail.format == "JPEG"
    assert thumbnail.mode == "RGB"
    assert min(thumbnail.getpixel((90, 30))) > 245  # type: ignore[type-var]
    assert thumbnail.getpixel((10, 30)) != thumbnail.getpixel((90, 30))


def test_palette_without_transparency_is_not_given_alpha() -> None:
    image = Image.new("P", (40, 30), 1)
    image.putpalette([*images.GREEN, *images.RED] + [0, 0, 0] * 254)

    result = thumbnails_of(images.encode(image, "PNG"), sizes=(20,))

    thumbnail = decoded(result.thumbnails[0].data)
    assert thumbnail.mode == "RGB"
    red, green, _ = thumbnail.getpixel((10, 7))  # type: ignore[misc]
    assert (red > 200, green < 50) == (True, True)


def test_16bit_greyscale_is_scaled_not_clipped_to_white() -> None:
    result = thumbnails_of(images.grey_16bit_png(value=30_000), sizes=(50,))

    grey = decoded(result.thumbnails[0].data).convert("L").getpixel((10, 10))
    assert isinstance(grey, int)
    assert abs(grey - 30_000 // 256) <= 3


def test_animated_gif_gives_its_first_frame() -> None:
    result = thumbnails_of(images.animated_gif(), sizes=(60,))

    assert result.source_format == "GIF"
    thumbnail = decoded(result.thumbnails[0].data).convert("RGB")
    red, green, _ = thumbnail.getpixel((30, 20))  # type: ignore[misc]
    assert (red > 230, green < 30) == (True, True)


@pytest.mark.parametrize(("build", "image_format"), [(images.mpo, "MPO"), (images.webp, "WEBP")])
def test_other_accepted_formats(build: Callable[[], bytes], image_format: str) -> None:
    result = thumbnails_of(build(), sizes=(100,))

    assert result.source_format == image_format
    assert decoded(result.thumbnails[0].data).size[0] == 100


# ---- output format and metadata ------------------------------------------------------------


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_output_is_in_the_configured_format(output_format: OutputFormat) -> None:
    result = thumbnails_of(images.jpeg(), output_format=output_format)

    for thumbnail in result.thumbnails:
        assert decoded(thumbnail.data).format == output_format.pillow_format


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_exif_xmp_and_comments_are_stripped(output_format: OutputFormat) -> None:
    source = decoded(images.jpeg_with_private_metadata())
    assert source.getexif().get_ifd(images.EXIF_GPS_IFD)
    assert {"xmp", "comment"} <= source.info.keys()

    result = thumbnails_of(images.jpeg_with_private_metadata(), output_format=output_format)

    for thumbnail in result.thumbnails:
        image = decoded(thumbnail.data)
        assert not image.getexif()
        assert not {"exif", "xmp", "comment"} & image.info.keys()
        assert b"GPS" not in thumbnail.data
        assert b"taken at home" not in thumbnail.data


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_an_rgb_colour_profile_is_kept(output_format: OutputFormat) -> None:
    profile = images.rgb_icc_profile()
    data = images.jpeg(icc_profile=profile)

    result = thumbnails_of(data, sizes=(64,), output_format=output_format)

    assert decoded(result.thumbnails[0].data).info.get("icc_profile") == profile


@pytest.mark.parametrize(
    ("mode", "colour_space"),
    [
        pytest.param("CMYK", b"CMYK", id="cmyk-image"),
        pytest.param("L", b"GRAY", id="grey-image"),
        # Malformed files: the profile and the pixels disagree; neither fits RGB output.
        pytest.param("RGB", b"GRAY", id="rgb-image-grey-profile"),
        pytest.param("L", b"RGB ", id="grey-image-rgb-profile"),
    ],
)
def test_a_profile_that_does_not_describe_rgb_pixels_is_dropped(
    mode: str, colour_space: bytes
) -> None:
    # Pillow does not check the profiles it writes: a wrong one would shift every colour.
    profile = images.with_colour_space(images.rgb_icc_profile(), colour_space)
    data = images.encode(Image.new(mode, (80, 60)), "JPEG", icc_profile=profile)
    assert decoded(data).info["icc_profile"] == profile

    result = thumbnails_of(data, sizes=(64,))

    assert "icc_profile" not in decoded(result.thumbnails[0].data).info


def test_same_input_gives_the_same_bytes() -> None:
    data = images.jpeg(orientation=6)

    assert thumbnails_of(data) == thumbnails_of(data)


# ---- rejections ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(images.TEXT_FILE, RejectionReason.NOT_AN_IMAGE, id="text-named-jpg"),
        pytest.param(b"", RejectionReason.NOT_AN_IMAGE, id="zero-bytes"),
        pytest.param(images.bmp(), RejectionReason.UNSUPPORTED_FORMAT, id="bmp"),
        pytest.param(images.truncated(images.jpeg()), RejectionReason.CORRUPT, id="truncated-jpeg"),
        pytest.param(
            images.truncated(images.encode(images.gradient((300, 200)), "PNG")),
            RejectionReason.CORRUPT,
            id="truncated-png",
        ),
        pytest.param(images.png_with_text_bomb(), RejectionReason.CORRUPT, id="png-text-bomb"),
        pytest.param(
            images.encode(images.gradient((30, 20)), "PNG")[:20],
            RejectionReason.CORRUPT,
            id="png-cut-in-its-header",
        ),
        pytest.param(
            images.png_claiming(100_000, 100_000), RejectionReason.TOO_MANY_PIXELS, id="bomb"
        ),
    ],
)
def test_bad_input_is_rejected_with_its_reason(data: bytes, reason: RejectionReason) -> None:
    rejection = rejection_of(data)

    assert rejection.reason is reason
    assert rejection.detail


def test_pixel_limit_is_judged_on_the_header_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail_load(image: ImageFile.ImageFile) -> None:
        raise AssertionError("decoded an image that claims 10^10 pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", fail_load)

    assert (
        rejection_of(images.png_claiming(100_000, 100_000)).reason
        is RejectionReason.TOO_MANY_PIXELS
    )


def test_pixel_limit_is_exact(pixel_limit: Callable[[int], None]) -> None:
    pixel_limit(100 * 100)
    exactly = images.encode(images.gradient((100, 100)), "PNG")
    # Above the limit but below twice it: Pillow only warns there, which must reject too.
    one_row_more = images.encode(images.gradient((100, 101)), "PNG")

    assert thumbnails_of(exactly, sizes=(10,)).thumbnails
    assert rejection_of(one_row_more).reason is RejectionReason.TOO_MANY_PIXELS


def test_pixel_limit_applies_to_jpeg_before_its_reduced_decode(
    pixel_limit: Callable[[int], None],
) -> None:
    pixel_limit(1000 * 1000)

    rejection = rejection_of(images.jpeg(images.gradient((2000, 1000))))

    assert rejection.reason is RejectionReason.TOO_MANY_PIXELS


def test_truncated_file_is_not_padded_with_grey(pixel_limit: Callable[[int], None]) -> None:
    # Pillow's LOAD_TRUNCATED_IMAGES would accept it; the cold start switches it off.
    ImageFile.LOAD_TRUNCATED_IMAGES = True  # the autouse fixture restores it afterwards
    pixel_limit(40_000_000)

    assert rejection_of(images.truncated(images.jpeg())).reason is RejectionReason.CORRUPT
