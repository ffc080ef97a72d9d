"""One object event from fetch to thumbnails or quarantine: the only module that calls S3.

Every step is idempotent, so a duplicate delivery or a retry after a failure part-way
writes the same keys again: thumbnails overwrite themselves; a quarantined upload is
gone from its key, so a second delivery finds nothing and succeeds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from thumbnailer.config import Settings
from thumbnailer.imaging import RejectedImageError, RejectionReason, Thumbnails, make_thumbnails
from thumbnailer.keys import parse_upload_key, quarantine_key, reason_key
from thumbnailer.s3_event import ObjectEvent

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Quarantined bytes are broken or hostile: stored as opaque bytes, so a presigned link
# to one can never make a browser render it. The original type is kept in the metadata.
QUARANTINE_CONTENT_TYPE = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class Thumbnailed:
    key: str
    thumbnail_keys: tuple[str, ...]
    result: Thumbnails


@dataclass(frozen=True, slots=True)
class Quarantined:
    key: str
    reason: RejectionReason
    detail: str
    quarantine_key: str


@dataclass(frozen=True, slots=True)
class Missing:
    """Deleted before it was processed (or quarantined by an earlier delivery)."""

    key: str


@dataclass(frozen=True, slots=True)
class Skipped:
    key: str
    why: str


Outcome = Thumbnailed | Quarantined | Missing | Skipped


@dataclass(frozen=True, slots=True)
class _Fetched:
    version_id: str | None
    size: int
    content_type: str
    data: bytes | None  # None when too large to read


def process_object(client: S3Client, settings: Settings, event: ObjectEvent) -> Outcome:
    """Thumbnail one uploaded object, or quarantine it; S3 errors other than a missing
    key propagate (the invocation fails and Lambda retries it)."""
    if not event.is_creation:
        return Skipped(event.key, f"{event.event_name} is not an object creation")
    upload = parse_upload_key(event.key)
    if upload is None:
        # The notification filters on uploads/ already; this is the second line against
        # a misconfigured filter ever feeding the function its own quarantine copies.
        return Skipped(event.key, "not an uploads/{owner_sub}/{upload_id}.{ext} key")
    fetched = _fetch(client, event, settings.max_object_bytes)
    if fetched is None:
        return Missing(event.key)
    if fetched.data is None:
        return _quarantine(
            client,
            settings,
            event,
            fetched,
            RejectedImageError(
                RejectionReason.TOO_LARGE,
                f"{fetched.size} bytes, more than the {settings.max_object_bytes} read",
            ),
        )
    try:
        result = make_thumbnails(fetched.data, settings.sizes, settings.output_format)
    except RejectedImageError as rejection:
        return _quarantine(client, settings, event, fetched, rejection)
    thumbnail_keys: list[str] = []
    for thumbnail in result.thumbnails:
        key = upload.thumbnail_key(thumbnail.size, settings.output_format)
        # No encryption arguments: the bucket's default encryption applies.
        client.put_object(
            Bucket=settings.thumbnail_bucket,
            Key=key,
            Body=thumbnail.data,
            ContentType=settings.output_format.content_type,
        )
        thumbnail_keys.append(key)
    return Thumbnailed(event.key, tuple(thumbnail_keys), result)


def _fetch(client: S3Client, event: ObjectEvent, max_bytes: int) -> _Fetched | None:
    try:
        response = client.get_object(Bucket=event.bucket, Key=event.key)
    except ClientError as error:
        # Only a missing key: a missing bucket or a denied read is a deployment fault
        # that must fail loudly, not be counted as a deleted upload.
        if error.response.get("Error", {}).get("Code") == "NoSuchKey":
            return None
        raise
    body = response["Body"]
    size = response["ContentLength"]
    if size > max_bytes:
        # The response headers are enough to decide; closing drops the connection
        # instead of streaming the object into memory.
        body.close()
        data = None
    else:
        with body:
            data = body.read()
    return _Fetched(
        version_id=response.get("VersionId"),
        size=size,
        content_type=response.get("ContentType", ""),
        data=data,
    )


def _quarantine(
    client: S3Client,
    settings: Settings,
    event: ObjectEvent,
    fetched: _Fetched,
    rejection: RejectedImageError,
) -> Quarantined:
    """Copy the upload under the quarantine prefix, write why next to it, then delete it.

    In that order, so a failure at any step leaves the original in place for the retry.
    """
    target = quarantine_key(settings.quarantine_prefix, event.key)
    client.copy_object(
        Bucket=event.bucket,
        Key=target,
        # The current version, not the one judged: naming a version would need
        # s3:GetObjectVersion, and an upload key (a fresh upload id) is written only once.
        CopySource={"Bucket": event.bucket, "Key": event.key},
        MetadataDirective="REPLACE",
        Metadata={
            "quarantine-reason": str(rejection.reason),
            "original-content-type": fetched.content_type,
        },
        ContentType=QUARANTINE_CONTENT_TYPE,
    )
    document = {
        "reason": str(rejection.reason),
        "detail": rejection.detail,
        "bucket": event.bucket,
        "key": event.key,
        "version_id": fetched.version_id,
        "size": fetched.size,
        "content_type": fetched.content_type,
        "quarantine_key": target,
        # From the event, not the clock: a redelivery writes the same document.
        "event_name": event.event_name,
        "event_time": event.event_time,
    }
    client.put_object(
        Bucket=event.bucket,
        Key=reason_key(settings.quarantine_prefix, event.key),
        Body=json.dumps(document, indent=2, sort_keys=True).encode("utf-8"),
        ContentType="application/json",
    )
    client.delete_object(Bucket=event.bucket, Key=event.key)
    return Quarantined(event.key, rejection.reason, rejection.detail, target)
