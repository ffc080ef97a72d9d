"""Build: how cheap a no-op `make build` is, and whether clean builds are byte-identical.

- no-op: `python -m tools.build_artifacts --target all` on the real dist/ and .build/
  right after a build (the warm-up run brings them up to date first); every line must
  say "up to date".
- clean: the same command into a fresh temporary dist/ and cache whose deps/ is a copy
  (hard links where possible) of .build/deps, so pip never runs: the time to hash,
  zip and write every artifact from scratch. This is the baseline of the no-op ratio.
- identical: the sha256 of every zip must be the same across all clean builds (made in
  different directories) and equal to what dist/manifest.json records.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import REPO_ROOT
from benchmarks.report import Section, fmt_ratio
from benchmarks.timing import collect, measure, ratio

DIST = REPO_ROOT / "dist"
CACHE = REPO_ROOT / ".build"


class BuildBenchmarkError(RuntimeError):
    """The build did not behave as the benchmark needs (failed, or ran pip)."""


def _lambda_arch(dist: Path) -> str:
    """The architecture dist/ was built for, so the no-op run asks for the same."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["artifacts"].values():
        if entry["target"]["kind"] == "lambda":
            return str(entry["target"]["architecture"])
    return os.environ.get("LAMBDA_ARCH", "arm64")


def _build(dist: Path, cache: Path, arch: str) -> str:
    command = [
        sys.executable,
        "-m",
        "tools.build_artifacts",
        "--functions-dir",
        str(REPO_ROOT / "functions"),
        "--dist",
        str(dist),
        "--cache",
        str(cache),
        "--arch",
        arch,
        "--target",
        "all",
    ]
    result = subprocess.run(  # noqa: S603 - our interpreter running our build tool
        command, cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or "installing" in result.stdout:
        raise BuildBenchmarkError(
            f"build into {dist} failed or ran pip (run `make build` first):\n"
            f"{result.stdout}{result.stderr}"
        )
    return result.stdout


def _seed_cache(cache: Path) -> None:
    """Give a fresh cache the installed dependencies, so a clean build only zips."""

    def link_or_copy(source: str, destination: str) -> object:
        try:
            os.link(source, destination)
        except OSError:  # another filesystem: copy instead
            shutil.copy2(source, destination)
        return destination

    shutil.copytree(CACHE / "deps", cache / "deps", copy_function=link_or_copy, symlinks=True)


def _zip_digests(dist: Path) -> dict[str, str]:
    return {
        path.relative_to(dist).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(dist.rglob("*.zip"))
    }


def run(repeat: int) -> Section:
    arch = _lambda_arch(DIST)
    outputs: list[str] = []
    noop = measure(lambda: outputs.append(_build(DIST, CACHE, arch)), repeat=repeat)
    measured_outputs = outputs[-repeat:]
    all_up_to_date = all(
        line.startswith("up to date")
        for output in measured_outputs
        for line in output.splitlines()
        if line.strip()
    )

    digests: list[dict[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as temp:
        builds = itertools.count()

        def clean_build() -> float:
            root = Path(temp) / f"clean-{next(builds)}"
            _seed_cache(root / "cache")  # not timed: stands for an earlier `make build`
            started = time.perf_counter()
            _build(root / "dist", root / "cache", arch)
            elapsed = time.perf_counter() - started
            digests.append(_zip_digests(root / "dist"))
            shutil.rmtree(root)
            return elapsed

        # At least two, so there is something to compare; the warm-up's zips count too.
        clean = collect(clean_build, repeat=max(2, repeat))

    manifest = json.loads((DIST / "manifest.json").read_text(encoding="utf-8"))
    recorded = {path: entry["sha256"] for path, entry in manifest["artifacts"].items()}
    identical_across = all(digest == digests[0] for digest in digests)
    identical_to_dist = digests[0] == recorded
    noop_vs_clean = ratio(noop.median, clean.median)

    section = Section(
        name="build",
        title=f"Build (tools.build_artifacts --target all, Lambda arch {arch})",
        headers=["run", "median s", "min s", "x clean build"],
        rows=[
            ["no-op rebuild", f"{noop.median:.3f}", f"{noop.min:.3f}", fmt_ratio(noop_vs_clean)],
            ["clean code-only build", f"{clean.median:.3f}", f"{clean.min:.3f}", "1.00x"],
        ],
        notes=[
            f"no-op runs all 'up to date': {str(all_up_to_date).lower()}",
            f"byte-identical zips across {len(digests)} clean builds: "
            f"{str(identical_across).lower()}; equal to dist/manifest.json: "
            f"{str(identical_to_dist).lower()} ({len(recorded)} artifacts)",
            "both timings include starting the interpreter (the build runs as `make build`"
            " runs it); clean builds start from an empty dist/ and a cache holding only deps/.",
        ],
    )
    section.data = {
        "lambda_arch": arch,
        "noop_seconds": noop.as_dict(),
        "clean_build_seconds": clean.as_dict(),
        "noop_vs_clean": noop_vs_clean,
        "noop_all_up_to_date": all_up_to_date,
        "identical_across_clean_builds": identical_across,
        "identical_to_dist_manifest": identical_to_dist,
        "clean_builds": len(digests),
        "artifacts": sorted(recorded),
    }
    return section
