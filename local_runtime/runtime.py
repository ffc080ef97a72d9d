"""The local runtime: runs what Terraform deployed into the emulator.

The emulator stores Lambda functions and their event source mappings but runs
nothing. This runtime reads that deployed configuration back (never the Terraform
code), matches each function to its built artifact by CodeSha256, and delivers the
events the mappings describe to the artifact running in a worker process. A wiring
mistake in Terraform therefore shows up as a failing local test.

Stream sources (Kinesis, DynamoDB streams) are served by one ShardPoller per
mapping and shard, SQS queues by one QueuePoller per mapping; S3 bucket
notifications become async invocations; REST APIs and the static site are served on
one local HTTP port (see the modules named below).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from local_runtime.event_sources.async_invocations import AsyncConfig, AsyncInvoker
from local_runtime.event_sources.checkpoints import CheckpointStore
from local_runtime.event_sources.destinations import AwsFailureDestination
from local_runtime.event_sources.dynamodb_streams import DynamoDBStreamSource
from local_runtime.event_sources.event_source_mapping import (
    MappingConfig,
    ShardPoller,
    StreamSource,
)
from local_runtime.event_sources.kinesis import KinesisSource
from local_runtime.event_sources.s3_notifications import S3NotificationPoller, SeenObjects
from local_runtime.event_sources.sqs import Queue, QueueMappingConfig, QueuePoller
from local_runtime.gateway.api_gateway import ApiGateway, read_rest_apis
from local_runtime.gateway.cognito_jwt import CognitoTokenVerifier, fetch_jwks
from local_runtime.gateway.console import Console
from local_runtime.gateway.gateway_server import GatewayServer
from local_runtime.gateway.site import SiteFiles
from local_runtime.status.emulator_resources import EmulatorResources
from local_runtime.status.failure_queues import FailureQueue, read_failure_queues
from local_runtime.status.status_report import problems, read_status
from local_runtime.workers.counters import FunctionCounters
from local_runtime.workers.functions import ArtifactStore, DeployedFunction
from local_runtime.workers.worker import FunctionWorker, WorkerPool

log = logging.getLogger(__name__)

DISCOVERY_INTERVAL_SECONDS = 2.0
# Second part of a queue poller's key (a stream poller's is its shard id and lane).
QUEUE_POLLER = "queue"
# Concurrent invocations of a function without reserved concurrency. Lambda's account
# limit is far higher; here every one is a process on the developer's machine.
UNRESERVED_CONCURRENCY = 8


@dataclass(frozen=True)
class RuntimeSettings:
    endpoint_url: str
    region: str
    artifacts_dir: Path
    state_dir: Path
    # Directories holding what the Lambda runtime provides (boto3 and its deps).
    runtime_libs: tuple[Path, ...]
    # Port of the local API Gateway and site; 0 picks a free one (see status.json).
    gateway_port: int = 0
    # Bucket served at /site/ (the web app's site bucket), if any.
    site_bucket: str | None = None
    # Where artifacts are unpacked (by content, so it can outlive the state); default
    # state_dir/code.
    code_cache: Path | None = None


@dataclass(frozen=True)
class _RunningPoller:
    poller: ShardPoller | QueuePoller
    thread: threading.Thread
    stop: threading.Event

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()


class LocalRuntime:
    """Discovers deployed functions and mappings, and keeps their pollers running."""

    def __init__(self, settings: RuntimeSettings) -> None:
        self.settings = settings
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        (settings.state_dir / "logs").mkdir(exist_ok=True)
        session = boto3.session.Session(region_name=settings.region)
        endpoint = settings.endpoint_url
        self._lambda = session.client("lambda", endpoint_url=endpoint)
        self._kinesis = session.client("kinesis", endpoint_url=endpoint)
        self._dynamodb_streams = session.client("dynamodbstreams", endpoint_url=endpoint)
        self._cognito = session.client("cognito-idp", endpoint_url=endpoint)
        self._sqs = session.client("sqs", endpoint_url=endpoint)
        s3 = session.client("s3", endpoint_url=endpoint)
        self._artifacts = ArtifactStore(
            settings.artifacts_dir, settings.code_cache or settings.state_dir / "code"
        )
        self._checkpoints = CheckpointStore(settings.state_dir / "checkpoints.json")
        self._destination = AwsFailureDestination(
            self._sqs, session.client("sns", endpoint_url=endpoint)
        )
        self._functions_lock = threading.Lock()
        self._deployed: dict[str, DeployedFunction] = {}
        self._workers: dict[str, WorkerPool] = {}
        self._pollers: dict[tuple[str, str], _RunningPoller] = {}
        self._errors: dict[str, str] = {}
        self._failure_queues: list[FailureQueue] = []
        self._stop = threading.Event()
        self._async = AsyncInvoker(self.invoker_for, self._async_config, self._destination)
        self._notifications = S3NotificationPoller(
            s3,
            settings.region,
            SeenObjects(settings.state_dir / "s3_seen_objects.json"),
            self._async.submit,
        )
        apigateway = session.client("apigateway", endpoint_url=endpoint)
        self._gateway = ApiGateway(
            lambda: read_rest_apis(apigateway),
            self.invoker_for,
            CognitoTokenVerifier(fetch_jwks(endpoint), self._pool_client_ids),
        )
        self._server = GatewayServer(
            self._gateway,
            SiteFiles(s3, settings.site_bucket) if settings.site_bucket else None,
            settings.gateway_port,
            # The console reads the status the serving loop writes (threads never race it).
            Console(
                lambda: read_status(settings.state_dir),
                settings.state_dir / "logs",
                EmulatorResources(session, endpoint),
            ),
        )

    # -- discovery -------------------------------------------------------------------
    def _functions(self) -> dict[str, DeployedFunction]:
        functions: dict[str, DeployedFunction] = {}
        for page in self._lambda.get_paginator("list_functions").paginate():
            for configuration in page["Functions"]:
                function = DeployedFunction.from_configuration(configuration)
                functions[function.arn] = function
        return functions

    def invoker_for(self, function_arn: str) -> WorkerPool:
        """The workers of a deployed function (API Gateway, queues and async invoke it)."""
        # A qualified ARN (":alias") names the function too; the runtime runs $LATEST.
        function_arn = ":".join(function_arn.split(":")[:7])
        function = self._deployed.get(function_arn)
        if function is None:  # deployed since the last refresh
            function = DeployedFunction.from_configuration(
                self._lambda.get_function_configuration(FunctionName=function_arn)
            )
        return self._worker(function)

    def _all_workers(self) -> list[WorkerPool]:
        with self._functions_lock:
            return list(self._workers.values())

    def _concurrency_limit(self, function: DeployedFunction) -> int:
        """The function's reserved concurrency, or the local default when unreserved."""
        reserved = self._lambda.get_function_concurrency(FunctionName=function.arn).get(
            "ReservedConcurrentExecutions"
        )
        return UNRESERVED_CONCURRENCY if reserved is None else int(reserved)

    def _worker(self, function: DeployedFunction) -> WorkerPool:
        # Pollers, API requests and async events ask concurrently; one pool per function.
        with self._functions_lock:
            current = self._workers.get(function.arn)
            if current is not None and current.function == function:
                return current
            if current is not None:
                current.stop()  # code or configuration changed: next invoke is a cold start
                log.info("%s: new code or configuration, workers restarted", function.name)
            code_dir = self._artifacts.code_dir(function)
            log_file = self.settings.state_dir / "logs" / f"{function.name}.log"
            # The function's counters outlive its workers: a restart is a cold start.
            counters = current.counters if current is not None else FunctionCounters()

            def new_worker() -> FunctionWorker:
                return FunctionWorker(
                    function,
                    code_dir,
                    list(self.settings.runtime_libs),
                    base_environment={
                        "AWS_ENDPOINT_URL": self.settings.endpoint_url,
                        "AWS_REGION": self.settings.region,
                        "AWS_DEFAULT_REGION": self.settings.region,
                        "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
                        "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
                        "AWS_SESSION_TOKEN": os.environ.get("AWS_SESSION_TOKEN", "testing"),
                    },
                    log_file=log_file,
                    counters=counters,
                )

            pool = WorkerPool(function, new_worker, self._concurrency_limit(function), counters)
            self._workers[function.arn] = pool
            return pool

    def _source(self, mapping: MappingConfig, function: DeployedFunction) -> StreamSource | None:
        service = mapping.source_arn.split(":")[2]
        if service == "kinesis":
            role = self._lambda.get_function(FunctionName=function.arn)
            return KinesisSource(
                self._kinesis,
                mapping.source_arn,
                self.settings.region,
                role["Configuration"].get("Role", ""),
            )
        if service == "dynamodb":
            return DynamoDBStreamSource(self._dynamodb_streams, mapping.source_arn)
        return None

    def _async_config(self, function_arn: str) -> AsyncConfig:
        try:
            config = self._lambda.get_function_event_invoke_config(FunctionName=function_arn)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            config = None  # never configured: Lambda's defaults apply
        return AsyncConfig.from_api(config)

    def _pool_client_ids(self, pool_id: str) -> list[str]:
        clients: list[str] = []
        kwargs: dict[str, Any] = {"UserPoolId": pool_id, "MaxResults": 60}
        while True:
            page = self._cognito.list_user_pool_clients(**kwargs)
            clients += [c["ClientId"] for c in page["UserPoolClients"]]
            if not page.get("NextToken"):
                return clients
            kwargs["NextToken"] = page["NextToken"]

    def refresh(self) -> None:
        """Bring pollers, notifications and APIs in line with what is deployed now."""
        self._deployed = self._functions()
        for name, step in (
            ("s3_notifications", self._notifications.poll),
            ("api_gateway", self._gateway.refresh),
            ("failure_queues", self._refresh_failure_queues),
        ):
            try:
                step()
                self._errors.pop(name, None)
            except Exception as error:  # report and keep serving everything else
                self._errors[name] = f"{type(error).__name__}: {error}"
                log.exception("%s", name)
        self._refresh_mappings()

    def _refresh_failure_queues(self) -> None:
        self._failure_queues = read_failure_queues(self._lambda, self._sqs, self._deployed)

    def _refresh_mappings(self) -> None:
        wanted: set[tuple[str, str]] = set()
        for function in self._deployed.values():
            mappings = self._lambda.list_event_source_mappings(FunctionName=function.arn)
            for raw in mappings["EventSourceMappings"]:
                key_prefix = raw["UUID"]
                try:
                    if raw["EventSourceArn"].split(":")[2] == "sqs":
                        wanted |= self._serve_queue_mapping(raw, function)
                    else:
                        wanted |= self._serve_stream_mapping(raw, function)
                    self._errors.pop(key_prefix, None)
                except Exception as error:  # report and keep serving the other mappings
                    self._errors[key_prefix] = f"{type(error).__name__}: {error}"
                    log.exception("mapping %s", key_prefix)
        for key in set(self._pollers) - wanted:
            self._stop_poller(key)

    def _serve_stream_mapping(
        self, raw: Mapping[str, Any], function: DeployedFunction
    ) -> set[tuple[str, str]]:
        """Keep one poller per shard and lane running (the mapping's parallelization
        factor: lanes of one shard split it by partition key); returns their keys."""
        mapping = MappingConfig.from_api(raw)
        if not mapping.enabled:
            return set()
        source = self._source(mapping, function)
        if source is None:
            return set()
        worker = self._worker(function)
        keys: set[tuple[str, str]] = set()
        for shard_id in source.shard_ids():
            for lane in range(mapping.parallelization_factor):
                poller = ShardPoller(
                    mapping,
                    source,
                    shard_id,
                    worker,
                    self._checkpoints,
                    self._destination,
                    lane=lane,
                )
                key = (mapping.uuid, poller.position_key)
                keys.add(key)
                existing = self._pollers.get(key)
                # A new worker means new code or settings: the poller must invoke that one.
                if (
                    existing
                    and isinstance(existing.poller, ShardPoller)
                    and existing.poller.mapping == mapping
                    and existing.poller.invoker is worker
                    and existing.alive
                ):
                    continue
                self._start_poller(key, poller)
        return keys

    def _serve_queue_mapping(
        self, raw: Mapping[str, Any], function: DeployedFunction
    ) -> set[tuple[str, str]]:
        """Keep the mapping's queue poller running; returns its key."""
        mapping = QueueMappingConfig.from_api(raw)
        if not mapping.enabled:
            return set()
        queue = Queue.look_up(self._sqs, mapping.queue_arn)
        queue.check_serves(mapping, function.timeout_seconds)
        self._worker(function)  # a missing artifact is this mapping's error, not a failed batch
        key = (mapping.uuid, QUEUE_POLLER)
        existing = self._pollers.get(key)
        if not (
            existing
            and isinstance(existing.poller, QueuePoller)
            and existing.poller.mapping == mapping
            and existing.poller.queue == queue
            and existing.alive
        ):
            self._start_poller(key, QueuePoller(mapping, self._sqs, queue, self.invoker_for))
        return {key}

    def _start_poller(self, key: tuple[str, str], poller: ShardPoller | QueuePoller) -> None:
        self._stop_poller(key)
        stop = threading.Event()
        thread = threading.Thread(
            target=poller.run, args=(stop,), name=f"poller-{key[0][:8]}-{key[1]}", daemon=True
        )
        self._pollers[key] = _RunningPoller(poller, thread, stop)
        thread.start()

    def _stop_poller(self, key: tuple[str, str]) -> None:
        entry = self._pollers.pop(key, None)
        if entry is not None:
            entry.stop.set()
            entry.thread.join(timeout=30)

    # -- status ------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        status = self._counters()
        status["problems"] = problems(status)
        return status

    def _counters(self) -> dict[str, Any]:
        return {
            "updated_at": time.time(),
            "gateway_url": self._server.url,
            "rest_apis": self._gateway.api_ids,
            "async_invocations": {arn: asdict(s) for arn, s in sorted(self._async.stats.items())},
            "s3_notifications": {
                bucket: asdict(s) for bucket, s in sorted(self._notifications.stats.items())
            },
            "mappings": {
                f"{uuid}/{shard}": {
                    "function_arn": running.poller.mapping.function_arn,
                    "source_arn": running.poller.mapping.source_arn,
                    "alive": running.alive,
                    **asdict(running.poller.stats),
                }
                for (uuid, shard), running in sorted(self._pollers.items())
                if isinstance(running.poller, ShardPoller)
            },
            "sqs_mappings": {
                uuid: {
                    "function_arn": running.poller.mapping.function_arn,
                    "queue_arn": running.poller.mapping.queue_arn,
                    "alive": running.alive,
                    **asdict(running.poller.stats),
                }
                for (uuid, _), running in sorted(self._pollers.items())
                if isinstance(running.poller, QueuePoller)
            },
            "errors": dict(self._errors),
            "cold_start_init_ms": {w.function.name: w.last_init_ms for w in self._all_workers()},
            "functions": self._function_status(),
            "apis": self._gateway.describe(),
            "failure_queues": {q.name: asdict(q) for q in self._failure_queues},
            "concurrency": {
                pool.function.name: {
                    "limit": pool.limit,
                    "peak": pool.peak_concurrency,
                    "overlapping_invocations": pool.overlapping_invocations,
                }
                for pool in self._all_workers()
            },
        }

    def _function_status(self) -> dict[str, dict[str, Any]]:
        """Every deployed function's invocation counters (zero until first invoked)."""
        workers = {w.function.arn: w for w in self._all_workers()}
        status: dict[str, dict[str, Any]] = {}
        for arn, function in sorted(self._deployed.items()):
            worker = workers.get(arn)
            counters = worker.counters if worker else FunctionCounters()
            status[function.name] = {
                "arn": arn,
                "init_ms": worker.last_init_ms if worker else None,
                **counters.snapshot(),
            }
        return status

    def _write_status(self) -> None:
        path = self.settings.state_dir / "status.json"
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(self.status(), indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, path)

    # -- lifecycle -----------------------------------------------------------------------
    def serve(self) -> None:
        """Discover and serve until stop() is called."""
        self._server.start()
        log.info("API Gateway and site at %s", self._server.url)
        while not self._stop.is_set():
            try:
                self.refresh()
                self._errors.pop("discovery", None)
            except Exception as error:  # emulator restarting or unreachable: try again
                self._errors["discovery"] = f"{type(error).__name__}: {error}"
                log.warning("discovery failed: %s", error)
            self._write_status()
            self._stop.wait(DISCOVERY_INTERVAL_SECONDS)
        self._server.stop()
        self._async.stop()
        for running in self._pollers.values():
            running.stop.set()
        for running in self._pollers.values():
            running.thread.join(timeout=30)
        for worker in self._all_workers():
            worker.stop()
        self._write_status()  # final counters, for whoever inspects a stopped runtime

    def stop(self) -> None:
        self._stop.set()
