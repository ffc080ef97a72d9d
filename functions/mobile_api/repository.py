"""DynamoDB access for notes, shares and devices, always scoped to a key's owner.

Every repository takes a low-level client object: boto3's DynamoDB client or, when a
DAX endpoint is configured, the DAX client, which offers the same item and query
operations (same arguments, same DynamoDB-JSON answers, the same error codes on
botocore's ClientError). So there is one code path above the client, and it keeps to
what DAX implements: no paginators, waiters or ReturnValuesOnConditionCheckFailure.

Reads are eventually consistent on purpose: a consistent read passes through DAX to
DynamoDB uncached. DAX's item cache is write-through, so a note read right after it was
written through the same cluster is current; query results (the lists) are cached for
the cluster's query TTL and may lag a write by that long.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from mobile_api.models import Note, NoteChanges, Platform

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        DeleteItemInputTypeDef,
        KeysAndAttributesTypeDef,
    )

_CONDITION_FAILED = "ConditionalCheckFailedException"
# BatchGetItem takes at most 100 keys per call.
_BATCH_GET_LIMIT = 100
# Rounds of UnprocessedKeys (throttling) before the request fails rather than the
# function running into API Gateway's 29 s limit.
_BATCH_GET_ROUNDS = 5
NOTE_KEY_SEPARATOR = "#"


def utc_timestamp() -> str:
    """ISO 8601 UTC with milliseconds and a Z: fixed width, so text order is time order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def note_key(owner_sub: str, note_id: str) -> str:
    return f"{owner_sub}{NOTE_KEY_SEPARATOR}{note_id}"


def _query_all(client: DynamoDBClient, **query: Any) -> Iterator[Mapping[str, Any]]:
    """Every item of a query, page by page (the DAX client has no paginators)."""
    while True:
        page = client.query(**query)
        yield from page.get("Items", [])
        last_key = page.get("LastEvaluatedKey")
        if not last_key:
            return
        query["ExclusiveStartKey"] = last_key


def _note_from(attributes: Mapping[str, AttributeValueTypeDef]) -> Note:
    return Note(
        note_id=attributes["note_id"]["S"],
        title=attributes["title"]["S"],
        body=attributes["body"]["S"],
        created_at=attributes["created_at"]["S"],
        updated_at=attributes["updated_at"]["S"],
    )


class NotesRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def list_notes(self, owner_sub: str) -> list[Note]:
        """All of the owner's notes, newest first."""
        notes = [
            _note_from(attributes)
            for attributes in _query_all(
                self._client,
                TableName=self._table,
                KeyConditionExpression="owner_sub = :owner",
                ExpressionAttributeValues={":owner": {"S": owner_sub}},
            )
        ]
        # The sort key is a random uuid, so DynamoDB's order means nothing to a reader.
        notes.sort(key=lambda note: (note.created_at, note.note_id), reverse=True)
        return notes

    def create_note(self, owner_sub: str, title: str, body: str) -> Note:
        now = utc_timestamp()
        note = Note(
            note_id=str(uuid.uuid4()), title=title, body=body, created_at=now, updated_at=now
        )
        self._client.put_item(
            TableName=self._table,
            Item={
                "owner_sub": {"S": owner_sub},
                "note_id": {"S": note.note_id},
                "title": {"S": note.title},
                "body": {"S": note.body},
                "created_at": {"S": note.created_at},
                "updated_at": {"S": note.updated_at},
            },
            # A uuid4 collision must fail loudly rather than replace someone's note.
            ConditionExpression="attribute_not_exists(note_id)",
        )
        return note

    def get_note(self, owner_sub: str, note_id: str) -> Note | None:
        response = self._client.get_item(
            TableName=self._table,
            Key={"owner_sub": {"S": owner_sub}, "note_id": {"S": note_id}},
        )
        attributes = response.get("Item")
        return _note_from(attributes) if attributes else None

    def get_notes(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Note]:
        """The notes that exist among (owner_sub, note_id) keys; missing ones are left out."""
        found: dict[tuple[str, str], Note] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _BATCH_GET_LIMIT):
            request: dict[str, KeysAndAttributesTypeDef] = {
                self._table: {
                    "Keys": [
                        {"owner_sub": {"S": owner}, "note_id": {"S": note_id}}
                        for owner, note_id in unique[start : start + _BATCH_GET_LIMIT]
                    ]
                }
            }
            for _ in range(_BATCH_GET_ROUNDS):
                response = self._client.batch_get_item(RequestItems=request)
                for attributes in response.get("Responses", {}).get(self._table, []):
                    found[(attributes["owner_sub"]["S"], attributes["note_id"]["S"])] = _note_from(
                        attributes
                    )
                # Same shape as the request (boto3-stubs types output and input apart).
                request = cast(
                    "dict[str, KeysAndAttributesTypeDef]", response.get("UnprocessedKeys") or {}
                )
                if not request:
                    break
            else:
                raise RuntimeError("DynamoDB left keys unprocessed after retries (throttled)")
        return found

    def update_note(self, owner_sub: str, note_id: str, changes: NoteChanges) -> Note | None:
        """Apply the changes; None when the owner has no such note (nothing is written)."""
        assignments = ["updated_at = :updated_at"]
        values: dict[str, AttributeValueTypeDef] = {":updated_at": {"S": utc_timestamp()}}
        if changes.title is not None:
            assignments.append("title = :title")
            values[":title"] = {"S": changes.title}
        if changes.body is not None:
            assignments.append("body = :body")
            values[":body"] = {"S": changes.body}
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key={"owner_sub": {"S": owner_sub}, "note_id": {"S": note_id}},
                UpdateExpression="SET " + ", ".join(assignments),
                ExpressionAttributeValues=values,
                # Without it, UpdateItem would create a new row for an unknown id.
                ConditionExpression="attribute_exists(note_id)",
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return None
            raise
        return _note_from(response["Attributes"])

    def delete_note(self, owner_sub: str, note_id: str) -> bool:
        """Delete the note; False when the owner has no such note."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={"owner_sub": {"S": owner_sub}, "note_id": {"S": note_id}},
                ConditionExpression="attribute_exists(note_id)",
            )
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return False
            raise
        return True


@dataclass(frozen=True, slots=True)
class Share:
    recipient_sub: str
    owner_sub: str
    note_id: str
    owner_email: str
    shared_at: str

    @property
    def note_key(self) -> str:
        return note_key(self.owner_sub, self.note_id)


class SharesRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add_share(
        self, recipient_sub: str, owner_sub: str, note_id: str, owner_email: str
    ) -> tuple[Share, bool]:
        """Record the share once; return it and whether this call created it.

        Conditional, so sharing again writes nothing and a failed request can undo
        exactly what it wrote (see remove_new_share).
        """
        share = Share(recipient_sub, owner_sub, note_id, owner_email, utc_timestamp())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "recipient_sub": {"S": recipient_sub},
                    "note_key": {"S": share.note_key},
                    "owner_email": {"S": owner_email},
                    "shared_at": {"S": share.shared_at},
                },
                ConditionExpression="attribute_not_exists(note_key)",
            )
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return share, False
            raise
        return share, True

    def remove_new_share(self, share: Share) -> None:
        """Undo add_share: delete the row only if it is still the one that call wrote."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={
                    "recipient_sub": {"S": share.recipient_sub},
                    "note_key": {"S": share.note_key},
                },
                ConditionExpression="shared_at = :shared_at",
                ExpressionAttributeValues={":shared_at": {"S": share.shared_at}},
            )
        except ClientError as error:
            if error_code(error) != _CONDITION_FAILED:
                raise

    def list_shares(self, recipient_sub: str) -> list[Share]:
        shares = []
        for attributes in _query_all(
            self._client,
            TableName=self._table,
            KeyConditionExpression="recipient_sub = :recipient",
            ExpressionAttributeValues={":recipient": {"S": recipient_sub}},
        ):
            owner_sub, _, note_id = attributes["note_key"]["S"].partition(NOTE_KEY_SEPARATOR)
            shares.append(
                Share(
                    recipient_sub=recipient_sub,
                    owner_sub=owner_sub,
                    note_id=note_id,
                    owner_email=attributes["owner_email"]["S"],
                    shared_at=attributes["shared_at"]["S"],
                )
            )
        return shares


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    owner_sub: str
    device_id: str
    platform: Platform
    endpoint_arn: str
    token: str
    updated_at: str


class DevicesRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get_device(self, owner_sub: str, device_id: str) -> DeviceRecord | None:
        attributes = self._client.get_item(
            TableName=self._table,
            Key={"owner_sub": {"S": owner_sub}, "device_id": {"S": device_id}},
        ).get("Item")
        if not attributes:
            return None
        return DeviceRecord(
            owner_sub=owner_sub,
            device_id=device_id,
            platform=Platform(attributes["platform"]["S"]),
            endpoint_arn=attributes["endpoint_arn"]["S"],
            token=attributes["token"]["S"],
            updated_at=attributes["updated_at"]["S"],
        )

    def put_device(self, record: DeviceRecord) -> None:
        """Create or replace the row: registering the same device again is an upsert."""
        self._client.put_item(
            TableName=self._table,
            Item={
                "owner_sub": {"S": record.owner_sub},
                "device_id": {"S": record.device_id},
                "platform": {"S": record.platform.value},
                "endpoint_arn": {"S": record.endpoint_arn},
                "token": {"S": record.token},
                "updated_at": {"S": record.updated_at},
            },
        )

    def delete_device(
        self, owner_sub: str, device_id: str, *, endpoint_arn: str | None = None
    ) -> bool:
        """Delete the row (only while it names `endpoint_arn`, if given); False: no such row."""
        request: DeleteItemInputTypeDef = {
            "TableName": self._table,
            "Key": {"owner_sub": {"S": owner_sub}, "device_id": {"S": device_id}},
            "ConditionExpression": "attribute_exists(device_id)",
        }
        if endpoint_arn is not None:
            request["ConditionExpression"] += " AND endpoint_arn = :endpoint_arn"
            request["ExpressionAttributeValues"] = {":endpoint_arn": {"S": endpoint_arn}}
        try:
            self._client.delete_item(**request)
        except ClientError as error:
            if error_code(error) == _CONDITION_FAILED:
                return False
            raise
        return True
