"""The mobile client against moto's Cognito (user pool with SRP, identity pool) and S3,
and the API through a local HTTP stub."""

from __future__ import annotations

import io
import json
import stat
import time
import uuid
from pathlib import Path

import boto3
import pytest
from mobile_client_stubs import BUCKET, PASSWORD, REGION, ApiStub

from clients.mobile import (
    ApiClient,
    ApiError,
    AuthError,
    IdentityCredentials,
    MobileConfig,
    NotSignedInError,
    Session,
    TokenStore,
    UserFiles,
)
from clients.mobile.cli import EXIT_FAILED, EXIT_OK, main


def signed_in(config: MobileConfig, tmp_path: Path, email: str) -> Session:
    session = Session(config, TokenStore(tmp_path / f"{email}.json"))
    result = session.sign_up(email, PASSWORD)
    assert not result.confirmed
    session.confirm_with_admin(email)
    session.sign_in(email, PASSWORD)
    return session


# ---- Cognito user pool -------------------------------------------------------------


def test_sign_up_confirm_and_srp_sign_in(backend: MobileConfig, tmp_path: Path) -> None:
    session = signed_in(backend, tmp_path, "ana@example.com")
    stored = json.loads(session.store.path.read_text())
    assert stat.S_IMODE(session.store.path.stat().st_mode) == 0o600
    assert stored["username"] == "ana@example.com"
    assert session.id_token() == stored["id_token"]
    assert stored["refresh_token"]
    user = boto3.client("cognito-idp", region_name=REGION).admin_get_user(
        UserPoolId=backend.user_pool_id, Username="ana@example.com"
    )
    assert user["UserStatus"] == "CONFIRMED"
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["email_verified"] == "true"


def test_unconfirmed_unknown_and_taken_accounts_are_refused(
    backend: MobileConfig, tmp_path: Path
) -> None:
    # moto does not check the SRP password proof (PASSWORD_VERIFIER accepts any
    # signature), so a wrong password cannot be tested here; the integration test can.
    session = Session(backend, TokenStore(tmp_path / "s.json"))
    session.sign_up("bo@example.com", PASSWORD)
    with pytest.raises(AuthError) as unconfirmed:
        session.sign_in("bo@example.com", PASSWORD)
    assert unconfirmed.value.code == "UserNotConfirmedException"
    with pytest.raises(AuthError) as unknown:
        session.sign_in("nobody@example.com", PASSWORD)
    assert unknown.value.code in ("UserNotFoundException", "NotAuthorizedException")
    assert not session.store.path.exists()
    with pytest.raises(AuthError) as taken:
        session.sign_up("bo@example.com", PASSWORD)
    assert taken.value.code == "UsernameExistsException"
    with pytest.raises(AuthError) as weak:
        session.sign_up("cy@example.com", "short")
    assert weak.value.code == "InvalidPasswordException"
    assert "short" not in str(weak.value)


def test_expiring_token_is_refreshed_before_use(backend: MobileConfig, tmp_path: Path) -> None:
    signed_in(backend, tmp_path, "cy@example.com")
    store = TokenStore(tmp_path / "cy@example.com.json")
    before = json.loads(store.path.read_text())
    # Two hours on: the one-hour ID token is expired, the refresh token is not.
    later = Session(backend, store, clock=lambda: time.time() + 7200)
    token = later.id_token()
    after = json.loads(store.path.read_text())
    assert token == after["id_token"]
    assert after["access_token"] != before["access_token"]
    assert after["refresh_token"] == before["refresh_token"]


def test_the_installation_id_is_kept_across_refresh_and_sign_in(
    backend: MobileConfig, tmp_path: Path
) -> None:
    session = signed_in(backend, tmp_path, "ji@example.com")
    installation = session.installation_id()

    later = Session(backend, session.store, clock=lambda: time.time() + 7200)
    later.id_token()  # refreshes and rewrites the session file
    again = Session(backend, session.store)
    again.sign_in("ji@example.com", PASSWORD)

    assert uuid.UUID(installation).version == 4
    assert later.installation_id() == again.installation_id() == installation


def test_sign_out_deletes_the_session(backend: MobileConfig, tmp_path: Path) -> None:
    session = signed_in(backend, tmp_path, "di@example.com")
    session.sign_out()
    assert not session.store.path.exists()
    with pytest.raises(NotSignedInError):
        session.id_token()


def test_session_of_another_pool_is_not_used(backend: MobileConfig, tmp_path: Path) -> None:
    session = signed_in(backend, tmp_path, "ed@example.com")
    other = MobileConfig(**{**backend.__dict__, "user_pool_client_id": "another-client"})
    with pytest.raises(NotSignedInError, match="another user pool"):
        Session(other, session.store).id_token()


# ---- identity pool + S3 ------------------------------------------------------------


def test_identity_credentials_are_looked_up_once_and_cached(
    backend: MobileConfig, tmp_path: Path
) -> None:
    session = signed_in(backend, tmp_path, "fa@example.com")
    now = [time.time()]
    identity = IdentityCredentials(backend, session, clock=lambda: now[0])
    identity_id = identity.identity_id()
    assert identity_id.startswith(f"{REGION}:")
    # Kept with the session: a new process uses the same folder.
    assert IdentityCredentials(backend, Session(backend, session.store)).identity_id() == (
        identity_id
    )
    first = identity.credentials()
    # moto's credentials last about a minute; look from well before that.
    now[0] = first.expiration.timestamp() - 600
    assert identity.credentials() is first
    now[0] = first.expiration.timestamp() - 60  # inside the renewal margin
    assert identity.credentials() is not first
    assert first.secret_access_key not in repr(first)
    assert first.session_token not in repr(first)


def test_files_live_under_the_users_own_prefix(backend: MobileConfig, tmp_path: Path) -> None:
    alice = UserFiles(IdentityCredentials(backend, signed_in(backend, tmp_path, "al@example.com")))
    bob = UserFiles(IdentityCredentials(backend, signed_in(backend, tmp_path, "bo@example.com")))
    key = alice.upload("photos/cat.jpg", b"meow", "image/jpeg")
    alice.upload("notes.txt", b"hello")
    bob.upload("notes.txt", b"bob's")
    alice_id = alice._identity.identity_id()
    assert key == f"private/{alice_id}/photos/cat.jpg"
    admin = boto3.client("s3", region_name=REGION)
    stored = admin.get_object(Bucket=BUCKET, Key=key)
    assert (stored["Body"].read(), stored["ContentType"]) == (b"meow", "image/jpeg")

    assert sorted(f.name for f in alice.list()) == ["notes.txt", "photos/cat.jpg"]
    assert [f.name for f in alice.list("photos/")] == ["photos/cat.jpg"]
    assert [f.name for f in bob.list()] == ["notes.txt"]
    assert alice.download("notes.txt") == b"hello"
    assert bob.download("notes.txt") == b"bob's"

    alice.delete("notes.txt")
    assert [f.name for f in alice.list()] == ["photos/cat.jpg"]
    assert bob.download("notes.txt") == b"bob's"


# ---- API ---------------------------------------------------------------------------


def test_api_calls_carry_the_id_token(
    backend: MobileConfig, tmp_path: Path, api_stub: ApiStub
) -> None:
    session = signed_in(backend, tmp_path, "gi@example.com")
    api = ApiClient(backend.api_url, session.id_token)
    api_stub.responses += [
        (201, {"note_id": "n1", "title": "t"}),
        (200, {"notes": []}),
        (200, {"note_id": "n1"}),
        (204, None),
        (201, {"recipient": "x@example.com"}),
        (200, {"notes": []}),
        (201, {"device_id": "d", "endpoint_arn": "arn"}),
    ]
    assert api.create_note("t", "b") == {"note_id": "n1", "title": "t"}
    api.list_notes()
    api.update_note("n1", title="t2")
    api.delete_note("n1")
    api.share_note("n1", "x@example.com")
    api.shared_with_me()
    installation = session.installation_id()
    assert api.register_device("fcm", "tok", installation)["device_id"] == "d"
    calls = [(r["method"], r["path"], r["body"]) for r in api_stub.requests]
    assert calls == [
        ("POST", "/local/notes", {"title": "t", "body": "b"}),
        ("GET", "/local/notes", None),
        ("PATCH", "/local/notes/n1", {"title": "t2"}),
        ("DELETE", "/local/notes/n1", None),
        ("POST", "/local/notes/n1/share", {"email": "x@example.com"}),
        ("GET", "/local/shared", None),
        (
            "POST",
            "/local/devices",
            {"platform": "fcm", "token": "tok", "installation_id": installation},
        ),
    ]
    assert {r["authorization"] for r in api_stub.requests} == {session.id_token()}


def test_api_errors_are_typed(backend: MobileConfig, tmp_path: Path, api_stub: ApiStub) -> None:
    api = ApiClient(backend.api_url, lambda: "token")
    api_stub.responses.append((404, {"message": "note not found"}))
    with pytest.raises(ApiError) as caught:
        api.get_note("nope")
    assert (caught.value.status, caught.value.message) == (404, "note not found")
    # An id cannot reach another route.
    api.get_note("../devices")
    assert api_stub.requests[-1]["path"] == "/local/notes/..%2Fdevices"


# ---- CLI ---------------------------------------------------------------------------


def test_cli_walkthrough(backend: MobileConfig, tmp_path: Path, api_stub: ApiStub) -> None:
    config = tmp_path / "mobile-client.json"
    config.write_text(json.dumps(json.dumps(backend.__dict__)))  # as terraform output -json
    base = ["--config", str(config), "--session-file", str(tmp_path / "s.json")]

    def cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main([*base, *argv], stdin=io.StringIO(stdin), stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    email = "hu@example.com"
    code, out, _ = cli(
        "signup", "--email", email, "--password-stdin", "--confirm-with-admin", stdin=PASSWORD
    )
    assert (code, json.loads(out)["confirmed"]) == (EXIT_OK, True)
    code, out, _ = cli("signin", "--email", email, "--password-stdin", stdin=PASSWORD + "\n")
    assert code == EXIT_OK
    tokens = json.loads((tmp_path / "s.json").read_text())

    api_stub.responses.append((201, {"note_id": "n1", "title": "Groceries"}))
    code, out, _ = cli("notes", "add", "--title", "Groceries", "--body", "milk")
    assert (code, json.loads(out)["note_id"]) == (EXIT_OK, "n1")
    api_stub.responses.append((404, {"message": "note not found"}))
    code, out, err = cli("notes", "get", "n2")
    assert (code, out, err.strip()) == (EXIT_FAILED, "", "error: HTTP 404: note not found")

    local = tmp_path / "cat.jpg"
    local.write_bytes(b"meow")
    code, out, _ = cli("files", "put", str(local), "--name", "pics/cat.jpg")
    assert code == EXIT_OK
    assert json.loads(out)["key"].endswith("/pics/cat.jpg")
    code, out, _ = cli("files", "ls")
    assert [f["name"] for f in json.loads(out)["files"]] == ["pics/cat.jpg"]
    target = tmp_path / "copy.jpg"
    assert cli("files", "get", "pics/cat.jpg", "-o", str(target))[0] == EXIT_OK
    assert target.read_bytes() == b"meow"
    code, _, err = cli("files", "get", "pics/cat.jpg", "-o", str(target))
    assert code != EXIT_OK
    assert "exists" in err
    assert cli("files", "rm", "pics/cat.jpg")[0] == EXIT_OK
    code, _, err = cli("files", "get", "pics/cat.jpg", "-o", str(tmp_path / "gone"))
    assert (code, err.strip()) == (EXIT_FAILED, "error: no such file")

    code, out, _ = cli("signout")
    assert code == EXIT_OK
    assert not (tmp_path / "s.json").exists()
    code, _, err = cli("shared")
    assert code == EXIT_FAILED
    assert "not signed in" in err
    # Nothing the CLI printed carries a token.
    for secret in (tokens["id_token"], tokens["access_token"], tokens["refresh_token"]):
        assert secret not in out
        assert secret not in err
