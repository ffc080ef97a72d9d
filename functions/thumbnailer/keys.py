"""Object keys: the upload layout the API issues, and where thumbnails and quarantine go."""

from __future__ import annotations

import re
from dataclasses import dataclass

from thumbnailer.config import UPLOADS_PREFIX, OutputFormat

# uploads/{owner_sub}/{upload_id}.{ext}, as the API's presigned POST fixes it. Neither
# id contains "/", so the upload id is everything up to the last dot.
_UPLOAD_KEY = re.compile(
    rf"{re.escape(UPLOADS_PREFIX)}(?P<owner_sub>[^/]+)/(?P<upload_id>[^/]+)\.[^./]+"
)


@dataclass(frozen=True, slots=True)
class UploadKey:
    key: str
    owner_sub: str
    upload_id: str

    def thumbnail_key(self, size: int, output_format: OutputFormat) -> str:
        return f"thumbnails/{self.owner_sub}/{self.upload_id}/{size}.{output_format.extension}"


def parse_upload_key(key: str) -> UploadKey | None:
    """The upload's owner and id, or None for a key outside the upload layout."""
    match = _UPLOAD_KEY.fullmatch(key)
    if match is None:
        return None
    return UploadKey(key=key, owner_sub=match["owner_sub"], upload_id=match["upload_id"])


def quarantine_key(quarantine_prefix: str, key: str) -> str:
    """Where a rejected upload is copied: its own key under the quarantine prefix."""
    return f"{quarantine_prefix}{key}"


def reason_key(quarantine_prefix: str, key: str) -> str:
    """The JSON document that says why, next to the quarantined copy."""
    return f"{quarantine_key(quarantine_prefix, key)}.reason.json"
