"""The S3 event notification, as AWS documents it, and its conversion to ObjectCreated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict
from urllib.parse import unquote_plus


class S3Bucket(TypedDict):
    name: str
    arn: NotRequired[str]


class S3Object(TypedDict):
    # URL-encoded as in a query string: "my photo+1.jpg" arrives as "my+photo%2B1.jpg".
    key: str
    size: NotRequired[int]
    eTag: NotRequired[str]
    versionId: NotRequired[str]
    sequencer: NotRequired[str]


class S3Entity(TypedDict):
    bucket: S3Bucket
    object: S3Object


class S3EventRecord(TypedDict):
    eventVersion: NotRequired[str]
    eventSource: NotRequired[str]
    awsRegion: NotRequired[str]
    eventTime: str
    # "ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:CompleteMultipartUpload", ...
    eventName: str
    s3: S3Entity


class S3Event(TypedDict):
    # Absent from the s3:TestEvent S3 sends when a notification is configured.
    Records: NotRequired[list[S3EventRecord]]


@dataclass(frozen=True, slots=True)
class ObjectEvent:
    bucket: str
    key: str  # decoded
    event_name: str
    event_time: str

    @property
    def is_creation(self) -> bool:
        return self.event_name.startswith("ObjectCreated:")


def object_events(event: S3Event) -> list[ObjectEvent]:
    return [
        ObjectEvent(
            bucket=record["s3"]["bucket"]["name"],
            key=unquote_plus(record["s3"]["object"]["key"]),
            event_name=record["eventName"],
            event_time=record["eventTime"],
        )
        for record in event.get("Records", [])
    ]
