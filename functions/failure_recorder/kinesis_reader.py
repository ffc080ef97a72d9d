"""ShardReader on Kinesis: the only module of the recorder's core collaborators that reads AWS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from failure_recorder.ranges import Page, StoredRecord, format_time

if TYPE_CHECKING:
    from mypy_boto3_kinesis import KinesisClient

# GetRecords' largest page.
_PAGE_LIMIT = 10_000


class KinesisShardReader:
    def __init__(self, client: KinesisClient) -> None:
        self._client = client

    def iterator_at(self, stream_arn: str, shard_id: str, sequence_number: str) -> str | None:
        try:
            response = self._client.get_shard_iterator(
                StreamARN=stream_arn,
                ShardId=shard_id,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                StartingSequenceNumber=sequence_number,
            )
        except (
            self._client.exceptions.ResourceNotFoundException,
            self._client.exceptions.InvalidArgumentException,
        ):
            # A shard past its retention after a reshard, a deleted stream, or a position
            # Kinesis no longer serves: the records are gone, which the tombstone records.
            return None
        return response.get("ShardIterator")

    def read(self, stream_arn: str, iterator: str) -> Page:
        response = self._client.get_records(
            ShardIterator=iterator, Limit=_PAGE_LIMIT, StreamARN=stream_arn
        )
        return Page(
            records=[
                StoredRecord(
                    sequence_number=record["SequenceNumber"],
                    partition_key=record["PartitionKey"],
                    approximate_arrival_timestamp=format_time(
                        record["ApproximateArrivalTimestamp"]
                    ),
                    data=record["Data"],
                )
                for record in response["Records"]
            ],
            next_iterator=response.get("NextShardIterator"),
            millis_behind_latest=response.get("MillisBehindLatest", 0),
        )
