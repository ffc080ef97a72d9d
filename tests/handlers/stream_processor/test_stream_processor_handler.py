from __future__ import annotations

import base64
import gzip
import io
import json
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from aws_kinesis_agg.aggregator import RecordAggregator
from botocore.exceptions import ClientError, EndpointConnectionError
from stream_processor_events import (
    ARCHIVE_BUCKET,
    FakeLambdaContext,
    corrupt_aggregate_data,
    event_record,
    import_handler_fresh,
    kinesis_event,
    synthetic_sequence_number,
)

from lambda_common.settings import ConfigurationError
from stream_processor.batch import format_timestamp
from stream_processor.keys import time_partition

StreamEvent = Callable[[list[bytes]], dict[str, Any]]
ARRIVAL = 1709802902.123
PARTITION = "year=2024/month=03/day=07/hour=09"
SHARD_ID = "shardId-000000000000"


def event_payload(index: int, **overrides: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "event_id": str(uuid.UUID(int=index + 1)),
        "event_type": "page.viewed",
        "occurred_at": "2024-03-07T09:15:00Z",
        "source": "web",
        "payload": {"index": index},
    }
    event.update(overrides)
    return event


def encoded(index: int, **overrides: Any) -> bytes:
    return json.dumps(event_payload(index, **overrides)).encode("utf-8")


def aggregate(payloads: list[bytes]) -> bytes:
    aggregator = RecordAggregator()
    for index, payload in enumerate(payloads):
        aggregator.add_user_record(f"agg-{index}", payload)
    record = aggregator.clear_and_get()
    assert record is not None
    return bytes(record.get_contents()[2])


def synthetic_event(payloads: list[bytes | str]) -> dict[str, Any]:
    """The documented event shape, for inputs a real stream cannot carry (not base64)."""
    return kinesis_event(
        [
            event_record(
                data=(
                    payload
                    if isinstance(payload, str)
                    else base64.b64encode(payload).decode("ascii")
                ),
                sequence_number=synthetic_sequence_number(index),
                partition_key=f"pk-{index}",
                arrival=ARRIVAL,
                stream_name="events-test",
            )
            for index, payload in enumerate(payloads)
        ]
    )


def invoke(handler: ModuleType, event: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = handler.lambda_handler(event, FakeLambdaContext())
    return response


def all_objects(s3: Any) -> dict[str, bytes]:
    listing = s3.list_objects_v2(Bucket=ARCHIVE_BUCKET).get("Contents", [])
    return {
        item["Key"]: s3.get_object(Bucket=ARCHIVE_BUCKET, Key=item["Key"])["Body"].read()
        for item in listing
    }


def archive_lines(s3: Any, key: str) -> list[dict[str, Any]]:
    response = s3.get_object(Bucket=ARCHIVE_BUCKET, Key=key)
    assert response["ContentType"] == "application/x-ndjson"
    assert response["ContentEncoding"] == "gzip"
    return [json.loads(line) for line in gzip.decompress(response["Body"].read()).splitlines()]


def quarantined(s3: Any) -> dict[str, dict[str, Any]]:
    return {
        key: json.loads(body)
        for key, body in all_objects(s3).items()
        if key.startswith("quarantine/")
    }


def sequence_numbers(event: dict[str, Any]) -> list[str]:
    return [record["kinesis"]["sequenceNumber"] for record in event["Records"]]


def failures(*numbers: str) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": number} for number in numbers]}


# --- happy path through a real stream ---------------------------------------------------


def test_records_from_a_stream_are_archived_as_one_gzip_ndjson_object(
    handler: ModuleType, s3: Any, stream_event: StreamEvent
) -> None:
    event = stream_event([encoded(index) for index in range(5)])
    numbers = sequence_numbers(event)
    arrival = event["Records"][0]["kinesis"]["approximateArrivalTimestamp"]

    response = invoke(handler, event)

    assert response == failures()
    [key] = all_objects(s3)
    assert key == f"archive/{time_partition(arrival)}/{SHARD_ID}-{numbers[0]}.ndjson.gz"
    lines = archive_lines(s3, key)
    assert [{k: v for k, v in line.items() if k != "_kinesis"} for line in lines] == [
        event_payload(index) for index in range(5)
    ]
    assert [line["_kinesis"]["sequence_number"] for line in lines] == numbers
    assert lines[0]["_kinesis"] == {
        "shard_id": SHARD_ID,
        "sequence_number": numbers[0],
        "sub_sequence_number": None,
        "partition_key": "pk-0",
        "approximate_arrival_timestamp": format_timestamp(arrival),
    }


def test_kpl_aggregated_records_are_de_aggregated(
    handler: ModuleType, s3: Any, stream_event: StreamEvent
) -> None:
    event = stream_event([aggregate([encoded(0), encoded(1), encoded(2)]), encoded(3)])

    assert invoke(handler, event) == failures()

    [key] = all_objects(s3)
    lines = archive_lines(s3, key)
    assert [line["payload"]["index"] for line in lines] == [0, 1, 2, 3]
    assert [line["_kinesis"]["sub_sequence_number"] for line in lines] == [0, 1, 2, None]
    assert [line["_kinesis"]["partition_key"] for line in lines] == [
        "agg-0",
        "agg-1",
        "agg-2",
        "pk-1",
    ]


# --- bad input of every kind ------------------------------------------------------------


def test_every_kind_of_bad_input_is_quarantined_with_its_reason(
    handler: ModuleType, s3: Any
) -> None:
    one_mib = b'{"source": "' + b"x" * (1024 * 1024) + b'"}'
    event = synthetic_event(
        [
            encoded(0),
            "this is not base64!",
            b"\xff\xfe\x00garbage",
            b"{not json",
            encoded(4, event_type="Not-A-Type"),
            one_mib,
            base64.b64decode(corrupt_aggregate_data()),
            b"[" * 100_000 + b"]" * 100_000,  # hostile nesting, under the size limit
            json.dumps(event_payload(8) | {"extra": True}).encode(),
            aggregate([encoded(9), b"null"]),
            encoded(10),
        ]
    )
    numbers = sequence_numbers(event)

    assert invoke(handler, event) == failures()

    def quarantine_key(index: int, sub: int | None = None) -> str:
        name = numbers[index] if sub is None else f"{numbers[index]}-{sub}"
        return f"quarantine/{PARTITION}/{SHARD_ID}/{name}.json"

    documents = quarantined(s3)
    assert {key: document["reason"] for key, document in documents.items()} == {
        quarantine_key(1): "not_base64",
        quarantine_key(2): "not_utf8",
        quarantine_key(3): "not_json",
        quarantine_key(4): "schema_violation",
        quarantine_key(5): "oversized",
        quarantine_key(6): "corrupt_aggregate",
        quarantine_key(7): "not_json",
        quarantine_key(8): "schema_violation",
        quarantine_key(9, 1): "schema_violation",
    }
    assert documents[quarantine_key(4)]["detail"].startswith("data.event_type must match")
    assert documents[quarantine_key(8)]["detail"] == "data must not contain {'extra'} properties"
    assert base64.b64decode(documents[quarantine_key(5)]["data_base64"]) == one_mib
    assert documents[quarantine_key(9, 1)]["kinesis"]["partition_key"] == "agg-1"
    archive_key = f"archive/{PARTITION}/{SHARD_ID}-{numbers[0]}.ndjson.gz"
    lines = archive_lines(s3, archive_key)
    assert [line["payload"]["index"] for line in lines] == [0, 9, 10]
    assert set(all_objects(s3)) == {archive_key, *documents}


def test_deep_but_legal_nesting_is_archived(handler: ModuleType, s3: Any) -> None:
    nested: dict[str, Any] = {}
    for _ in range(200):
        nested = {"child": nested}
    event = synthetic_event([encoded(0, payload=nested)])

    assert invoke(handler, event) == failures()
    [key] = all_objects(s3)
    assert archive_lines(s3, key)[0]["payload"] == nested


def test_quarantine_warnings_never_log_the_payload(
    handler: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = io.StringIO()
    monkeypatch.setattr(handler.logger.registered_handler, "stream", log)
    secret = "4111-1111-1111-1111"

    invoke(handler, synthetic_event([f'{{"card": "{secret}"'.encode()]))

    entries = [json.loads(line) for line in log.getvalue().splitlines()]
    [warning] = [entry for entry in entries if entry["level"] == "WARNING"]
    assert warning["reason"] == "not_json"
    assert warning["quarantine_key"].startswith("quarantine/")
    assert secret not in log.getvalue()
    [summary] = [entry for entry in entries if entry["message"] == "Batch processed"]
    assert summary["records_quarantined"] == 1
    assert summary["quarantined_by_reason"] == {"not_json": 1}


def test_metrics_count_archived_quarantined_failed_and_batch_size(
    handler: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke(handler, synthetic_event([encoded(0), encoded(1), b"{", b"\xff"]))

    metric_documents = [
        document
        for document in map(json.loads, capsys.readouterr().out.splitlines())
        if "_aws" in document
    ]
    totals = next(d for d in metric_documents if "BatchSize" in d)
    assert totals["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "StreamProcessing"
    assert (totals["BatchSize"], totals["RecordsArchived"]) == ([4.0], [2.0])
    assert (totals["RecordsQuarantined"], totals["RecordsFailed"]) == ([2.0], [0.0])
    by_reason = {d["reason"]: d["RecordsQuarantined"] for d in metric_documents if "reason" in d}
    assert by_reason == {"not_json": [1.0], "not_utf8": [1.0]}


# --- duplicates and retries --------------------------------------------------------------


def test_duplicate_delivery_overwrites_with_identical_bytes(
    handler: ModuleType, s3: Any, stream_event: StreamEvent
) -> None:
    event = stream_event([encoded(0), b"not json", encoded(2)])

    invoke(handler, event)
    first = all_objects(s3)
    invoke(handler, event)

    assert all_objects(s3) == first
    assert len(first) == 2


def test_bisected_retry_writes_each_half_under_its_own_first_record(
    handler: ModuleType, s3: Any
) -> None:
    event = synthetic_event([encoded(index) for index in range(4)])
    numbers = sequence_numbers(event)

    invoke(handler, {"Records": event["Records"][:2]})
    invoke(handler, {"Records": event["Records"][2:]})

    objects = all_objects(s3)
    assert sorted(objects) == [
        f"archive/{PARTITION}/{SHARD_ID}-{numbers[0]}.ndjson.gz",
        f"archive/{PARTITION}/{SHARD_ID}-{numbers[2]}.ndjson.gz",
    ]


# --- S3 failures mid-batch ----------------------------------------------------------------


def failing_put_object(
    handler: ModuleType, monkeypatch: pytest.MonkeyPatch, fails: Callable[[str], Exception | None]
) -> None:
    real_put_object = handler.s3_client.put_object

    def put_object(**request: Any) -> Any:
        error = fails(request["Key"])
        if error is not None:
            raise error
        return real_put_object(**request)

    monkeypatch.setattr(handler.s3_client, "put_object", put_object)


def throttled(operation: str = "PutObject") -> ClientError:
    return ClientError({"Error": {"Code": "SlowDown", "Message": "Reduce your rate"}}, operation)


def test_archive_write_failure_reports_every_record_from_the_first_valid_one(
    handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_put_object(
        handler, monkeypatch, lambda key: throttled() if key.startswith("archive/") else None
    )
    event = synthetic_event([b"{", encoded(1), b"\xff", encoded(3)])
    numbers = sequence_numbers(event)

    assert invoke(handler, event) == failures(*numbers[1:])
    # The record before the first valid one is safely quarantined and not retried.
    assert [document["reason"] for document in quarantined(s3).values()] == [
        "not_json",
        "not_utf8",
    ]


def test_quarantine_write_failure_trims_the_archive_and_reports_from_that_record(
    handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = synthetic_event([encoded(0), encoded(1), b"{", encoded(3), b"\xff", encoded(5)])
    numbers = sequence_numbers(event)
    failing_put_object(
        handler,
        monkeypatch,
        lambda key: (
            EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")
            if key.endswith(f"/{numbers[2]}.json")
            else None
        ),
    )

    assert invoke(handler, event) == failures(*numbers[2:])

    objects = all_objects(s3)
    assert list(objects) == [f"archive/{PARTITION}/{SHARD_ID}-{numbers[0]}.ndjson.gz"]
    lines = archive_lines(s3, next(iter(objects)))
    assert [line["_kinesis"]["sequence_number"] for line in lines] == numbers[:2]


def test_retry_after_partial_failure_completes_without_duplicates(
    handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = synthetic_event([encoded(0), b"{", encoded(2)])
    numbers = sequence_numbers(event)
    s3_is_down = True
    failing_put_object(
        handler,
        monkeypatch,
        lambda key: throttled() if s3_is_down and key.endswith(f"/{numbers[1]}.json") else None,
    )
    response = invoke(handler, event)
    s3_is_down = False  # S3 recovers; Lambda retries from the lowest reported number

    retry_from = min(int(item["itemIdentifier"]) for item in response["batchItemFailures"])
    retry = {
        "Records": [
            r for r in event["Records"] if int(r["kinesis"]["sequenceNumber"]) >= retry_from
        ]
    }
    assert invoke(handler, retry) == failures()

    archived = [
        line["_kinesis"]["sequence_number"]
        for key in all_objects(s3)
        if key.startswith("archive/")
        for line in archive_lines(s3, key)
    ]
    assert sorted(archived) == [numbers[0], numbers[2]]
    assert len(quarantined(s3)) == 1


# --- configuration --------------------------------------------------------------------------


def test_missing_archive_bucket_fails_the_import_clearly(
    handler_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARCHIVE_BUCKET")
    with pytest.raises(ConfigurationError, match="ARCHIVE_BUCKET is not set"):
        import_handler_fresh()


def test_prefixes_and_size_limit_come_from_the_environment(
    aws: None, handler_environment: None, monkeypatch: pytest.MonkeyPatch, s3: Any
) -> None:
    monkeypatch.setenv("ARCHIVE_PREFIX", "events/ok/")
    monkeypatch.setenv("QUARANTINE_PREFIX", "events/bad/")
    monkeypatch.setenv("MAX_RECORD_BYTES", str(len(encoded(0))))
    handler = import_handler_fresh()

    invoke(handler, synthetic_event([encoded(0), encoded(1, source="s" * 128)]))

    keys = sorted(all_objects(s3))
    assert [key.split("/")[:2] for key in keys] == [["events", "bad"], ["events", "ok"]]
    assert quarantined_reasons(s3, "events/bad/") == ["oversized"]


def quarantined_reasons(s3: Any, prefix: str) -> list[str]:
    return [
        json.loads(body)["reason"]
        for key, body in all_objects(s3).items()
        if key.startswith(prefix)
    ]
