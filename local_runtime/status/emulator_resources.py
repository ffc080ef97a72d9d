"""What the emulator holds, for the console page: buckets and their objects, queues and
their messages, tables and their items, the emails SES accepted and the pushes SNS sent.

Read-only, with two limits: a queue that an event source mapping consumes is never
peeked (a receive would take its messages from the function for a moment and count a
receive towards its redrive policy); other queues (failure queues) are peeked with a zero
visibility timeout, so their messages stay where they are. Emails and pushes, which no
AWS API reads back, come from a route local_runtime/emulator/moto_server.py adds to the emulator.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import urllib.error
import urllib.request
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from local_runtime.event_sources.event_source_mapping import is_enabled

# Listings stop here: the console shows the first ones and says there are more.
LIST_LIMIT = 200
PEEK_LIMIT = 10
SCAN_LIMIT = 50
# Served by local_runtime/emulator/moto_server.py (a route it adds to moto's server).
SENT_MESSAGES_PATH = "/moto-api/local-runtime/sent-messages"
# Object contents above this are cut (a console, not a download).
CONTENT_LIMIT_BYTES = 256 * 1024


class ResourceNotFoundError(LookupError):
    """The console asked for a bucket, key, queue or table the emulator does not have."""


class EmulatorUnavailableError(RuntimeError):
    """The emulator did not answer a read the console asked for."""


class EmulatorResources:
    def __init__(self, session: Any, endpoint_url: str) -> None:
        self._endpoint_url = endpoint_url
        self._s3 = session.client("s3", endpoint_url=endpoint_url)
        self._sqs = session.client("sqs", endpoint_url=endpoint_url)
        self._dynamodb = session.client("dynamodb", endpoint_url=endpoint_url)
        self._lambda = session.client("lambda", endpoint_url=endpoint_url)

    def overview(self) -> dict[str, list[dict[str, Any]]]:
        """Every bucket, queue and table, with a count to show next to each."""
        consumed = self._consumed_queue_arns()
        queues = []
        for url in self._sqs.list_queues().get("QueueUrls", []):
            attrs = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
                "Attributes"
            ]
            queues.append(
                {
                    "name": attrs["QueueArn"].rsplit(":", 1)[-1],
                    "url": url,
                    "messages": int(attrs.get("ApproximateNumberOfMessages", 0)),
                    "in_flight": int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0)),
                    "consumed_by_function": attrs["QueueArn"] in consumed,
                }
            )
        return {
            "buckets": [
                {"name": b["Name"], "objects": self._count_objects(b["Name"])}
                for b in self._s3.list_buckets().get("Buckets", [])
            ],
            "queues": sorted(queues, key=lambda q: q["name"]),
            "tables": [
                {"name": name, "items": self._count_items(name)}
                for name in self._dynamodb.list_tables().get("TableNames", [])
            ],
        }

    def _count_objects(self, bucket: str) -> int:
        return int(self._s3.list_objects_v2(Bucket=bucket, MaxKeys=1000).get("KeyCount", 0))

    def _count_items(self, table: str) -> int:
        return int(self._dynamodb.scan(TableName=table, Select="COUNT").get("Count", 0))

    def _consumed_queue_arns(self) -> set[str]:
        return {
            mapping["EventSourceArn"]
            for page in self._lambda.get_paginator("list_event_source_mappings").paginate()
            for mapping in page["EventSourceMappings"]
            if mapping["EventSourceArn"].split(":")[2] == "sqs" and is_enabled(mapping)
        }

    # -- contents ------------------------------------------------------------------------
    def objects(self, bucket: str) -> dict[str, Any]:
        """The bucket's first keys; a quarantined record's reason comes with its key."""
        try:
            listing = self._s3.list_objects_v2(Bucket=bucket, MaxKeys=LIST_LIMIT)
        except self._s3.exceptions.NoSuchBucket:
            raise ResourceNotFoundError(f"no bucket {bucket}") from None
        objects = []
        for item in listing.get("Contents", []):
            entry: dict[str, Any] = {"key": item["Key"], "size": item["Size"]}
            entry["modified"] = item["LastModified"].isoformat()
            if item["Key"].startswith("quarantine/") and item["Key"].endswith(".json"):
                entry["reason"] = json.loads(self._read(bucket, item["Key"])).get("reason")
            objects.append(entry)
        return {"bucket": bucket, "objects": objects, "truncated": listing.get("IsTruncated")}

    def object_text(self, bucket: str, key: str) -> dict[str, Any]:
        """An object's content as text: gzip undone, JSON indented, binary described."""
        raw = self._read(bucket, key)
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        try:
            text = raw[:CONTENT_LIMIT_BYTES].decode("utf-8")
        except UnicodeDecodeError:
            return {"bucket": bucket, "key": key, "text": f"({len(raw)} bytes of binary data)"}
        with contextlib.suppress(ValueError):  # NDJSON, HTML, ...: shown as stored
            text = json.dumps(json.loads(text), indent=2, sort_keys=True)
        return {
            "bucket": bucket,
            "key": key,
            "text": text,
            "truncated": len(raw) > CONTENT_LIMIT_BYTES,
        }

    def _read(self, bucket: str, key: str) -> bytes:
        try:
            body: bytes = self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except (self._s3.exceptions.NoSuchKey, self._s3.exceptions.NoSuchBucket):
            raise ResourceNotFoundError(f"no object s3://{bucket}/{key}") from None
        return body

    def messages(self, queue_name: str) -> dict[str, Any]:
        """Up to PEEK_LIMIT messages of a queue no function consumes, left in place."""
        try:
            url = self._sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        except self._sqs.exceptions.QueueDoesNotExist:
            raise ResourceNotFoundError(f"no queue {queue_name}") from None
        arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        if arn in self._consumed_queue_arns():
            return {"queue": queue_name, "messages": [], "consumed_by_function": True}
        reply = self._sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=PEEK_LIMIT,
            VisibilityTimeout=0,
            AttributeNames=["All"],
        )
        return {
            "queue": queue_name,
            "consumed_by_function": False,
            "messages": [
                {"id": m["MessageId"], "body": _indented(m["Body"]), "attributes": m["Attributes"]}
                for m in reply.get("Messages", [])
            ],
        }

    def items(self, table: str) -> dict[str, Any]:
        try:
            scan = self._dynamodb.scan(TableName=table, Limit=SCAN_LIMIT)
        except self._dynamodb.exceptions.ResourceNotFoundException:
            raise ResourceNotFoundError(f"no table {table}") from None
        deserialize = TypeDeserializer().deserialize
        return {
            "table": table,
            "items": [
                json.loads(json.dumps({k: deserialize(v) for k, v in item.items()}, default=str))
                for item in scan.get("Items", [])
            ],
            "truncated": "LastEvaluatedKey" in scan,
        }

    # -- what left the system ----------------------------------------------------------------
    def emails(self) -> list[dict[str, Any]]:
        """Emails SES accepted (moto keeps them instead of sending them)."""
        return self._sent_messages()["emails"]

    def pushes(self) -> list[dict[str, Any]]:
        """Messages SNS delivered to mobile platform endpoints (moto keeps them)."""
        return self._sent_messages()["pushes"]

    def _sent_messages(self) -> dict[str, list[dict[str, Any]]]:
        url = f"{self._endpoint_url}{SENT_MESSAGES_PATH}"
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 - the emulator
                sent: dict[str, list[dict[str, Any]]] = json.load(reply)
        except (urllib.error.URLError, TimeoutError) as error:
            raise EmulatorUnavailableError(f"the emulator did not answer {url}: {error}") from None
        return sent


def _indented(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, sort_keys=True)
    except ValueError:
        return body
