"""DynamoDB tables as the modules declare them, created in moto by the handler tests."""

from __future__ import annotations

from typing import Any


def create_table(
    dynamodb: Any, name: str, partition: str, sort: str | None = None, **settings: Any
) -> dict[str, Any]:
    """An on-demand table keyed by string attributes; `settings` adds e.g. a stream."""
    keys = [(partition, "HASH")] + ([(sort, "RANGE")] if sort else [])
    created: dict[str, Any] = dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key, _ in keys],
        BillingMode="PAY_PER_REQUEST",
        **settings,
    )
    return created
