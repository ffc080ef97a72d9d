"""Kinesis Data Streams as an event source: shards, iterators and Lambda's record shape."""

from __future__ import annotations

import base64
import contextlib
import json
from typing import Any

from local_runtime.event_sources.event_source_mapping import MappingConfig, StreamRecord, event_size


class KinesisSource:
    """Reads one stream through the emulator's Kinesis API."""

    batch_info_key = "KinesisBatchInfo"

    def __init__(self, client: Any, stream_arn: str, region: str, role_arn: str) -> None:
        self._client = client
        self.source_arn = stream_arn
        self._region = region
        self._role_arn = role_arn

    def shard_ids(self) -> list[str]:
        shards: list[str] = []
        kwargs: dict[str, Any] = {"StreamARN": self.source_arn}
        while True:
            page = self._client.list_shards(**kwargs)
            shards += [s["ShardId"] for s in page["Shards"]]
            if not page.get("NextToken"):
                return shards
            kwargs = {"NextToken": page["NextToken"]}

    def shard_iterator(
        self, shard_id: str, after_sequence: str | None, mapping: MappingConfig
    ) -> str | None:
        kwargs: dict[str, Any] = {"StreamARN": self.source_arn, "ShardId": shard_id}
        if after_sequence is not None:
            kwargs |= {
                "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                "StartingSequenceNumber": after_sequence,
            }
        elif mapping.starting_position == "AT_TIMESTAMP":
            kwargs |= {
                "ShardIteratorType": "AT_TIMESTAMP",
                "Timestamp": mapping.starting_position_timestamp,
            }
        else:
            kwargs["ShardIteratorType"] = mapping.starting_position
        iterator: str | None = self._client.get_shard_iterator(**kwargs).get("ShardIterator")
        return iterator

    def read(
        self, shard_id: str, iterator: str, limit: int
    ) -> tuple[list[StreamRecord], str | None]:
        page = self._client.get_records(
            ShardIterator=iterator, Limit=limit, StreamARN=self.source_arn
        )
        return [self._record(r, shard_id) for r in page["Records"]], page.get("NextShardIterator")

    def _record(self, record: dict[str, Any], shard_id: str) -> StreamRecord:
        sequence = record["SequenceNumber"]
        arrival = record["ApproximateArrivalTimestamp"].timestamp()
        event_record = {
            "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": record["PartitionKey"],
                "sequenceNumber": sequence,
                "data": base64.b64encode(record["Data"]).decode("ascii"),
                "approximateArrivalTimestamp": arrival,
            },
            "eventSource": "aws:kinesis",
            "eventVersion": "1.0",
            "eventID": f"{shard_id}:{sequence}",
            "eventName": "aws:kinesis:record",
            "invokeIdentityArn": self._role_arn,
            "awsRegion": self._region,
            "eventSourceARN": self.source_arn,
        }
        return StreamRecord(sequence, arrival, event_record, event_size(event_record))

    def filter_view(self, record: StreamRecord) -> dict[str, Any]:
        # Lambda matches `data` patterns against the decoded payload when it is JSON.
        kinesis = dict(record.event_record["kinesis"])
        with contextlib.suppress(ValueError):
            kinesis["data"] = json.loads(base64.b64decode(kinesis["data"]))
        return {**record.event_record, **kinesis}
