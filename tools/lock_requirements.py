"""Resolve every requirements file of the repository into a hashed lock (`make lock`).

Each input lists direct dependencies only; its lock pins the whole tree with every
distribution's hash, and installs require those hashes:

* ``functions/<name>/requirements.txt`` -> ``functions/<name>/locks/<target>.txt`` for
  each build target (Lambda arm64 and x86_64 on CPython 3.12, and the host), leaving out
  what the Lambda runtime provides;
* ``requirements-dev.txt`` -> ``requirements-dev.lock`` (the dev venv, uv included),
  ``requirements-checkov.txt`` -> ``requirements-checkov.lock``,
  ``local_runtime/lambda-runtime-requirements.txt`` -> ``local_runtime/lambda-runtime.lock``,
  ``tools/build-constraints.txt`` -> ``tools/build-constraints.lock`` (what builds sdists).

A lock starts with the digest of the file it was resolved from (``lock_header``), so a
requirement added later stops the build or the venv with "run make lock" instead of
being installed unlocked. An existing lock is uv's preference, so re-running only moves
what changed; ``--upgrade-package NAME`` (``make lock UPGRADE=NAME``) moves one package.

Run ``python -m tools.lock_requirements --help``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools.build_artifacts import (
    LOCKS_DIR,
    REPO_ROOT,
    RUNTIME_PROVIDED_DISTRIBUTIONS,
    BuildError,
    checked_lock,
    find_uv,
    host_target,
    lock_header,
    lock_targets,
)

# The tool venvs are resolved like the host artifacts: universal, from the oldest Python.
HOST_COMPILE_ARGS = host_target().compile_args
# What a lock's own header names as the command that made it.
COMPILE_COMMAND = "make lock"
# Resolving waits on the index, not the CPU.
CONCURRENT_RESOLUTIONS = 8


@dataclass(frozen=True)
class Lock:
    """One lock file and how it is resolved from its requirements."""

    requirements: Path
    lock: Path
    compile_args: tuple[str, ...]


def repository_locks(root: Path) -> list[Lock]:
    """List every lock of the repository: per function and target, then the tool venvs."""
    locks: list[Lock] = []
    excluded = tuple(f"--no-emit-package={name}" for name in RUNTIME_PROVIDED_DISTRIBUTIONS)
    for requirements in sorted((root / "functions").glob("*/requirements.txt")):
        for target in lock_targets():
            lock = requirements.parent / LOCKS_DIR / f"{target.lock_name}.txt"
            locks.append(Lock(requirements, lock, (*target.compile_args, *excluded)))
    for tool_requirements, tool_lock in (
        ("requirements-dev.txt", "requirements-dev.lock"),
        ("requirements-checkov.txt", "requirements-checkov.lock"),
        ("local_runtime/lambda-runtime-requirements.txt", "local_runtime/lambda-runtime.lock"),
        ("tools/build-constraints.txt", "tools/build-constraints.lock"),
    ):
        locks.append(Lock(root / tool_requirements, root / tool_lock, HOST_COMPILE_ARGS))
    return locks


def compile_lock(lock: Lock, root: Path, upgrade: Sequence[str]) -> None:
    """Resolve one lock with uv, then stamp it with the digest of its requirements."""
    lock.lock.parent.mkdir(parents=True, exist_ok=True)
    command = [
        find_uv(),
        "pip",
        "compile",
        "--quiet",
        "--no-progress",
        "--generate-hashes",
        "--custom-compile-command",
        COMPILE_COMMAND,
        *lock.compile_args,
        *(f"--upgrade-package={name}" for name in upgrade),
        "--output-file",
        str(lock.lock.relative_to(root)),
        str(lock.requirements.relative_to(root)),
    ]
    result = subprocess.run(  # noqa: S603 - the repository's uv
        command, cwd=root, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BuildError(
            f"uv could not resolve {lock.requirements.relative_to(root)} for "
            f"{lock.lock.relative_to(root)}:\n{result.stdout}{result.stderr}".rstrip()
        )
    body = lock.lock.read_text(encoding="utf-8")
    lines = body.splitlines(keepends=True)
    if lines and lines[0].startswith("# locked from "):
        lines = lines[1:]
    lock.lock.write_text(lock_header(lock.requirements) + "".join(lines), encoding="utf-8")


def lock_all(root: Path, upgrade: Sequence[str]) -> list[Lock]:
    """Resolve every lock concurrently; the first failure is raised after the rest."""
    locks = repository_locks(root)
    with ThreadPoolExecutor(max_workers=CONCURRENT_RESOLUTIONS) as pool:
        futures = [pool.submit(compile_lock, lock, root, upgrade) for lock in locks]
    for future in futures:
        future.result()
    return locks


def locked_pin(lock: Path, name: str) -> str:
    """Return one package's entry of a lock (pin and hashes), for bootstrapping it alone."""
    entry: list[str] = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        starts = not entry and line.lower().startswith(f"{name.lower()}==")
        if starts or (entry and line.startswith("    --hash=")):
            entry.append(line)
        elif entry:
            break
    if not entry:
        raise BuildError(f"{lock} pins no {name}: add it to its requirements, then make lock")
    return "\n".join(entry) + "\n"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line: lock everything (default), check one lock, or print a pin."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.lock_requirements",
        description="Resolve the repository's requirements files into hashed locks.",
    )
    parser.add_argument(
        "--upgrade-package",
        action="append",
        default=[],
        metavar="NAME",
        help="move NAME to its newest allowed version in every lock (repeatable)",
    )
    parser.add_argument(
        "--check",
        nargs=2,
        metavar=("REQUIREMENTS", "LOCK"),
        type=Path,
        help="only check that LOCK was resolved from REQUIREMENTS as they are",
    )
    parser.add_argument(
        "--print-pin",
        nargs=2,
        metavar=("LOCK", "NAME"),
        help="print NAME's pinned entry with its hashes from LOCK",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m tools.lock_requirements``; returns the exit status."""
    args = parse_args(argv)
    try:
        if args.check:
            checked_lock(*args.check)
        elif args.print_pin:
            sys.stdout.write(locked_pin(Path(args.print_pin[0]), args.print_pin[1]))
        else:
            for lock in lock_all(REPO_ROOT, args.upgrade_package):
                print(f"locked      {lock.lock.relative_to(REPO_ROOT)}")
    except BuildError as error:
        print(f"lock_requirements: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
