"""Producer -> Kinesis -> local runtime -> built stream_processor zip -> S3, end to end.

10,000 records with 1% poison of every kind, a share of them KPL-aggregated, and real
duplicates made by the producer retrying calls whose responses were lost. After the
runtime drains the stream, every record is accounted for exactly: each good one in
the archive as many times as it entered the stream, each poison one in quarantine
with its reason, none in the failure destination, none lost.
"""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError

from clients.archive import iter_archived, iter_quarantined, object_keys
from clients.producer import Producer, RetryPolicy, build_sample
from local_runtime.runtime import DISCOVERY_INTERVAL_SECONDS
from tests.integration.support import (
    EXPECTED_REASON,
    KPL_MAGIC,
    runtime_status,
    wait_until,
    wait_until_drained,
)


class LostResponses:
    """A Kinesis client whose chosen PutRecords calls succeed but 'lose' the response.

    The producer cannot tell a lost response from a lost request, so it retries the
    whole call and every record of it enters the stream twice: at-least-once, as on AWS.
    """

    def __init__(self, client: Any, lose_calls: set[int]) -> None:
        self._client = client
        self._lose_calls = lose_calls
        self.calls = 0
        self.duplicated: list[bytes] = []

    def put_records(self, **kwargs: Any) -> Any:
        self.calls += 1
        response = self._client.put_records(**kwargs)
        if self.calls in self._lose_calls:
            self.duplicated += [entry["Data"] for entry in kwargs["Records"]]
            raise ReadTimeoutError(endpoint_url="emulated lost response")
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def test_every_record_ends_in_exactly_one_place(
    outputs: dict[str, Any], runtime: Any, aws_clients: dict[str, Any]
) -> None:
    stream = outputs["stream_name"]
    bucket = outputs["archive_bucket_name"]
    s3 = aws_clients["s3"]
    # Other tests of the session put records into the same stream: once the processor
    # has drained them, account only for the objects this test's records create (each
    # batch writes a new, deterministic key).
    wait_until_drained(runtime, "stream-processor", since=time.time())
    earlier = set(object_keys(s3, bucket, ""))

    def own_archived() -> list[tuple[str, dict[str, Any]]]:
        return [(key, line) for key, line in iter_archived(s3, bucket) if key not in earlier]

    def own_quarantined() -> list[tuple[str, dict[str, Any]]]:
        return [(key, row) for key, row in iter_quarantined(s3, bucket) if key not in earlier]

    no_wait = RetryPolicy(max_attempts=5, base_delay=0.0, max_delay=0.0)

    plain = build_sample(7_000, poison_fraction=0.01, seed=1)
    lossy = LostResponses(aws_clients["kinesis"], lose_calls={2, 9})
    plain_summary = Producer(lossy, stream, retry=no_wait, partition_key="event_id").put(
        plain.items
    )
    aggregated = build_sample(3_000, poison_fraction=0.01, seed=2)
    aggregated_summary = Producer(
        aws_clients["kinesis"], stream, aggregate=True, partition_key="field:event_type"
    ).put(aggregated.items)
    corrupt_aggregates = [KPL_MAGIC + b"not a protobuf" + bytes(16), KPL_MAGIC]
    corrupt_summary = Producer(aws_clients["kinesis"], stream).put(corrupt_aggregates)

    for summary in (plain_summary, aggregated_summary, corrupt_summary):
        assert summary.ok, summary.format_text()
    assert len(lossy.duplicated) > 0
    assert aggregated_summary.kinesis_records < aggregated_summary.user_records

    # What must come out, counting each copy that entered the stream.
    expected_events: Counter[str] = Counter()
    for event in plain.valid_events + aggregated.valid_events:
        expected_events[event["event_id"]] += 1
    expected_reasons: Counter[str] = Counter()
    for sample in (plain, aggregated):
        for _, kind in sample.poison:
            expected_reasons[EXPECTED_REASON[kind]] += 1
    expected_reasons["corrupt_aggregate"] += len(corrupt_aggregates)
    for data in lossy.duplicated:
        try:
            event_id = json.loads(data)["event_id"]
        except (ValueError, KeyError, TypeError):
            event_id = None
        poison = next((k for i, k in plain.poison if plain.items[i] == data), None)
        if poison is not None:
            expected_reasons[EXPECTED_REASON[poison]] += 1
        else:
            expected_events[event_id] += 1
    total_expected = sum(expected_events.values()) + sum(expected_reasons.values())

    def outcomes() -> int:
        return len(own_archived()) + len(own_quarantined())

    wait_until(
        lambda: outcomes() >= total_expected,
        timeout=600,
        what=f"{total_expected} records to reach the archive or quarantine",
        interval=3,
    )
    reached = time.time()

    def runtime_caught_up_since_then() -> bool:
        status = runtime_status(runtime)
        mappings = status["mappings"].values()
        fresh = status.get("updated_at", 0) > reached + DISCOVERY_INTERVAL_SECONDS
        return fresh and bool(mappings) and all(m["caught_up"] for m in mappings)

    wait_until(runtime_caught_up_since_then, timeout=60, what="the runtime to report caught up")
    archived = own_archived()
    quarantined = own_quarantined()

    status = runtime_status(runtime)
    assert status["errors"] == {}
    assert all(m["last_error"] is None for m in status["mappings"].values()), status

    # Good records: each copy archived exactly once, unchanged, with its lineage.
    assert Counter(line["event_id"] for _, line in archived) == expected_events
    positions = [
        (
            line["_kinesis"]["shard_id"],
            line["_kinesis"]["sequence_number"],
            line["_kinesis"]["sub_sequence_number"],
        )
        for _, line in archived
    ]
    assert len(positions) == len(set(positions)), "a stream record was archived twice"
    sent = {e["event_id"]: e for e in plain.valid_events + aggregated.valid_events}
    for _, line in archived:
        assert {k: v for k, v in line.items() if k != "_kinesis"} == sent[line["event_id"]]
    assert any(line["_kinesis"]["sub_sequence_number"] is not None for _, line in archived)
    assert all(key.startswith("archive/year=") for key, _ in archived)

    # Poison: each in quarantine with its reason and its raw bytes, never retried.
    assert Counter(q["reason"] for _, q in quarantined) == expected_reasons
    raw_poison = {base64.b64decode(q["data_base64"]) for _, q in quarantined}
    for sample in (plain, aggregated):
        for position, _ in sample.poison:
            assert sample.items[position] in raw_poison

    # Nothing needed the failure destination, and nothing is unaccounted for.
    queue = aws_clients["sqs"].get_queue_attributes(
        QueueUrl=outputs["failure_queue_url"], AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert queue["Attributes"]["ApproximateNumberOfMessages"] == "0"
    assert len(archived) + len(quarantined) == total_expected
    assert sum(m["function_errors"] for m in status["mappings"].values()) == 0


@pytest.mark.parametrize("output", ["stream_name", "archive_bucket_name", "failure_queue_url"])
def test_outputs_name_what_the_emulator_holds(
    outputs: dict[str, Any], aws_clients: dict[str, Any], output: str
) -> None:
    value = outputs[output]
    if output == "stream_name":
        aws_clients["kinesis"].describe_stream_summary(StreamName=value)
    elif output == "archive_bucket_name":
        aws_clients["s3"].head_bucket(Bucket=value)
    else:
        aws_clients["sqs"].get_queue_attributes(QueueUrl=value, AttributeNames=["QueueArn"])


def test_the_deployed_mapping_is_what_the_runtime_serves(
    outputs: dict[str, Any], runtime: Any, aws_clients: dict[str, Any]
) -> None:
    mappings = aws_clients["lambda"].list_event_source_mappings(
        FunctionName=outputs["processor_function_arn"]
    )["EventSourceMappings"]
    (mapping,) = mappings
    assert mapping["UUID"] == outputs["event_source_mapping_uuid"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["DestinationConfig"]["OnFailure"]["Destination"] == outputs["failure_queue_arn"]
    wait_until(
        lambda: any(k.startswith(mapping["UUID"]) for k in runtime_status(runtime)["mappings"]),
        timeout=30,
        what="the runtime to pick up the mapping",
    )
