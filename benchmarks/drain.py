"""Drain rate: user records through Kinesis, the local runtime and the built zip to S3.

The integration path on the emulator, without Terraform: a 4-shard stream, the archive
bucket and the host build of stream_processor deployed as the local environment deploys
them, with the local tfvars' mapping settings (batch 1000, parallelization factor 1).
A warm-up stream starts the runtime and every worker (timed: the cold figure); a second
stream is filled with the records (random partition keys, one Kinesis record each; the
producer's rate is reported too), then mapped, and the clock runs from the moment the
runtime polls it until the last record is archived.
The archive is then checked to hold each record exactly once, so a fast wrong answer
cannot pass. The throughput section before this one is the handler alone on one batch.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from unittest import mock

import boto3

from benchmarks.report import Section
from clients.archive import iter_archived
from clients.producer import Producer, build_sample
from local_runtime import emulator, stack
from local_runtime.runtime import LocalRuntime, RuntimeSettings

REGION = "eu-west-1"
SHARDS = 4
FUNCTION = "stream-processor"
# What infra/environments/local/terraform.tfvars sets for the mapping.
MAPPING_SETTINGS = {
    "BatchSize": 1000,
    "MaximumBatchingWindowInSeconds": 1,
    "ParallelizationFactor": 1,
    "MaximumRetryAttempts": 2,
    "FunctionResponseTypes": ["ReportBatchItemFailures"],
    "StartingPosition": "TRIM_HORIZON",
}
DRAIN_TIMEOUT_SECONDS = 120
# Records that start every worker (one per shard lane) before the timed drain.
WARM_UP_RECORDS = 200


class DrainBenchmarkError(RuntimeError):
    """The runtime did not archive every record exactly once in time."""


def _deploy(clients: dict[str, Any], bucket: str, stream_arn: str) -> str:
    role = clients["iam"].create_role(
        RoleName=FUNCTION,
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    function_arn = clients["lambda"].create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role,
        Handler="stream_processor.handler.lambda_handler",
        Code={"ZipFile": (stack.HOST_ARTIFACTS / "stream_processor.zip").read_bytes()},
        Timeout=30,
        MemorySize=256,
        # What modules/stream_processing sets (prefixes and limits keep their defaults).
        Environment={
            "Variables": {
                "ARCHIVE_BUCKET": bucket,
                "POWERTOOLS_SERVICE_NAME": "stream-processor",
                "POWERTOOLS_METRICS_NAMESPACE": "Drain",
                "POWERTOOLS_LOG_LEVEL": "WARNING",
            }
        },
    )["FunctionArn"]
    _map(clients, function_arn, stream_arn)
    return str(function_arn)


def _map(clients: dict[str, Any], function_arn: str, stream_arn: str) -> str:
    """Create the stream's mapping to the function; returns its UUID."""
    mapping: dict[str, Any] = clients["lambda"].create_event_source_mapping(
        FunctionName=function_arn, EventSourceArn=stream_arn, **MAPPING_SETTINGS
    )
    return str(mapping["UUID"])


def _stream(clients: dict[str, Any], name: str) -> str:
    """Create a stream of SHARDS shards; returns its ARN."""
    clients["kinesis"].create_stream(StreamName=name, ShardCount=SHARDS)
    return str(
        clients["kinesis"].describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
            "StreamARN"
        ]
    )


def _wait_until_archived(
    runtime: LocalRuntime, s3: Any, bucket: str, kinesis_records: int, user_records: int
) -> None:
    """Return once the runtime has delivered `kinesis_records` and the archive holds
    `user_records` lines (delivery counts after the handler wrote, so one look suffices)."""
    deadline = time.perf_counter() + DRAIN_TIMEOUT_SECONDS
    while time.perf_counter() < deadline:
        delivered = sum(m["records_delivered"] for m in runtime.status()["mappings"].values())
        if delivered >= kinesis_records and sum(1 for _ in iter_archived(s3, bucket)) >= (
            user_records
        ):
            return
        time.sleep(0.02)
    raise DrainBenchmarkError(f"{user_records} records not archived in {DRAIN_TIMEOUT_SECONDS} s")


def drain_once(records: int) -> dict[str, Any]:
    """Warm the runtime on one stream (timed: the cold figure), fill a second stream with
    `records` user records (timed: the producer), then time the warm runtime draining it
    from the moment its mapping's pollers run until the last record is archived."""
    with (
        tempfile.TemporaryDirectory() as scratch,
        emulator.running(Path(scratch) / "emulator.log") as running,
        # The runtime, like the stack, takes the emulator's endpoint and credentials here.
        mock.patch.dict(os.environ, running.client_environment(REGION)),
    ):
        session = boto3.session.Session()
        clients: dict[str, Any] = {
            name: session.client(name) for name in ("iam", "kinesis", "lambda", "s3")
        }
        bucket = "drain-archive"
        clients["s3"].create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        function_arn = _deploy(clients, bucket, _stream(clients, "warm-up"))
        drained_stream = _stream(clients, "drained")
        warm_up = build_sample(WARM_UP_RECORDS, seed=4)
        sample = build_sample(records, seed=3)

        runtime = LocalRuntime(
            RuntimeSettings(
                endpoint_url=running.endpoint_url,
                region=REGION,
                artifacts_dir=stack.HOST_ARTIFACTS,
                state_dir=Path(scratch) / "state",
                runtime_libs=(stack.RUNTIME_LIBS,),
            )
        )
        server = threading.Thread(target=runtime.serve, daemon=True)
        started = time.perf_counter()
        server.start()
        try:
            warm_up_put = Producer(clients["kinesis"], "warm-up").put(warm_up.items)
            _wait_until_archived(
                runtime, clients["s3"], bucket, warm_up_put.kinesis_records, WARM_UP_RECORDS
            )
            cold_seconds = time.perf_counter() - started
            # Both streams' shards number their records alike, and the archive key is
            # deterministic per shard and position: start the drained archive empty.
            for key in {key for key, _ in iter_archived(clients["s3"], bucket)}:
                clients["s3"].delete_object(Bucket=bucket, Key=key)
            put_started = time.perf_counter()
            summary = Producer(clients["kinesis"], "drained").put(sample.items)
            put_seconds = time.perf_counter() - put_started
            if not summary.ok:
                raise DrainBenchmarkError(summary.format_text())
            uuid = _map(clients, function_arn, drained_stream)
            deadline = time.perf_counter() + DRAIN_TIMEOUT_SECONDS
            while not any(key.startswith(uuid) for key in runtime.status()["mappings"]):
                if time.perf_counter() > deadline:
                    raise DrainBenchmarkError("the runtime never served the second mapping")
                time.sleep(0.005)
            drain_started = time.perf_counter()
            _wait_until_archived(
                runtime,
                clients["s3"],
                bucket,
                warm_up_put.kinesis_records + summary.kinesis_records,
                records,
            )
            seconds = time.perf_counter() - drain_started
            status = runtime.status()
        finally:
            runtime.stop()
            server.join(timeout=60)
        errors = sum(m["function_errors"] for m in status["mappings"].values())
        ids = sorted(line["event_id"] for _, line in iter_archived(clients["s3"], bucket))
        expected = sorted(e["event_id"] for e in sample.valid_events)
        if errors or ids != expected:
            raise DrainBenchmarkError(
                f"{errors} function errors; archive holds {len(ids)} records "
                f"({len(set(ids))} distinct), expected each of {len(expected)} once; "
                f"status: {json.dumps(status, default=str)[:3000]}"
            )
        drained = [m for key, m in status["mappings"].items() if key.startswith(uuid)]
        return {
            "seconds": seconds,
            "put_seconds": put_seconds,
            "cold_seconds": cold_seconds,
            "user_records": records,
            "invocations": sum(m["invocations"] for m in drained),
            "pollers": len(drained),
            "peak_concurrency": status["concurrency"][FUNCTION]["peak"],
        }


def run(records: int) -> Section:
    """One drain (each takes an emulator and cold starts; repeats add little)."""
    result = drain_once(records)
    rate = result["user_records"] / result["seconds"]
    return Section(
        name="drain",
        title="Drain: producer -> Kinesis -> local runtime -> stream_processor zip -> S3",
        headers=[
            "records",
            "seconds",
            "user records/s",
            "producer alone",
            "invocations",
            "pollers",
            "peak",
        ],
        rows=[
            [
                f"{result['user_records']:,}",
                f"{result['seconds']:.2f}",
                f"{rate:,.0f}",
                f"{result['user_records'] / result['put_seconds']:,.0f}/s",
                str(result["invocations"]),
                str(result["pollers"]),
                str(result["peak_concurrency"]),
            ]
        ],
        notes=[
            f"{SHARDS} shards x parallelization factor 1 = pollers; peak = most invocations "
            "of the function in flight at once (one worker process each)",
            "clock from the moment the warm runtime polls the filled stream to the last record "
            "archived; every record checked to be archived exactly once. Cold: "
            f"{result['cold_seconds']:.1f} s from the runtime's start to its first "
            f"{WARM_UP_RECORDS} records archived (discovery and cold starts); producer "
            "alone: PutRecords of the same records into the emulator",
            "compare with the throughput section: the handler alone on one batch",
        ],
        data={**result, "user_records_per_second": rate},
    )
