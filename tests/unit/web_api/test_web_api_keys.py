"""Object keys shared with the thumbnailer."""

from __future__ import annotations

import pytest

from web_api.models import ImageContentType
from web_api.uploads import thumbnail_prefix, upload_key

SUB = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
UPLOAD_ID = "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11"


@pytest.mark.parametrize(
    ("content_type", "key"),
    [
        (ImageContentType.JPEG, f"uploads/{SUB}/{UPLOAD_ID}.jpg"),
        (ImageContentType.PNG, f"uploads/{SUB}/{UPLOAD_ID}.png"),
        (ImageContentType.GIF, f"uploads/{SUB}/{UPLOAD_ID}.gif"),
        (ImageContentType.WEBP, f"uploads/{SUB}/{UPLOAD_ID}.webp"),
    ],
)
def test_upload_key(content_type: ImageContentType, key: str) -> None:
    assert upload_key(SUB, UPLOAD_ID, content_type) == key


def test_thumbnail_prefix() -> None:
    assert thumbnail_prefix(SUB, UPLOAD_ID) == f"thumbnails/{SUB}/{UPLOAD_ID}/"
