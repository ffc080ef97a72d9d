"""Build reproducible, incremental Lambda zips from ``functions/<name>/`` packages.

Every directory ``functions/<name>/`` holding an ``__init__.py`` is one function. Its zip
has the package under ``<name>/`` (handler ``<name>.handler.lambda_handler``) and the
dependencies from its ``requirements.txt`` at the zip root. A function that lists shared
packages in ``functions/<name>/shared_packages.txt`` (one package name per line, ``#``
comments) also gets each of them, from its one place ``functions/<shared>/``, under
``<shared>/``; a package some function lists is shared code, not a function. Two targets
exist:

* ``lambda``: ``dist/<name>.zip``, dependencies cross-installed for the Lambda runtime
  (CPython 3.12, manylinux2014 aarch64 or x86_64);
* ``host``: ``dist/host/<name>.zip``, dependencies for the interpreter running this
  builder, so the local runtime can unzip the artifact and run it with that Python.

Dependencies come from the function's lock for the target, ``locks/<target>.txt`` beside
its ``requirements.txt`` (``make lock`` writes them, ``tools/lock_requirements.py``), and
are installed by uv with every hash required. A lock that is missing or older than its
``requirements.txt`` stops the build with "run make lock": nothing is ever installed
unlocked.

Terraform only sees a change when the bytes change, so the zips are reproducible from
any path and any builder: sorted entries, fixed timestamps and permissions, fixed
compression, nothing that depends on the checkout or the builder's environment (mtimes,
umask, bytecode caches, console scripts and the install records that hash them, whose
shebangs carry the builder's interpreter path; sdists are built with the locked build
tools of ``tools/build-constraints.lock``). Builds are incremental: a digest of every
input is stamped under ``.build/stamps/`` and installed dependencies are cached under
``.build/deps/<target>/<key>/`` so a code-only change never runs the installer. The
(function, target) pairs are independent and built concurrently.

Run ``python -m tools.build_artifacts --help``. Standard library only, on purpose: it
must work from a fresh clone before any project dependency is installed (uv, the
installer, comes from the dev venv or ``$UV``).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

# 1980-01-01 is the earliest date a zip entry can hold; any fixed value would do.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
# Lambda only needs to read the files (native extensions are mmapped, not executed),
# so every file is 0644 whatever the checkout or umask said.
ZIP_FILE_MODE = 0o100644
# Fixed explicitly: the bytes must not depend on a library default.
ZIP_COMPRESS_LEVEL = 9
ZIP_CREATE_SYSTEM_UNIX = 3

LAMBDA_PYTHON_VERSION = "3.12"
LAMBDA_PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
# The same platforms as uv's --python-platform names them.
UV_LAMBDA_PLATFORMS = {"arm64": "aarch64-manylinux2014", "x86_64": "x86_64-manylinux2014"}
# The oldest Python a host may run (pyproject's requires-python): host locks are universal
# resolutions from it, so one lock serves every developer's interpreter and platform.
HOST_PYTHON_FLOOR = "3.11"

REPO_ROOT = Path(__file__).resolve().parent.parent
# Where a function's locks live, one file per target, beside its requirements.txt.
LOCKS_DIR = "locks"
# The locked versions of the tools that build sdists (amazon-dax-client is published as
# source only): the wheel's metadata records its generator's version, so it must not be
# whichever setuptools the index offers on the day.
BUILD_CONSTRAINTS = REPO_ROOT / "tools" / "build-constraints.lock"

# The Lambda Python runtime ships the AWS SDK and the libraries it needs; bundling
# another copy only adds megabytes and shadows the runtime's versions (a bundled urllib3
# would sit in front of the one botocore was released with). Matched by top-level
# directory and by distribution name. The local runtime provides the same set
# (local_runtime/lambda-runtime-requirements.txt).
RUNTIME_PROVIDED = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "dateutil",
    "python_dateutil",
)
# The distribution names of RUNTIME_PROVIDED, which locks leave out altogether.
RUNTIME_PROVIDED_DISTRIBUTIONS = (
    "boto3",
    "botocore",
    "s3transfer",
    "jmespath",
    "urllib3",
    "python-dateutil",
)
# --target puts console scripts here; nothing in a Lambda can call them, and their
# shebang is the builder's interpreter path.
SCRIPTS_DIR = "bin"
# The installer's record of what it wrote (for uninstalling), with the hash of every
# console script: it would carry the shebang's path into the zip. Nothing reads it at
# runtime (importlib.metadata needs METADATA, not RECORD).
INSTALL_RECORD = "RECORD"
BYTECODE_SUFFIXES = (".pyc", ".pyo")
# A function's list of the shared packages under functions/ that its zips include.
SHARED_PACKAGES_MANIFEST = "shared_packages.txt"
# Package content that is for developers, not for the function at runtime.
PACKAGE_ROOT_EXCLUDES = ("requirements.txt", SHARED_PACKAGES_MANIFEST)
PACKAGE_ROOT_EXCLUDED_DIRS = (LOCKS_DIR,)
PACKAGE_EXCLUDED_DIRS = ("__pycache__", "tests", "test")

# Flags that make uv's --target output a pure function of the lock: every hash checked,
# exactly the locked set (--no-deps: the lock is already complete), no bytecode (it
# embeds the host interpreter and source mtimes), copies rather than links into the
# shared cache, so nothing in .build/deps can change under a built zip.
UV_INSTALL_FLAGS = (
    "--require-hashes",
    "--no-deps",
    "--link-mode=copy",
    "--no-progress",
)

STAMP_VERSION = 2
# Concurrent (function, target) builds: twice the cores, as an install mostly waits.
DEFAULT_JOBS = 2 * (os.cpu_count() or 1)


class BuildError(Exception):
    """A build step failed in a way the user must fix; the message says what and where."""


@dataclass(frozen=True)
class Target:
    """Where an artifact runs, which decides how its dependencies are installed."""

    kind: str  # "lambda" or "host": selects dist/<name>.zip or dist/host/<name>.zip
    label: str  # names the dependency cache and appears in the manifest
    platform: str  # wheel platform tag (lambda) or the host's sysconfig platform
    python_version: str
    architecture: str
    lock_name: str  # the lock file under locks/ that pins this target's dependencies
    install_args: tuple[str, ...]  # uv pip install arguments that select the target
    compile_args: tuple[str, ...]  # uv pip compile arguments that resolve for it

    def artifact(self, dist: Path, name: str) -> Path:
        """Return the zip path: Lambda zips at the top of dist, host zips under host/."""
        return dist / f"{name}.zip" if self.kind == "lambda" else dist / "host" / f"{name}.zip"

    def describe(self) -> dict[str, str]:
        """Return the facts about the target that the manifest and the digest record."""
        return {
            "architecture": self.architecture,
            "kind": self.kind,
            "label": self.label,
            "platform": self.platform,
            "python_version": self.python_version,
        }


def lambda_target(arch: str) -> Target:
    """Cross-install target for the Lambda Python runtime on the given architecture."""
    if arch not in LAMBDA_PLATFORMS:
        raise BuildError(f"unknown architecture {arch!r}; use one of {sorted(LAMBDA_PLATFORMS)}")
    platform = LAMBDA_PLATFORMS[arch]
    selection = (
        "--python-platform",
        UV_LAMBDA_PLATFORMS[arch],
        "--python-version",
        LAMBDA_PYTHON_VERSION,
    )
    return Target(
        kind="lambda",
        label=f"lambda-cp{LAMBDA_PYTHON_VERSION.replace('.', '')}-{platform}",
        platform=platform,
        python_version=LAMBDA_PYTHON_VERSION,
        architecture=arch,
        lock_name=f"lambda-{arch}",
        # An sdist (amazon-dax-client) is built here; uv refuses the result unless its
        # wheel tags fit the target, so only pure-Python ones get through.
        install_args=selection,
        compile_args=selection,
    )


def host_target() -> Target:
    """Target for the interpreter running this builder, which the local runtime uses."""
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    return Target(
        kind="host",
        label=f"host-{sys.implementation.cache_tag}-{platform}",
        platform=platform,
        python_version=version,
        architecture=os.uname().machine if hasattr(os, "uname") else platform,
        lock_name="host",
        install_args=(),
        compile_args=("--universal", "--python-version", HOST_PYTHON_FLOOR),
    )


def lock_targets() -> list[Target]:
    """Every target a function is locked for: both Lambda architectures and the host."""
    return [*(lambda_target(arch) for arch in sorted(LAMBDA_PLATFORMS)), host_target()]


@dataclass(frozen=True)
class FunctionPackage:
    """One ``functions/<name>/`` directory: the handler package of one Lambda."""

    name: str
    path: Path
    # The shared packages (functions/<shared>/) its zips include, from its manifest.
    shared: tuple[Path, ...] = ()

    @property
    def requirements(self) -> Path | None:
        """Return the requirements file, or None for a function without dependencies."""
        candidate = self.path / "requirements.txt"
        return candidate if candidate.is_file() else None

    @property
    def handler(self) -> str:
        """Return the Lambda handler string the zip layout implies."""
        return f"{self.name}.handler.lambda_handler"

    def lock(self, target: Target) -> Path:
        """Return where the lock of this function's dependencies for target lives."""
        return self.path / LOCKS_DIR / f"{target.lock_name}.txt"


# (name inside the zip, file on disk)
Entry = tuple[str, Path]
# Installs a lock into an empty directory for a target; raises BuildError on failure.
Installer = Callable[[Path, Path, Target], None]
Log = Callable[[str], None]


def lock_header(requirements: Path) -> str:
    """Return the first line of a lock resolved from requirements as they are now.

    It carries the requirements' digest, so a requirement added after the last
    `make lock` is caught instead of silently left out (or installed unlocked).
    """
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()
    return f"# locked from {requirements.name} sha256:{digest}; regenerate with `make lock`\n"


def checked_lock(requirements: Path, lock: Path) -> Path:
    """Return lock when it was resolved from requirements as they are; else say what to run."""
    try:
        with lock.open(encoding="utf-8") as handle:
            first_line = handle.readline()
    except FileNotFoundError:
        raise BuildError(f"{lock} is missing: run make lock") from None
    if first_line != lock_header(requirements):
        raise BuildError(f"{lock} was not resolved from {requirements} as it is: run make lock")
    return lock


def shared_package_names(package_dir: Path) -> list[str]:
    """Return the shared packages a function's manifest lists (none without a manifest)."""
    manifest = package_dir / SHARED_PACKAGES_MANIFEST
    if not manifest.is_file():
        return []
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return [name for line in lines if (name := line.split("#", 1)[0].strip())]


def discover_functions(functions_dir: Path, only: Sequence[str] = ()) -> list[FunctionPackage]:
    """List the function packages, failing loudly on anything Lambda could not import."""
    if not functions_dir.is_dir():
        raise BuildError(f"functions directory {functions_dir} does not exist")
    candidates = [
        child
        for child in sorted(functions_dir.iterdir())
        if child.is_dir() and (child / "__init__.py").is_file()
    ]
    uses = {child.name: shared_package_names(child) for child in candidates}
    shared = {name for names in uses.values() for name in names}
    for user, names in sorted(uses.items()):
        for name in names:
            if not (functions_dir / name / "__init__.py").is_file():
                raise BuildError(
                    f"{functions_dir / user / SHARED_PACKAGES_MANIFEST}: no shared package "
                    f"{functions_dir / name}/ (a directory with an __init__.py)"
                )
            if name in shared and uses[name]:
                raise BuildError(f"shared package {name!r} must not list shared packages itself")
    packages = [
        FunctionPackage(child.name, child, tuple(functions_dir / name for name in uses[child.name]))
        for child in candidates
        if child.name not in shared
    ]
    for package in packages:
        if not package.name.isidentifier():
            raise BuildError(
                f"{package.path}: {package.name!r} is not an importable package name, so "
                f"the handler {package.handler!r} could not be imported"
            )
        if not (package.path / "handler.py").is_file():
            raise BuildError(f"{package.path}: no handler.py for handler {package.handler!r}")
    if only:
        known = {package.name for package in packages}
        unknown = sorted(set(only) - known)
        if unknown:
            raise BuildError(
                f"no function package named {', '.join(unknown)} in {functions_dir} "
                f"(found: {', '.join(sorted(known)) or 'none'})"
            )
        packages = [package for package in packages if package.name in only]
    return packages


def _walk_files(root: Path) -> Iterable[tuple[str, Path]]:
    """Yield (posix path relative to root, path) for every regular file under root."""
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory, filename)
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


def package_entries(package: FunctionPackage) -> list[Entry]:
    """Select the package's files and its shared packages' files, each under its name.

    Only code and data, not developer files or caches. Hidden files are left out too:
    editor swap files and tool caches would otherwise make the zip depend on whoever
    built it. The shared files are inputs like any other, so a change to a shared package
    changes the digest of every function that lists it.
    """
    entries = _source_entries(package.path)
    for shared in package.shared:
        entries.extend(_source_entries(shared))
    return entries


def _source_entries(root: Path) -> list[Entry]:
    entries: list[Entry] = []
    for relative, path in _walk_files(root):
        parts = relative.split("/")
        if any(part.startswith(".") or part in PACKAGE_EXCLUDED_DIRS for part in parts):
            continue
        if relative.endswith(BYTECODE_SUFFIXES) or parts[0] in PACKAGE_ROOT_EXCLUDED_DIRS:
            continue
        if len(parts) == 1 and (
            relative in PACKAGE_ROOT_EXCLUDES or relative.upper().startswith("README")
        ):
            continue
        entries.append((f"{root.name}/{relative}", path))
    return entries


def _distribution_name(top_level: str) -> str:
    """Map ``botocore-1.44.5.dist-info`` to ``botocore``, and ``botocore`` to itself."""
    for suffix in (".dist-info", ".egg-info"):
        if top_level.endswith(suffix):
            return top_level[: -len(suffix)].split("-", maxsplit=1)[0].lower().replace(".", "_")
    return top_level.lower()


def dependency_entries(deps_dir: Path) -> tuple[list[Entry], list[str]]:
    """Select the installed dependencies for the zip root.

    Returns the entries and the top-level names left out because the runtime provides
    them, so the caller can say so: a transitive boto3 should never pass silently.
    """
    entries: list[Entry] = []
    stripped: set[str] = set()
    for relative, path in _walk_files(deps_dir):
        parts = relative.split("/")
        top = parts[0]
        if _distribution_name(top) in RUNTIME_PROVIDED:
            stripped.add(top)
            continue
        if top == SCRIPTS_DIR or "__pycache__" in parts or relative.endswith(BYTECODE_SUFFIXES):
            continue
        # The installer's own files (uv's .lock guarding --target) and install records.
        if top.startswith(".") or (top.endswith(".dist-info") and parts[1:] == [INSTALL_RECORD]):
            continue
        entries.append((relative, path))
    return entries, sorted(stripped)


def _sha256_file(path: Path) -> str:
    """Hash a file in chunks so large wheels never sit in memory twice."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _builder_digest() -> str:
    """Hash this module: a change to the packaging rules must rebuild every artifact."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def find_uv() -> str:
    """Locate uv: $UV, else beside this interpreter (the dev venv's), else on PATH."""
    candidates = [os.environ.get("UV"), str(Path(sys.executable).with_name("uv"))]
    candidates.append(shutil.which("uv"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    raise BuildError("uv is not installed: run `make venv` (or set UV to a uv binary)")


def deps_key(lock: Path, target: Target) -> str:
    """Key the dependency cache by what decides the installed bytes: lock and target."""
    material = {
        "build_constraints": hashlib.sha256(BUILD_CONSTRAINTS.read_bytes()).hexdigest(),
        "install_args": list(target.install_args),
        "install_flags": list(UV_INSTALL_FLAGS),
        "lock": hashlib.sha256(lock.read_bytes()).hexdigest(),
        "target": target.label,
    }
    encoded = json.dumps(material, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:24]


def inputs_digest(entries: Sequence[Entry], deps: str | None, target: Target) -> str:
    """Digest everything the zip bytes depend on, to decide whether to rebuild."""
    digest = hashlib.sha256()
    header = {
        "builder": _builder_digest(),
        "deps": deps,
        "stamp_version": STAMP_VERSION,
        "target": target.describe(),
        "target_install_args": list(target.install_args),
    }
    digest.update(json.dumps(header, sort_keys=True).encode())
    for name, path in sorted(entries):
        digest.update(f"\0{name}\0".encode())
        digest.update(_sha256_file(path).encode())
    return digest.hexdigest()


def uv_install(lock: Path, destination: Path, target: Target) -> None:
    """Install exactly the locked distributions, hashes checked, into destination.

    The interpreter is this one for the host target; for Lambda, uv resolves wheels for
    the target platform and only needs an interpreter to lay out the directory.
    """
    uv = find_uv()
    command = [
        uv,
        "pip",
        "install",
        *UV_INSTALL_FLAGS,
        *target.install_args,
        "--python",
        sys.executable,
        "--build-constraints",
        str(BUILD_CONSTRAINTS),
        "--target",
        str(destination),
        "-r",
        str(lock),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BuildError(
            f"uv could not install {lock} for {target.label} "
            f"(platform {target.platform}, Python {target.python_version}); "
            f"exit code {result.returncode}:\n{result.stdout}{result.stderr}".rstrip()
        )


def locked_deps(package: FunctionPackage, target: Target) -> tuple[Path, str] | None:
    """Return the function's current lock for target and its cache key (None: no deps)."""
    requirements = package.requirements
    if requirements is None:
        return None
    lock = checked_lock(requirements, package.lock(target))
    return lock, deps_key(lock, target)


def ensure_deps(
    package: FunctionPackage,
    target: Target,
    cache: Path,
    installer: Installer,
    log: Log,
) -> tuple[Path, str] | None:
    """Return the cached dependency directory (installing it once) and its key."""
    locked = locked_deps(package, target)
    if locked is None:
        return None
    lock, key = locked
    target_dir = cache / "deps" / target.label
    installed = target_dir / key
    if installed.is_dir():
        return installed, key
    target_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.", suffix=".tmp", dir=target_dir))
    log(f"installing  {package.name} dependencies for {target.label}")
    started = time.monotonic()
    try:
        installer(lock, staging, target)
    except BuildError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"function {package.name}: {error}") from error
    # Rename last so an interrupted install never looks like a complete cache entry.
    try:
        staging.rename(installed)
    except OSError:
        # Another build installed the same key concurrently; its copy is as good.
        shutil.rmtree(staging, ignore_errors=True)
        if not installed.is_dir():
            raise
    log(f"installed   {package.name} dependencies in {time.monotonic() - started:.1f} s")
    return installed, key


def write_zip(entries: Sequence[Entry], destination: Path) -> None:
    """Write a reproducible zip: sorted, fixed metadata, no directory entries or extras.

    Writing to a temporary name and renaming means a failed build never leaves a
    truncated zip that a later run or Terraform would take for a good one.
    """
    counts = Counter(name for name, _ in entries)
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        raise BuildError(f"{destination}: more than one file for {', '.join(duplicates[:5])}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Unique per process and thread: artifacts are written concurrently.
    unique = f"{os.getpid()}.{threading.get_ident()}"
    partial = destination.with_name(f".{destination.name}.{unique}.tmp")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, path in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = ZIP_CREATE_SYSTEM_UNIX
                info.external_attr = ZIP_FILE_MODE << 16
                archive.writestr(info, path.read_bytes(), compresslevel=ZIP_COMPRESS_LEVEL)
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)


@dataclass(frozen=True)
class Artifact:
    """What the manifest and the stamp record about one built zip."""

    function: str
    handler: str
    path: Path
    sha256: str
    size: int
    target: Target

    @property
    def sha256_base64(self) -> str:
        """Return the digest as Lambda's CodeSha256 and Terraform's filebase64sha256."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


def _stamp_path(cache: Path, target: Target, name: str) -> Path:
    """One stamp per function and target kind, matching the one zip path per kind."""
    return cache / "stamps" / target.kind / f"{name}.json"


def _read_stamp(stamp: Path, artifact: Path) -> dict[str, object] | None:
    """Return the stamp if the zip it describes is still the one on disk."""
    try:
        recorded = json.loads(stamp.read_text())
        status = artifact.stat()
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict):
        return None
    if recorded.get("size") != status.st_size or recorded.get("mtime_ns") != status.st_mtime_ns:
        return None
    return recorded


def _human_size(size: int) -> str:
    """Format a byte count the way people compare zip sizes."""
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def _display(path: Path) -> str:
    """Show paths relative to the working directory, as make users typed them."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def build_artifact(
    package: FunctionPackage,
    target: Target,
    dist: Path,
    cache: Path,
    *,
    installer: Installer = uv_install,
    log: Log = print,
) -> Artifact:
    """Build one zip unless its stamp shows the same inputs produced the zip on disk."""
    artifact = target.artifact(dist, package.name)
    stamp = _stamp_path(cache, target, package.name)
    entries = package_entries(package)
    locked = locked_deps(package, target)
    digest = inputs_digest(entries, locked[1] if locked else None, target)

    recorded = _read_stamp(stamp, artifact)
    if recorded is not None and recorded.get("inputs") == digest:
        result = Artifact(
            package.name,
            package.handler,
            artifact,
            str(recorded["sha256"]),
            artifact.stat().st_size,
            target,
        )
        log(f"up to date  {_display(artifact)}  ({target.label}, {_human_size(result.size)})")
        return result

    started = time.monotonic()
    deps = ensure_deps(package, target, cache, installer, log)
    stripped: list[str] = []
    if deps is not None:
        dep_entries, stripped = dependency_entries(deps[0])
        entries = [*entries, *dep_entries]
    write_zip(entries, artifact)
    status = artifact.stat()
    result = Artifact(
        package.name, package.handler, artifact, _sha256_file(artifact), status.st_size, target
    )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(
        json.dumps(
            {
                "inputs": digest,
                "mtime_ns": status.st_mtime_ns,
                "sha256": result.sha256,
                "size": status.st_size,
            },
            sort_keys=True,
        )
    )
    note = f"; left out {', '.join(stripped)} (provided by the runtime)" if stripped else ""
    log(
        f"built       {_display(artifact)}  ({target.label}, {_human_size(result.size)}, "
        f"{time.monotonic() - started:.1f} s{note})"
    )
    return result


def manifest_entry(artifact: Artifact, dist: Path) -> dict[str, object]:
    """Describe one artifact for Terraform and the local runtime."""
    return {
        "function": artifact.function,
        "handler": artifact.handler,
        "path": artifact.path.relative_to(dist).as_posix(),
        "sha256": artifact.sha256,
        "sha256_base64": artifact.sha256_base64,
        "size": artifact.size,
        "target": artifact.target.describe(),
    }


def write_manifest(dist: Path, artifacts: Sequence[Artifact]) -> Path:
    """Merge these artifacts into dist/manifest.json, touching it only when it changes.

    Entries for artifacts this run did not consider (``--only``, ``--target``) are kept
    while their zip still has the recorded size; anything else would be stale.
    """
    manifest = dist / "manifest.json"
    current: dict[str, object] = {}
    try:
        loaded = json.loads(manifest.read_text())
        if isinstance(loaded, dict) and isinstance(loaded.get("artifacts"), dict):
            current = loaded["artifacts"]
    except (OSError, ValueError):
        current = {}
    merged: dict[str, object] = {}
    for relative, entry in current.items():
        path = dist / relative
        if isinstance(entry, dict) and path.is_file() and path.stat().st_size == entry.get("size"):
            merged[relative] = entry
    for artifact in artifacts:
        entry = manifest_entry(artifact, dist)
        merged[str(entry["path"])] = entry
    text = json.dumps({"artifacts": merged}, indent=2, sort_keys=True) + "\n"
    try:
        unchanged = manifest.read_text() == text
    except OSError:
        unchanged = False
    if not unchanged:
        dist.mkdir(parents=True, exist_ok=True)
        manifest.write_text(text)
    return manifest


def build(
    functions_dir: Path,
    dist: Path,
    cache: Path,
    targets: Sequence[Target],
    *,
    only: Sequence[str] = (),
    installer: Installer = uv_install,
    log: Log = print,
    jobs: int = DEFAULT_JOBS,
) -> list[Artifact]:
    """Build every selected function for every target and update the manifest.

    Each (function, target) pair has its own zip, stamp and dependency key, so they are
    built concurrently: installs wait on the network and the cache, zipping on zlib,
    which releases the GIL. The first failure is raised once the others have finished.
    """
    packages = discover_functions(functions_dir, only)
    if not packages:
        log(f"no function packages (directories with __init__.py) in {functions_dir}")
    pairs = [(package, target) for target in targets for package in packages]

    def build_pair(pair: tuple[FunctionPackage, Target]) -> Artifact:
        package, target = pair
        return build_artifact(package, target, dist, cache, installer=installer, log=log)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(build_pair, pair) for pair in pairs]
    artifacts = [future.result() for future in futures]
    write_manifest(dist, artifacts)
    return artifacts


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line; defaults match the repository layout."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.build_artifacts",
        description="Build reproducible, incremental zips for every functions/<name> package.",
    )
    parser.add_argument("--functions-dir", type=Path, default=Path("functions"))
    parser.add_argument("--dist", type=Path, default=Path("dist"))
    parser.add_argument("--cache", type=Path, default=Path(".build"))
    parser.add_argument("--target", choices=("lambda", "host", "all"), default="all")
    parser.add_argument(
        "--arch",
        choices=sorted(LAMBDA_PLATFORMS),
        default=os.environ.get("LAMBDA_ARCH", "arm64"),
        help="Lambda architecture (default: $LAMBDA_ARCH or arm64)",
    )
    parser.add_argument("--only", nargs="+", default=[], metavar="NAME")
    parser.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        help=f"artifacts built at once (default: {DEFAULT_JOBS}, twice the cores)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m tools.build_artifacts``; returns the exit status."""
    args = parse_args(argv)
    try:
        targets: list[Target] = []
        if args.target in ("lambda", "all"):
            targets.append(lambda_target(args.arch))
        if args.target in ("host", "all"):
            targets.append(host_target())
        build(args.functions_dir, args.dist, args.cache, targets, only=args.only, jobs=args.jobs)
    except BuildError as error:
        print(f"build_artifacts: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
