"""The handler against moto S3 with events shaped as S3 delivers them."""

from __future__ import annotations

import dataclasses
import io
import json
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError
from PIL import Image
from thumbnailer_events import (
    EVENT_TIME,
    THUMBNAILS_BUCKET,
    UPLOADS_BUCKET,
    import_handler_fresh,
    s3_event,
)

from lambda_common.settings import ConfigurationError
from tests.handlers.stream_processor.stream_processor_events import FakeLambdaContext
from tests.unit.thumbnailer import thumbnailer_images as images

OWNER = "8c1f2e4a-1111-4a2b-9c3d-0123456789ab"
UPLOAD_ID = "2d7e9b1c-2222-4f5e-8a9b-abcdef012345"
KEY = f"uploads/{OWNER}/{UPLOAD_ID}.jpg"

# An invocation that fails (or gets no record) has no metric to flush, and Powertools
# says so; that is the expected outcome of those tests, not a problem.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish:UserWarning")


def upload(
    s3: Any, data: bytes, key: str = KEY, content_type: str = "image/jpeg"
) -> dict[str, Any]:
    """Put an object as the browser's presigned POST would, and return S3's notification."""
    response = s3.put_object(Bucket=UPLOADS_BUCKET, Key=key, Body=data, ContentType=content_type)
    return s3_event(
        key, size=len(data), etag=response["ETag"].strip('"'), version_id=response["VersionId"]
    )


def invoke(handler: ModuleType, event: dict[str, Any]) -> None:
    assert handler.lambda_handler(event, FakeLambdaContext(function_name="thumbnailer")) is None


def objects(s3: Any, bucket: str) -> dict[str, bytes]:
    listing = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        for item in listing
    }


def thumbnail_keys(owner: str = OWNER, upload_id: str = UPLOAD_ID, ext: str = "webp") -> set[str]:
    return {f"thumbnails/{owner}/{upload_id}/{size}.{ext}" for size in (128, 512)}


def emitted_metrics(output: str) -> list[dict[str, Any]]:
    """The CloudWatch EMF documents Powertools printed."""
    documents = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [document for document in documents if "_aws" in document]


# ---- images become thumbnails ----------------------------------------------------------------


def test_upload_gets_one_thumbnail_per_size(handler: ModuleType, s3: Any) -> None:
    event = upload(s3, images.jpeg(images.gradient((1600, 1200))))

    invoke(handler, event)

    thumbnails = objects(s3, THUMBNAILS_BUCKET)
    assert set(thumbnails) == thumbnail_keys()
    for size in (128, 512):
        key = f"thumbnails/{OWNER}/{UPLOAD_ID}/{size}.webp"
        assert s3.head_object(Bucket=THUMBNAILS_BUCKET, Key=key)["ContentType"] == "image/webp"
        image = Image.open(io.BytesIO(thumbnails[key]))
        assert (image.format, image.size) == ("WEBP", (size, size * 3 // 4))
    # The upload itself stays where it is: the API serves it to its owner.
    assert set(objects(s3, UPLOADS_BUCKET)) == {KEY}


def test_jpeg_output_when_configured(
    aws: None, handler_environment: None, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THUMBNAIL_FORMAT", "JPEG")
    monkeypatch.setenv("THUMBNAIL_SIZES", "64")
    handler = import_handler_fresh()

    invoke(handler, upload(s3, images.rgba_png(), key=f"uploads/{OWNER}/{UPLOAD_ID}.png"))

    key = f"thumbnails/{OWNER}/{UPLOAD_ID}/64.jpg"
    assert set(objects(s3, THUMBNAILS_BUCKET)) == {key}
    response = s3.get_object(Bucket=THUMBNAILS_BUCKET, Key=key)
    assert response["ContentType"] == "image/jpeg"
    assert Image.open(io.BytesIO(response["Body"].read())).format == "JPEG"


def test_url_encoded_key_with_spaces_and_plus_signs(handler: ModuleType, s3: Any) -> None:
    key = "uploads/owner 1/holiday+beach photo.jpg"
    event = upload(s3, images.jpeg())
    event = upload(s3, images.jpeg(), key=key)
    assert event["Records"][0]["s3"]["object"]["key"] == "uploads/owner+1/holiday%2Bbeach+photo.jpg"

    invoke(handler, event)

    assert set(objects(s3, THUMBNAILS_BUCKET)) == thumbnail_keys("owner 1", "holiday+beach photo")


def test_orientation_is_applied_end_to_end(handler: ModuleType, s3: Any) -> None:
    invoke(handler, upload(s3, images.jpeg(images.gradient((800, 600)), orientation=6)))

    data = objects(s3, THUMBNAILS_BUCKET)[f"thumbnails/{OWNER}/{UPLOAD_ID}/512.webp"]
    assert Image.open(io.BytesIO(data)).size == (384, 512)


def test_duplicate_delivery_overwrites_the_same_keys(handler: ModuleType, s3: Any) -> None:
    event = upload(s3, images.jpeg())

    invoke(handler, event)
    first = objects(s3, THUMBNAILS_BUCKET)
    invoke(handler, event)

    assert objects(s3, THUMBNAILS_BUCKET) == first
    versions = s3.list_object_versions(Bucket=THUMBNAILS_BUCKET)["Versions"]
    assert sorted(version["Key"] for version in versions) == sorted(2 * list(thumbnail_keys()))


def test_animated_gif_upload(handler: ModuleType, s3: Any) -> None:
    key = f"uploads/{OWNER}/{UPLOAD_ID}.gif"

    invoke(handler, upload(s3, images.animated_gif(), key=key, content_type="image/gif"))

    assert set(objects(s3, THUMBNAILS_BUCKET)) == thumbnail_keys()


# ---- bad files are quarantined ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(images.TEXT_FILE, "not_an_image", id="text-named-jpg"),
        pytest.param(b"", "not_an_image", id="zero-bytes"),
        pytest.param(images.truncated(images.jpeg()), "corrupt", id="truncated-jpeg"),
        pytest.param(images.png_claiming(100_000, 100_000), "too_many_pixels", id="bomb"),
        pytest.param(images.bmp(), "unsupported_format", id="bmp"),
    ],
)
def test_bad_upload_is_quarantined_with_its_reason(
    handler: ModuleType, s3: Any, data: bytes, reason: str
) -> None:
    event = upload(s3, data)

    invoke(handler, event)

    quarantine_key = f"quarantine/{KEY}"
    assert objects(s3, UPLOADS_BUCKET).keys() == {quarantine_key, f"{quarantine_key}.reason.json"}
    copy = s3.get_object(Bucket=UPLOADS_BUCKET, Key=quarantine_key)
    assert copy["Body"].read() == data
    assert copy["Metadata"] == {"quarantine-reason": reason, "original-content-type": "image/jpeg"}
    assert copy["ContentType"] == "application/octet-stream"
    document = json.loads(
        s3.get_object(Bucket=UPLOADS_BUCKET, Key=f"{quarantine_key}.reason.json")["Body"].read()
    )
    assert document == {
        "reason": reason,
        "detail": document["detail"],
        "bucket": UPLOADS_BUCKET,
        "key": KEY,
        "version_id": event["Records"][0]["s3"]["object"]["versionId"],
        "size": len(data),
        "content_type": "image/jpeg",
        "quarantine_key": quarantine_key,
        "event_name": "ObjectCreated:Post",
        "event_time": EVENT_TIME,
    }
    assert document["detail"]
    assert objects(s3, THUMBNAILS_BUCKET) == {}


def test_too_large_upload_is_quarantined_unread(
    handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = images.jpeg()
    monkeypatch.setattr(
        handler, "settings", dataclasses.replace(handler.settings, max_object_bytes=len(data) - 1)
    )

    def no_decoding(*args: object) -> None:
        raise AssertionError("a too large object was decoded")

    monkeypatch.setattr("thumbnailer.processing.make_thumbnails", no_decoding)

    invoke(handler, upload(s3, data))

    copy = s3.get_object(Bucket=UPLOADS_BUCKET, Key=f"quarantine/{KEY}")
    assert copy["Metadata"]["quarantine-reason"] == "too_large"
    assert copy["Body"].read() == data
    assert KEY not in objects(s3, UPLOADS_BUCKET)


def test_redelivery_after_quarantine_succeeds_and_changes_nothing(
    handler: ModuleType, s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    event = upload(s3, images.TEXT_FILE)
    invoke(handler, event)
    quarantined = objects(s3, UPLOADS_BUCKET)

    invoke(handler, event)

    assert objects(s3, UPLOADS_BUCKET) == quarantined
    assert caplog.messages[-1] == "Upload no longer exists; nothing to do"


def test_quarantine_is_counted_by_reason(
    handler: ModuleType, s3: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(handler, upload(s3, images.truncated(images.jpeg())))

    metrics = emitted_metrics(capsys.readouterr().out)
    by_reason = [metric for metric in metrics if metric.get("reason") == "corrupt"]
    assert [metric["UploadsQuarantined"] for metric in by_reason] == [[1.0]]
    totals = [metric for metric in metrics if "reason" not in metric]
    assert [metric["UploadsQuarantined"] for metric in totals] == [[1.0]]


# ---- nothing to do ---------------------------------------------------------------------------


def test_object_deleted_before_processing_is_logged_and_succeeds(
    handler: ModuleType,
    s3: Any,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    invoke(handler, s3_event(KEY, size=100))

    assert caplog.messages == ["Upload no longer exists; nothing to do"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert [metric.get("UploadsMissing") for metric in metrics] == [[1.0]]
    assert objects(s3, THUMBNAILS_BUCKET) == {}


@pytest.mark.parametrize(
    "key",
    [
        f"quarantine/uploads/{OWNER}/{UPLOAD_ID}.jpg",
        f"thumbnails/{OWNER}/{UPLOAD_ID}/128.webp",
        f"uploads/{UPLOAD_ID}.jpg",
    ],
)
def test_keys_outside_the_upload_layout_are_left_alone(
    handler: ModuleType, s3: Any, key: str
) -> None:
    invoke(handler, upload(s3, images.TEXT_FILE, key=key))

    assert set(objects(s3, UPLOADS_BUCKET)) == {key}
    assert objects(s3, THUMBNAILS_BUCKET) == {}


def test_events_other_than_creation_are_skipped(handler: ModuleType, s3: Any) -> None:
    upload(s3, images.TEXT_FILE)

    invoke(handler, s3_event(KEY, event_name="ObjectRemoved:Delete"))

    assert set(objects(s3, UPLOADS_BUCKET)) == {KEY}


def test_event_without_records_does_nothing(handler: ModuleType) -> None:
    invoke(handler, {"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": UPLOADS_BUCKET})


# ---- S3 failures raise, and lose nothing -----------------------------------------------------


def test_failed_thumbnail_write_raises(handler: ModuleType, s3: Any) -> None:
    event = upload(s3, images.jpeg())
    s3.delete_bucket(Bucket=THUMBNAILS_BUCKET)

    with pytest.raises(ClientError, match="NoSuchBucket"):
        invoke(handler, event)

    assert set(objects(s3, UPLOADS_BUCKET)) == {KEY}


def test_missing_upload_bucket_raises_rather_than_counting_as_deleted(
    handler: ModuleType,
) -> None:
    with pytest.raises(ClientError, match="NoSuchBucket"):
        invoke(handler, s3_event(KEY, bucket="no-such-uploads-bucket"))


def test_failed_quarantine_copy_keeps_the_original(
    handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_copy(**kwargs: object) -> None:
        raise ClientError({"Error": {"Code": "InternalError", "Message": "boom"}}, "CopyObject")

    monkeypatch.setattr(handler.s3_client, "copy_object", failing_copy)
    event = upload(s3, images.TEXT_FILE)

    with pytest.raises(ClientError, match="InternalError"):
        invoke(handler, event)

    assert set(objects(s3, UPLOADS_BUCKET)) == {KEY}


def test_quarantine_interrupted_before_delete_completes_on_retry(
    handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_delete = handler.s3_client.delete_object
    calls: list[str] = []

    def delete_failing_once(**kwargs: Any) -> Any:
        calls.append(kwargs["Key"])
        if len(calls) == 1:
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "later"}}, "DeleteObject")
        return real_delete(**kwargs)

    monkeypatch.setattr(handler.s3_client, "delete_object", delete_failing_once)
    event = upload(s3, images.TEXT_FILE)

    with pytest.raises(ClientError, match="SlowDown"):
        invoke(handler, event)
    assert KEY in objects(s3, UPLOADS_BUCKET)
    invoke(handler, event)  # Lambda's asynchronous retry

    assert objects(s3, UPLOADS_BUCKET).keys() == {
        f"quarantine/{KEY}",
        f"quarantine/{KEY}.reason.json",
    }
    assert calls == [KEY, KEY]


def test_missing_bucket_setting_fails_the_cold_start(
    aws: None, handler_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THUMBNAIL_BUCKET")

    with pytest.raises(ConfigurationError, match="THUMBNAIL_BUCKET is not set"):
        import_handler_fresh()
