"""DynamoDB access for items and subscribers, always scoped to the caller's `sub`.

Every key this module builds starts with the owner, so one user's request can never
read or change another user's row: an id of someone else's item is simply not found.
Writes are conditional, so a retried or concurrent request cannot resurrect a deleted
item or overwrite an existing subscription.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from botocore.exceptions import ClientError

from web_api.models import Item, ItemChanges, Subscription

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

_CONDITION_FAILED = "ConditionalCheckFailedException"


def utc_timestamp() -> str:
    """ISO 8601 UTC with milliseconds and a Z: fixed width, so text order is time order."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == _CONDITION_FAILED


def _item_from(attributes: Mapping[str, AttributeValueTypeDef]) -> Item:
    return Item(
        item_id=attributes["item_id"]["S"],
        title=attributes["title"]["S"],
        done=attributes["done"]["BOOL"],
        created_at=attributes["created_at"]["S"],
        updated_at=attributes["updated_at"]["S"],
    )


class ItemRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def list_items(self, owner_sub: str) -> list[Item]:
        """All of the owner's items, newest first."""
        items: list[Item] = []
        paginator = self._client.get_paginator("query")
        pages = paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="owner_sub = :owner",
            ExpressionAttributeValues={":owner": {"S": owner_sub}},
        )
        for page in pages:
            items.extend(_item_from(attributes) for attributes in page.get("Items", []))
        # The sort key is a random uuid, so DynamoDB's order means nothing to a reader.
        items.sort(key=lambda item: (item.created_at, item.item_id), reverse=True)
        return items

    def create_item(self, owner_sub: str, title: str) -> Item:
        now = utc_timestamp()
        item = Item(
            item_id=str(uuid.uuid4()), title=title, done=False, created_at=now, updated_at=now
        )
        self._client.put_item(
            TableName=self._table,
            Item={
                "owner_sub": {"S": owner_sub},
                "item_id": {"S": item.item_id},
                "title": {"S": item.title},
                "done": {"BOOL": item.done},
                "created_at": {"S": item.created_at},
                "updated_at": {"S": item.updated_at},
            },
            # A uuid4 collision is all but impossible; if it ever happens it must fail
            # loudly rather than replace someone's item.
            ConditionExpression="attribute_not_exists(item_id)",
        )
        return item

    def get_item(self, owner_sub: str, item_id: str) -> Item | None:
        response = self._client.get_item(
            TableName=self._table,
            Key={"owner_sub": {"S": owner_sub}, "item_id": {"S": item_id}},
            # Read-your-writes: the page reloads an item right after changing it.
            ConsistentRead=True,
        )
        attributes = response.get("Item")
        return _item_from(attributes) if attributes else None

    def update_item(self, owner_sub: str, item_id: str, changes: ItemChanges) -> Item | None:
        """Apply the changes; None when the owner has no such item (nothing is written)."""
        assignments = ["updated_at = :updated_at"]
        values: dict[str, AttributeValueTypeDef] = {":updated_at": {"S": utc_timestamp()}}
        if changes.title is not None:
            assignments.append("title = :title")
            values[":title"] = {"S": changes.title}
        if changes.done is not None:
            assignments.append("done = :done")
            values[":done"] = {"BOOL": changes.done}
        try:
            response = self._client.update_item(
                TableName=self._table,
                Key={"owner_sub": {"S": owner_sub}, "item_id": {"S": item_id}},
                UpdateExpression="SET " + ", ".join(assignments),
                ExpressionAttributeValues=values,
                # Without it, UpdateItem would create a new row for an unknown id.
                ConditionExpression="attribute_exists(item_id)",
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return None
            raise
        return _item_from(response["Attributes"])

    def delete_item(self, owner_sub: str, item_id: str) -> bool:
        """Delete the item; False when the owner has no such item."""
        try:
            self._client.delete_item(
                TableName=self._table,
                Key={"owner_sub": {"S": owner_sub}, "item_id": {"S": item_id}},
                # Tells "deleted" from "was never there" in one call.
                ConditionExpression="attribute_exists(item_id)",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True


class SubscriberRepository:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def subscribe(self, owner_sub: str, email: str) -> tuple[Subscription, bool]:
        """Subscribe the owner once; return the subscription and whether it is new.

        The put is conditional, so a second subscribe writes nothing: the table's stream
        sees exactly one INSERT per subscriber, which is what sends the welcome email.
        """
        subscription = Subscription(email=email, subscribed_at=utc_timestamp())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "owner_sub": {"S": owner_sub},
                    "email": {"S": subscription.email},
                    "subscribed_at": {"S": subscription.subscribed_at},
                    # Only verified addresses are subscribed (the route refuses others);
                    # welcome_email mails no row without this mark.
                    "email_verified": {"BOOL": True},
                },
                ConditionExpression="attribute_not_exists(owner_sub)",
                # The existing row comes back with the failure: no second read needed.
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            # Not in botocore's error type: DynamoDB adds it for ALL_OLD.
            existing = cast(
                "Mapping[str, AttributeValueTypeDef] | None", error.response.get("Item")
            )
            if existing is None:
                raise
            return Subscription(
                email=existing["email"]["S"], subscribed_at=existing["subscribed_at"]["S"]
            ), False
        return subscription, True
