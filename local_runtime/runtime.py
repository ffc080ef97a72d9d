"""The local runtime: runs what Terraform deployed into the emulator.

The emulator stores Lambda functions and their event source mappings but runs
nothing. This runtime reads that deployed configuration back (never the Terraform
code), matches each function to its built artifact by CodeSha256, and delivers the
events the mappings describe to the artifact running in a worker process. A wiring
mistake in Terraform therefore shows up as a failing local test.

Event sources plug in as pollers keyed by mapping; Kinesis is wired here, and the
same ShardPoller serves DynamoDB streams through another StreamSource.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import boto3

from local_runtime.checkpoints import CheckpointStore
from local_runtime.destinations import AwsFailureDestination
from local_runtime.event_source_mapping import MappingConfig, ShardPoller, StreamSource
from local_runtime.functions import ArtifactStore, DeployedFunction
from local_runtime.kinesis import KinesisSource
from local_runtime.worker import FunctionWorker

log = logging.getLogger(__name__)

DISCOVERY_INTERVAL_SECONDS = 2.0


@dataclass(frozen=True)
class RuntimeSettings:
    endpoint_url: str
    region: str
    artifacts_dir: Path
    state_dir: Path
    # Directories holding what the Lambda runtime provides (boto3 and its deps).
    runtime_libs: tuple[Path, ...]


@dataclass(frozen=True)
class _RunningPoller:
    poller: ShardPoller
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
        self._artifacts = ArtifactStore(settings.artifacts_dir, settings.state_dir / "code")
        self._checkpoints = CheckpointStore(settings.state_dir / "checkpoints.json")
        self._destination = AwsFailureDestination(
            session.client("sqs", endpoint_url=endpoint),
            session.client("sns", endpoint_url=endpoint),
        )
        self._workers: dict[str, FunctionWorker] = {}
        self._pollers: dict[tuple[str, str], _RunningPoller] = {}
        self._errors: dict[str, str] = {}
        self._stop = threading.Event()

    # -- discovery -------------------------------------------------------------------
    def _functions(self) -> dict[str, DeployedFunction]:
        functions: dict[str, DeployedFunction] = {}
        for page in self._lambda.get_paginator("list_functions").paginate():
            for configuration in page["Functions"]:
                function = DeployedFunction.from_configuration(configuration)
                functions[function.arn] = function
        return functions

    def _worker(self, function: DeployedFunction) -> FunctionWorker:
        current = self._workers.get(function.arn)
        if current is not None and current.function == function:
            return current
        if current is not None:
            current.stop()  # code or configuration changed: next invoke is a cold start
        worker = FunctionWorker(
            function,
            self._artifacts.code_dir(function),
            list(self.settings.runtime_libs),
            base_environment={
                "AWS_ENDPOINT_URL": self.settings.endpoint_url,
                "AWS_REGION": self.settings.region,
                "AWS_DEFAULT_REGION": self.settings.region,
                "AWS_ACCESS_KEY_ID": os.environ.get("AWS_ACCESS_KEY_ID", "testing"),
                "AWS_SECRET_ACCESS_KEY": os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"),
                "AWS_SESSION_TOKEN": os.environ.get("AWS_SESSION_TOKEN", "testing"),
            },
            log_file=self.settings.state_dir / "logs" / f"{function.name}.log",
        )
        self._workers[function.arn] = worker
        return worker

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
        return None

    def refresh(self) -> None:
        """Bring pollers in line with what is deployed now."""
        wanted: set[tuple[str, str]] = set()
        for function in self._functions().values():
            mappings = self._lambda.list_event_source_mappings(FunctionName=function.arn)
            for raw in mappings["EventSourceMappings"]:
                key_prefix = raw["UUID"]
                try:
                    mapping = MappingConfig.from_api(raw)
                    if not mapping.enabled:
                        continue
                    source = self._source(mapping, function)
                    if source is None:
                        continue
                    worker = self._worker(function)
                    for shard_id in source.shard_ids():
                        key = (mapping.uuid, shard_id)
                        wanted.add(key)
                        existing = self._pollers.get(key)
                        if existing and existing.poller.mapping == mapping and existing.alive:
                            continue
                        self._start_poller(
                            key,
                            ShardPoller(
                                mapping,
                                source,
                                shard_id,
                                worker,
                                self._checkpoints,
                                self._destination,
                            ),
                        )
                    self._errors.pop(key_prefix, None)
                except Exception as error:  # report and keep serving the other mappings
                    self._errors[key_prefix] = f"{type(error).__name__}: {error}"
                    log.exception("mapping %s", key_prefix)
        for key in set(self._pollers) - wanted:
            self._stop_poller(key)

    def _start_poller(self, key: tuple[str, str], poller: ShardPoller) -> None:
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
        return {
            "updated_at": time.time(),
            "mappings": {
                f"{uuid}/{shard}": {
                    "function_arn": running.poller.mapping.function_arn,
                    "source_arn": running.poller.mapping.source_arn,
                    "alive": running.alive,
                    **asdict(running.poller.stats),
                }
                for (uuid, shard), running in sorted(self._pollers.items())
            },
            "errors": dict(self._errors),
            "cold_start_init_ms": {w.function.name: w.last_init_ms for w in self._workers.values()},
        }

    def _write_status(self) -> None:
        path = self.settings.state_dir / "status.json"
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(self.status(), indent=2, sort_keys=True), encoding="utf-8")
        os.replace(partial, path)

    # -- lifecycle -----------------------------------------------------------------------
    def serve(self) -> None:
        """Discover and serve until stop() is called."""
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception as error:  # emulator restarting or unreachable: try again
                self._errors["discovery"] = f"{type(error).__name__}: {error}"
                log.warning("discovery failed: %s", error)
            self._write_status()
            self._stop.wait(DISCOVERY_INTERVAL_SECONDS)
        for running in self._pollers.values():
            running.stop.set()
        for running in self._pollers.values():
            running.thread.join(timeout=30)
        for worker in self._workers.values():
            worker.stop()
        self._write_status()  # final counters, for whoever inspects a stopped runtime

    def stop(self) -> None:
        self._stop.set()
