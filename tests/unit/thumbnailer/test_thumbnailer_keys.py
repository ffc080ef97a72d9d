from __future__ import annotations

import pytest

from thumbnailer.config import OutputFormat
from thumbnailer.keys import UploadKey, parse_upload_key, quarantine_key, reason_key
from thumbnailer.s3_event import S3Event, object_events

OWNER = "8c1f2e4a-1111-4a2b-9c3d-0123456789ab"
UPLOAD = "2d7e9b1c-2222-4f5e-8a9b-abcdef012345"


def test_upload_key_names_owner_and_upload() -> None:
    upload = parse_upload_key(f"uploads/{OWNER}/{UPLOAD}.jpg")

    assert upload == UploadKey(f"uploads/{OWNER}/{UPLOAD}.jpg", OWNER, UPLOAD)
    assert upload.thumbnail_key(128, OutputFormat.WEBP) == f"thumbnails/{OWNER}/{UPLOAD}/128.webp"
    assert upload.thumbnail_key(512, OutputFormat.JPEG) == f"thumbnails/{OWNER}/{UPLOAD}/512.jpg"


def test_upload_id_is_everything_before_the_last_dot() -> None:
    upload = parse_upload_key("uploads/owner 1/my photo+v1.final.png")

    assert upload is not None
    assert (upload.owner_sub, upload.upload_id) == ("owner 1", "my photo+v1.final")


@pytest.mark.parametrize(
    "key",
    [
        "uploads/no-owner.jpg",
        "uploads/owner/nested/upload.jpg",
        "uploads/owner/no-extension",
        "uploads/owner/.jpg",
        "quarantine/uploads/owner/upload.jpg",
        "thumbnails/owner/upload/128.webp",
        "Uploads/owner/upload.jpg",
    ],
)
def test_keys_outside_the_upload_layout(key: str) -> None:
    assert parse_upload_key(key) is None


def test_quarantine_keys_keep_the_original_key() -> None:
    key = f"uploads/{OWNER}/{UPLOAD}.jpg"

    assert quarantine_key("quarantine/", key) == f"quarantine/uploads/{OWNER}/{UPLOAD}.jpg"
    assert reason_key("quarantine/", key) == f"quarantine/uploads/{OWNER}/{UPLOAD}.jpg.reason.json"


def test_event_keys_are_url_decoded() -> None:
    # S3 encodes keys like a form: space as "+", a literal "+" as "%2B".
    event: S3Event = {
        "Records": [
            {
                "eventTime": "2024-03-07T09:15:00.250Z",
                "eventName": "ObjectCreated:Post",
                "s3": {
                    "bucket": {"name": "uploads-bucket"},
                    "object": {"key": "uploads/owner+1/photo%2Bv1%C3%A9.jpg", "size": 10},
                },
            }
        ]
    }

    (object_event,) = object_events(event)

    assert object_event.key == "uploads/owner 1/photo+v1é.jpg"
    assert object_event.bucket == "uploads-bucket"
    assert object_event.is_creation


def test_event_without_records_is_empty() -> None:
    # The shape of the s3:TestEvent S3 sends when a notification is configured.
    assert object_events({}) == []
