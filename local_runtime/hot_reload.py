"""`make watch`: rebuild a function when its sources change and swap its code into the
running stack, so an edit is live in seconds.

For each `functions/<name>/` whose files changed, or whose shared packages' files changed
(its `shared_packages.txt`, see tools/build_artifacts.py): rebuild its host zip with the same
builder `make build` uses, then UpdateFunctionCode every deployed function whose handler
lives in that package (`<name>.handler.lambda_handler`). The local runtime sees the new
CodeSha256 on its next discovery (every couple of seconds), matches it to the new zip and
restarts that function's workers: the next invocation is a cold start on the new code.

Only the emulator's copy changes; `make down && make up` (or a `terraform apply` of the
local environment) deploys the same rebuilt zip, so nothing drifts.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from local_runtime.workers.functions import code_sha256
from tools.build_artifacts import shared_package_names

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
POLL_SECONDS = 0.5
_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
# (path, size, mtime) of each source file of one package.
Fingerprint = tuple[tuple[str, int, int], ...]


def source_fingerprint(package: Path) -> Fingerprint:
    """(path, size, mtime) of every source file of a function package."""
    return tuple(
        sorted(
            (str(path.relative_to(package)), stat.st_size, stat.st_mtime_ns)
            for path in package.rglob("*")
            if path.is_file() and not _IGNORED_PARTS & set(path.parts)
            for stat in (path.stat(),)
        )
    )


def build_host_zip(functions_dir: Path, dist_dir: Path, cache_dir: Path, name: str) -> Path:
    """Rebuild one function's host zip as `make build` does; returns its path."""
    subprocess.run(  # noqa: S603 - our interpreter and our builder
        [
            sys.executable,
            "-m",
            "tools.build_artifacts",
            "--functions-dir",
            str(functions_dir),
            "--dist",
            str(dist_dir),
            "--cache",
            str(cache_dir),
            "--target",
            "host",
            "--only",
            name,
        ],
        cwd=ROOT,
        check=True,
    )
    return dist_dir / "host" / f"{name}.zip"


class HotReloader:
    """Watches function packages and pushes rebuilt code to the functions using them."""

    def __init__(
        self,
        functions_dir: Path,
        lambda_client: Any,
        build: Callable[[str], Path],
    ) -> None:
        self._functions_dir = functions_dir
        self._lambda = lambda_client
        self._build = build
        self._seen = self._fingerprints()

    def _fingerprints(self) -> dict[str, tuple[Fingerprint, ...]]:
        """Each function's fingerprint and those of the shared packages its zip includes."""
        packages = [
            package
            for package in sorted(self._functions_dir.iterdir())
            if (package / "__init__.py").is_file()
        ]
        uses = {package.name: shared_package_names(package) for package in packages}
        shared = {name for names in uses.values() for name in names}
        return {
            package.name: tuple(
                source_fingerprint(self._functions_dir / name)
                for name in (package.name, *uses[package.name])
            )
            for package in packages
            if package.name not in shared
        }

    def check(self) -> list[str]:
        """Rebuild and redeploy what changed since the last check; returns the functions
        updated in the emulator."""
        current = self._fingerprints()
        changed = [name for name, print_ in current.items() if self._seen.get(name) != print_]
        self._seen = current
        updated: list[str] = []
        for name in changed:
            try:
                artifact = self._build(name)
            except subprocess.CalledProcessError as error:
                print(f"{name}: build failed (exit {error.returncode}); fix it and save again")
                continue
            sha = code_sha256(artifact)
            for function, deployed_sha in self._deployed_from(name):
                if deployed_sha == sha:
                    continue  # e.g. a file saved unchanged: same zip, no restart
                self._lambda.update_function_code(
                    FunctionName=function, ZipFile=artifact.read_bytes()
                )
                updated.append(function)
                print(f"{name}: new code in {function}; its workers restart on the next event")
        return updated

    def _deployed_from(self, package: str) -> list[tuple[str, str]]:
        """(name, CodeSha256) of each deployed function whose handler is in `package`."""
        return [
            (f["FunctionName"], f["CodeSha256"])
            for page in self._lambda.get_paginator("list_functions").paginate()
            for f in page["Functions"]
            if f.get("Handler", "").split(".")[0] == package
        ]

    def run(self) -> None:
        print(f"Watching {self._functions_dir}/ (Ctrl-C stops)", flush=True)
        while True:
            self.check()
            sys.stdout.flush()
            time.sleep(POLL_SECONDS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local_runtime.hot_reload", description=__doc__)
    parser.add_argument("--functions-dir", type=Path, default=ROOT / "functions")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--cache", type=Path, default=ROOT / ".build")
    args = parser.parse_args(argv)
    if not os.environ.get("AWS_ENDPOINT_URL"):
        from local_runtime.stack import load_stack  # noqa: PLC0415 - only without an endpoint

        stack = load_stack()
        if stack is None:
            parser.error("no running stack (`make up`) and no AWS_ENDPOINT_URL")
        os.environ.update(stack.environment())
    reloader = HotReloader(
        args.functions_dir.resolve(),
        boto3.client("lambda"),
        lambda name: build_host_zip(
            args.functions_dir.resolve(), args.dist.resolve(), args.cache.resolve(), name
        ),
    )
    try:
        reloader.run()
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
