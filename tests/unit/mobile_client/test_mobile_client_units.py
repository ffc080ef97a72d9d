"""Mobile client pieces without AWS: config, file-name guard, session file, error
mapping, JWKS location, CLI usage errors."""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
import requests

from clients.mobile import ConfigError, FileKeyError, MobileConfig, SessionFileError, TokenStore
from clients.mobile.api import error_from_response
from clients.mobile.cli import EXIT_USAGE, main
from clients.mobile.files import object_key
from clients.mobile.session import jwks_url

VALID = {
    "api_url": "http://127.0.0.1:4567/restapis/abc/local/_user_request_",
    "region": "eu-west-1",
    "user_pool_id": "eu-west-1_abc123",
    "user_pool_client_id": "client123",
    "identity_pool_id": "eu-west-1:0f5a2f7e-1b7c-4c55-9e7e-2a1c1f1f0a01",
    "user_files_bucket": "refarch-local-mobile-user-files",
}


# ---- config ------------------------------------------------------------------------


def test_config_from_json_object_and_from_terraform_json_string() -> None:
    as_object = MobileConfig.from_json(json.dumps(VALID))
    # `terraform output -json mobile_client_config` prints the JSON string itself.
    as_string = MobileConfig.from_json(json.dumps(json.dumps(VALID)))
    assert as_object == as_string
    assert as_object.user_pool_provider == "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123"


def test_config_ignores_unknown_keys_and_applies_overrides() -> None:
    config = MobileConfig.from_mapping({**VALID, "future_field": 1})
    assert config.with_overrides(api_url="https://api.example.com", region=None).api_url == (
        "https://api.example.com"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"api_url": ""}, "missing api_url"),
        ({"region": None, "user_files_bucket": ""}, "missing region, user_files_bucket"),
        ({"region": 3}, "must be strings: region"),
        ({"api_url": "ftp://x"}, r"api_url must be an http\(s\) URL"),
        ({"region": "mars"}, "not an AWS region name"),
        ({"user_pool_id": "us-east-1_abc"}, "is not in eu-west-1"),
        ({"identity_pool_id": "nope"}, "is not an identity pool id"),
    ],
)
def test_config_errors_are_clear(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        MobileConfig.from_mapping({**VALID, **change})


@pytest.mark.parametrize("text", ["not json", "[1]", '"[]"'])
def test_config_json_must_be_an_object(text: str) -> None:
    with pytest.raises(ConfigError):
        MobileConfig.from_json(text)


def test_config_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        MobileConfig.from_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(ConfigError, match=str(bad)):
        MobileConfig.from_file(bad)


# ---- file names --------------------------------------------------------------------

ID = "eu-west-1:0f5a2f7e-1b7c-4c55-9e7e-2a1c1f1f0a01"


@pytest.mark.parametrize("name", ["photo.jpg", "a/b/c.txt", "with space.txt", "ünï.txt"])
def test_object_key_stays_in_own_folder(name: str) -> None:
    assert object_key(ID, name) == f"private/{ID}/{name}"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "/etc/passwd",
        "../other/photo.jpg",
        "a/../../b",
        "a/./b",
        "..",
        "a//b",
        "dir/",
        "a\\..\\b",
        "line\nbreak",
        "x" * 1024,
    ],
)
def test_object_key_refuses_escaping_names(name: str) -> None:
    with pytest.raises(FileKeyError):
        object_key(ID, name)


# ---- session file ------------------------------------------------------------------


def test_session_file_is_0600_and_replaced_atomically(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "cfg" / "session.json")
    old = os.umask(0o000)  # even a permissive umask must not widen the file
    try:
        store.save({"id_token": "secret"})
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    store.save({"id_token": "newer"})
    assert store.load() == {"id_token": "newer", "version": 1}
    assert [p.name for p in store.path.parent.iterdir()] == ["session.json"]  # no temp left
    assert store.clear()
    assert store.load() is None
    assert not store.clear()


def test_session_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "session.json")
    store.save({"id_token": "secret"})
    store.path.chmod(0o644)
    with pytest.raises(SessionFileError, match="accessible by other users") as caught:
        store.load()
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("content", ["{", "[]", '{"version": 99}'])
def test_malformed_session_file_is_an_error(tmp_path: Path, content: str) -> None:
    store = TokenStore(tmp_path / "session.json")
    store.path.write_text(content)
    store.path.chmod(0o600)
    with pytest.raises(SessionFileError):
        store.load()


def test_default_session_file_is_under_the_home_config() -> None:
    assert TokenStore().path == Path.home() / ".config" / "refarch-mobile" / "session.json"


# ---- JWKS location -----------------------------------------------------------------


def test_jwks_url_from_aws_or_the_emulator_endpoint() -> None:
    config = MobileConfig.from_mapping(VALID)
    assert jwks_url(config, {}) == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123/.well-known/jwks.json"
    )
    assert jwks_url(config, {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"}) == (
        "http://127.0.0.1:5000/eu-west-1_abc123/.well-known/jwks.json"
    )
    assert jwks_url(
        config,
        {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_COGNITO_IDP": "http://b:2"},
    ).startswith("http://b:2/")


# ---- API error mapping -------------------------------------------------------------


def response(status: int, body: bytes, reason: str = "Reason") -> requests.Response:
    result = requests.Response()
    result.status_code = status
    result._content = body
    result.reason = reason
    return result


def test_error_body_message_and_errors() -> None:
    error = error_from_response(
        response(422, b'{"message": "invalid note", "errors": [{"loc": ["title"]}]}')
    )
    assert (error.status, error.message, error.errors) == (
        422,
        "invalid note",
        [{"loc": ["title"]}],
    )
    assert str(error) == "HTTP 422: invalid note"


def test_gateway_bodies_and_non_json_bodies() -> None:
    assert error_from_response(response(401, b'{"Message": "Unauthorized"}')).message == (
        "Unauthorized"
    )
    assert error_from_response(response(502, b"<html>bad gateway</html>")).message == (
        "<html>bad gateway</html>"
    )
    assert error_from_response(response(500, b"", "Internal Server Error")).message == (
        "Internal Server Error"
    )


# ---- CLI usage errors (exit 2, nothing sent) ---------------------------------------


def run(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_without_config_lists_missing_flags(tmp_path: Path) -> None:
    code, _, err = run(["--region", "eu-west-1", "signout"])
    assert code == EXIT_USAGE
    assert "--api-url" in err
    assert "--region" not in err.split("missing:")[1]


def test_cli_bad_config_file(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"api_url": "x"}')
    code, _, err = run(["--config", str(path), "shared"])
    assert code == EXIT_USAGE
    assert "missing" in err


def test_cli_needs_a_password_without_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(VALID))
    session = str(tmp_path / "s.json")
    code, _, err = run(
        ["--config", str(path), "--session-file", session, "signin", "--email", "a@b.c"]
    )
    assert code == EXIT_USAGE
    assert "--password-stdin" in err
    code, _, err = run(
        [
            "--config",
            str(path),
            "--session-file",
            session,
            "signin",
            "--email",
            "a@b.c",
            "--password-stdin",
        ],
        stdin="\n",
    )
    assert code == EXIT_USAGE
    assert "empty" in err


def test_cli_refuses_unsafe_file_name_before_anything(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(VALID))
    local = tmp_path / "f.txt"
    local.write_text("x")
    session = tmp_path / "s.json"
    # A session exists (so the name check is what stops the command), with an identity id.
    TokenStore(session).save(
        {
            "user_pool_id": VALID["user_pool_id"],
            "user_pool_client_id": VALID["user_pool_client_id"],
            "username": "a@b.c",
            "id_token": "t",
            "access_token": "t",
            "refresh_token": "t",
            "identity_id": ID,
        }
    )
    code, _, err = run(
        [
            "--config",
            str(path),
            "--session-file",
            str(session),
            "files",
            "put",
            str(local),
            "--name",
            "../x",
        ]
    )
    assert code == EXIT_USAGE
    assert "'..'" in err
