"""Tests for tools.build_artifacts: layout, locks, reproducibility, incrementality, manifest.

Dependencies come from a real uv install of one small pure-Python wheel (six), done once
per session and copied into each test's cache, so most tests run without the installer;
the tests that are about installing (clean installs, sdists, two clones) run it for real.
"""

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tools import build_artifacts as ba

REPO_ROOT = Path(__file__).resolve().parents[3]
SIX = "six==1.17.0\n"
# What `make lock` resolves SIX into: the pin and the hashes of its wheel and sdist.
SIX_LOCK = (
    "six==1.17.0 \\\n"
    "    --hash=sha256:4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274 \\\n"
    "    --hash=sha256:ff70335d468e7eb6ec65b95b99d3a2836546063f63acc5171de367e834932a81\n"
)
HANDLER = "import six\n\n\ndef lambda_handler(event, context):\n    return six.text_type(event)\n"


def write_locks(package: Path, body: str) -> None:
    """Lock the package's requirements.txt for every target, as `make lock` would."""
    header = ba.lock_header(package / "requirements.txt")
    for target in ba.lock_targets():
        lock = package / ba.LOCKS_DIR / f"{target.lock_name}.txt"
        lock.parent.mkdir(exist_ok=True)
        lock.write_text(header + body)


def make_function(
    functions_dir: Path,
    name: str,
    requirements: str | None = SIX,
    handler: str = HANDLER,
    lock: str = SIX_LOCK,
) -> Path:
    """Create a small function package, with the clutter a developer's checkout has."""
    package = functions_dir / name
    (package / "tests").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "schemas").mkdir()
    (package / "__init__.py").write_text("")
    (package / "handler.py").write_text(handler)
    (package / "schemas" / "event.json").write_text('{"type": "object"}\n')
    (package / "README.md").write_text("# notes\n")
    (package / "tests" / "test_handler.py").write_text("def test(): pass\n")
    (package / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0bytecode")
    (package / "stale.pyc").write_bytes(b"\0bytecode")
    (package / ".handler.py.swp").write_bytes(b"editor")
    if requirements is not None:
        (package / "requirements.txt").write_text(requirements)
        write_locks(package, lock)
    return package


class RecordingInstaller:
    """Wraps an installer to count its runs: incrementality is about not running it."""

    def __init__(self, inner: ba.Installer = ba.uv_install) -> None:
        self.inner = inner
        self.calls: list[tuple[str, str]] = []

    def __call__(self, lock: Path, destination: Path, target: ba.Target) -> None:
        self.calls.append((lock.parent.parent.name, target.kind))
        self.inner(lock, destination, target)


class Log:
    """Collects the builder's output lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    def status(self, artifact: str) -> str:
        """Return the first word (built / up to date) of the line about an artifact."""
        matches = [line for line in self.lines if f" {artifact} " in f" {line} "]
        assert len(matches) == 1, self.lines
        return "up to date" if matches[0].startswith("up to date") else matches[0].split()[0]


TARGETS = [ba.lambda_target("arm64"), ba.host_target()]


@pytest.fixture(scope="session")
def seeded_deps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install six once per target with real uv; tests copy the result into their cache."""
    cache = tmp_path_factory.mktemp("seed") / ".build"
    functions = tmp_path_factory.mktemp("seed-src") / "functions"
    make_function(functions, "seed")
    for target in TARGETS:
        ba.ensure_deps(
            ba.FunctionPackage("seed", functions / "seed"),
            target,
            cache,
            ba.uv_install,
            lambda _line: None,
        )
    return cache / "deps"


@pytest.fixture
def workspace(tmp_path: Path, seeded_deps: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout-like directory with functions/, and a cache that already holds six."""
    shutil.copytree(seeded_deps, tmp_path / ".build" / "deps")
    (tmp_path / "functions").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_build(
    root: Path,
    installer: ba.Installer | None = None,
    targets: list[ba.Target] | None = None,
    only: tuple[str, ...] = (),
) -> tuple[list[ba.Artifact], Log]:
    """Build functions/ of root into root/dist with root/.build as cache."""
    log = Log()
    artifacts = ba.build(
        root / "functions",
        root / "dist",
        root / ".build",
        targets or TARGETS,
        only=only,
        installer=installer or RecordingInstaller(),
        log=log,
    )
    return artifacts, log


def differing_entries(first: Path, second: Path) -> list[str]:
    """Name the entries that differ, so a reproducibility failure says where to look."""
    with zipfile.ZipFile(first) as one, zipfile.ZipFile(second) as other:
        left = {
            info.filename: (info.CRC, info.date_time, info.external_attr) for info in one.infolist()
        }
        right = {
            info.filename: (info.CRC, info.date_time, info.external_attr)
            for info in other.infolist()
        }
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return archive.namelist()


def test_zip_holds_package_under_its_name_and_deps_at_root(workspace: Path) -> None:
    make_function(workspace / "functions", "orders")
    installer = RecordingInstaller()

    run_build(workspace, installer)

    assert installer.calls == [], "six should come from the seeded cache"
    for zip_path in (workspace / "dist" / "orders.zip", workspace / "dist/host/orders.zip"):
        entries = names(zip_path)
        assert "orders/__init__.py" in entries
        assert "orders/handler.py" in entries
        assert "orders/schemas/event.json" in entries
        assert "six.py" in entries
        assert any(name.startswith("six-1.17.0.dist-info/") for name in entries)
        for name in entries:
            assert "__pycache__" not in name
            assert not name.endswith((".pyc", ".pyo"))
            assert "/tests/" not in name
            assert not name.startswith(
                ("orders/README", "orders/requirements", "orders/locks", "orders/.")
            )
            assert not name.endswith(".dist-info/RECORD"), "install records hash scripts"
            assert not name.startswith("."), "the installer's own files stay out"
            assert not name.startswith(("bin/", "boto3", "botocore", "s3transfer"))


def test_host_artifact_runs_with_the_host_python(workspace: Path, tmp_path: Path) -> None:
    make_function(workspace / "functions", "orders")
    run_build(workspace, targets=[ba.host_target()])
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(workspace / "dist/host/orders.zip") as archive:
        archive.extractall(unpacked)  # noqa: S202 - the zip this test just built
    probe = "import orders.handler as h, six; print(h.lambda_handler(7, None), six.__file__)"

    result = subprocess.run(  # noqa: S603 - our own interpreter
        # -I: nothing from the venv or the checkout, so six must come from the zip.
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); {probe}"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    value, six_file = result.stdout.split()
    assert value == "7"
    assert Path(six_file).resolve().parent == unpacked.resolve()


def test_entries_are_sorted_with_fixed_metadata(workspace: Path) -> None:
    make_function(workspace / "functions", "orders")
    # An executable bit in the checkout must not reach the zip.
    os.chmod(workspace / "functions/orders/handler.py", 0o755)  # noqa: S103

    run_build(workspace)

    for zip_path in (workspace / "dist/orders.zip", workspace / "dist/host/orders.zip"):
        with zipfile.ZipFile(zip_path) as archive:
            infos = archive.infolist()
        assert [info.filename for info in infos] == sorted(info.filename for info in infos)
        for info in infos:
            assert not info.is_dir()
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.create_system == 3
            assert info.extra == b""
            assert info.compress_type == zipfile.ZIP_DEFLATED


def test_runtime_provided_packages_scripts_and_bytecode_are_stripped(workspace: Path) -> None:
    def installer_pulling_boto3(lock: Path, destination: Path, target: ba.Target) -> None:
        files = [
            ".lock",
            "wrapt-2.5.2.dist-info/METADATA",
            "wrapt-2.5.2.dist-info/RECORD",
            "boto3/__init__.py",
            "boto3-1.43.11.dist-info/METADATA",
            "botocore/data/endpoints.json",
            "botocore-1.43.11.dist-info/RECORD",
            "s3transfer/__init__.py",
            "s3transfer-0.16.0.dist-info/METADATA",
            "bin/jp.py",
            "jmespath/__init__.py",
            "urllib3/__init__.py",
            "wrapt/__init__.py",
            "wrapt/__pycache__/__init__.cpython-312.pyc",
            "wrapt/compat.pyc",
        ]
        for relative in files:
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            (destination / relative).write_text(relative)

    make_function(workspace / "functions", "orders", requirements="aws-xray-sdk\n")

    _, log = run_build(workspace, installer_pulling_boto3, targets=[ba.lambda_target("arm64")])

    dep_entries = [n for n in names(workspace / "dist/orders.zip") if not n.startswith("orders/")]
    assert dep_entries == ["wrapt-2.5.2.dist-info/METADATA", "wrapt/__init__.py"]
    built = next(line for line in log.lines if line.startswith("built"))
    for stripped in ("boto3", "botocore", "s3transfer", "botocore-1.43.11.dist-info", "urllib3"):
        assert stripped in built


def test_same_sources_give_same_bytes_across_copies_and_clean_installs(tmp_path: Path) -> None:
    first = tmp_path / "clone-a"
    second = tmp_path / "elsewhere" / "clone-b"
    make_function(first / "functions", "orders")
    make_function(first / "functions", "audit", requirements=None)
    shutil.copytree(first, second)
    for path in (second / "functions").rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
        if path.is_file():
            path.chmod(0o755)
    (first / "functions/orders/handler.py").chmod(0o600)

    run_build(first)
    previous = os.umask(0o077)
    try:
        run_build(second)
    finally:
        os.umask(previous)

    produced = sorted(p.relative_to(first / "dist") for p in (first / "dist").rglob("*.zip"))
    assert [str(p) for p in produced] == [
        "audit.zip",
        "host/audit.zip",
        "host/orders.zip",
        "orders.zip",
    ]
    for relative in produced:
        assert (first / "dist" / relative).read_bytes() == (second / "dist" / relative).read_bytes()
    first_manifest = (first / "dist/manifest.json").read_bytes()
    assert first_manifest == (second / "dist/manifest.json").read_bytes()


def test_second_run_is_up_to_date_and_leaves_the_zip_alone(workspace: Path) -> None:
    make_function(workspace / "functions", "orders")
    run_build(workspace)
    zip_path = workspace / "dist/orders.zip"
    before = zip_path.stat().st_mtime_ns
    manifest_before = (workspace / "dist/manifest.json").stat().st_mtime_ns
    installer = RecordingInstaller()

    _, log = run_build(workspace, installer)

    assert log.status("dist/orders.zip") == "up to date"
    assert log.status("dist/host/orders.zip") == "up to date"
    assert len(log.lines) == 2
    assert installer.calls == []
    assert zip_path.stat().st_mtime_ns == before
    assert (workspace / "dist/manifest.json").stat().st_mtime_ns == manifest_before


def test_source_change_rebuilds_only_that_function_without_pip(workspace: Path) -> None:
    make_function(workspace / "functions", "orders")
    make_function(workspace / "functions", "audit")
    run_build(workspace)
    audit_before = (workspace / "dist/audit.zip").read_bytes()
    orders_before = (workspace / "dist/orders.zip").read_bytes()
    handler = workspace / "functions/orders/handler.py"
    handler.write_text(handler.read_text().replace("text_type", "ensure_str"))
    installer = RecordingInstaller()

    _, log = run_build(workspace, installer)

    assert log.status("dist/orders.zip") == "built"
    assert log.status("dist/host/orders.zip") == "built"
    assert log.status("dist/audit.zip") == "up to date"
    assert log.status("dist/host/audit.zip") == "up to date"
    assert installer.calls == []
    assert (workspace / "dist/audit.zip").read_bytes() == audit_before
    assert (workspace / "dist/orders.zip").read_bytes() != orders_before


def test_ignored_files_do_not_trigger_a_rebuild(workspace: Path) -> None:
    package = make_function(workspace / "functions", "orders")
    run_build(workspace)
    (package / "__pycache__" / "other.cpython-311.pyc").write_bytes(b"new")
    (package / "README.md").write_text("# more notes\n")

    _, log = run_build(workspace)

    assert log.status("dist/orders.zip") == "up to date"


def test_changed_lock_reinstalls(workspace: Path) -> None:
    package = make_function(workspace / "functions", "orders")
    run_build(workspace)
    (package / "requirements.txt").write_text(SIX + "# pinned for the handler\n")
    write_locks(package, SIX_LOCK + "    # via -r requirements.txt\n")
    installer = RecordingInstaller()

    _, log = run_build(workspace, installer, targets=[ba.lambda_target("arm64")])

    assert installer.calls == [("orders", "lambda")]
    assert log.status("dist/orders.zip") == "built"
    assert "six.py" in names(workspace / "dist/orders.zip")


@pytest.mark.parametrize("edit", ["add a requirement", "remove the lock"])
def test_requirements_without_a_current_lock_stop_the_build(workspace: Path, edit: str) -> None:
    """A dependency added (or a function created) after `make lock` must never be
    installed unlocked, nor silently left out: the build says what to run."""
    package = make_function(workspace / "functions", "orders")
    run_build(workspace)
    if edit == "add a requirement":
        (package / "requirements.txt").write_text(SIX + "fastjsonschema==2.22.3\n")
    else:
        shutil.rmtree(package / ba.LOCKS_DIR)
    installer = RecordingInstaller()

    with pytest.raises(ba.BuildError, match="run make lock") as raised:
        run_build(workspace, installer, targets=[ba.lambda_target("arm64")])

    assert "orders/locks/lambda-arm64.txt" in str(raised.value)
    assert installer.calls == []


def test_switching_architecture_rebuilds_the_lambda_zip(workspace: Path) -> None:
    make_function(workspace / "functions", "orders", requirements=None)
    run_build(workspace, targets=[ba.lambda_target("arm64")])

    artifacts, log = run_build(workspace, targets=[ba.lambda_target("x86_64")])

    assert log.status("dist/orders.zip") == "built"
    assert artifacts[0].target.platform == "manylinux2014_x86_64"
    assert "x86_64-manylinux2014" in ba.lambda_target("x86_64").install_args


def test_changed_builder_rebuilds_everything(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_function(workspace / "functions", "orders", requirements=None)
    run_build(workspace)
    monkeypatch.setattr(ba, "_builder_digest", lambda: "a different builder")

    _, log = run_build(workspace)

    assert log.status("dist/orders.zip") == "built"
    assert log.status("dist/host/orders.zip") == "built"


def test_replaced_zip_is_rebuilt(workspace: Path) -> None:
    make_function(workspace / "functions", "orders", requirements=None)
    run_build(workspace)
    good = (workspace / "dist/orders.zip").read_bytes()
    (workspace / "dist/orders.zip").write_bytes(b"not a zip")

    _, log = run_build(workspace)

    assert log.status("dist/orders.zip") == "built"
    assert (workspace / "dist/orders.zip").read_bytes() == good


def test_manifest_matches_the_files(workspace: Path) -> None:
    make_function(workspace / "functions", "orders")
    make_function(workspace / "functions", "audit", requirements=None)
    run_build(workspace)

    text = (workspace / "dist/manifest.json").read_text()
    manifest = json.loads(text)

    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    assert sorted(manifest["artifacts"]) == [
        "audit.zip",
        "host/audit.zip",
        "host/orders.zip",
        "orders.zip",
    ]
    for key, entry in manifest["artifacts"].items():
        data = (workspace / "dist" / entry["path"]).read_bytes()
        assert key == entry["path"]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["sha256_base64"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert entry["size"] == len(data)
        assert entry["handler"] == f"{entry['function']}.handler.lambda_handler"
    assert manifest["artifacts"]["orders.zip"]["target"]["platform"] == "manylinux2014_aarch64"
    assert manifest["artifacts"]["host/orders.zip"]["target"]["kind"] == "host"


def test_partial_run_keeps_other_manifest_entries(workspace: Path) -> None:
    make_function(workspace / "functions", "orders", requirements=None)
    make_function(workspace / "functions", "audit", requirements=None)
    run_build(workspace)
    before = json.loads((workspace / "dist/manifest.json").read_text())

    run_build(workspace, targets=[ba.host_target()], only=("audit",))

    assert json.loads((workspace / "dist/manifest.json").read_text()) == before


def test_install_failure_names_function_and_platform_and_shows_uv_output(
    workspace: Path,
) -> None:
    # An unparsable requirement fails inside uv without any network access.
    make_function(workspace / "functions", "orders", lock="six=!=1.17.0\n")

    with pytest.raises(ba.BuildError) as raised:
        run_build(workspace, targets=[ba.lambda_target("arm64")])

    message = str(raised.value)
    assert "function orders" in message
    assert "manylinux2014_aarch64" in message
    assert "Python 3.12" in message
    assert "six=!=1.17.0" in message  # uv's own explanation is included
    assert not (workspace / "dist/orders.zip").exists()
    assert not list((workspace / ".build/deps").rglob("*.tmp"))


def test_missing_functions_dir_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = ba.main(["--functions-dir", str(tmp_path / "nope"), "--dist", str(tmp_path / "d")])

    assert status == 1
    assert "nope does not exist" in capsys.readouterr().err


def test_unknown_only_name_is_an_error(workspace: Path) -> None:
    make_function(workspace / "functions", "orders", requirements=None)

    with pytest.raises(ba.BuildError, match="no function package named missing"):
        run_build(workspace, only=("missing",))


def test_package_without_handler_module_is_an_error(workspace: Path) -> None:
    package = make_function(workspace / "functions", "orders", requirements=None)
    (package / "handler.py").unlink()

    with pytest.raises(ba.BuildError, match=r"no handler\.py"):
        run_build(workspace)


def test_directories_without_init_are_not_functions(workspace: Path) -> None:
    (workspace / "functions" / "shared_notes").mkdir()
    make_function(workspace / "functions", "orders", requirements=None)

    artifacts, _ = run_build(workspace)

    assert {artifact.function for artifact in artifacts} == {"orders"}


def make_shared_package(functions_dir: Path, name: str = "common") -> Path:
    """A shared package: code, a README and caches, but no handler or requirements."""
    package = functions_dir / name
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("MESSAGE = 'refused'\n")
    (package / "README.md").write_text("# shared\n")
    (package / "__pycache__" / "errors.cpython-311.pyc").write_bytes(b"\0bytecode")
    return package


def test_a_listed_shared_package_is_built_into_each_zip_of_its_users(workspace: Path) -> None:
    functions = workspace / "functions"
    make_shared_package(functions)
    orders = make_function(functions, "orders", requirements=None)
    (orders / ba.SHARED_PACKAGES_MANIFEST).write_text("# the API's error model\ncommon\n")
    make_function(functions, "audit", requirements=None)

    artifacts, _ = run_build(workspace)

    # Shared code, not a function: no zip of its own.
    assert {artifact.function for artifact in artifacts} == {"orders", "audit"}
    for zip_path in ("dist/orders.zip", "dist/host/orders.zip"):
        assert names(workspace / zip_path) == [
            "common/__init__.py",
            "common/errors.py",
            "orders/__init__.py",
            "orders/handler.py",
            "orders/schemas/event.json",
        ]
    assert not any(name.startswith("common/") for name in names(workspace / "dist/audit.zip"))


def test_a_shared_package_change_rebuilds_only_its_users(workspace: Path) -> None:
    functions = workspace / "functions"
    shared = make_shared_package(functions)
    orders = make_function(functions, "orders", requirements=None)
    (orders / ba.SHARED_PACKAGES_MANIFEST).write_text("common\n")
    make_function(functions, "audit", requirements=None)
    run_build(workspace)
    orders_before = (workspace / "dist/orders.zip").read_bytes()

    _, unchanged = run_build(workspace)
    (shared / "errors.py").write_text("MESSAGE = 'refused, politely'\n")
    _, log = run_build(workspace)

    assert unchanged.status("dist/orders.zip") == "up to date"
    assert log.status("dist/orders.zip") == "built"
    assert log.status("dist/host/orders.zip") == "built"
    assert log.status("dist/audit.zip") == "up to date"
    with zipfile.ZipFile(workspace / "dist/orders.zip") as archive:
        assert archive.read("common/errors.py") == b"MESSAGE = 'refused, politely'\n"
    assert (workspace / "dist/orders.zip").read_bytes() != orders_before


def test_a_listed_shared_package_that_does_not_exist_is_an_error(workspace: Path) -> None:
    orders = make_function(workspace / "functions", "orders", requirements=None)
    (orders / ba.SHARED_PACKAGES_MANIFEST).write_text("comon\n")

    with pytest.raises(ba.BuildError, match=r"shared_packages\.txt: no shared package .*comon"):
        run_build(workspace)


@pytest.mark.slow
def test_dependencies_install_byte_identical_from_any_path(tmp_path: Path) -> None:
    """Two clean clones at different paths, each with its own builder venv, .build and uv
    cache, build byte-identical mobile_api zips, Lambda and host, through the CLI.

    mobile_api holds both ways the bytes used to depend on the builder: antlr4's console
    script (its shebang is the builder's interpreter path, and the install record hashes
    it) and amazon-dax-client, an sdist whose wheel names the setuptools that built it.
    The caches are separate, so the sdist is built twice and nothing is shared but the
    package index; one function keeps this the fastest honest proof.
    """
    uv = ba.find_uv()
    clones = [tmp_path / "a" / "clone", tmp_path / "somewhere" / "else" / "b" / "clone"]
    ignore = shutil.ignore_patterns("__pycache__")
    for clone in clones:
        shutil.copytree(REPO_ROOT / "tools", clone / "tools", ignore=ignore)
        # mobile_api and the shared package its zips include.
        for package in ("mobile_api", "lambda_common"):
            shutil.copytree(
                REPO_ROOT / "functions" / package, clone / "functions" / package, ignore=ignore
            )
        venv = clone / ".venv"
        subprocess.run(  # noqa: S603 - the repository's uv
            [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True
        )
        result = subprocess.run(  # noqa: S603 - the clone's own venv and builder
            [str(venv / "bin/python"), "-m", "tools.build_artifacts", "--arch", "arm64"],
            cwd=clone,
            env={**os.environ, "UV": uv, "UV_CACHE_DIR": str(clone.parent / "uv-cache")},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "installing  mobile_api dependencies" in result.stdout, "a clean install"

    for relative in ("dist/mobile_api.zip", "dist/host/mobile_api.zip"):
        first, second = clones[0] / relative, clones[1] / relative
        assert first.read_bytes() == second.read_bytes(), differing_entries(first, second)
        entries = names(first)
        assert "antlr4/__init__.py" in entries
        assert "amazondax/__init__.py" in entries
        assert "lambda_common/rest_api.py" in entries
        with zipfile.ZipFile(first) as archive:
            for entry in entries:
                data = archive.read(entry)
                assert str(tmp_path).encode() not in data, f"{entry} holds the build path"
                assert sys.prefix.encode() not in data, f"{entry} holds the builder venv"
            wheel = archive.read("amazon_dax_client-2.1.0.dist-info/WHEEL").decode()
        assert f"Generator: setuptools ({locked_setuptools()})" in wheel
    manifests = [(clone / "dist/manifest.json").read_bytes() for clone in clones]
    assert manifests[0] == manifests[1]


def locked_setuptools() -> str:
    """Return the setuptools version tools/build-constraints.lock pins."""
    match = re.search(r"^setuptools==(\S+)", ba.BUILD_CONSTRAINTS.read_text(), re.MULTILINE)
    assert match, ba.BUILD_CONSTRAINTS
    return match.group(1)


def test_pure_python_sdist_is_built_with_the_locked_build_tools(tmp_path: Path) -> None:
    """A package published only as source (like amazon-dax-client) still reaches the
    arm64 zip when it is pure Python, built by the setuptools of the build-constraints
    lock rather than whichever one the index offers today."""
    index = tmp_path / "index"
    index.mkdir()
    sdist_path = index / "sdist_only_pkg-1.0.tar.gz"
    with tarfile.open(sdist_path, "w:gz") as sdist:
        for name, text in {
            "sdist_only_pkg/__init__.py": "VALUE = 42\n",
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=61"]\n'
            'build-backend = "setuptools.build_meta"\n'
            '[project]\nname = "sdist-only-pkg"\nversion = "1.0"\n',
        }.items():
            data = text.encode()
            info = tarfile.TarInfo(f"sdist_only_pkg-1.0/{name}")
            info.size = len(data)
            sdist.addfile(info, io.BytesIO(data))
    digest = hashlib.sha256(sdist_path.read_bytes()).hexdigest()
    lock = tmp_path / "lock.txt"
    lock.write_text(f"--find-links {index}\nsdist-only-pkg==1.0 --hash=sha256:{digest}\n")
    destination = tmp_path / "deps"
    destination.mkdir()

    ba.uv_install(lock, destination, ba.lambda_target("arm64"))

    assert (destination / "sdist_only_pkg" / "__init__.py").read_text() == "VALUE = 42\n"
    wheel = (destination / "sdist_only_pkg-1.0.dist-info" / "WHEEL").read_text()
    assert f"Generator: setuptools ({locked_setuptools()})" in wheel


def test_a_lock_with_a_wrong_hash_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "lock.txt"
    lock.write_text("six==1.17.0 --hash=sha256:" + "0" * 64 + "\n")

    with pytest.raises(ba.BuildError, match="six"):
        ba.uv_install(lock, tmp_path, ba.lambda_target("arm64"))

    assert not (tmp_path / "six.py").exists()
