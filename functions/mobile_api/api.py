"""The REST API: routes, the caller's identity, the request gate and the error model.

Nothing here reads the environment or creates an AWS client: `handler` wires real
services in. The error model and gate are web_api's (same statuses, same JSON), without
CORS (native apps send no preflights) and with a 32 KiB body limit (a note's body alone
may be 16 KiB of UTF-8, which JSON escaping can grow).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from mobile_api.devices import DeviceRegistry, PlatformNotConfiguredError, TokenRejectedError
from mobile_api.models import (
    Device,
    DeviceRegistration,
    ErrorResponse,
    Health,
    NewNote,
    Note,
    NoteChanges,
    NoteList,
    SharedNote,
    SharedNoteList,
    ShareReceipt,
    ShareRequest,
    is_resource_id,
)
from mobile_api.repository import NotesRepository, SharesRepository
from mobile_api.sharing import PushNotQueuedError, SelfShareError, ShareService

MAX_BODY_BYTES = 32 * 1024
# The OpenAPI security requirement of every route but /health (scheme in mobile_api.openapi).
COGNITO_SECURITY_SCHEME = "cognitoUserPool"
AUTHORIZED: list[dict[str, list[str]]] = [{COGNITO_SECURITY_SCHEME: []}]
# Routes the gateway may serve without the Cognito authorizer.
PUBLIC_ROUTES = frozenset({("GET", "/health")})
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


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in user, as the Cognito authorizer vouched for them."""

    sub: str
    email: str | None
    # Cognito sets email_verified only once the user proved they own the address. Until
    # then `email` is whatever they typed, at sign-up or later with UpdateUserAttributes,
    # possibly someone else's address: no share may be sent in its name.
    email_verified: bool


def caller_from_event(event: Mapping[str, Any]) -> Caller | None:
    """The caller from `requestContext.authorizer.claims`; None if there is no usable sub.

    Only the gateway can write there, so this is the one trusted source of identity.
    The sub must be a uuid, as Cognito issues it, because it becomes part of keys.
    """
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    sub = claims.get("sub")
    if not isinstance(sub, str) or not is_resource_id(sub.lower()):
        return None
    email = claims.get("email")
    return Caller(
        sub=sub,
        email=email if isinstance(email, str) and email else None,
        # The REST authorizer passes every claim as text; a JSON true would also do.
        email_verified=claims.get("email_verified") in ("true", True),
    )


def gate(event: Mapping[str, Any]) -> tuple[HTTPStatus, str] | None:
    """Refuse a request before routing and validation, or return None to let it through.

    Runs first so an unauthenticated caller learns nothing about routes or schemas and a
    huge body is never parsed. A body is parsed here, once, with
    `parse_json_body` (the resolver's deserializer too), so no body can reach a route
    and fail to decode there as a 500.
    """
    method = str(event.get("httpMethod", "")).upper()
    if (method, event.get("path")) in PUBLIC_ROUTES:
        return None
    if caller_from_event(event) is None:
        # The Cognito authorizer always sets claims; their absence means the gateway is
        # misconfigured, and guessing an owner would mix users' data.
        return HTTPStatus.UNAUTHORIZED, "Missing or invalid caller identity"
    return judge_body(event)


def judge_body(event: Mapping[str, Any]) -> tuple[HTTPStatus, str] | None:
    """Refuse a body that is not JSON this API can read, or return None (also: no body)."""
    body = event.get("body")
    if not body:
        return None
    headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
    content_type = str(headers.get("content-type") or content_types.APPLICATION_JSON)
    if not content_type.lower().startswith(content_types.APPLICATION_JSON):
        return HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Request body must be sent as application/json"
    try:
        raw = (
            base64.b64decode(body, validate=True)
            if event.get("isBase64Encoded")
            else body.encode("utf-8")
        )
        if len(raw) > MAX_BODY_BYTES:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, (
                f"Request body is larger than {MAX_BODY_BYTES} bytes"
            )
        parse_json_body(raw.decode("utf-8"))
    except (binascii.Error, UnicodeError):
        return HTTPStatus.BAD_REQUEST, "Request body is not valid UTF-8 text"
    except MalformedBodyError as error:
        return HTTPStatus.BAD_REQUEST, str(error)
    return None


class MalformedBodyError(ValueError):
    """The body is not JSON this API can take; the message says why, for a 400."""


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity; JSON does not.
    raise MalformedBodyError(f"Request body is not valid JSON: {name} is not a JSON value")


def parse_json_body(text: str) -> Any:
    """The body as JSON, or MalformedBodyError for anything json.loads would fail on.

    Besides syntax errors (JSONDecodeError), json.loads raises RecursionError for deep
    nesting and ValueError for integers of more than 4,300 digits; Python also decodes
    lone surrogates (\\ud800) into text no encoder can write back. Each is the client's
    fault, so each is a 400 here rather than a 500 wherever it would surface.
    """
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise MalformedBodyError("Request body is nested too deeply") from None
    except json.JSONDecodeError:
        raise MalformedBodyError("Request body is not valid JSON") from None
    except MalformedBodyError:
        raise
    except ValueError:
        # Only the integer digit limit raises a plain ValueError here.
        raise MalformedBodyError("Request body holds a number too large to read") from None
    pending = [parsed]
    # A loop, not recursion: the document may be nested as deeply as json allows.
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise MalformedBodyError(
                    "Request body holds a lone UTF-16 surrogate (\\ud800-\\udfff escape)"
                ) from None
    return parsed


def gate_response(status: HTTPStatus, message: str) -> dict[str, Any]:
    """A REST proxy response for a gated request."""
    return {
        "statusCode": int(status),
        "multiValueHeaders": {"Content-Type": [content_types.APPLICATION_JSON]},
        "body": ErrorResponse(message=message).model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }


def _error(
    status: HTTPStatus, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> Response[dict[str, Any]]:
    body = ErrorResponse(message=message, **extra).model_dump(mode="json", exclude_none=True)
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(headers or {}),
    )


def _responses(
    success: HTTPStatus, model: type[BaseModel] | None, *errors: HTTPStatus
) -> dict[int, OpenAPIResponse]:
    """The documented responses of a route (every error is an ErrorResponse)."""
    documented: dict[int, OpenAPIResponse] = {int(success): {"description": success.phrase}}
    if model is not None:
        documented[int(success)]["content"] = {content_types.APPLICATION_JSON: {"model": model}}
    for status in (*errors, HTTPStatus.UNAUTHORIZED, HTTPStatus.INTERNAL_SERVER_ERROR):
        documented[int(status)] = {
            "description": status.phrase,
            "content": {content_types.APPLICATION_JSON: {"model": ErrorResponse}},
        }
    return documented


# Powertools validates path parameters too, so every validated route can answer 422.
_PATH_ERRORS = (HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY)
_BODY_ERRORS = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    HTTPStatus.UNPROCESSABLE_ENTITY,
)


def create_app(services: Callable[[], Services]) -> APIGatewayRestResolver:
    """The resolver with every route; `services` is only called while a route runs."""
    app = APIGatewayRestResolver(enable_validation=True, json_body_deserializer=parse_json_body)

    def caller() -> Caller:
        found = caller_from_event(app.current_event.raw_event)
        if found is None:  # the gate refuses these first; kept so no route can guess
            raise ServiceError(HTTPStatus.UNAUTHORIZED, "Missing or invalid caller identity")
        return found

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

    _register_note_routes(app, services, caller)
    _register_sharing_routes(app, services, caller)
    _register_device_routes(app, services, caller)
    _register_error_handlers(app)
    return app


def _register_note_routes(
    app: APIGatewayRestResolver, services: Callable[[], Services], caller: Callable[[], Caller]
) -> None:
    @app.get(
        "/notes",
        summary="The caller's notes, newest first",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, NoteList, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def list_notes() -> NoteList:
        return NoteList(notes=services().notes.list_notes(caller().sub))

    @app.post(
        "/notes",
        summary="Create a note",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.CREATED, Note, *_BODY_ERRORS),
    )
    def create_note(new_note: NewNote) -> Note:
        note = services().notes.create_note(caller().sub, new_note.title, new_note.body)
        metrics.add_metric(name="NotesCreated", unit=MetricUnit.Count, value=1)
        return note

    @app.get(
        "/notes/<note_id>",
        summary="One of the caller's notes",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, Note, *_PATH_ERRORS),
    )
    def get_note(note_id: str) -> Note:
        owner = caller().sub
        note = services().notes.get_note(owner, note_id) if is_resource_id(note_id) else None
        if note is None:
            raise _note_not_found()
        return note

    @app.patch(
        "/notes/<note_id>",
        summary="Change a note's title and/or body",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, Note, *_PATH_ERRORS, *_BODY_ERRORS),
    )
    def update_note(note_id: str, changes: NoteChanges) -> Note:
        owner = caller().sub
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
        responses=_responses(HTTPStatus.NO_CONTENT, None, *_PATH_ERRORS),
    )
    def delete_note(note_id: str) -> Response[None]:
        owner = caller().sub
        if not (is_resource_id(note_id) and services().notes.delete_note(owner, note_id)):
            raise _note_not_found()
        metrics.add_metric(name="NotesDeleted", unit=MetricUnit.Count, value=1)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


def _register_sharing_routes(
    app: APIGatewayRestResolver, services: Callable[[], Services], caller: Callable[[], Caller]
) -> None:
    # 202 whether or not a verified user has that address: the same status and body
    # either way, so sharing cannot be used to find out who has an account.
    @app.post(
        "/notes/<note_id>/share",
        summary="Share a note with the user who verified that address (if any)",
        status_code=HTTPStatus.ACCEPTED,
        security=AUTHORIZED,
        responses=_responses(
            HTTPStatus.ACCEPTED,
            ShareReceipt,
            *_PATH_ERRORS,
            *_BODY_ERRORS,
            HTTPStatus.FORBIDDEN,
            HTTPStatus.SERVICE_UNAVAILABLE,
        ),
    )
    def share_note(note_id: str, request: ShareRequest) -> ShareReceipt:
        who = caller()
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
        responses=_responses(HTTPStatus.OK, SharedNoteList, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def list_shared() -> SharedNoteList:
        found = services()
        shares = found.shares.list_shares(caller().sub)
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


def _register_device_routes(
    app: APIGatewayRestResolver, services: Callable[[], Services], caller: Callable[[], Caller]
) -> None:
    @app.post(
        "/devices",
        summary="Register (or update) this app installation's push token",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.CREATED, Device, *_BODY_ERRORS),
    )
    def register_device(registration: DeviceRegistration) -> Device:
        try:
            device = services().devices.register(
                caller().sub,
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
        responses=_responses(HTTPStatus.NO_CONTENT, None, *_PATH_ERRORS),
    )
    def unregister_device(device_id: str) -> Response[None]:
        owner = caller().sub
        if not (is_resource_id(device_id) and services().devices.unregister(owner, device_id)):
            raise NotFoundError("Device not found")
        metrics.add_metric(name="DevicesUnregistered", unit=MetricUnit.Count, value=1)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


def _note_not_found() -> NotFoundError:
    # One message for "no such id" and "someone else's id": ids must not leak.
    return NotFoundError("Note not found")


def _register_error_handlers(app: APIGatewayRestResolver) -> None:
    def service_error(error: ServiceError) -> Response[dict[str, Any]]:
        return _error(HTTPStatus(error.status_code), str(error.msg))

    def push_not_queued(error: PushNotQueuedError) -> Response[dict[str, Any]]:
        logger.warning("Share rolled back: the push was not queued", extra={"reason": str(error)})
        metrics.add_metric(name="SharePushNotQueued", unit=MetricUnit.Count, value=1)
        return _error(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "The note was not shared: the notification could not be queued; retry",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    def invalid_request(error: RequestValidationError) -> Response[dict[str, Any]]:
        # Powertools raises the same error when a route's response breaks its own model;
        # that is our bug, not the client's.
        if any(detail["loc"][:1] == ("response",) for detail in error.errors()):
            return unexpected(error)
        # Only where and what: the offending input is never echoed back.
        field_errors = [
            {"loc": list(detail["loc"]), "type": detail["type"], "msg": detail["msg"]}
            for detail in error.errors()
        ]
        if any(detail["type"] == "json_invalid" for detail in field_errors):
            return _error(
                HTTPStatus.BAD_REQUEST, "Request body is not valid JSON", errors=field_errors
            )
        return _error(
            HTTPStatus.UNPROCESSABLE_ENTITY, "Request validation failed", errors=field_errors
        )

    def unsupported_content_type(_: RequestUnsupportedContentType) -> Response[dict[str, Any]]:
        return _error(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Request body must be sent as application/json"
        )

    def unexpected(error: Exception) -> Response[dict[str, Any]]:
        request_id = app.current_event.request_context.request_id
        logger.exception(
            "Unhandled error", extra={"error_type": type(error).__name__, "request_id": request_id}
        )
        metrics.add_metric(name="UnhandledErrors", unit=MetricUnit.Count, value=1)
        return _error(
            HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error", correlation_id=request_id
        )

    # Looked up along each exception's MRO, most specific first.
    app.exception_handler_manager.update_exception_handlers(
        {
            # Also unknown routes: Powertools raises NotFoundError("Not found") for them.
            ServiceError: service_error,
            PushNotQueuedError: push_not_queued,
            RequestValidationError: invalid_request,
            RequestUnsupportedContentType: unsupported_content_type,
            Exception: unexpected,
        }
    )
