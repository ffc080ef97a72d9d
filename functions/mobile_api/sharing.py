"""Sharing a note: find the recipient in Cognito, record the share, queue the push.

Nothing is left half-written: the share row is written conditionally (sharing again
writes nothing), and when the push cannot be queued the row this request created is
deleted again and the caller gets a 503 to retry. A retry is safe because the share is
idempotent: it either finds no row (and writes it) or the earlier one (and writes
nothing), and queues the push either way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from botocore.exceptions import BotoCoreError, ClientError

from mobile_api.repository import NotesRepository, Share, SharesRepository

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.client import CognitoIdentityProviderClient
    from mypy_boto3_sqs.client import SQSClient

PUSH_TITLE = "A note was shared with you"

logger = Logger(child=True)
# Metrics share one buffer per process; the handler's log_metrics flushes it.
metrics = Metrics()


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
        """Share the owner's note with the user who verified that address; False: no note.

        True also when no user verified the address: nothing is written or pushed, and
        the caller cannot tell, so the API reveals no accounts.
        """
        note = self._notes.get_note(owner_sub, note_id)
        if note is None:
            return False
        recipient_sub = self._verified_user_sub(email)
        if recipient_sub is None:
            logger.info("Share to an address no user verified: nothing shared")
            metrics.add_metric(name="SharesToUnknownRecipients", unit=MetricUnit.Count, value=1)
            return True
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
        metrics.add_metric(name="NotesShared", unit=MetricUnit.Count, value=1)
        return True

    def _verified_user_sub(self, email: str) -> str | None:
        """The sub of the one user who verified this address, or None.

        An address is unique in the pool only once verified: any user can still set an
        unverified copy of it (at sign-up, or with UpdateUserAttributes where the pool
        does not hold changes until they are verified), so the others are skipped.
        """
        # The address passed the model's syntax check, which admits no quote or
        # backslash, so it cannot break out of the filter string.
        query: dict[str, Any] = {
            "UserPoolId": self._user_pool_id,
            "Filter": f'email = "{email}"',
            "AttributesToGet": ["sub", "email_verified"],
        }
        while True:
            page = self._cognito.list_users(**query)
            for user in page["Users"]:
                attributes = {
                    attribute["Name"]: attribute.get("Value")
                    for attribute in user.get("Attributes", [])
                }
                if attributes.get("email_verified") == "true" and attributes.get("sub"):
                    return attributes["sub"]
            if not page.get("PaginationToken"):
                return None
            query["PaginationToken"] = page["PaginationToken"]
