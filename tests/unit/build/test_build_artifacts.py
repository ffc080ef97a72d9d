"""Tests for tools.build_artifacts: layout, reproducibility, incrementality, manifest.

Dependencies come from a real pip install of one small pure-Python wheel (six), done once
per session and copied into each test's cache, so most tests run without pip; the tests
that are about pip running (clean installs, changed requirements) run it for real.
"""

import base64
import hashlib
import io
import json
import os
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
HANDLER = "import six\n\n\ndef lambda_handler(event, context):\n    return six.text_type(event)\n"


def make_function(
    functions_dir: Path, name: str, requirements: str | None = SIX, handler: str = HANDLER
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
    return package


class RecordingInstaller:
    """Wraps an installer to count pip runs: incrementality is about not running it."""

    def __init__(self, inner: ba.Installer = ba.pip_install) -> None:
        self.inner = inner
        self.calls: list[tuple[str, str]] = []

    def __call__(self, requirements: Path, destination: Path, target: ba.Target) -> None:
        self.calls.append((requirements.parent.name, target.kind))
        self.inner(requirements, destination, target)


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
    """Install six once per target with real pip; tests copy the result into their cache."""
    cache = tmp_path_factory.mktemp("seed") / ".build"
    functions = tmp_path_factory.mktemp("seed-src") / "functions"
    make_function(functions, "seed")
    for target in TARGETS:
        ba.ensure_deps(
            ba.FunctionPackage("seed", functions / "seed"),
            target,
            cache,
            ba.pip_install,
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
            assert not name.startswith(("orders/README", "orders/requirements", "orders/."))
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
    def installer_pulling_boto3(requirements: Path, destination: Path, target: ba.Target) -> None:
        files = [
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
    assert dep_entries == ["wrapt/__init__.py"]
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


def test_changed_requirements_reinstall(workspace: Path) -> None:
    package = make_function(workspace / "functions", "orders")
    run_build(workspace)
    (package / "requirements.txt").write_text(SIX + "# pinned for the handler\n")
    installer = RecordingInstaller()

    _, log = run_build(workspace, installer, targets=[ba.lambda_target("arm64")])

    assert installer.calls == [("orders", "lambda")]
    assert log.status("dist/orders.zip") == "built"
    assert "six.py" in names(workspace / "dist/orders.zip")


def test_switching_architecture_rebuilds_the_lambda_zip(workspace: Path) -> None:
    make_function(workspace / "functions", "orders", requirements=None)
    run_build(workspace, targets=[ba.lambda_target("arm64")])

    artifacts, log = run_build(workspace, targets=[ba.lambda_target("x86_64")])

    assert log.status("dist/orders.zip") == "built"
    assert artifacts[0].target.platform == "manylinux2014_x86_64"
    assert "manylinux2014_x86_64" in ba.lambda_target("x86_64").pip_args


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


def test_pip_failure_names_function_and_platform_and_shows_pip_output(workspace: Path) -> None:
    # An unparsable requirement fails inside pip without any network access.
    make_function(workspace / "functions", "orders", requirements="six=!=1.17.0\n")

    with pytest.raises(ba.BuildError) as raised:
        run_build(workspace, targets=[ba.lambda_target("arm64")])

    message = str(raised.value)
    assert "function orders" in message
    assert "manylinux2014_aarch64" in message
    assert "Python 3.12" in message
    assert "six=!=1.17.0" in message  # pip's own explanation is included
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


@pytest.mark.slow
def test_real_functions_build_reproducibly(tmp_path: Path) -> None:
    """Build the repository's functions twice from scratch through the CLI, compare bytes.

    The tree is snapshotted first (others may be editing it while this runs), then copied
    to a second place, as two clean clones would be. Falls back to a stand-in tree with the
    stream processor's kind of dependencies while functions/ has no package with
    requirements yet, or one still without its handler. pip's own download cache is
    shared between the runs, so only the install is repeated, not the download.
    """
    functions = REPO_ROOT / "functions"
    packages = [init.parent for init in functions.glob("*/__init__.py")]
    ready = all((package / "handler.py").is_file() for package in packages) and any(
        (package / "requirements.txt").is_file() for package in packages
    )
    snapshot = tmp_path / "a" / "functions"
    if ready:
        shutil.copytree(functions, snapshot, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        make_function(
            snapshot,
            "stream_processor",
            requirements=(
                "aws-lambda-powertools[tracer]==3.37.0\nfastjsonschema==2.22.3\n"
                "aws-kinesis-agg==1.2.3\n"
            ),
        )
    shutil.copytree(snapshot, tmp_path / "b" / "functions")
    outputs = []
    for run in ("a", "b"):
        result = subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "tools.build_artifacts",
                "--functions-dir",
                str(tmp_path / run / "functions"),
                "--dist",
                str(tmp_path / run / "dist"),
                "--cache",
                str(tmp_path / run / ".build"),
                "--arch",
                "arm64",
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(tmp_path / run / "dist")

    zips = sorted(p.relative_to(outputs[0]) for p in outputs[0].rglob("*.zip"))
    assert zips
    for relative in zips:
        first, second = (outputs[0] / relative), (outputs[1] / relative)
        assert first.read_bytes() == second.read_bytes(), differing_entries(first, second)
        for name in names(outputs[0] / relative):
            assert not name.startswith(("boto3", "botocore", "s3transfer", "bin/"))
            assert "__pycache__" not in name
    manifest = (outputs[0] / "manifest.json").read_bytes()
    assert manifest == (outputs[1] / "manifest.json").read_bytes()


def test_pure_python_source_only_requirement_is_cross_installed(tmp_path: Path) -> None:
    """A package published only as source (like amazon-dax-client) still reaches the
    arm64 zip when it is pure Python: it is built into a -none-any wheel first, where
    `--only-binary=:all:` alone finds no distribution for it."""
    index = tmp_path / "index"
    index.mkdir()
    with tarfile.open(index / "sdist_only_pkg-1.0.tar.gz", "w:gz") as sdist:
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
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"--find-links {index}\nsdist-only-pkg==1.0\n")
    destination = tmp_path / "deps"
    destination.mkdir()

    ba.pip_install(requirements, destination, ba.lambda_target("arm64"))

    assert (destination / "sdist_only_pkg" / "__init__.py").read_text() == "VALUE = 42\n"
    assert not list(tmp_path.glob("*.pure-wheels")), "the temporary wheel dir is removed"
