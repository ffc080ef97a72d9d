"""Which user a share reaches when several hold the same address (moto cannot hold that).

Cognito keeps an email unique only once verified: another user can carry an unverified
copy of it (set at sign-up, or with UpdateUserAttributes in a pool that does not hold
the change back). ListUsers then answers several users; only the verified one counts.
"""

from __future__ import annotations

from typing import Any

from mobile_api.models import Note
from mobile_api.repository import Share
from mobile_api.sharing import ShareService

CAROL = "6a1f7a56-3c1e-4f0e-8d55-1b2f1f0c7a01"
EVE = "9b7c0d2e-5f4a-4b3c-9e1d-2a3b4c5d6e02"
ALICE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
NOTE_ID = "0b6f6c4e-3c9a-4e0b-9d6a-2f7f0f6d1a11"


def user(sub: str, verified: str | None) -> dict[str, Any]:
    attributes = [{"Name": "sub", "Value": sub}]
    if verified is not None:
        attributes.append({"Name": "email_verified", "Value": verified})
    return {"Username": sub, "Attributes": attributes}


class PagedCognito:
    def __init__(self, *pages: list[dict[str, Any]]) -> None:
        self.pages = list(pages)
        self.requests: list[dict[str, Any]] = []

    def list_users(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        index = len(self.requests) - 1
        page: dict[str, Any] = {"Users": self.pages[index]}
        if index + 1 < len(self.pages):
            page["PaginationToken"] = f"page-{index + 1}"
        return page


class OneNote:
    def get_note(self, owner_sub: str, note_id: str) -> Note:
        return Note(note_id=note_id, title="t", body="", created_at="x", updated_at="x")


class RecordedShares:
    def __init__(self) -> None:
        self.recipients: list[str] = []

    def add_share(
        self, recipient_sub: str, owner_sub: str, note_id: str, owner_email: str
    ) -> tuple[Share, bool]:
        self.recipients.append(recipient_sub)
        return Share(recipient_sub, owner_sub, note_id, owner_email, "now"), True


class RecordedQueue:
    def __init__(self) -> None:
        self.bodies: list[str] = []

    def send_message(self, *, QueueUrl: str, MessageBody: str) -> dict[str, str]:
        self.bodies.append(MessageBody)
        return {"MessageId": "m-1"}


def share_with(cognito: PagedCognito) -> tuple[bool, RecordedShares, RecordedQueue]:
    shares, queue = RecordedShares(), RecordedQueue()
    service = ShareService(
        notes=OneNote(),  # type: ignore[arg-type]
        shares=shares,  # type: ignore[arg-type]
        cognito=cognito,  # type: ignore[arg-type]
        user_pool_id="pool",
        sqs=queue,  # type: ignore[arg-type]
        push_queue_url="queue",
    )
    shared = service.share(ALICE, "alice@example.com", NOTE_ID, "carol@example.com")
    return shared, shares, queue


def test_the_verified_holder_is_found_past_unverified_copies_and_pages() -> None:
    cognito = PagedCognito([user(EVE, "false"), user(EVE, None)], [user(CAROL, "true")])

    shared, shares, queue = share_with(cognito)

    assert shared
    assert shares.recipients == [CAROL]
    assert len(queue.bodies) == 1
    assert cognito.requests[0]["Filter"] == 'email = "carol@example.com"'
    assert cognito.requests[1]["PaginationToken"] == "page-1"


def test_only_unverified_holders_means_nothing_is_shared_yet_the_answer_is_the_same() -> None:
    shared, shares, queue = share_with(PagedCognito([user(EVE, "false")]))

    assert shared
    assert shares.recipients == []
    assert queue.bodies == []
