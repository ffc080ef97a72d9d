"""`make up` / `make down`: the whole system on the embedded emulator.

up:      start the emulator, apply infra/environments/local to it, start the local
         runtime, prove it works with a short demo, print a summary and what to try.
outputs: every Terraform output of the running stack.
down:    stop what `up` started, by the PIDs it recorded, and remove its state.

Everything `up` creates lives under .local/ (PIDs, ports, Terraform state, logs, the
demo's sign-in), so `down` leaves nothing behind; only the unpacked artifacts, kept by
content for the next run, live in .build/runtime-code (`make clean` removes them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from local_runtime import emulator

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".local"
STACK_FILE = STATE_DIR / "stack.json"
ENV_FILE = STATE_DIR / "env.sh"
# The mobile client's settings for the local stack (clients/mobile/README.md).
MOBILE_CLIENT_CONFIG = STATE_DIR / "mobile-client.json"
# The demo user's sign-in and what the demo put through the stream, shown on every `up`.
DEMO_FILE = STATE_DIR / "demo.json"
LOCAL_ENVIRONMENT = ROOT / "infra" / "environments" / "local"
TF_STATE = STATE_DIR / "terraform.tfstate"
RUNTIME_LIBS = ROOT / ".build" / "lambda-runtime-libs"
HOST_ARTIFACTS = ROOT / "dist" / "host"
# Unpacked artifacts, by content: kept across runs, so `up` reuses and `down` skips them.
RUNTIME_CODE_CACHE = ROOT / ".build" / "runtime-code"
# How long `down` lets the runtime and the emulator stop by themselves (both at once)
# before killing them: neither holds anything that outlives `down`, which removes their
# state next. (The emulator alone takes seconds to tear its in-memory models down.)
DOWN_GRACE_SECONDS = 1.0


@dataclass(frozen=True)
class Stack:
    emulator_pid: int
    emulator_port: int
    runtime_pid: int
    region: str
    gateway_port: int

    @property
    def gateway_url(self) -> str:
        """Where the runtime serves the REST APIs and the web app's site."""
        return f"http://{emulator.LOOPBACK}:{self.gateway_port}"

    @property
    def endpoint_url(self) -> str:
        return emulator.Emulator(self.emulator_pid, self.emulator_port).endpoint_url

    def environment(self) -> dict[str, str]:
        return emulator.Emulator(self.emulator_pid, self.emulator_port).client_environment(
            self.region
        )


def _step(message: str) -> Callable[[str], None]:
    started = time.monotonic()
    print(f"==> {message}", flush=True)
    return lambda done: print(f"    {done} ({time.monotonic() - started:.1f}s)", flush=True)


def terraform(args: list[str], env: dict[str, str], capture: bool = False) -> str:
    """Run terraform in the local environment; its own output shows on failure."""
    binary = shutil.which(os.environ.get("TF", "terraform"))
    if binary is None:
        raise SystemExit("terraform is not on PATH: install Terraform >= 1.9 (see README)")
    result = subprocess.run(  # noqa: S603 - fixed terraform sub-commands
        [binary, f"-chdir={LOCAL_ENVIRONMENT}", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"terraform {args[0]} failed (exit {result.returncode})")
    return result.stdout if capture else ""


def outputs(env: dict[str, str]) -> dict[str, Any]:
    raw = json.loads(terraform(["output", "-json", f"-state={TF_STATE}"], env, capture=True))
    return {name: value["value"] for name, value in raw.items()}


def _running(stack: Stack) -> bool:
    return all(_is_ours(pid) for pid in (stack.emulator_pid, stack.runtime_pid))


def _is_ours(pid: int) -> bool:
    """True when `pid` is alive and is one of the processes `up` starts."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return str(emulator.SERVER_SCRIPT).encode() in cmdline or b"local_runtime" in cmdline


def load_stack() -> Stack | None:
    if not STACK_FILE.is_file():
        return None
    return Stack(**json.loads(STACK_FILE.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class DemoResult:
    """What `up` showed working, kept in DEMO_FILE (0600: it holds a password)."""

    email: str
    password: str
    records_put: int
    records_archived: int
    archive_objects: int
    quarantined_by_reason: dict[str, int]
    # Share of the records put that were malformed on purpose.
    poison_fraction: float

    def save(self) -> None:
        descriptor = os.open(DEMO_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(asdict(self), file, indent=2)

    @classmethod
    def load(cls) -> DemoResult | None:
        if not DEMO_FILE.is_file():
            return None
        return cls(**json.loads(DEMO_FILE.read_text(encoding="utf-8")))


def up(region: str, demo_events: int) -> None:
    existing = load_stack()
    if existing and _running(existing):
        print(f"The local stack is already up at {existing.endpoint_url} (`make down` stops it).")
        _print_summary(existing, outputs(existing.environment()), DemoResult.load())
        return
    if existing:
        down(quiet=True)  # a stale record from a crashed run: clean it up first
    for required, hint in ((HOST_ARTIFACTS, "make build"), (RUNTIME_LIBS, "make runtime-libs")):
        if not required.is_dir():
            raise SystemExit(f"{required} is missing: run `{hint}` (or plain `make up`)")
    STATE_DIR.mkdir(exist_ok=True)

    done = _step("Starting the AWS emulator (moto server) on a free loopback port")
    started = emulator.start(STATE_DIR / "emulator.log")
    # The gateway's port is chosen now because Terraform bakes it into the site's
    # config.json and the API's allowed CORS origin.
    gateway_port = emulator.free_port()
    stack = Stack(
        started.pid, started.port, runtime_pid=0, region=region, gateway_port=gateway_port
    )
    env = {**started.client_environment(region), "TF_VAR_local_gateway_url": stack.gateway_url}
    os.environ.update(env)  # the demo's clients in this process talk to the emulator too
    done(f"listening at {started.endpoint_url}, pid {started.pid}")
    STACK_FILE.write_text(json.dumps(asdict(stack)), encoding="utf-8")

    try:
        done = _step("Applying infra/environments/local to the emulator (terraform)")
        terraform(["init", "-input=false", "-no-color"], env)
        terraform(
            ["apply", "-input=false", "-no-color", "-auto-approve", f"-state={TF_STATE}"], env
        )
        stack_outputs = outputs(env)
        done(f"{len(stack_outputs)} outputs")

        done = _step("Starting the local runtime (runs the built artifacts for the emulator)")
        stack = replace(
            stack,
            runtime_pid=start_runtime(
                STATE_DIR / "runtime",
                STATE_DIR / "runtime.log",
                gateway_port,
                stack_outputs["site_bucket_name"],
                env,
            ),
        )
        STACK_FILE.write_text(json.dumps(asdict(stack)), encoding="utf-8")
        MOBILE_CLIENT_CONFIG.write_text(stack_outputs["mobile_client_config"], encoding="utf-8")
        ENV_FILE.write_text(
            "".join(f"export {k}={v}\n" for k, v in sorted(env.items())), encoding="utf-8"
        )
        done(f"pid {stack.runtime_pid}, logs in .local/runtime/logs/")

        from local_runtime.demo import (  # noqa: PLC0415 - only `up` needs the clients
            POISON_FRACTION,
            create_demo_user,
            run_demo,
        )

        done = _step(f"Demo: {demo_events} events through the producer into the stream")
        archive = run_demo(stack_outputs, demo_events)
        done("records flowed from the producer to the archive")

        done = _step("Demo: a confirmed user for the web app (Cognito on the emulator)")
        email, password = create_demo_user(stack_outputs["user_pool_id"])
        demo = DemoResult(
            email,
            password,
            records_put=demo_events,
            records_archived=archive.archived_records,
            archive_objects=archive.archive_objects,
            quarantined_by_reason=dict(archive.quarantined_by_reason),
            poison_fraction=POISON_FRACTION,
        )
        demo.save()
        done(f"{email}, kept in {DEMO_FILE.relative_to(ROOT)}")
    except BaseException:
        print("The stack did not come up; stopping what was started.", file=sys.stderr)
        down(quiet=True)
        raise
    _print_summary(stack, stack_outputs, demo)


def start_runtime(
    state_dir: Path, log_path: Path, gateway_port: int, site_bucket: str, env: Mapping[str, str]
) -> int:
    """Start `python -m local_runtime serve` for the applied local environment, in its own
    session so it is stopped by PID; the one way `make up` and the tests start it."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our interpreter and our module
            [
                sys.executable,
                "-m",
                "local_runtime",
                "serve",
                "--artifacts-dir",
                str(HOST_ARTIFACTS),
                "--state-dir",
                str(state_dir),
                "--runtime-libs",
                str(RUNTIME_LIBS),
                "--code-cache",
                str(RUNTIME_CODE_CACHE),
                "--gateway-port",
                str(gateway_port),
                "--site-bucket",
                site_bucket,
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process.pid


def _demo_line(demo: DemoResult | None) -> str:
    if demo is None:
        return "(no demo record: `make down && make up` runs it again)"
    quarantined = sum(demo.quarantined_by_reason.values())
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(demo.quarantined_by_reason.items()))
    return (
        f"put {demo.records_put} records: {demo.records_archived} archived in "
        f"{demo.archive_objects} objects, {quarantined} quarantined"
        + (f" ({reasons})" if reasons else "")
        + "\n              the quarantined ones are the demo's deliberate poison "
        f"({demo.poison_fraction:.0%} malformed on purpose), not failures"
    )


def _print_summary(stack: Stack, stack_outputs: dict[str, Any], demo: DemoResult | None) -> None:
    gateway = stack.gateway_url
    stream = stack_outputs["stream_name"]
    bucket = stack_outputs["archive_bucket_name"]
    sign_in = f"{demo.email} / {demo.password}" if demo else "(no demo user)"
    print(
        f"""
console       {gateway}/_local/   (live status, function logs, buckets, queues, tables, emails)
web-app
  site        {gateway}/site/
  sign in     {sign_in}   (kept in .local/demo.json)
  API         {stack_outputs["api_url"]}   (OpenAPI: dist/openapi/web_api.json)
mobile-backend
  API         {stack_outputs["mobile_api_url"]}   (client settings: .local/mobile-client.json)
stream-processing
  stream      {stream}
  archive     {bucket}
  demo        {_demo_line(demo)}

What to try next:
  make status                     # functions, mappings, APIs, failure queues; fails if any does
  make watch                      # edit functions/<name>/ and the running stack has it in seconds
  source .local/env.sh            # point boto3, the clients and Terraform at the emulator
  .venv/bin/python -m clients.producer --stream {stream} --count 1000
  .venv/bin/python -m clients.archive --bucket {bucket} quarantine   # or summary, records
  .venv/bin/python -m clients.mobile --config .local/mobile-client.json --help
  make outputs                    # all {len(stack_outputs)} Terraform outputs
  make down                       # stop everything and remove .local/"""
    )


def print_outputs() -> None:
    stack = load_stack()
    if stack is None or not _running(stack):
        raise SystemExit("The local stack is not up: run `make up`.")
    for name, value in sorted(outputs(stack.environment()).items()):
        print(f"{name} = {json.dumps(value)}")


def down(quiet: bool = False) -> None:
    stack = load_stack()
    if stack is None:
        if not quiet:
            print("Nothing to stop: `make up` has not been run (or `make down` already was).")
        shutil.rmtree(STATE_DIR, ignore_errors=True)
        return
    ours = [
        (name, pid)
        for name, pid in (("local runtime", stack.runtime_pid), ("emulator", stack.emulator_pid))
        if pid and _is_ours(pid)
    ]
    emulator.stop_pids([pid for _, pid in ours], timeout=DOWN_GRACE_SECONDS)
    if not quiet:
        for name, pid in ours:
            print(f"Stopped the {name} (pid {pid}).")
    # The emulator kept every resource in memory: its Terraform state died with it.
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    if not quiet:
        print("Removed .local/ (state, logs, PIDs).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime.stack", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("up", help="bring the whole system up on the emulator")
    start.add_argument("--region", default=emulator.DEFAULT_REGION)
    start.add_argument("--demo-events", type=int, default=500)
    sub.add_parser("outputs", help="every Terraform output of the running stack")
    sub.add_parser("down", help="stop what `up` started and remove .local/")
    args = parser.parse_args(argv)
    if args.command == "up":
        up(args.region, args.demo_events)
    elif args.command == "outputs":
        print_outputs()
    else:
        down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
