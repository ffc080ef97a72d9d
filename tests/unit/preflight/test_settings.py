"""Reading an environment root's settings as Terraform resolves them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.preflight.settings import SettingsError, read_root

ENVIRONMENTS = Path(__file__).resolve().parents[3] / "infra" / "environments"


def test_tfvars_override_defaults_and_modules_keep_theirs() -> None:
    root = read_root(ENVIRONMENTS / "prod", environ={})
    assert root.value("environment") == "prod"
    assert root.value("shard_count") == 4
    assert root.value("archive_expiration_days") is None  # explicit null in tfvars
    assert root.value("lambda_architecture") == "arm64"  # variables.tf default
    # Not passed by the root: the composite's own default.
    assert root.module_argument("mobile_backend", "create_dax") is True
    # Passed as var.X: the root's value.
    assert root.module_argument("stream_processing", "shard_count") == 4
    assert root.module_argument("web_app", "configure_api_gateway_account") is True


def test_required_variables_without_value_are_not_set() -> None:
    root = read_root(ENVIRONMENTS / "prod", environ={})
    assert "alarm_email" in root.declared
    assert not root.is_set("alarm_email")
    assert not root.is_set("sender_email")


def test_explicit_null_opt_out_is_set() -> None:
    root = read_root(ENVIRONMENTS / "dev", environ={})
    assert root.is_set("alarm_email")
    assert root.value("alarm_email") is None


def test_tf_var_environment_wins_and_is_typed() -> None:
    sender = {"from_address": "a@corp.io", "ses_identity_arn": "arn:aws:ses:x:1:identity/corp.io"}
    root = read_root(
        ENVIRONMENTS / "prod",
        environ={
            "TF_VAR_sender_email": "welcome@corp.io",
            "TF_VAR_shard_count": "6",
            "TF_VAR_cognito_email_sender": json.dumps(sender),
        },
    )
    assert root.value("sender_email") == "welcome@corp.io"
    assert root.value("shard_count") == 6
    assert root.value("cognito_email_sender") == sender


def test_not_an_environment_root(tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        read_root(tmp_path, environ={})
