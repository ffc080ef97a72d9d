"""Hot reload (`make watch`) end to end on a real emulator: a function package in a
temporary copy of a functions/ tree, built by the real builder, deployed, served by the
runtime's gateway; its handler is edited and the gateway answers with the new code.
The runtime's status (and `python -m local_runtime status`) counts both cold starts."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from local_runtime.hot_reload import HotReloader, build_host_zip
from local_runtime.status.status_report import EXIT_OK
from tests.local_runtime.support import serving, wait_for
from tests.local_runtime.test_local_api_gateway_on_emulator import add_method, request

ROOT = Path(__file__).resolve().parents[2]
HANDLER = """
def lambda_handler(event, context):
    return {{"statusCode": 200, "body": "{version}"}}
"""


def write_handler(package: Path, version: str) -> None:
    (package / "handler.py").write_text(textwrap.dedent(HANDLER.format(version=version)))


def test_an_edited_handler_is_live_through_the_gateway(
    aws: dict[str, Any], tmp_path: Path, deploy_function: Any
) -> None:
    functions, dist, cache = tmp_path / "functions", tmp_path / "dist", tmp_path / "cache"
    package = functions / "probe"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    write_handler(package, "v1")
    artifact = build_host_zip(functions, dist, cache, "probe")
    function_arn = deploy_function(artifact, name="probe")

    apigateway = aws["apigateway"]
    api = apigateway.create_rest_api(name="probe")
    resource = apigateway.create_resource(
        restApiId=api["id"], parentId=api["rootResourceId"], pathPart="version"
    )["id"]
    add_method(aws, api["id"], resource, function_arn)
    apigateway.create_deployment(restApiId=api["id"], stageName="v1")

    state = tmp_path / "state"
    reloader = HotReloader(
        functions, aws["lambda"], lambda name: build_host_zip(functions, dist, cache, name)
    )
    with serving(aws, dist / "host", state):
        status_file = state / "status.json"
        wait_for(
            lambda: (
                status_file.is_file()
                and api["id"] in json.loads(status_file.read_text())["rest_apis"]
            )
        )
        url = f"{json.loads(status_file.read_text())['gateway_url']}/{api['id']}/v1/version"
        assert request(url)[::2] == (200, b"v1")

        write_handler(package, "v2")
        assert reloader.check() == ["probe"]
        wait_for(lambda: request(url)[2] == b"v2", timeout=30)

        def counted() -> dict[str, Any]:
            status: dict[str, Any] = json.loads(status_file.read_text())
            return status["functions"]["probe"]

        wait_for(lambda: counted()["cold_starts"] == 2)
        assert counted()["errors"] == 0
        assert json.loads(status_file.read_text())["apis"][api["id"]]["requests"] >= 2
        shown = subprocess.run(  # noqa: S603 - our interpreter and our module
            [sys.executable, "-m", "local_runtime", "status", "--state-dir", str(state)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert shown.returncode == EXIT_OK, shown.stdout
        assert "OK: nothing is failing." in shown.stdout
        assert reloader.check() == []  # nothing changed since
        (package / "handler.py").touch()
        assert reloader.check() == []  # saved unchanged: same zip, the workers stay warm


class _NoFunctionsDeployed:
    """A Lambda client whose list_functions pages are empty."""

    def get_paginator(self, _operation: str) -> Any:
        class Paginator:
            def paginate(self) -> list[dict[str, Any]]:
                return [{"Functions": []}]

        return Paginator()


def test_a_shared_package_edit_rebuilds_every_function_listing_it(tmp_path: Path) -> None:
    functions = tmp_path / "functions"
    for name in ("common", "orders", "audit"):
        (functions / name).mkdir(parents=True)
        (functions / name / "__init__.py").write_text("")
    (functions / "orders" / "shared_packages.txt").write_text("common\n")
    artifact = tmp_path / "artifact.zip"
    artifact.write_bytes(b"zip")
    built: list[str] = []

    def build(name: str) -> Path:
        built.append(name)
        return artifact

    reloader = HotReloader(functions, _NoFunctionsDeployed(), build)
    (functions / "common" / "errors.py").write_text("MESSAGE = 'refused'\n")
    reloader.check()

    # The shared package is no function of its own; only its user is rebuilt.
    assert built == ["orders"]
