"""The one way this project starts and stops the local AWS emulator (moto server).

The emulator listens on 127.0.0.1 only, on a port picked free for each run, and is
stopped by the PID this module recorded when it started it: nothing else listening
on the machine is ever touched. The process itself is moto_server.py beside this file.
Imports nothing else from local_runtime.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"
# Credentials the emulator accepts; they are not secrets and never reach AWS.
EMULATOR_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # fixed emulator credential, not a secret
    "AWS_SESSION_TOKEN": "testing",  # fixed emulator credential, not a secret
}
DEFAULT_REGION = "us-east-1"
# moto's server with its own function invocations switched off (see the script).
SERVER_SCRIPT = Path(__file__).with_name("moto_server.py")
_START_ATTEMPTS = 5
_READY_TIMEOUT_SECONDS = 30.0


class EmulatorError(RuntimeError):
    """The emulator could not be started or reached."""


@dataclass(frozen=True)
class Emulator:
    """A running moto server started by this project."""

    pid: int
    port: int

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def client_environment(self, region: str = DEFAULT_REGION) -> dict[str, str]:
        """Variables that point boto3, the AWS CLI and the Terraform provider at it."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            # The local environment's provider region, and the endpoint its web page's
            # Cognito calls go to, come from the same values.
            "TF_VAR_aws_region": region,
            "TF_VAR_emulator_url": self.endpoint_url,
            **EMULATOR_CREDENTIALS,
        }


def free_port() -> int:
    """A port the kernel reports free on loopback right now (start() retries on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _is_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/moto-api/", timeout=1) as response:
            return bool(response.status < 500)
    except urllib.error.HTTPError as error:
        # Any HTTP answer means the server is up and routing requests.
        return error.code < 500
    except OSError:
        return False


def start(log_path: Path | None = None) -> Emulator:
    """Start moto server on a free loopback port and wait until it answers.

    AWS managed policies are loaded so roles can attach them as on AWS. Only the
    local runtime runs functions: moto's own attempts are switched off.
    """
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    for _ in range(_START_ATTEMPTS):
        port = free_port()
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        try:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, str(SERVER_SCRIPT), "-H", LOOPBACK, "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        finally:
            if log_path:
                log.close()  # type: ignore[union-attr]
        deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break  # lost the port race or failed: try another port
            if _is_ready(port):
                return Emulator(pid=process.pid, port=port)
            time.sleep(0.1)
        stop_pid(process.pid)
    raise EmulatorError(
        f"the emulator did not start after {_START_ATTEMPTS} attempts"
        + (f"; see {log_path}" if log_path else "")
    )


def stop_pid(pid: int, timeout: float = 10.0) -> None:
    """Stop a process this project started (and its session), by PID; absent is fine."""
    stop_pids([pid], timeout)


def stop_pids(pids: list[int], timeout: float) -> None:
    """Ask each process (and its session) to stop, all at once; whatever still runs after
    `timeout` seconds is killed. By PID only: processes this project started."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    running = set(pids)
    deadline = time.monotonic() + timeout
    while running and time.monotonic() < deadline:
        running = {pid for pid in running if not _exited(pid)}
        if running:
            time.sleep(0.05)
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        _exited(pid)  # reap our own child


def _exited(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        # Not our child (started by an earlier `make up`): gone, or a zombie its new
        # parent has not reaped yet, counts as exited.
        return not _pid_alive(pid)
    return finished != 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers; Linux tells it apart (elsewhere it counts until reaped).
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


@contextlib.contextmanager
def running(log_path: Path | None = None) -> Iterator[Emulator]:
    """Context manager for tests and tools: a fresh emulator, always stopped after."""
    emulator = start(log_path)
    try:
        yield emulator
    finally:
        stop_pid(emulator.pid)
