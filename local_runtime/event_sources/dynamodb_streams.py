"""DynamoDB streams as an event source: shards, iterators and Lambda's record shape.

Lambda's record differs from what GetRecords returns in a few fields, and the
emulator adds quirks of its own; this module produces what Lambda delivers:
- `eventVersion` is "1.1" and `eventSourceARN` is added;
- `ApproximateCreationDateTime` is epoch seconds (a number), rounded down to the
  second as the DynamoDB Streams API documents it;
- `awsRegion` comes from the stream ARN: the emulator reports us-east-1 whatever the
  table's region is.
Sequence numbers are decimal strings (the emulator's are 22 digits), so the
ShardPoller's integer positions order them correctly.
"""

from __future__ import annotations

import math
from typing import Any

from local_runtime.event_sources.event_source_mapping import MappingConfig, StreamRecord, event_size

# GetRecords returns at most 1,000 records a call on DynamoDB streams.
_MAX_RECORDS_PER_READ = 1000
_ITERATOR_TYPES = ("TRIM_HORIZON", "LATEST")


class DynamoDBStreamSource:
    """Reads one table stream through the emulator's DynamoDB Streams API."""

    batch_info_key = "DDBStreamBatchInfo"

    def __init__(self, client: Any, stream_arn: str) -> None:
        self._client = client
        self.source_arn = stream_arn
        self._region = stream_arn.split(":")[3]

    def shard_ids(self) -> list[str]:
        shards: list[str] = []
        kwargs: dict[str, Any] = {"StreamArn": self.source_arn}
        while True:
            description = self._client.describe_stream(**kwargs)["StreamDescription"]
            shards += [s["ShardId"] for s in description["Shards"]]
            last = description.get("LastEvaluatedShardId")
            if not last:
                return shards
            kwargs["ExclusiveStartShardId"] = last

    def shard_iterator(
        self, shard_id: str, after_sequence: str | None, mapping: MappingConfig
    ) -> str | None:
        kwargs: dict[str, Any] = {"StreamArn": self.source_arn, "ShardId": shard_id}
        if after_sequence is not None:
            kwargs |= {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "SequenceNumber": after_sequence,
            }
        elif mapping.starting_position in _ITERATOR_TYPES:
            kwargs["ShardIteratorType"] = mapping.starting_position
        else:
            # Lambda rejects AT_TIMESTAMP for DynamoDB streams when the mapping is created.
            raise ValueError(
                f"mapping {mapping.uuid}: starting position {mapping.starting_position!r} "
                f"is not valid for DynamoDB streams (use one of {', '.join(_ITERATOR_TYPES)})"
            )
        iterator: str | None = self._client.get_shard_iterator(**kwargs).get("ShardIterator")
        return iterator

    def read(
        self, shard_id: str, iterator: str, limit: int
    ) -> tuple[list[StreamRecord], str | None]:
        page = self._client.get_records(
            ShardIterator=iterator, Limit=min(limit, _MAX_RECORDS_PER_READ)
        )
        # No NextShardIterator: the shard is closed and fully read.
        return [self._record(r) for r in page["Records"]], page.get("NextShardIterator")

    def _record(self, record: dict[str, Any]) -> StreamRecord:
        stream = dict(record["dynamodb"])
        arrival = stream["ApproximateCreationDateTime"].timestamp()
        stream["ApproximateCreationDateTime"] = math.floor(arrival)
        event_record: dict[str, Any] = {
            "eventID": record["eventID"],
            "eventName": record["eventName"],
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": self._region,
            "dynamodb": stream,
            "eventSourceARN": self.source_arn,
        }
        if "userIdentity" in record:  # TTL deletions name the DynamoDB service
            event_record["userIdentity"] = record["userIdentity"]
        return StreamRecord(
            stream["SequenceNumber"], arrival, event_record, event_size(event_record)
        )

    def filter_view(self, record: StreamRecord) -> dict[str, Any]:
        # Patterns match the record as delivered: {"dynamodb": {"NewImage": ...}}.
        return record.event_record
