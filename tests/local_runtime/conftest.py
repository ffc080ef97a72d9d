"""Fixtures of the runtime's own tests: throwaway artifacts, a fresh emulator, and
functions deployed into it (plain helpers are in support.py)."""

from __future__ import annotations

import json
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_runtime import emulator
from tests.local_runtime.support import REGION

_SERVICES = (
    "apigateway",
    "cognito-idp",
    "dynamodb",
    "iam",
    "kinesis",
    "lambda",
    "s3",
    "sqs",
)


@pytest.fixture
def make_artifact(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a zip holding package `probe` with `handler.py` = the given source."""

    def build(source: str, name: str = "probe.zip") -> Path:
        path = tmp_path / "artifacts" / name
        path.parent.mkdir(exist_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("probe/__init__.py", "")
            archive.writestr("probe/handler.py", textwrap.dedent(source))
        return path

    return build


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A fresh emulator, this process's boto3 pointed at it, and a client per service."""
    with emulator.running() as running:
        for key, value in running.client_environment(REGION).items():
            monkeypatch.setenv(key, value)
        session = boto3.session.Session(region_name=REGION)
        yield {"endpoint": running.endpoint_url, **{n: session.client(n) for n in _SERVICES}}


@pytest.fixture
def deploy_function(aws: dict[str, Any]) -> Callable[..., str]:
    """Create a function from an artifact in the emulator; returns its ARN."""

    def deploy(
        artifact: Path, name: str = "probe", *, timeout: int = 10, **environment: str
    ) -> str:
        try:
            role = aws["iam"].get_role(RoleName="probe")["Role"]["Arn"]
        except aws["iam"].exceptions.NoSuchEntityException:
            role = aws["iam"].create_role(
                RoleName="probe",
                AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
            )["Role"]["Arn"]
        arn: str = aws["lambda"].create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=role,
            Handler="probe.handler.lambda_handler",
            Code={"ZipFile": artifact.read_bytes()},
            Timeout=timeout,
            Environment={"Variables": environment},
        )["FunctionArn"]
        return arn

    return deploy
