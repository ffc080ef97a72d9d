"""An S3 outage longer than the processor's retries, end to end, and an expired range.

Archive writes are denied by a bucket policy (moto evaluates bucket-policy denies) while
1,200 events (poison and KPL aggregates included) enter the stream. The processor's
retries run out, Lambda's (the runtime's) on-failure destination receives range metadata,
the failure recorder reads each range back into failed/. The deny is lifted, the redrive
replays failed/ into the stream, and then every record is accounted for exactly: each good
one archived once, each poison one quarantined with its reason, nothing left unredriven,
nothing lost. Runs after test_stream_processing (file order), which expects a bucket of
its own records only; records here are told apart by their arrival time.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from clients.archive import iter_archived, iter_quarantined, redrive
from clients.producer import Producer, build_sample
from tests.integration.support import (
    EXPECTED_REASON,
    KPL_MAGIC,
    runtime_status,
    wait_until,
)

# Long enough for every batch to spend its retries (3 invocations of ~1-2 s of write
# retries each in local); the test lifts it only once every record was given up on.
DENY_ARCHIVE_WRITES = "DenyArchiveWritesDuringTheOutageTest"


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def deny_archive_writes(s3: Any, bucket: str) -> None:
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": DENY_ARCHIVE_WRITES,
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:PutObject",
                        "Resource": [
                            f"arn:aws:s3:::{bucket}/archive/*",
                            f"arn:aws:s3:::{bucket}/quarantine/*",
                        ],
                    }
                ],
            }
        ),
    )


def failed_documents(s3: Any, bucket: str, prefix: str) -> dict[str, dict[str, Any]]:
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return {key: json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read()) for key in keys}


def processor_mappings(runtime: Any, outputs: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        m
        for m in runtime_status(runtime)["mappings"].values()
        if m["function_arn"] == outputs["processor_function_arn"]
    ]


def queue_is_empty(sqs: Any, queue_url: str) -> bool:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


def test_an_outage_longer_than_the_retries_ends_in_the_archive_after_a_redrive(
    outputs: dict[str, Any], runtime: Any, aws_clients: dict[str, Any]
) -> None:
    s3, sqs = aws_clients["s3"], aws_clients["sqs"]
    stream, bucket = outputs["stream_name"], outputs["archive_bucket_name"]
    failed_prefix = outputs["failed_prefix"]
    started = iso_now()
    given_up_before = sum(
        m["records_to_failure_destination"] for m in processor_mappings(runtime, outputs)
    )

    deny_archive_writes(s3, bucket)
    try:
        plain = build_sample(800, poison_fraction=0.02, seed=31)
        aggregated = build_sample(400, poison_fraction=0.02, seed=32)
        summaries = [
            Producer(aws_clients["kinesis"], stream).put(plain.items),
            Producer(
                aws_clients["kinesis"], stream, aggregate=True, partition_key="field:event_type"
            ).put(aggregated.items),
            Producer(aws_clients["kinesis"], stream).put([KPL_MAGIC + b"corrupt" + bytes(16)]),
        ]
        assert all(summary.ok for summary in summaries)
        kinesis_records = sum(summary.kinesis_records for summary in summaries)
        assert summaries[1].kinesis_records < summaries[1].user_records

        def every_record_given_up() -> bool:
            given_up = sum(
                m["records_to_failure_destination"] for m in processor_mappings(runtime, outputs)
            )
            return given_up - given_up_before >= kinesis_records

        wait_until(
            every_record_given_up,
            timeout=300,
            what=f"all {kinesis_records} Kinesis records to exhaust their retries",
            interval=2,
        )
        retries_ran_out = time.monotonic()

        def every_range_recorded() -> bool:
            if not queue_is_empty(sqs, outputs["failure_queue_url"]):
                return False
            documents = failed_documents(s3, bucket, failed_prefix).values()
            return sum(d["records_recorded"] for d in documents) >= kinesis_records

        wait_until(every_range_recorded, timeout=120, what="the recorder to store every range")
        # Nothing reached archive/ or quarantine/ during the outage.
        assert not [k for k, line in iter_archived(s3, bucket) if _arrived(line, started)]
        assert not [k for k, doc in iter_quarantined(s3, bucket) if _arrived(doc, started)]
    finally:
        s3.delete_bucket_policy(Bucket=bucket)

    recorded = failed_documents(s3, bucket, failed_prefix)
    assert sum(d["records_lost"] for d in recorded.values()) == 0
    assert all(d["failure"]["condition"] == "RetryAttemptsExhausted" for d in recorded.values())
    assert all(d["failure"]["approximate_invoke_count"] == 3 for d in recorded.values())
    recorded_records = sum(d["records_recorded"] for d in recorded.values())
    assert recorded_records == kinesis_records
    assert any(
        base64.b64decode(r["data_base64"]).startswith(KPL_MAGIC)
        for d in recorded.values()
        for r in d["records"]
    )

    first = redrive(s3, aws_clients["kinesis"], bucket, failed_prefix)
    second = redrive(s3, aws_clients["kinesis"], bucket, failed_prefix)
    assert first.ok
    assert (first.ranges_redriven, first.records_put) == (len(recorded), kinesis_records)
    assert (second.ranges_redriven, second.ranges_already_redriven) == (0, len(recorded))

    expected_events = Counter(e["event_id"] for e in plain.valid_events + aggregated.valid_events)
    expected_reasons = Counter(
        EXPECTED_REASON[kind] for sample in (plain, aggregated) for _, kind in sample.poison
    )
    expected_reasons["corrupt_aggregate"] += 1
    sent = sum(expected_events.values()) + sum(expected_reasons.values())

    def outcomes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        archived = [line for _, line in iter_archived(s3, bucket) if _arrived(line, started)]
        quarantined = [doc for _, doc in iter_quarantined(s3, bucket) if _arrived(doc, started)]
        return archived, quarantined

    wait_until(
        lambda: sum(map(len, outcomes())) >= sent,
        timeout=300,
        what=f"{sent} redriven records to reach the archive or quarantine",
        interval=3,
    )
    archived, quarantined = outcomes()

    # Each good record archived exactly once, unchanged.
    assert Counter(line["event_id"] for line in archived) == expected_events
    by_id = {e["event_id"]: e for e in plain.valid_events + aggregated.valid_events}
    for line in archived:
        assert {k: v for k, v in line.items() if k != "_kinesis"} == by_id[line["event_id"]]
    # Each poison record quarantined with its reason and its bytes.
    assert Counter(doc["reason"] for doc in quarantined) == expected_reasons
    raw_poison = {base64.b64decode(doc["data_base64"]) for doc in quarantined}
    for sample in (plain, aggregated):
        for position, _ in sample.poison:
            assert sample.items[position] in raw_poison
    # Nothing left unredriven in failed/, nothing lost.
    tags = [
        {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
        for key in recorded
    ]
    assert all(tag.get("redrive") == "redriven" for tag in tags)
    lost = sent - len(archived) - len(quarantined)
    assert lost == 0
    print(  # the figures the closing note asks for (pytest -s shows them)
        f"\noutage: sent {sent} user records ({kinesis_records} Kinesis records); archived "
        f"{len(archived)}; quarantined {len(quarantined)}; recorded in failed/ "
        f"{recorded_records} Kinesis records in {len(recorded)} ranges; redriven "
        f"{first.records_put}; lost {lost}; archived and quarantined "
        f"{time.monotonic() - retries_ran_out:.0f} s after the retries ran out"
    )


def test_an_expired_range_is_a_tombstone_and_a_metric(
    outputs: dict[str, Any], runtime: Any, aws_clients: dict[str, Any]
) -> None:
    s3, kinesis = aws_clients["s3"], aws_clients["kinesis"]
    stream_arn = outputs["stream_arn"]
    shard_id = kinesis.list_shards(StreamARN=stream_arn)["Shards"][0]["ShardId"]
    # Positions beyond anything the shard holds stand for records retention dropped:
    # moto never trims a stream, so this is how an expired range looks to the recorder.
    gone = 10**30
    message = {
        "requestContext": {
            "requestId": "2b5bc1a1-0000-4000-8000-00000000e4a1",
            "functionArn": outputs["processor_function_arn"],
            "condition": "RecordAgeExceeded",
            "approximateInvokeCount": 1,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": ""},
        "version": "1.0",
        "timestamp": iso_now(),
        "KinesisBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": str(gone),
            "endSequenceNumber": str(gone + 6),
            "approximateArrivalOfFirstRecord": iso_now(),
            "approximateArrivalOfLastRecord": iso_now(),
            "batchSize": 7,
            "streamArn": stream_arn,
        },
    }
    aws_clients["sqs"].send_message(
        QueueUrl=outputs["failure_queue_url"], MessageBody=json.dumps(message)
    )

    def tombstone() -> dict[str, Any] | None:
        documents = failed_documents(s3, outputs["archive_bucket_name"], outputs["failed_prefix"])
        return next(
            (d for k, d in documents.items() if k.endswith(f"/{shard_id}/{gone}-{gone + 6}.json")),
            None,
        )

    wait_until(lambda: tombstone() is not None, timeout=60, what="the tombstone of the range")
    document = tombstone()
    assert document is not None
    assert (document["tombstone"], document["records_lost"], document["records"]) == (True, 7, [])
    assert document["failure"]["condition"] == "RecordAgeExceeded"

    recorder_name = outputs["failure_recorder_function_arn"].rsplit(":", 1)[1]
    log = runtime / "logs" / f"{recorder_name}.log"

    def records_lost_metrics() -> list[float]:
        """RecordsLost values of the EMF lines the recorder printed (Powertools' format)."""
        values: list[float] = []
        for line in log.read_text().splitlines() if log.is_file() else []:
            if '"_aws"' in line and '"RecordsLost"' in line:
                value = json.loads(line)["RecordsLost"]
                values += value if isinstance(value, list) else [value]
        return values

    wait_until(lambda: 7 in records_lost_metrics(), timeout=30, what="the RecordsLost metric")


def _arrived(document: dict[str, Any], since: str) -> bool:
    lineage = document.get("_kinesis") or document["kinesis"]
    return str(lineage["approximate_arrival_timestamp"]) >= since
