"""Presigned uploads into the uploads bucket and presigned links to finished thumbnails.

Key layout (shared with the thumbnailer):
    uploads bucket:    uploads/{owner_sub}/{upload_id}.{ext}
    thumbnails bucket: thumbnails/{owner_sub}/{upload_id}/{size}.{webp|jpg}
The owner is part of every key and comes from the caller's token, so a presigned POST
can only ever write under the caller's own prefix.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from web_api.models import ImageContentType, Thumbnails, UploadTicket

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

UPLOADS_PREFIX = "uploads/"
THUMBNAILS_PREFIX = "thumbnails/"


def upload_key(owner_sub: str, upload_id: str, content_type: ImageContentType) -> str:
    return f"{UPLOADS_PREFIX}{owner_sub}/{upload_id}.{content_type.extension}"


def thumbnail_prefix(owner_sub: str, upload_id: str) -> str:
    return f"{THUMBNAILS_PREFIX}{owner_sub}/{upload_id}/"


class UploadService:
    def __init__(
        self,
        client: S3Client,
        *,
        uploads_bucket: str,
        thumbnails_bucket: str,
        max_upload_bytes: int,
        url_expiry_seconds: int,
        thumbnail_sizes: tuple[int, ...],
        thumbnail_extension: str,
    ) -> None:
        self._client = client
        self._uploads_bucket = uploads_bucket
        self._thumbnails_bucket = thumbnails_bucket
        self._max_upload_bytes = max_upload_bytes
        self._expiry = url_expiry_seconds
        self._thumbnail_sizes = thumbnail_sizes
        self._thumbnail_extension = thumbnail_extension

    def issue_upload(self, owner_sub: str, content_type: ImageContentType) -> UploadTicket:
        """A presigned POST that accepts exactly one object: this key, type and size range."""
        upload_id = str(uuid.uuid4())
        key = upload_key(owner_sub, upload_id, content_type)
        # boto3 adds the bucket and the exact-key conditions itself (the key has no
        # ${filename}); the policy pins the rest, so the browser cannot choose another
        # type, an empty file or one above the limit.
        post = self._client.generate_presigned_post(
            Bucket=self._uploads_bucket,
            Key=key,
            Fields={"Content-Type": content_type.value},
            Conditions=[
                {"Content-Type": content_type.value},
                ["content-length-range", 1, self._max_upload_bytes],
            ],
            ExpiresIn=self._expiry,
        )
        return UploadTicket(
            upload_id=upload_id,
            key=key,
            url=post["url"],
            fields={name: str(value) for name, value in post["fields"].items()},
        )

    def thumbnails(self, owner_sub: str, upload_id: str) -> Thumbnails | None:
        """Presigned GET URLs of the thumbnails made so far, keyed by size.

        None when there are none and the caller never uploaded this id (or the upload was
        quarantined): the route answers 404. An empty result means "still processing".
        """
        prefix = thumbnail_prefix(owner_sub, upload_id)
        wanted = {
            f"{prefix}{size}.{self._thumbnail_extension}": str(size)
            for size in self._thumbnail_sizes
        }
        # One listing instead of a HEAD per size; the prefix holds at most a few objects.
        listing = self._client.list_objects_v2(Bucket=self._thumbnails_bucket, Prefix=prefix)
        found = {
            wanted[entry["Key"]]: self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self._thumbnails_bucket, "Key": entry["Key"]},
                ExpiresIn=self._expiry,
            )
            for entry in listing.get("Contents", [])
            if entry["Key"] in wanted
        }
        if not found and not self._upload_exists(owner_sub, upload_id):
            return None
        return Thumbnails(thumbnails=dict(sorted(found.items(), key=lambda pair: int(pair[0]))))

    def _upload_exists(self, owner_sub: str, upload_id: str) -> bool:
        # The extension is not known here, so the key is looked up by its prefix.
        listing = self._client.list_objects_v2(
            Bucket=self._uploads_bucket,
            Prefix=f"{UPLOADS_PREFIX}{owner_sub}/{upload_id}.",
            MaxKeys=1,
        )
        return listing.get("KeyCount", 0) > 0
