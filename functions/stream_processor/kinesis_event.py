"""The Lambda Kinesis event, as AWS documents it, and its conversion to KinesisRecord."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from stream_processor.models import KinesisRecord


class KinesisData(TypedDict):
    kinesisSchemaVersion: str
    partitionKey: str
    sequenceNumber: str
    data: str
    approximateArrivalTimestamp: float


class KinesisEventRecord(TypedDict):
    kinesis: KinesisData
    eventSource: NotRequired[str]
    eventVersion: NotRequired[str]
    # "shardId-000000000000:49545115243490985018280067714973144582180062593244200961"
    eventID: str
    eventName: NotRequired[str]
    invokeIdentityArn: NotRequired[str]
    awsRegion: NotRequired[str]
    eventSourceARN: NotRequired[str]


class KinesisStreamEvent(TypedDict):
    Records: list[KinesisEventRecord]


class BatchItemFailure(TypedDict):
    itemIdentifier: str


class PartialBatchResponse(TypedDict):
    batchItemFailures: list[BatchItemFailure]


def records_from_event(event: KinesisStreamEvent) -> list[KinesisRecord]:
    """Flatten the event into KinesisRecord values; the shard id is eventID's first part."""
    return [
        KinesisRecord(
            shard_id=event_record["eventID"].partition(":")[0],
            sequence_number=event_record["kinesis"]["sequenceNumber"],
            partition_key=event_record["kinesis"]["partitionKey"],
            approximate_arrival_timestamp=event_record["kinesis"]["approximateArrivalTimestamp"],
            data=event_record["kinesis"]["data"],
        )
        for event_record in event["Records"]
    ]


def partial_batch_response(failed_sequence_numbers: list[str]) -> PartialBatchResponse:
    """The ReportBatchItemFailures response; Lambda resumes from the lowest listed number."""
    return {
        "batchItemFailures": [
            {"itemIdentifier": sequence_number} for sequence_number in failed_sequence_numbers
        ]
    }
