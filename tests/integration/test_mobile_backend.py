"""mobile-backend end to end on the emulator, driven by the shipped mobile client:
two users sign up and in (SRP), keep notes only they can read, share one (the other
user's registered device gets a push through SNS), and keep files in their own
`private/<identity-id>/` folder; the identity role's rendered policy is evaluated for
per-user isolation, which the emulator itself does not enforce.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clients.mobile import (
    ApiClient,
    ApiError,
    IdentityCredentials,
    MobileConfig,
    Session,
    TokenStore,
    UserFiles,
)
from tests.integration.support import wait_until
from tests.unit.mobile_client.policy_eval import isolation_violations

# An FCM registration token's shape (the emulator does not contact FCM).
DEVICE_TOKEN = "fcm-device-token-" + "A1b2_C3d4-" * 8


@dataclass
class MobileUser:
    email: str
    session: Session
    api: ApiClient
    files: UserFiles


@pytest.fixture(scope="module")
def config(outputs: dict[str, Any], runtime: Any) -> MobileConfig:
    return MobileConfig.from_mapping(json.loads(outputs["mobile_client_config"]))


def sign_up(config: MobileConfig, folder: Path) -> MobileUser:
    email = f"mobile-{secrets.token_hex(4)}@example.com"
    password = f"{secrets.token_urlsafe(12)}-Aa1"
    session = Session(config, TokenStore(folder / f"{email}.json"))
    session.sign_up(email, password)
    session.confirm_with_admin(email)  # the emulator sends no confirmation code
    session.sign_in(email, password)
    api = ApiClient(config.api_url, session.id_token)
    return MobileUser(email, session, api, UserFiles(IdentityCredentials(config, session)))


@pytest.fixture(scope="module")
def ana(config: MobileConfig, tmp_path_factory: pytest.TempPathFactory) -> MobileUser:
    return sign_up(config, tmp_path_factory.mktemp("ana"))


@pytest.fixture(scope="module")
def ben(config: MobileConfig, tmp_path_factory: pytest.TempPathFactory) -> MobileUser:
    return sign_up(config, tmp_path_factory.mktemp("ben"))


def test_each_user_reads_only_their_own_notes(ana: MobileUser, ben: MobileUser) -> None:
    anas = ana.api.create_note("Groceries", "milk, eggs")
    bens = ben.api.create_note("Reading list", "DDIA")
    assert [n["note_id"] for n in ana.api.list_notes()["notes"]] == [anas["note_id"]]
    assert [n["note_id"] for n in ben.api.list_notes()["notes"]] == [bens["note_id"]]
    with pytest.raises(ApiError) as denied:
        ben.api.get_note(anas["note_id"])
    assert denied.value.status == 404
    with pytest.raises(ApiError) as oversized:
        ana.api.create_note("too big", "x" * (16 * 1024 + 1))
    assert oversized.value.status in (413, 422)
    assert len(ana.api.list_notes()["notes"]) == 1


def platform_endpoint_messages(endpoint_arn: str) -> list[str]:
    """What the emulator's SNS delivered to one mobile endpoint (it keeps them in memory)."""
    url = f"{os.environ['AWS_ENDPOINT_URL']}/moto-api/data.json"
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 - loopback
            data = json.load(reply)
    except urllib.error.HTTPError:
        return []  # moto's snapshot raced a write: the caller polls again
    endpoints = data.get("sns", {}).get("PlatformEndpoint", [])
    return [
        message
        for item in endpoints
        if item.get("arn") == endpoint_arn
        for message in (item.get("messages") or {}).values()
    ]


def test_sharing_a_note_pushes_to_the_recipients_device(ana: MobileUser, ben: MobileUser) -> None:
    installation = ben.session.installation_id()
    device = ben.api.register_device("fcm", DEVICE_TOKEN, installation)
    # The push service rotated the token: the installation keeps its one endpoint.
    rotated = ben.api.register_device("fcm", DEVICE_TOKEN + "r", installation)
    assert rotated == device
    note = ana.api.create_note("Trip plan", "train at 9")

    assert ana.api.share_note(note["note_id"], ben.email) == {"recipient": ben.email}
    shared = ben.api.shared_with_me()["notes"]
    assert [n["title"] for n in shared] == ["Trip plan"]
    with pytest.raises(ApiError) as not_owner:
        ben.api.share_note(note["note_id"], ana.email)
    assert not_owner.value.status == 404

    wait_until(
        lambda: platform_endpoint_messages(device["endpoint_arn"]),
        timeout=90,
        what="the push to ben's device",
    )
    (message,) = platform_endpoint_messages(device["endpoint_arn"])
    assert "Trip plan" in message


def test_files_live_in_each_users_own_folder(ana: MobileUser, ben: MobileUser) -> None:
    ana_key = ana.files.upload("hello.txt", b"from ana")
    ben_key = ben.files.upload("hello.txt", b"from ben")
    ana_id, ben_id = ana_key.split("/")[1], ben_key.split("/")[1]
    assert ana_key == f"private/{ana_id}/hello.txt"
    assert ana_id != ben_id
    assert ana.files.download("hello.txt") == b"from ana"
    assert [f.name for f in ben.files.list()] == ["hello.txt"]


def test_the_identity_role_reaches_only_the_callers_folder(outputs: dict[str, Any]) -> None:
    policy = json.loads(outputs["authenticated_role_policy_json"])
    bucket = outputs["user_files_bucket_name"]
    own, other = "us-east-1:0000aaaa-1111-2222-3333-444455556666", "us-east-1:ffff9999-8888"
    assert isolation_violations(policy, bucket, own, other) == []
