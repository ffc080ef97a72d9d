"""Integration fixtures: a fresh emulator, infra/environments/local applied to it by
pytest-terraform, and the local runtime serving what was deployed.

pytest-terraform takes variables only from TF_VAR_* and the endpoint from
AWS_ENDPOINT_URL, so the emulator fixture exports both before the `local` fixture
applies. Teardown runs in reverse: runtime stopped, `terraform destroy`, emulator
stopped by its PID.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from py.path import local as local_path
from pytest_terraform import tf as pytest_terraform_tf
from selenium.webdriver import Chrome

from local_runtime import emulator, stack
from tests.integration.browser import chromium, require_chromium
from tests.integration.support import runtime_status, wait_until

ROOT = Path(__file__).resolve().parents[2]
TF_CLI_CONFIG = ROOT / ".terraform.d" / "terraformrc"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)
            # One pytest-xdist worker runs them all, so the environment is applied once.
            item.add_marker(pytest.mark.xdist_group("integration"))


@pytest.fixture(scope="session", autouse=True)
def emulator_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A fresh emulator for the session, with the process environment pointing at it."""
    for required, hint in (
        (stack.HOST_ARTIFACTS, "make build"),
        (stack.RUNTIME_LIBS, "make runtime-libs"),
        (TF_CLI_CONFIG, "make tfrc"),
    ):
        if not required.exists():
            pytest.fail(f"{required} is missing: run `{hint}` (make test does)")
    log = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with emulator.running(log) as running:
        env = {
            **running.client_environment(),
            "TF_CLI_CONFIG_FILE": str(TF_CLI_CONFIG),
            # Chosen before apply: the site's config.json and the API's CORS origin name it.
            "TF_VAR_local_gateway_url": f"http://{emulator.LOOPBACK}:{emulator.free_port()}",
        }
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            yield env
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


class DestroyTwiceFixture(pytest_terraform_tf.TerraformFixture):
    """pytest-terraform's fixture whose teardown tries `terraform destroy` once more.

    moto's in-memory backends race under Terraform's parallel deletes on a loaded
    machine: a Lambda permission still listed right after its RemovePermission, or a
    DeleteTable retried after a timeout answering that the table is gone. A second
    destroy finishes what the first left; a resource that really cannot be destroyed
    fails the second one too, and with it the run.
    """

    def tear_down(self) -> None:
        try:
            self.runner.destroy()
        except subprocess.CalledProcessError:
            super().tear_down()


@pytest.fixture(scope="session")
def local(request: pytest.FixtureRequest, emulator_environment: dict[str, str]) -> Any:
    """infra/environments/local applied to the emulator by pytest-terraform, destroyed at
    the end of the session.

    The plugin's `terraform("local")` decorator cannot be used here: it reads plugin
    settings when it is called, and a conftest named on the command line is imported
    before the plugin is configured. So the same fixture object the decorator would
    register is built when the fixture is first requested, once configuration is done.
    """
    fixture = DestroyTwiceFixture(
        pytest_terraform_tf.LazyTfBin,
        pytest_terraform_tf.LazyPluginCacheDir,
        "session",
        "local",
        local_path(Path(__file__).parent),
        replay=False,
        teardown=None,
        pytest_config=request.config,
    )
    return fixture(request, request.getfixturevalue("tmpdir_factory"), "master")


@pytest.fixture(scope="session")
def outputs(local: Any) -> dict[str, Any]:
    """The applied environment's outputs, as `terraform output` gives them."""
    return {name: value["value"] for name, value in local.outputs.items()}


@pytest.fixture(scope="session")
def runtime(
    local: Any,
    outputs: dict[str, Any],
    emulator_environment: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Path]:
    """The local runtime serving the applied environment; yields its state directory."""
    state_dir = tmp_path_factory.mktemp("runtime")
    pid = stack.start_runtime(
        state_dir,
        state_dir / "runtime.log",
        int(emulator_environment["TF_VAR_local_gateway_url"].rsplit(":", 1)[1]),
        outputs["site_bucket_name"],
        emulator_environment,
    )
    try:
        # Serving starts with the runtime's first discovery of the deployed APIs.
        apis = {outputs["api_id"], outputs["mobile_api_id"]}
        wait_until(
            lambda: apis <= set(runtime_status(state_dir).get("rest_apis", [])),
            timeout=60,
            what="the local runtime to serve the deployed APIs",
        )
        yield state_dir
    finally:
        emulator.stop_pid(pid)


@pytest.fixture(scope="session")
def aws_clients(emulator_environment: dict[str, str]) -> dict[str, Any]:
    session = boto3.session.Session()
    return {name: session.client(name) for name in ("s3", "kinesis", "sqs", "lambda")}


@pytest.fixture(scope="session")
def chromium_installed() -> None:
    # Session scope, so a test naming it first fails (or skips) before the apply.
    require_chromium()


@pytest.fixture
def driver(chromium_installed: None, tmp_path: Path) -> Iterator[Chrome]:
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    with chromium(profile) as browser:
        yield browser
