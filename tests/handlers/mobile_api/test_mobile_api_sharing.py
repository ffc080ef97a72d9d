"""Sharing a note: Cognito lookup, the shares row, the push message, and rollback."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from mobile_api_events import (
    REGION,
    SHARES_TABLE,
    Call,
    Cloud,
    User,
    api_event,
    id_token_claims,
)

from mobile_api.api import UNVERIFIED_EMAIL_MESSAGE

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
Snapshot = Callable[[], dict[str, list[dict[str, Any]]]]


def create(call: Call, user: User, title: str = "Plans") -> dict[str, Any]:
    response = call(api_event(user, "POST", "/notes", body={"title": title, "body": "b"}))
    assert response.status == 201, response.body
    note: dict[str, Any] = response.body
    return note


def share(
    call: Call, user: User, note_id: str, email: str, claims: dict[str, str] | None = None
) -> Any:
    """Share as `user`, or with exactly these authorizer claims when given."""
    return call(
        api_event(
            user,
            "POST",
            "/notes/{note_id}/share",
            path_parameters={"note_id": note_id},
            body={"email": email},
            claims=claims,
        )
    )


def queued(sqs: Any, cloud: Cloud) -> list[dict[str, Any]]:
    messages = sqs.receive_message(QueueUrl=cloud.queue_url, MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_share_records_it_and_queues_the_push(
    call: Call, cloud: Cloud, dynamodb: Any, sqs: Any
) -> None:
    note = create(call, cloud.alice, title="Trip to Lisbon")

    response = share(call, cloud.alice, note["note_id"], " bob@example.com ")

    assert (response.status, response.body) == (202, {"recipient": "bob@example.com"})
    note_key = f"{cloud.alice.sub}#{note['note_id']}"
    row = dynamodb.get_item(
        TableName=SHARES_TABLE,
        Key={"recipient_sub": {"S": cloud.bob.sub}, "note_key": {"S": note_key}},
    )["Item"]
    assert row["owner_email"] == {"S": "alice@example.com"}
    assert queued(sqs, cloud) == [
        {
            "recipient_sub": cloud.bob.sub,
            "title": "A note was shared with you",
            "body": "Trip to Lisbon",
            "data": {"note_key": note_key},
        }
    ]


def test_the_recipient_reads_shared_notes_and_nobody_else_does(call: Call, cloud: Cloud) -> None:
    note = create(call, cloud.alice)
    share(call, cloud.alice, note["note_id"], cloud.bob.email)

    bob = call(api_event(cloud.bob, "GET", "/shared"))
    alice = call(api_event(cloud.alice, "GET", "/shared"))

    assert bob.status == 200
    [shared] = bob.body["notes"]
    assert {key: shared[key] for key in note} == note
    assert shared["note_key"] == f"{cloud.alice.sub}#{note['note_id']}"
    assert shared["owner_email"] == cloud.alice.email
    assert alice.body == {"notes": []}
    # Shared is not owned: Bob's own notes and Alice's note by id stay out of his reach.
    assert call(api_event(cloud.bob, "GET", "/notes")).body == {"notes": []}
    got = call(
        api_event(
            cloud.bob, "GET", "/notes/{note_id}", path_parameters={"note_id": note["note_id"]}
        )
    )
    assert got.status == 404


def test_a_deleted_note_drops_out_of_shared(call: Call, cloud: Cloud) -> None:
    kept = create(call, cloud.alice, title="kept")
    gone = create(call, cloud.alice, title="gone")
    for note in (kept, gone):
        share(call, cloud.alice, note["note_id"], cloud.bob.email)
    call(
        api_event(
            cloud.alice, "DELETE", "/notes/{note_id}", path_parameters={"note_id": gone["note_id"]}
        )
    )

    response = call(api_event(cloud.bob, "GET", "/shared"))

    assert [note["title"] for note in response.body["notes"]] == ["kept"]


def test_sharing_again_writes_nothing_new_but_notifies_again(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any
) -> None:
    note = create(call, cloud.alice)
    share(call, cloud.alice, note["note_id"], cloud.bob.email)
    before = tables()

    response = share(call, cloud.alice, note["note_id"], cloud.bob.email)

    assert response.status == 202
    assert tables() == before
    assert len(queued(sqs, cloud)) == 2


@pytest.mark.parametrize(
    "case",
    [
        ("alice@example.com", "A note cannot be shared with its owner"),
        ('bob@example.com" or email ^= "', "Request validation failed"),
        ("not an address", "Request validation failed"),
    ],
)
def test_bad_recipients_are_422_and_nothing_is_written(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any, case: tuple[str, str]
) -> None:
    email, message = case
    note = create(call, cloud.alice)
    before = tables()

    response = share(call, cloud.alice, note["note_id"], email)

    assert (response.status, response.body["message"]) == (422, message)
    assert tables() == before
    assert queued(sqs, cloud) == []


def test_unknown_and_known_recipients_get_the_same_answer(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any
) -> None:
    note = create(call, cloud.alice)
    before = tables()

    unknown = share(call, cloud.alice, note["note_id"], "nobody@example.com")

    assert tables() == before
    assert queued(sqs, cloud) == []
    known = share(call, cloud.alice, note["note_id"], "bob@example.com")
    assert (unknown.status, unknown.headers.keys()) == (known.status, known.headers.keys())
    assert unknown.body == {"recipient": "nobody@example.com"}
    assert known.body == {"recipient": "bob@example.com"}


def add_user(cloud: Cloud, email: str, *, verified: bool) -> User:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    created = cognito.admin_create_user(
        UserPoolId=cloud.user_pool_id,
        Username=email,
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true" if verified else "false"},
        ],
    )["User"]
    sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
    return User(sub=sub, email=email)


def change_email(cloud: Cloud, user: User, email: str) -> User:
    """What UpdateUserAttributes leaves when the pool does not hold the change back."""
    boto3.client("cognito-idp", region_name=REGION).admin_update_user_attributes(
        UserPoolId=cloud.user_pool_id,
        Username=_username(cloud, user),
        UserAttributes=[
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "false"},
        ],
    )
    return User(sub=user.sub, email=email)


def _username(cloud: Cloud, user: User) -> str:
    users = boto3.client("cognito-idp", region_name=REGION).list_users(
        UserPoolId=cloud.user_pool_id, Filter=f'sub = "{user.sub}"'
    )["Users"]
    username: str = users[0]["Username"]
    return username


def unverified_claims(user: User) -> dict[str, str]:
    return {**id_token_claims(user.sub), "email": user.email, "email_verified": "false"}


def test_an_address_set_but_never_verified_receives_nothing(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any
) -> None:
    # Mallory signs up, then sets her email to Dave's address (unverified); Dave has no
    # account. (Moto refuses a second user with a taken address, verified or not, so the
    # case where the owner exists too is in tests/unit/mobile_api.)
    mallory = change_email(
        cloud, add_user(cloud, "mallory@example.com", verified=True), "dave@example.com"
    )
    note = create(call, cloud.alice, title="For Dave")
    before = tables()

    response = share(call, cloud.alice, note["note_id"], "dave@example.com")

    assert (response.status, response.body) == (202, {"recipient": "dave@example.com"})
    assert tables() == before
    assert queued(sqs, cloud) == []
    assert call(api_event(mallory, "GET", "/shared")).body == {"notes": []}


def test_a_caller_whose_email_is_unverified_cannot_share(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any
) -> None:
    # Mallory's ID token after changing her email to Alice's: she must not be able to
    # share under Alice's name.
    mallory = change_email(cloud, add_user(cloud, "mallory@example.com", verified=True), "x@y.z")
    note = create(call, mallory)
    before = tables()
    impersonating = User(sub=mallory.sub, email=cloud.alice.email)

    response = share(
        call, mallory, note["note_id"], cloud.bob.email, claims=unverified_claims(impersonating)
    )

    assert (response.status, response.body) == (403, {"message": UNVERIFIED_EMAIL_MESSAGE})
    assert tables() == before
    assert queued(sqs, cloud) == []


@pytest.mark.parametrize("whose", ["bob's", "unknown", "malformed"])
def test_sharing_a_note_that_is_not_the_callers_is_404(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any, whose: str
) -> None:
    bobs = create(call, cloud.bob)
    note_id = {
        "bob's": bobs["note_id"],
        "unknown": "0b0e4a4e-6f1c-4c1e-9d43-1c1e2a0e8f11",
        "malformed": "not-a-uuid",
    }[whose]
    before = tables()

    response = share(call, cloud.alice, note_id, cloud.bob.email)

    assert (response.status, response.body) == (404, {"message": "Note not found"})
    assert tables() == before
    assert queued(sqs, cloud) == []


def test_share_without_an_email_claim_is_400(call: Call, cloud: Cloud, tables: Snapshot) -> None:
    note = create(call, cloud.alice)
    before = tables()
    claims = {"sub": cloud.alice.sub, "token_use": "id"}

    response = share(call, cloud.alice, note["note_id"], cloud.bob.email, claims=claims)

    assert response.status == 400
    assert tables() == before


def test_when_the_push_cannot_be_queued_the_share_is_rolled_back_with_503(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any
) -> None:
    note = create(call, cloud.alice)
    before = tables()
    sqs.delete_queue(QueueUrl=cloud.queue_url)

    response = share(call, cloud.alice, note["note_id"], cloud.bob.email)

    assert response.status == 503
    assert response.headers["retry-after"] == "2"
    assert response.body == {
        "message": "The note was not shared: the notification could not be queued; retry"
    }
    assert tables() == before


def test_a_failed_reshare_keeps_the_earlier_share(
    call: Call, cloud: Cloud, tables: Snapshot, sqs: Any
) -> None:
    note = create(call, cloud.alice)
    share(call, cloud.alice, note["note_id"], cloud.bob.email)
    before = tables()
    sqs.delete_queue(QueueUrl=cloud.queue_url)

    response = share(call, cloud.alice, note["note_id"], cloud.bob.email)

    assert response.status == 503
    assert tables() == before
    assert len(before[SHARES_TABLE]) == 1
