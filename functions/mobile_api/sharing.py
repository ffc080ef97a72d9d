"""Sharing a note: find the recipient in Cognito, record the share, queue the push.

Nothing is left half-written: the share row is written conditionally (sharing again
writes nothing), and when the push cannot be queued the row this request created is
deleted again and the caller gets a 503 to retry. A retry is safe because the share is
idempotent: it either finds no row (and writes it) or the earlier one (and writes
nothing), and queues the push either way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from mobile_api.repository import NotesRepository, Share, SharesRepository

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.client import CognitoIdentityProviderClient
    from mypy_boto3_sqs.client import SQSClient

PUSH_TITLE = "A note was shared with you"


class RecipientNotFoundError(Exception):
    """No user of the pool has that email address."""


class SelfShareError(Exception):
    """The caller named their own address."""


class PushNotQueuedError(Exception):
    """The push could not be queued; the share was rolled back (503, retry)."""


def push_message(share: Share, note_title: str) -> str:
    """The push queue's message body (the push notifier's input)."""
    return json.dumps(
        {
            "recipient_sub": share.recipient_sub,
            "title": PUSH_TITLE,
            "body": note_title,
            "data": {"note_key": share.note_key},
        },
        ensure_ascii=False,
    )


class ShareService:
    def __init__(
        self,
        *,
        notes: NotesRepository,
        shares: SharesRepository,
        cognito: CognitoIdentityProviderClient,
        user_pool_id: str,
        sqs: SQSClient,
        push_queue_url: str,
    ) -> None:
        self._notes = notes
        self._shares = shares
        self._cognito = cognito
        self._user_pool_id = user_pool_id
        self._sqs = sqs
        self._queue_url = push_queue_url

    def share(self, owner_sub: str, owner_email: str, note_id: str, email: str) -> bool:
        """Share the owner's note with the user of that address; False: no such note."""
        note = self._notes.get_note(owner_sub, note_id)
        if note is None:
            return False
        recipient_sub = self._user_sub_by_email(email)
        if recipient_sub == owner_sub:
            raise SelfShareError
        share, created = self._shares.add_share(recipient_sub, owner_sub, note_id, owner_email)
        try:
            self._sqs.send_message(
                QueueUrl=self._queue_url, MessageBody=push_message(share, note.title)
            )
        except (ClientError, BotoCoreError) as error:
            if created:
                self._shares.remove_new_share(share)
            raise PushNotQueuedError(str(error)) from error
        return True

    def _user_sub_by_email(self, email: str) -> str:
        # The address passed the model's syntax check, which admits no quote or
        # backslash, so it cannot break out of the filter string.
        users = self._cognito.list_users(
            UserPoolId=self._user_pool_id,
            Filter=f'email = "{email}"',
            AttributesToGet=["sub"],
            Limit=1,
        )["Users"]
        for user in users:
            for attribute in user.get("Attributes", []):
                if attribute["Name"] == "sub" and "Value" in attribute:
                    return attribute["Value"]
        raise RecipientNotFoundError
