"""S3 notifications detected by polling a real emulator: what counts as a new object."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from local_runtime.event_sources.s3_notifications import (
    LambdaNotification,
    S3NotificationPoller,
    SeenObjects,
)
from tests.local_runtime.support import REGION

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer"


def configure(s3: Any, bucket: str, *configurations: dict[str, Any]) -> None:
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"LambdaFunctionConfigurations": list(configurations)},
    )


def uploads_only(configuration_id: str = "thumbs", **extra: Any) -> dict[str, Any]:
    return {
        "Id": configuration_id,
        "LambdaFunctionArn": FUNCTION,
        "Events": ["s3:ObjectCreated:*"],
        "Filter": {
            "Key": {
                "FilterRules": [
                    {"Name": "prefix", "Value": "uploads/"},
                    {"Name": "suffix", "Value": ".jpg"},
                ]
            }
        },
        **extra,
    }


class Poller:
    """An S3NotificationPoller whose deliveries are recorded as (function, key, config)."""

    def __init__(self, s3: Any, state: Path) -> None:
        self.delivered: list[tuple[str, str, str]] = []
        self.events: list[dict[str, Any]] = []
        self.poller = S3NotificationPoller(
            s3, REGION, SeenObjects(state / "seen.json"), self._deliver
        )

    def _deliver(self, function_arn: str, event: dict[str, Any]) -> None:
        (record,) = event["Records"]
        self.events.append(event)
        key = unquote_plus(record["s3"]["object"]["key"])
        self.delivered.append((function_arn, key, record["s3"]["configurationId"]))

    def poll(self) -> list[tuple[str, str, str]]:
        before = len(self.delivered)
        self.poller.poll()
        return self.delivered[before:]


@pytest.fixture
def s3(aws: dict[str, Any]) -> Any:
    aws["s3"].create_bucket(
        Bucket="uploads", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return aws["s3"]


def test_only_objects_written_after_the_configuration_is_seen_are_events(
    s3: Any, tmp_path: Path
) -> None:
    s3.put_object(Bucket="uploads", Key="uploads/old.jpg", Body=b"1")
    configure(s3, "uploads", uploads_only())
    poller = Poller(s3, tmp_path)
    assert poller.poll() == []  # the baseline: start from "now"
    s3.put_object(Bucket="uploads", Key="uploads/new one.jpg", Body=b"2")
    s3.put_object(Bucket="uploads", Key="uploads/not-an-image.txt", Body=b"3")
    s3.put_object(Bucket="uploads", Key="quarantine/uploads/x.jpg", Body=b"4")
    assert poller.poll() == [(FUNCTION, "uploads/new one.jpg", "thumbs")]
    assert poller.poll() == []  # delivered once
    record = poller.events[0]["Records"][0]
    assert record["s3"]["object"]["key"] == "uploads/new+one.jpg"
    assert record["s3"]["object"]["size"] == 1
    assert record["userIdentity"]["principalId"].startswith("AWS:")
    assert record["responseElements"]["x-amz-request-id"]


def test_an_overwrite_is_a_new_event_and_each_configuration_gets_one(
    s3: Any, tmp_path: Path
) -> None:
    second = {"Id": "audit", "LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:Put"]}
    configure(s3, "uploads", uploads_only(), second)
    poller = Poller(s3, tmp_path)
    poller.poll()
    s3.put_object(Bucket="uploads", Key="uploads/a.jpg", Body=b"v1")
    assert sorted(c for _, _, c in poller.poll()) == ["audit", "thumbs"]
    s3.put_object(Bucket="uploads", Key="uploads/a.jpg", Body=b"version two")
    assert sorted(c for _, _, c in poller.poll()) == ["audit", "thumbs"]
    sequencers = [e["Records"][0]["s3"]["object"]["sequencer"] for e in poller.events]
    assert sequencers == sorted(sequencers)
    assert len(set(sequencers)) == len(sequencers)


def test_a_restart_neither_redelivers_nor_misses_objects(s3: Any, tmp_path: Path) -> None:
    configure(s3, "uploads", uploads_only())
    first = Poller(s3, tmp_path)
    first.poll()
    s3.put_object(Bucket="uploads", Key="uploads/before.jpg", Body=b"1")
    assert len(first.poll()) == 1
    # The runtime is down while another object arrives.
    s3.put_object(Bucket="uploads", Key="uploads/while-down.jpg", Body=b"2")
    restarted = Poller(s3, tmp_path)
    assert [key for _, key, _ in restarted.poll()] == ["uploads/while-down.jpg"]


def test_a_removed_configuration_starts_from_now_when_it_returns(s3: Any, tmp_path: Path) -> None:
    configure(s3, "uploads", uploads_only())
    poller = Poller(s3, tmp_path)
    poller.poll()
    configure(s3, "uploads")  # notifications removed
    poller.poll()
    s3.put_object(Bucket="uploads", Key="uploads/unnotified.jpg", Body=b"1")
    poller.poll()
    configure(s3, "uploads", uploads_only())
    assert poller.poll() == []


def test_configuration_parsing() -> None:
    parsed = LambdaNotification.from_api(
        "b",
        {
            "Id": "x",
            "LambdaFunctionArn": FUNCTION,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {"Key": {"FilterRules": [{"Name": "Prefix", "Value": "uploads/"}]}},
        },
    )
    assert (parsed.prefix, parsed.suffix) == ("uploads/", "")
    assert parsed.wants("uploads/a.png")
    assert not parsed.wants("quarantine/uploads/a.png")
    removed_only = LambdaNotification.from_api(
        "b", {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectRemoved:*"]}
    )
    assert not removed_only.deliverable
    assert not removed_only.wants("anything")
