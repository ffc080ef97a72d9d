"""The REST API: routes, and its settings of the shared request gate and error model.

Nothing here reads the environment or creates an AWS client: `handler` wires real
services in. The gate, the caller's claims and the error model are lambda_common.rest_api's,
as in web_api (same statuses, same JSON), without CORS (native apps send no preflights)
and with a 32 KiB body limit (a note's body alone may be 16 KiB of UTF-8, which JSON
escaping can grow).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.metrics import MetricUnit

from lambda_common.rest_api import (
    AUTHORIZED,
    BODY_ERRORS,
    PATH_ERRORS,
    RequestGate,
    current_caller,
    documented_responses,
    error_response,
    is_resource_id,
    parse_json_body,
    register_error_handlers,
)
from mobile_api.devices import DeviceRegistry, PlatformNotConfiguredError, TokenRejectedError
from mobile_api.models import (
    Device,
    DeviceRegistration,
    Health,
    NewNote,
    Note,
    NoteChanges,
    NoteList,
    SharedNote,
    SharedNoteList,
    ShareReceipt,
    ShareRequest,
)
from mobile_api.repository import NotesRepository, SharesRepository
from mobile_api.sharing import PushNotQueuedError, SelfShareError, ShareService

gate = RequestGate(
    max_body_bytes=32 * 1024,
    # Served without the Cognito authorizer.
    public_routes=frozenset({("GET", "/health")}),
    # Native apps send no CORS preflights: OPTIONS needs a caller like any other method.
    preflight_passes=False,
)
UNVERIFIED_EMAIL_MESSAGE = (
    "The caller's email address is not verified; confirm it with the code Cognito sent, "
    "then sign in again"
)
# How long a client should wait before retrying a share whose push was not queued.
RETRY_AFTER_SECONDS = 2

logger = Logger(child=True)
# Metrics share one buffer per process; the handler's log_metrics flushes it.
metrics = Metrics()


@dataclass(frozen=True, slots=True)
class Services:
    notes: NotesRepository
    shares: SharesRepository
    sharing: ShareService
    devices: DeviceRegistry


def create_app(services: Callable[[], Services]) -> APIGatewayRestResolver:
    """The resolver with every route; `services` is only called while a route runs."""
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=parse_json_body)

    @app.get(
        "/health",
        summary="Liveness check (the only route without the Cognito authorizer)",
        enable_validation=False,
        responses={
            HTTPStatus.OK: {
                "description": "OK",
                "content": {content_types.APPLICATION_JSON: {"model": Health}},
            }
        },
    )
    def health() -> dict[str, str]:
        return Health(status="ok").model_dump()

    _register_note_routes(app, services)
    _register_sharing_routes(app, services)
    _register_device_routes(app, services)
    _register_error_handlers(app)
    return app


def _register_note_routes(app: APIGatewayRestResolver, services: Callable[[], Services]) -> None:
    @app.get(
        "/notes",
        summary="The caller's notes, newest first",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, NoteList, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def list_notes() -> NoteList:
        return NoteList(notes=services().notes.list_notes(current_caller(app).sub))

    @app.post(
        "/notes",
        summary="Create a note",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.CREATED, Note, *BODY_ERRORS),
    )
    def create_note(new_note: NewNote) -> Note:
        note = services().notes.create_note(current_caller(app).sub, new_note.title, new_note.body)
        metrics.add_metric(name="NotesCreated", unit=MetricUnit.Count, value=1)
        return note

    @app.get(
        "/notes/<note_id>",
        summary="One of the caller's notes",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, Note, *PATH_ERRORS),
    )
    def get_note(note_id: str) -> Note:
        owner = current_caller(app).sub
        note = services().notes.get_note(owner, note_id) if is_resource_id(note_id) else None
        if note is None:
            raise _note_not_found()
        return note

    @app.patch(
        "/notes/<note_id>",
        summary="Change a note's title and/or body",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, Note, *PATH_ERRORS, *BODY_ERRORS),
    )
    def update_note(note_id: str, changes: NoteChanges) -> Note:
        owner = current_caller(app).sub
        note = (
            services().notes.update_note(owner, note_id, changes)
            if is_resource_id(note_id)
            else None
        )
        if note is None:
            raise _note_not_found()
        metrics.add_metric(name="NotesUpdated", unit=MetricUnit.Count, value=1)
        return note

    @app.delete(
        "/notes/<note_id>",
        summary="Delete a note",
        status_code=HTTPStatus.NO_CONTENT,
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.NO_CONTENT, None, *PATH_ERRORS),
    )
    def delete_note(note_id: str) -> Response[None]:
        owner = current_caller(app).sub
        if not (is_resource_id(note_id) and services().notes.delete_note(owner, note_id)):
            raise _note_not_found()
        metrics.add_metric(name="NotesDeleted", unit=MetricUnit.Count, value=1)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


def _register_sharing_routes(app: APIGatewayRestResolver, services: Callable[[], Services]) -> None:
    # 202 whether or not a verified user has that address: the same status and body
    # either way, so sharing cannot be used to find out who has an account.
    @app.post(
        "/notes/<note_id>/share",
        summary="Share a note with the user who verified that address (if any)",
        status_code=HTTPStatus.ACCEPTED,
        security=AUTHORIZED,
        responses=documented_responses(
            HTTPStatus.ACCEPTED,
            ShareReceipt,
            *PATH_ERRORS,
            *BODY_ERRORS,
            HTTPStatus.FORBIDDEN,
            HTTPStatus.SERVICE_UNAVAILABLE,
        ),
    )
    def share_note(note_id: str, request: ShareRequest) -> ShareReceipt:
        who = current_caller(app)
        if who.email is None:
            raise ServiceError(
                HTTPStatus.BAD_REQUEST,
                "The caller's token has no email claim; sign in with an ID token to share",
            )
        if not who.email_verified:
            # The recipient is shown who shared: an address nobody proved to own would
            # let anyone share in another person's name.
            raise ServiceError(HTTPStatus.FORBIDDEN, UNVERIFIED_EMAIL_MESSAGE)
        try:
            shared = is_resource_id(note_id) and services().sharing.share(
                who.sub, who.email, note_id, request.email
            )
        except SelfShareError:
            raise ServiceError(
                HTTPStatus.UNPROCESSABLE_ENTITY, "A note cannot be shared with its owner"
            ) from None
        if not shared:
            raise _note_not_found()
        return ShareReceipt(recipient=request.email)

    @app.get(
        "/shared",
        summary="Notes others shared with the caller, newest share first",
        security=AUTHORIZED,
        responses=documented_responses(
            HTTPStatus.OK, SharedNoteList, HTTPStatus.UNPROCESSABLE_ENTITY
        ),
    )
    def list_shared() -> SharedNoteList:
        found = services()
        shares = found.shares.list_shares(current_caller(app).sub)
        notes = found.notes.get_notes([(share.owner_sub, share.note_id) for share in shares])
        shared = [
            SharedNote(
                **note.model_dump(),
                note_key=share.note_key,
                owner_email=share.owner_email,
                shared_at=share.shared_at,
            )
            for share in shares
            # A share outlives a deleted note; such shares are left out.
            if (note := notes.get((share.owner_sub, share.note_id))) is not None
        ]
        shared.sort(key=lambda note: (note.shared_at, note.note_key), reverse=True)
        return SharedNoteList(notes=shared)


def _register_device_routes(app: APIGatewayRestResolver, services: Callable[[], Services]) -> None:
    @app.post(
        "/devices",
        summary="Register (or update) this app installation's push token",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.CREATED, Device, *BODY_ERRORS),
    )
    def register_device(registration: DeviceRegistration) -> Device:
        try:
            device = services().devices.register(
                current_caller(app).sub,
                registration.platform,
                registration.token,
                registration.installation_id,
            )
        except PlatformNotConfiguredError:
            raise ServiceError(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                f"Push notifications are not configured for {registration.platform.value}",
            ) from None
        except TokenRejectedError:
            raise ServiceError(
                HTTPStatus.UNPROCESSABLE_ENTITY, "The push service rejected the device token"
            ) from None
        metrics.add_metric(name="DevicesRegistered", unit=MetricUnit.Count, value=1)
        return device

    @app.delete(
        "/devices/<device_id>",
        summary="Unregister a device (its push endpoint and row)",
        status_code=HTTPStatus.NO_CONTENT,
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.NO_CONTENT, None, *PATH_ERRORS),
    )
    def unregister_device(device_id: str) -> Response[None]:
        owner = current_caller(app).sub
        if not (is_resource_id(device_id) and services().devices.unregister(owner, device_id)):
            raise NotFoundError("Device not found")
        metrics.add_metric(name="DevicesUnregistered", unit=MetricUnit.Count, value=1)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


def _note_not_found() -> NotFoundError:
    # One message for "no such id" and "someone else's id": ids must not leak.
    return NotFoundError("Note not found")


def _register_error_handlers(app: APIGatewayRestResolver) -> None:
    def push_not_queued(error: PushNotQueuedError) -> Response[dict[str, Any]]:
        logger.warning("Share rolled back: the push was not queued", extra={"reason": str(error)})
        metrics.add_metric(name="SharePushNotQueued", unit=MetricUnit.Count, value=1)
        return error_response(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "The note was not shared: the notification could not be queued; retry",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    register_error_handlers(
        app, logger=logger, metrics=metrics, more={PushNotQueuedError: push_not_queued}
    )
