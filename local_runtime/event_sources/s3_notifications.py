"""S3 bucket notifications to Lambda: the emulator stores them but delivers nothing.

Each refresh reads every bucket's LambdaFunctionConfigurations and lists the objects
of the buckets that have some. An object whose (ETag, LastModified) was not seen
before is a new object: one event per matching configuration goes to Lambda's async
invocation queue, shaped as AWS documents the S3 event (keys URL-encoded).
- Objects already present when the runtime first sees a bucket's configuration are
  not events ("start from now"), like S3, which only notifies about later writes.
- The seen objects are persisted in the state directory, so a restarted runtime
  neither re-delivers old objects nor misses ones written while it was down.
- Listing cannot tell Put from Post, Copy or a multipart upload: every new object is
  reported as `ObjectCreated:Put`; configurations subscribed to `ObjectCreated:*` or
  `ObjectCreated:Put` receive it. Deletions (ObjectRemoved) are not delivered: a
  listing shows that a key vanished but not the delete marker or version AWS reports.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

from botocore.exceptions import ClientError

from local_runtime.event_sources.event_source_mapping import iso_timestamp

log = logging.getLogger(__name__)

DELIVERED_EVENT = "s3:ObjectCreated:Put"
_SUBSCRIBING = ("s3:ObjectCreated:*", DELIVERED_EVENT)


@dataclass(frozen=True)
class LambdaNotification:
    """One LambdaFunctionConfiguration of one bucket."""

    bucket: str
    configuration_id: str
    function_arn: str
    events: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def from_api(cls, bucket: str, configuration: Mapping[str, Any]) -> LambdaNotification:
        rules = ((configuration.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
        # S3 accepts the rule names in any case ("Prefix" from the console, "prefix" from APIs).
        by_name = {rule["Name"].lower(): rule["Value"] for rule in rules}
        return cls(
            bucket=bucket,
            configuration_id=configuration.get("Id") or "",
            function_arn=configuration["LambdaFunctionArn"],
            events=tuple(configuration.get("Events") or ()),
            prefix=by_name.get("prefix", ""),
            suffix=by_name.get("suffix", ""),
        )

    @property
    def deliverable(self) -> bool:
        """False when it subscribes only to events the local runtime cannot detect."""
        return any(event in _SUBSCRIBING for event in self.events)

    def wants(self, key: str) -> bool:
        return self.deliverable and key.startswith(self.prefix) and key.endswith(self.suffix)


@dataclass(frozen=True)
class NewObject:
    """A newly written object, as HeadObject describes it."""

    key: str
    size: int
    etag: str
    last_modified: datetime
    version_id: str | None
    request_id: str
    host_id: str


def s3_event(
    notification: LambdaNotification,
    obj: NewObject,
    region: str,
    owner_id: str,
    sequencer: str,
) -> dict[str, Any]:
    """The event S3 sends to a function for one new object (one record)."""
    s3_object: dict[str, Any] = {
        # Form-encoded with "/" kept, as S3 sends it (the emulator's own events also
        # encode "/"); handlers must unquote_plus the key.
        "key": quote_plus(obj.key, safe="/"),
        "size": obj.size,
        "eTag": obj.etag,
        "sequencer": sequencer,
    }
    if obj.version_id and obj.version_id != "null":
        s3_object["versionId"] = obj.version_id
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": iso_timestamp(obj.last_modified.timestamp()),
                "eventName": DELIVERED_EVENT.removeprefix("s3:"),
                # Listing does not reveal the writer: the bucket owner stands in for it.
                "userIdentity": {"principalId": f"AWS:{owner_id}"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {
                    "x-amz-request-id": obj.request_id,
                    "x-amz-id-2": obj.host_id,
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": notification.configuration_id,
                    "bucket": {
                        "name": notification.bucket,
                        "ownerIdentity": {"principalId": owner_id},
                        "arn": f"arn:aws:s3:::{notification.bucket}",
                    },
                    "object": s3_object,
                },
            }
        ]
    }


class SeenObjects:
    """Per watched bucket, the (ETag, LastModified) of each object already handled.

    Written atomically on every change, like the stream checkpoints.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._buckets: dict[str, dict[str, str]] = (
            json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        )

    def watched(self) -> set[str]:
        return set(self._buckets)

    def get(self, bucket: str) -> dict[str, str] | None:
        """The seen objects of `bucket`, or None when it is not watched yet."""
        return self._buckets.get(bucket)

    def put(self, bucket: str, objects: dict[str, str]) -> None:
        self._buckets[bucket] = objects
        self._save()

    def forget(self, bucket: str) -> None:
        if self._buckets.pop(bucket, None) is not None:
            self._save()

    def _save(self) -> None:
        partial = self._path.with_suffix(".partial")
        partial.write_text(json.dumps(self._buckets, sort_keys=True), encoding="utf-8")
        os.replace(partial, self._path)


@dataclass
class NotificationStats:
    events_sent: int = 0
    last_error: str | None = None


class S3NotificationPoller:
    """Turns new objects in notifying buckets into async invocations of their functions."""

    def __init__(
        self,
        s3_client: Any,
        region: str,
        seen: SeenObjects,
        deliver: Callable[[str, dict[str, Any]], object],
    ) -> None:
        self._s3 = s3_client
        self._region = region
        self._seen = seen
        self._deliver = deliver
        self._sequence = time.time_ns()
        self._warned: set[tuple[str, str]] = set()
        self.stats: dict[str, NotificationStats] = {}

    def poll(self) -> None:
        """One pass over every bucket: watch new configurations, deliver new objects."""
        listing = self._s3.list_buckets()
        owner_id = listing.get("Owner", {}).get("ID", "")
        configured: dict[str, list[LambdaNotification]] = {}
        for bucket in (b["Name"] for b in listing.get("Buckets", [])):
            notifications = self._notifications(bucket)
            if notifications:
                configured[bucket] = notifications
        # A bucket whose configuration went away starts from "now" if it comes back.
        for bucket in self._seen.watched() - set(configured):
            self._seen.forget(bucket)
            self.stats.pop(bucket, None)
        for bucket, notifications in configured.items():
            stats = self.stats.setdefault(bucket, NotificationStats())
            try:
                self._poll_bucket(bucket, notifications, owner_id, stats)
            except Exception as error:  # unsent objects stay unseen: retried next pass
                stats.last_error = f"{type(error).__name__}: {error}"
                log.exception("bucket %s", bucket)

    def _notifications(self, bucket: str) -> list[LambdaNotification]:
        try:
            config = self._s3.get_bucket_notification_configuration(Bucket=bucket)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchBucket":
                return []  # deleted since the listing
            raise
        notifications = [
            LambdaNotification.from_api(bucket, c)
            for c in config.get("LambdaFunctionConfigurations") or []
        ]
        for notification in notifications:
            warn_key = (bucket, notification.configuration_id)
            if not notification.deliverable and warn_key not in self._warned:
                self._warned.add(warn_key)
                log.warning(
                    "bucket %s notification %r subscribes to %s: the local runtime only "
                    "delivers %s (to configurations subscribed to it or to ObjectCreated:*)",
                    bucket,
                    notification.configuration_id,
                    ", ".join(notification.events),
                    DELIVERED_EVENT,
                )
        return notifications

    def _poll_bucket(
        self,
        bucket: str,
        notifications: list[LambdaNotification],
        owner_id: str,
        stats: NotificationStats,
    ) -> None:
        current = self._list(bucket)
        seen = self._seen.get(bucket)
        if seen is None:
            self._seen.put(bucket, {key: signature for key, (signature, _) in current.items()})
            return
        handled = {key: value for key, value in seen.items() if key in current}
        try:
            for key, (signature, _) in sorted(current.items(), key=lambda item: item[1][1]):
                if handled.get(key) == signature:
                    continue
                wanted = [n for n in notifications if n.wants(key)]
                obj = self._head(bucket, key) if wanted else None
                if obj is not None:
                    for notification in wanted:
                        event = s3_event(
                            notification, obj, self._region, owner_id, self._sequencer()
                        )
                        self._deliver(notification.function_arn, event)
                        stats.events_sent += 1
                handled[key] = signature
        finally:
            # Whatever was sent is recorded, even when a later object failed.
            self._seen.put(bucket, handled)

    def _list(self, bucket: str) -> dict[str, tuple[str, float]]:
        """key -> (signature, LastModified epoch) of every object in the bucket."""
        objects: dict[str, tuple[str, float]] = {}
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                modified = item["LastModified"]
                objects[item["Key"]] = (
                    f"{item['ETag']}|{modified.isoformat()}",
                    modified.timestamp(),
                )
        return objects

    def _head(self, bucket: str, key: str) -> NewObject | None:
        try:
            head = self._s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                return None  # deleted since the listing: nothing left to process
            raise
        metadata = head["ResponseMetadata"]
        return NewObject(
            key=key,
            size=int(head["ContentLength"]),
            etag=head["ETag"].strip('"'),
            last_modified=head["LastModified"],
            version_id=head.get("VersionId"),
            request_id=metadata.get("RequestId", ""),
            host_id=metadata.get("HostId") or metadata.get("RequestId", ""),
        )

    def _sequencer(self) -> str:
        # S3's sequencer orders events of one key; a counter from the start time does too.
        self._sequence += 1
        return f"{self._sequence:018X}"
