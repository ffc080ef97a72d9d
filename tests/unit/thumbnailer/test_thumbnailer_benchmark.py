"""The thumbnailer benchmark compares implementations that make the same thumbnails.

No timing is asserted (figures come from `make bench`): this checks that the naive
baseline is a fair one (same sizes, nearly the same pixels) and that the memory probe
sees a full-size decode that the project's path avoids.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from benchmarks import thumbnailer as bench


@pytest.fixture(scope="module")
def photo() -> bytes:
    return bench.photo_jpeg((1600, 1200))


def test_photo_is_a_jpeg_of_the_requested_size(photo: bytes) -> None:
    image = Image.open(io.BytesIO(photo))
    assert (image.format, image.size) == ("JPEG", (1600, 1200))


def test_project_and_naive_make_the_same_sizes_and_nearly_the_same_pixels(photo: bytes) -> None:
    sizes, mean_difference = bench.check_agreement(photo)

    assert sizes == [(512, 384), (128, 96)]
    # Out of 255 levels; the photo's noise is where two resampling filters differ most
    # (the 12 MP photo of the benchmark gives ~1.2), a wrong image gives tens.
    assert mean_difference < 6


def test_disagreeing_sizes_are_refused(photo: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "run_naive", lambda data: bench.run_project(data, sizes=(500, 128)))

    with pytest.raises(bench.ImplementationsDisagreeError, match=r"naive \[\(500, 375\)"):
        bench.check_agreement(photo)


def test_memory_probe_sees_the_full_size_decode(photo: bytes, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo)

    naive = bench.measure_memory("naive", path)
    project = bench.measure_memory("project", path)

    # Pillow holds RGB as 4 bytes a pixel: 1600x1200 is 7.3 MiB decoded at full size.
    assert naive.added_mib > 7
    assert project.added_mib < naive.added_mib / 2
