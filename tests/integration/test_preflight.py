"""`python -m tools.preflight` against the emulator: every check answers with an outcome
and a fix, and the exit status follows the FAILs. Needs no applied environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3

from tools.preflight import CHECKS

ROOT = Path(__file__).resolve().parents[2]
REGION = "eu-west-1"  # the cloud environments' aws_region
STATUSES = ("PASS", "WARN", "FAIL", "SKIP")


def preflight(environment: str, **tf_vars: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_VAR_")}
    env.update({f"TF_VAR_{k}": v for k, v in tf_vars.items()})
    run = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tools.preflight", f"infra/environments/{environment}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.stderr == "", run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith(STATUSES)]
    assert len(lines) == len(CHECKS), run.stdout
    return run.returncode, lines


def status_of(lines: list[str], check: str) -> str:
    return next(line.split()[0] for line in lines if line.split()[1] == check)


def test_prod_without_its_required_settings_fails_with_fixes() -> None:
    code, lines = preflight("prod")
    assert code == 1
    for check in ("alarm-email", "ses-sender-identity", "cognito-sender-identity"):
        assert status_of(lines, check) == "FAIL"
    assert all("-> fix:" in line for line in lines if not line.startswith("PASS"))
    # What the emulator implements is really asked.
    assert status_of(lines, "region-services") == "PASS"
    assert status_of(lines, "kinesis-quota") == "PASS"
    assert status_of(lines, "account") == "WARN"  # allowed_account_ids left empty


def test_prod_ready_on_the_emulator_passes() -> None:
    boto3.client("ses", region_name=REGION).verify_domain_identity(Domain="corp.io")
    code, lines = preflight(
        "prod",
        alarm_email="oncall@corp.io",
        sender_email="welcome@corp.io",
        allowed_account_ids='["123456789012"]',
        cognito_email_sender=json.dumps(
            {
                "from_address": "Corp <no-reply@corp.io>",
                "ses_identity_arn": f"arn:aws:ses:{REGION}:123456789012:identity/corp.io",
            }
        ),
    )
    assert code == 0, lines
    assert status_of(lines, "account") == "PASS"
    assert status_of(lines, "cognito-sender-identity") == "PASS"
    assert status_of(lines, "ses-sender-identity") == "PASS"  # its domain is verified


def test_staging_needs_the_logging_role_another_environment_registers() -> None:
    _, lines = preflight("staging")
    assert status_of(lines, "api-gateway-logging-role") == "FAIL"
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(
        RoleName="refarch-dev-web-apigateway-cloudwatch",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    boto3.client("apigateway", region_name=REGION).update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
    )
    _, lines = preflight("staging")
    assert status_of(lines, "api-gateway-logging-role") == "PASS"
