"""Fixtures for the thumbnailer's unit tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image, ImageFile

from thumbnailer.config import DEFAULT_MAX_IMAGE_PIXELS
from thumbnailer.imaging import configure_pillow


@pytest.fixture(autouse=True)
def pixel_limit(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Pillow's limits are process-wide: set the function's default, restore after."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", ImageFile.LOAD_TRUNCATED_IMAGES)
    configure_pillow(DEFAULT_MAX_IMAGE_PIXELS)
    return configure_pillow
