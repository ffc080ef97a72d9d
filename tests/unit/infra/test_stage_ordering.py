"""Every REST stage with access logs is created after the account's API Gateway
CloudWatch role, without deferring the composites' data sources.

AWS rejects a stage with logging while the account has no such role ("CloudWatch Logs
role ARN must be set in account settings to enable logging"), and plan order is not
observable in `terraform test`, so this reads Terraform's own dependency graph of each
root that deploys both composites.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TF_CLI_CONFIG = ROOT / ".terraform.d" / "terraformrc"
ROLE = "module.web_app.module.api_gateway_account.aws_api_gateway_account.this"
STAGES = (
    "module.web_app.module.api.aws_api_gateway_stage.this",
    "module.mobile_backend.module.api.aws_api_gateway_stage.this",
)
EDGE = re.compile(r'^\s*"(?P<source>[^"]+)" -> "(?P<target>[^"]+)"')


def _terraform(directory: Path, *args: str) -> str:
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(TF_CLI_CONFIG), "TF_IN_AUTOMATION": "1"}
    run = subprocess.run(  # noqa: S603 - the terraform binary on PATH, fixed arguments
        ["terraform", f"-chdir={directory}", *args],  # noqa: S607
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.fixture(scope="module", params=["prod", "local"])
def dependencies(request: pytest.FixtureRequest) -> Iterator[dict[str, set[str]]]:
    """`terraform graph` of an environment root as {resource: what it waits for}.

    A cloud root's S3 backend needs a bucket before any graph; a throwaway copy at the
    same depth of the repository (module sources are relative) overrides it with the
    local backend.
    """
    if not TF_CLI_CONFIG.exists():
        pytest.fail(f"{TF_CLI_CONFIG} is missing: run `make tfrc` (make test does)")
    source = ROOT / "infra" / "environments" / request.param
    (ROOT / ".build").mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="stage-ordering-", dir=ROOT / ".build"))
    directory = scratch / request.param
    directory.mkdir()
    try:
        for tf_file in source.glob("*.tf"):
            (directory / tf_file.name).symlink_to(tf_file.resolve())
        (directory / "backend_override.tf").write_text('terraform {\n  backend "local" {}\n}\n')
        _terraform(directory, "init", "-input=false", "-no-color")
        graph: dict[str, set[str]] = defaultdict(set)
        for line in _terraform(directory, "graph").splitlines():
            if match := EDGE.match(line):
                graph[match["source"]].add(match["target"])
        yield graph
    finally:
        shutil.rmtree(scratch)


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, frontier = {start}, [start]
    while frontier:
        for target in graph.get(frontier.pop(), ()):
            if target == goal:
                return True
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return False


@pytest.mark.parametrize("stage", STAGES)
def test_stage_waits_for_the_accounts_logging_role(
    dependencies: dict[str, set[str]], stage: str
) -> None:
    assert stage in dependencies
    assert _reaches(dependencies, stage, ROLE)


def test_no_data_source_of_the_mobile_backend_waits_for_the_role(
    dependencies: dict[str, set[str]],
) -> None:
    nodes = set(dependencies).union(*dependencies.values())
    data_sources = [n for n in nodes if n.startswith("module.mobile_backend.") and ".data." in n]
    assert data_sources, "expected the graph to list the module's data sources"
    assert not [n for n in data_sources if _reaches(dependencies, n, ROLE)]
