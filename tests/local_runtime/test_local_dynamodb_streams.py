"""DynamoDBStreamSource against the emulator's DynamoDB Streams API."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from local_runtime.event_sources.dynamodb_streams import DynamoDBStreamSource
from local_runtime.event_sources.event_source_mapping import MappingConfig
from local_runtime.event_sources.filters import FilterCriteria


def mapping(starting_position: str = "TRIM_HORIZON") -> MappingConfig:
    return MappingConfig.from_api(
        {
            "UUID": "m-1",
            "FunctionArn": "arn:aws:lambda:eu-west-1:123456789012:function:welcome",
            "EventSourceArn": "arn:aws:dynamodb:eu-west-1:123456789012:table/items/stream/x",
            "StartingPosition": starting_position,
        }
    )


@pytest.fixture
def table(aws: dict[str, Any]) -> tuple[Any, DynamoDBStreamSource]:
    description = aws["dynamodb"].create_table(
        TableName="items",
        KeySchema=[
            {"AttributeName": "owner_sub", "KeyType": "HASH"},
            {"AttributeName": "item_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "owner_sub", "AttributeType": "S"},
            {"AttributeName": "item_id", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    streams = boto3.session.Session().client("dynamodbstreams")
    return aws["dynamodb"], DynamoDBStreamSource(streams, description["LatestStreamArn"])


def put(dynamodb: Any, item_id: str, title: str) -> None:
    dynamodb.put_item(
        TableName="items",
        Item={"owner_sub": {"S": "u1"}, "item_id": {"S": item_id}, "title": {"S": title}},
    )


def read_all(source: DynamoDBStreamSource, iterator: str | None) -> list[Any]:
    records = []
    (shard,) = source.shard_ids()
    while iterator is not None:
        page, iterator = source.read(shard, iterator, 2)
        if not page:
            break
        records += page
    return records


def test_records_resume_after_a_sequence_number_in_order(
    table: tuple[Any, DynamoDBStreamSource],
) -> None:
    dynamodb, source = table
    for n in range(5):
        put(dynamodb, f"i{n}", f"t{n}")
    (shard,) = source.shard_ids()
    everything = read_all(source, source.shard_iterator(shard, None, mapping()))
    assert len(everything) == 5
    positions = [r.position for r in everything]
    assert positions == sorted(positions)
    assert len(set(positions)) == 5
    after_second = source.shard_iterator(shard, everything[1].sequence_number, mapping())
    assert [r.sequence_number for r in read_all(source, after_second)] == [
        r.sequence_number for r in everything[2:]
    ]
    record = everything[0].event_record
    assert record["dynamodb"]["Keys"] == {"owner_sub": {"S": "u1"}, "item_id": {"S": "i0"}}
    assert everything[0].payload_bytes == len(json.dumps(record, separators=(",", ":"))) + 1


def test_latest_skips_what_is_already_in_the_stream(
    table: tuple[Any, DynamoDBStreamSource],
) -> None:
    dynamodb, source = table
    put(dynamodb, "old", "t")
    (shard,) = source.shard_ids()
    iterator = source.shard_iterator(shard, None, mapping(starting_position="LATEST"))
    put(dynamodb, "new", "t")
    (record,) = read_all(source, iterator)
    assert record.event_record["dynamodb"]["Keys"]["item_id"] == {"S": "new"}


def test_at_timestamp_is_refused_as_lambda_does(table: tuple[Any, DynamoDBStreamSource]) -> None:
    _, source = table
    (shard,) = source.shard_ids()
    with pytest.raises(ValueError, match="AT_TIMESTAMP"):
        source.shard_iterator(shard, None, mapping(starting_position="AT_TIMESTAMP"))


def test_filter_patterns_match_the_record_as_delivered(
    table: tuple[Any, DynamoDBStreamSource],
) -> None:
    dynamodb, source = table
    put(dynamodb, "a", "keep me")
    put(dynamodb, "a", "drop me")
    (shard,) = source.shard_ids()
    records = read_all(source, source.shard_iterator(shard, None, mapping()))
    inserts_only = FilterCriteria.from_api(
        {
            "Filters": [
                {
                    "Pattern": json.dumps(
                        {
                            "eventName": ["INSERT"],
                            "dynamodb": {"NewImage": {"title": {"S": ["keep me"]}}},
                        }
                    )
                }
            ]
        }
    )
    assert [inserts_only.matches(source.filter_view(r)) for r in records] == [True, False]
