"""Cold start of each handler from its built host zip, vs the floor of any Python Lambda.

A cold start here is what the local runtime does: unpack the zip (once, by CodeSha256),
start `python -I -S` with the code and the runtime libraries on sys.path, import the
handler module. `local_runtime.workers.worker.FunctionWorker` does all of that; this module only
starts and stops it. Two figures per start:
- init ms: the import of the handler module, timed by the worker itself (`last_init_ms`);
- start ms: spawn to ready, timed here: interpreter start + init, with no invoke (so
  every handler is measured alike, whatever event shape it expects).
The floor is a zip whose handler only does `import boto3; boto3.client("s3")`.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from benchmarks import REPO_ROOT
from benchmarks.report import Section, fmt_ratio
from benchmarks.timing import Timing, collect_interleaved, ratio
from local_runtime.workers.functions import ArtifactStore, DeployedFunction, code_sha256
from local_runtime.workers.worker import FunctionWorker

DIST = REPO_ROOT / "dist"
RUNTIME_LIBS = REPO_ROOT / ".build" / "lambda-runtime-libs"
# Nothing listens on port 9 (discard): any AWS call made during init would fail it,
# so a successful start shows that init creates clients without calling them.
UNREACHABLE_ENDPOINT = "http://127.0.0.1:9"
# What each function's Terraform module sets and its init reads (modules/*/main.tf).
FUNCTION_ENVIRONMENT: dict[str, dict[str, str]] = {
    "stream_processor": {"ARCHIVE_BUCKET": "bench-archive"},
    "failure_recorder": {"ARCHIVE_BUCKET": "bench-archive"},
    "thumbnailer": {"THUMBNAIL_BUCKET": "bench-thumbnails"},
    "welcome_email": {
        "SENDER_EMAIL": "bench@example.com",
        "IDEMPOTENCY_TABLE": "bench-idempotency",
        "SITE_URL": "https://example.com",
        "FAILURE_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench-failures",
    },
    "mobile_api": {
        "NOTES_TABLE": "bench-notes",
        "SHARES_TABLE": "bench-shares",
        "DEVICES_TABLE": "bench-devices",
        "USER_POOL_ID": "us-east-1_bench",
        "PUSH_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench-push",
        "PLATFORM_APPLICATIONS": "{}",
    },
    "push_notifier": {
        "DEVICES_TABLE": "bench-devices",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/bench-push-dlq",
    },
    "web_api": {
        "ITEMS_TABLE": "bench-items",
        "SUBSCRIBERS_TABLE": "bench-subscribers",
        "UPLOADS_BUCKET": "bench-uploads",
        "THUMBNAILS_BUCKET": "bench-thumbnails",
        "ALLOWED_ORIGIN": "https://example.com",
    },
}
# Powertools settings every handler reads, as Terraform sets them.
POWERTOOLS_ENVIRONMENT = {
    "POWERTOOLS_SERVICE_NAME": "bench",
    "POWERTOOLS_METRICS_NAMESPACE": "Bench",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}
FLOOR_NAME = "floor_boto3_client"
FLOOR_HANDLER = f"{FLOOR_NAME}.lambda_handler"
NO_BYTECODE_SUFFIX = "(no .pyc)"
FLOOR_HANDLER_SOURCE = '''"""What every Python Lambda that talks to AWS pays at a cold start."""

import boto3

s3 = boto3.client("s3")


def lambda_handler(event, context):
    return None
'''


@dataclass(frozen=True)
class ColdStarts:
    init_ms: Timing
    start_ms: Timing


def host_artifacts(dist: Path = DIST) -> list[tuple[str, str, Path]]:
    """(function, handler, zip) of every host artifact the build's manifest lists."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for relative, entry in sorted(manifest["artifacts"].items()):
        if entry["target"]["kind"] == "host":
            found.append((entry["function"], entry["handler"], dist / relative))
    return found


def write_floor_zip(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    artifact = directory / f"{FLOOR_NAME}.zip"
    with zipfile.ZipFile(artifact, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{FLOOR_NAME}.py", FLOOR_HANDLER_SOURCE)
    return artifact


def _worker(name: str, handler: str, artifact: Path, code_root: Path) -> FunctionWorker:
    function = DeployedFunction(
        name=name,
        arn=f"arn:aws:lambda:eu-west-1:123456789012:function:{name}",
        handler=handler,
        runtime="python3.12",
        timeout_seconds=30,
        memory_mb=1024,
        environment={**POWERTOOLS_ENVIRONMENT, **FUNCTION_ENVIRONMENT.get(name, {})},
        code_sha256=code_sha256(artifact),
        log_group_name=f"/aws/lambda/{name}",
    )
    code_dir = ArtifactStore(artifact.parent, code_root / "code").code_dir(function)
    return FunctionWorker(
        function,
        code_dir,
        [RUNTIME_LIBS],
        base_environment={
            "AWS_ENDPOINT_URL": UNREACHABLE_ENDPOINT,
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
        },
        log_file=code_root / f"{name}.log",
    )


def _remove_bytecode(code_dir: Path) -> None:
    for cache in list(code_dir.rglob("__pycache__")):
        shutil.rmtree(cache)


def cold_starts(
    workers: Mapping[str, FunctionWorker], repeat: int, *, no_bytecode: Collection[str] = ()
) -> dict[str, ColdStarts]:
    """`repeat` cold starts of each worker (after one discarded), taken in turns: stop
    the worker, start it cold, keep its init time and the spawn-to-ready time. Workers named
    in `no_bytecode` lose their code's __pycache__ before each start."""
    init_samples: dict[str, list[float]] = {name: [] for name in workers}

    def one_start(name: str) -> float:
        worker = workers[name]
        worker.stop()
        if name in no_bytecode:
            _remove_bytecode(worker.code_dir)
        started = time.perf_counter()
        init_ms = worker.start()
        elapsed_ms = (time.perf_counter() - started) * 1000
        worker.stop()
        init_samples[name].append(init_ms)
        return elapsed_ms

    try:
        start_ms = collect_interleaved(
            {name: partial(one_start, name) for name in workers}, repeat=repeat
        )
    finally:
        for worker in workers.values():
            worker.stop()
    # collect_interleaved kept the last `repeat` samples; keep the matching init times.
    return {
        name: ColdStarts(Timing(tuple(init_samples[name][-repeat:])), start_ms[name])
        for name in workers
    }


def run(repeat: int, dist: Path = DIST) -> Section:
    section = Section(
        name="cold_start",
        title="Cold start from the built host zip (isolated worker, as the local runtime runs it)",
        headers=[
            "function",
            "init median ms",
            "init min ms",
            "init x floor",
            "start median ms",
            "start x floor",
        ],
    )
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as temp:
        work = Path(temp)
        floor_zip = write_floor_zip(work / "floor-zip")
        workers = {FLOOR_NAME: _worker(FLOOR_NAME, FLOOR_HANDLER, floor_zip, work / "floor")}
        no_bytecode: list[str] = []
        for name, handler, artifact in host_artifacts(dist):
            workers[name] = _worker(name, handler, artifact, work / name)
            # Its own unpacked copy, so removing bytecode never touches the other one.
            label = f"{name} {NO_BYTECODE_SUFFIX}"
            workers[label] = _worker(name, handler, artifact, work / f"{name}-no-pyc")
            no_bytecode.append(label)
        measured = cold_starts(workers, repeat, no_bytecode=no_bytecode)
    floor = measured[FLOOR_NAME]
    for name, starts in measured.items():
        init_ratio = ratio(starts.init_ms.median, floor.init_ms.median)
        start_ratio = ratio(starts.start_ms.median, floor.start_ms.median)
        section.rows.append(
            [
                name,
                f"{starts.init_ms.median:.1f}",
                f"{starts.init_ms.min:.1f}",
                fmt_ratio(init_ratio),
                f"{starts.start_ms.median:.1f}",
                fmt_ratio(start_ratio),
            ]
        )
        section.data[name] = {
            "init_ms": starts.init_ms.as_dict(),
            "start_ms": starts.start_ms.as_dict(),
            "init_vs_floor": init_ratio,
            "start_vs_floor": start_ratio,
        }
    section.notes += [
        "init: handler module import timed inside the worker; start: spawn to ready"
        " (interpreter start + init, no invoke).",
        f"floor: a handler that only does `import boto3; boto3.client('s3')`;"
        f" AWS_ENDPOINT_URL={UNREACHABLE_ENDPOINT}, so init makes no AWS call.",
        f"{NO_BYTECODE_SUFFIX}: the code's __pycache__ removed before each start. The zips"
        " hold no .pyc and Lambda's /var/task is read-only, so this is what Lambda pays;"
        " the other rows reuse bytecode written by the previous start.",
    ]
    return section
