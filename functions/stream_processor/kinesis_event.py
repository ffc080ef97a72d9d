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
    records = []
    # Positional and one lookup of "kinesis" per record: a batch holds up to 10,000.
    for event_record in event["Records"]:
        kinesis = event_record["kinesis"]
        records.append(
            KinesisRecord(
                event_record["eventID"].partition(":")[0],
                kinesis["sequenceNumber"],
                kinesis["partitionKey"],
                kinesis["approximateArrivalTimestamp"],
                kinesis["data"],
            )
        )
    return records


def partial_batch_response(failed_sequence_numbers: list[str]) -> PartialBatchResponse:
    """The ReportBatchItemFailures response; Lambda resumes from the lowest listed number."""
    return {
        "batchItemFailures": [
            {"itemIdentifier": sequence_number} for sequence_number in failed_sequence_numbers
        ]
    }
