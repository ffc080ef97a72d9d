"""The REST API: routes, the caller's identity, the request gate and the error model.

Nothing here reads the environment or creates an AWS client: `handler` wires real
services in, and `openapi` builds the same app without any to print its document.
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
from aws_lambda_powertools.event_handler import (
    APIGatewayRestResolver,
    CORSConfig,
    Response,
    content_types,
)
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from web_api.models import (
    ErrorResponse,
    Health,
    Item,
    ItemChanges,
    ItemList,
    NewItem,
    Subscription,
    SubscriptionRequest,
    Thumbnails,
    UploadRequest,
    UploadTicket,
    is_resource_id,
)
from web_api.repository import ItemRepository, SubscriberRepository
from web_api.uploads import UploadService

# API Gateway accepts 10 MB; nothing this API takes comes close to 16 KiB, so anything
# larger is refused before it is decoded or parsed.
MAX_BODY_BYTES = 16 * 1024
# Routes the gateway serves without the Cognito authorizer (OPTIONS is handled apart).
PUBLIC_ROUTES = frozenset({("GET", "/health")})
# The OpenAPI security requirement of every other route (scheme defined in web_api.openapi).
COGNITO_SECURITY_SCHEME = "cognitoUserPool"
AUTHORIZED: list[dict[str, list[str]]] = [{COGNITO_SECURITY_SCHEME: []}]
# Subscribing with an address nobody proved to own would mail a stranger from our domain.
UNVERIFIED_EMAIL_MESSAGE = (
    "The caller's email address is not verified; confirm it with the code Cognito sent, "
    "then sign in again"
)
# Preflight answers are cached by the browser this long (Chromium caps it at 2 hours).
CORS_MAX_AGE_SECONDS = 600

logger = Logger(child=True)
# Metrics share one buffer per process; the handler's log_metrics flushes it.
metrics = Metrics()


@dataclass(frozen=True, slots=True)
class Services:
    items: ItemRepository
    subscribers: SubscriberRepository
    uploads: UploadService


@dataclass(frozen=True, slots=True)
class Caller:
    """The signed-in user, as the Cognito authorizer vouched for them."""

    sub: str
    email: str | None
    # Cognito sets email_verified only once the user proved they own the address. Until
    # then `email` is whatever they typed, at sign-up or later with UpdateUserAttributes,
    # possibly someone else's address: nothing may be sent to it or done in its name.
    email_verified: bool


def caller_from_event(event: Mapping[str, Any]) -> Caller | None:
    """The caller from `requestContext.authorizer.claims`; None if there is no usable sub.

    Only the gateway can write there (a client cannot set requestContext), so this is the
    one trusted source of identity. The sub is checked to be a uuid, as Cognito issues
    it, because it becomes part of DynamoDB keys and S3 key prefixes.
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
    huge body is never parsed. OPTIONS and the public routes pass untouched: browsers
    send preflights without credentials. A body is parsed here, once, with
    `parse_json_body` (the resolver's deserializer too), so no body can reach a route
    and fail to decode there as a 500.
    """
    method = str(event.get("httpMethod", "")).upper()
    if method == "OPTIONS" or (method, event.get("path")) in PUBLIC_ROUTES:
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


def gate_response(
    event: Mapping[str, Any], status: HTTPStatus, message: str, cors: CORSConfig
) -> dict[str, Any]:
    """A REST proxy response for a gated request, with the same CORS headers as routes."""
    headers = {"Content-Type": content_types.APPLICATION_JSON}
    request_headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    origin = request_headers.get("origin")
    if isinstance(origin, str):
        headers.update(cors.to_dict(cors.allowed_origin(origin)))
    return {
        "statusCode": int(status),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "body": ErrorResponse(message=message).model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }


def cors_config(allowed_origin: str) -> CORSConfig:
    return CORSConfig(
        allow_origin=allowed_origin,
        allow_headers=["Authorization", "Content-Type"],
        max_age=CORS_MAX_AGE_SECONDS,
    )


def _error(status: HTTPStatus, message: str, **extra: Any) -> Response[dict[str, Any]]:
    body = ErrorResponse(message=message, **extra).model_dump(mode="json", exclude_none=True)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def _responses(
    success: HTTPStatus, model: type[BaseModel] | None, *errors: HTTPStatus
) -> dict[int, OpenAPIResponse]:
    """The documented responses of a route.

    Given explicitly because Powertools documents its own error shapes by default, and
    every error here is an ErrorResponse.
    """
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


def create_app(
    services: Callable[[], Services],
    *,
    cors: CORSConfig | None,
    openapi_document: Callable[[APIGatewayRestResolver], dict[str, Any]],
) -> APIGatewayRestResolver:
    """The resolver with every route; `services` is only called while a route runs."""
    app = APIGatewayRestResolver(
        cors=cors, enable_validation=True, json_body_deserializer=parse_json_body
    )

    def caller() -> Caller:
        found = caller_from_event(app.current_event.raw_event)
        if found is None:  # the gate refuses these first; kept so no route can guess
            raise ServiceError(HTTPStatus.UNAUTHORIZED, "Missing or invalid caller identity")
        return found

    @app.get(
        "/health",
        summary="Liveness check (the only route without the Cognito authorizer)",
        # Nothing to validate, and the document then shows no 422 for it.
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

    @app.get(
        "/openapi.json",
        summary="This OpenAPI document",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, None, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def openapi() -> dict[str, Any]:
        caller()
        return openapi_document(app)

    @app.get(
        "/items",
        summary="The caller's items, newest first",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, ItemList, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def list_items() -> ItemList:
        return ItemList(items=services().items.list_items(caller().sub))

    @app.post(
        "/items",
        summary="Create an item",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.CREATED, Item, *_BODY_ERRORS),
    )
    def create_item(new_item: NewItem) -> Item:
        item = services().items.create_item(caller().sub, new_item.title)
        metrics.add_metric(name="ItemsCreated", unit=MetricUnit.Count, value=1)
        return item

    @app.get(
        "/items/<item_id>",
        summary="One of the caller's items",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, Item, *_PATH_ERRORS),
    )
    def get_item(item_id: str) -> Item:
        owner = caller().sub
        item = services().items.get_item(owner, item_id) if is_resource_id(item_id) else None
        if item is None:
            raise _item_not_found()
        return item

    @app.patch(
        "/items/<item_id>",
        summary="Change an item's title and/or done flag",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, Item, *_PATH_ERRORS, *_BODY_ERRORS),
    )
    def update_item(item_id: str, changes: ItemChanges) -> Item:
        owner = caller().sub
        item = (
            services().items.update_item(owner, item_id, changes)
            if is_resource_id(item_id)
            else None
        )
        if item is None:
            raise _item_not_found()
        metrics.add_metric(name="ItemsUpdated", unit=MetricUnit.Count, value=1)
        return item

    @app.delete(
        "/items/<item_id>",
        summary="Delete an item",
        status_code=HTTPStatus.NO_CONTENT,
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.NO_CONTENT, None, *_PATH_ERRORS),
    )
    def delete_item(item_id: str) -> Response[None]:
        owner = caller().sub
        if not (is_resource_id(item_id) and services().items.delete_item(owner, item_id)):
            raise _item_not_found()
        metrics.add_metric(name="ItemsDeleted", unit=MetricUnit.Count, value=1)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)

    @app.post(
        "/subscriptions",
        summary="Subscribe the caller's email address (once; welcome email on the first)",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses={
            **_responses(HTTPStatus.CREATED, Subscription, *_BODY_ERRORS, HTTPStatus.FORBIDDEN),
            HTTPStatus.OK: {
                "description": "Already subscribed; nothing was written",
                "content": {content_types.APPLICATION_JSON: {"model": Subscription}},
            },
        },
    )
    def subscribe(request: SubscriptionRequest | None = None) -> Response[Subscription]:
        who = caller()
        if who.email is None:
            raise ServiceError(
                HTTPStatus.BAD_REQUEST,
                "The caller's token has no email claim; sign in with an ID token to subscribe",
            )
        if not who.email_verified:
            raise ServiceError(HTTPStatus.FORBIDDEN, UNVERIFIED_EMAIL_MESSAGE)
        subscription, created = services().subscribers.subscribe(who.sub, who.email)
        if created:
            metrics.add_metric(name="SubscriptionsCreated", unit=MetricUnit.Count, value=1)
        return Response(
            status_code=HTTPStatus.CREATED if created else HTTPStatus.OK,
            content_type=content_types.APPLICATION_JSON,
            body=subscription,
        )

    @app.post(
        "/uploads",
        summary="A presigned POST for one image upload",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.CREATED, UploadTicket, *_BODY_ERRORS),
    )
    def create_upload(request: UploadRequest) -> UploadTicket:
        ticket = services().uploads.issue_upload(caller().sub, request.content_type)
        metrics.add_metric(name="UploadUrlsIssued", unit=MetricUnit.Count, value=1)
        return ticket

    @app.get(
        "/uploads/<upload_id>/thumbnails",
        summary="Presigned URLs of the upload's thumbnails made so far",
        security=AUTHORIZED,
        responses=_responses(HTTPStatus.OK, Thumbnails, *_PATH_ERRORS),
    )
    def list_thumbnails(upload_id: str) -> Thumbnails:
        owner = caller().sub
        found = (
            services().uploads.thumbnails(owner, upload_id) if is_resource_id(upload_id) else None
        )
        if found is None:
            raise NotFoundError("Upload not found")
        return found

    _register_error_handlers(app)
    return app


def _item_not_found() -> NotFoundError:
    # One message for "no such id" and "someone else's id": ids must not leak.
    return NotFoundError("Item not found")


def _register_error_handlers(app: APIGatewayRestResolver) -> None:
    def service_error(error: ServiceError) -> Response[dict[str, Any]]:
        return _error(HTTPStatus(error.status_code), str(error.msg))

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
            RequestValidationError: invalid_request,
            RequestUnsupportedContentType: unsupported_content_type,
            Exception: unexpected,
        }
    )
