"""What every REST API function repeats: the request gate, the caller's claims and the error model.

Nothing here reads the environment or creates an AWS client. An API module builds its
`RequestGate`, registers `register_error_handlers` on its resolver and documents each
route with `documented_responses`; its handler answers through `serve`.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
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
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel
from pydantic.json_schema import SkipJsonSchema

# The OpenAPI security requirement of every route behind the Cognito authorizer (the
# scheme is defined in lambda_common.openapi).
COGNITO_SECURITY_SCHEME = "cognitoUserPool"
AUTHORIZED: list[dict[str, list[str]]] = [{COGNITO_SECURITY_SCHEME: []}]
MISSING_CALLER_MESSAGE = "Missing or invalid caller identity"

# Powertools validates path parameters too, so every validated route can answer 422.
PATH_ERRORS = (HTTPStatus.NOT_FOUND, HTTPStatus.UNPROCESSABLE_ENTITY)
BODY_ERRORS = (
    HTTPStatus.BAD_REQUEST,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    HTTPStatus.UNPROCESSABLE_ENTITY,
)


class FieldError(BaseModel):
    loc: list[str | int]
    type: str
    msg: str


class ErrorResponse(BaseModel):
    # Absent fields are left out of the JSON (never null), so the document shows no null.
    message: str
    errors: list[FieldError] | SkipJsonSchema[None] = None
    # On 500s: the API Gateway request id, also in every log line of the request.
    correlation_id: str | SkipJsonSchema[None] = None


def is_resource_id(value: str) -> bool:
    """True for an id in the canonical form the APIs issue (lowercase uuid4 text).

    Anything else cannot name a resource, so routes answer 404 without a lookup; this
    also keeps arbitrary path text out of DynamoDB keys and S3 prefixes.
    """
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


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


def current_caller(app: APIGatewayRestResolver) -> Caller:
    """The caller of the request a route is running for."""
    found = caller_from_event(app.current_event.raw_event)
    if found is None:  # the gate refuses these first; kept so no route can guess
        raise ServiceError(HTTPStatus.UNAUTHORIZED, MISSING_CALLER_MESSAGE)
    return found


@dataclass(frozen=True, slots=True)
class RequestGate:
    """Refuses a request before routing and validation.

    Runs first so an unauthenticated caller learns nothing about routes or schemas and a
    huge body is never parsed. The public routes pass untouched, and OPTIONS too when
    `preflight_passes` (browsers send preflights without credentials). A body is parsed
    here, once, with `parse_json_body` (the resolver's deserializer too), so no body can
    reach a route and fail to decode there as a 500.
    """

    # API Gateway accepts 10 MB; anything above this is refused before it is decoded.
    max_body_bytes: int
    # (method, path) pairs the gateway serves without the Cognito authorizer.
    public_routes: frozenset[tuple[str, str]]
    preflight_passes: bool

    def refusal(self, event: Mapping[str, Any]) -> tuple[HTTPStatus, str] | None:
        """The status and message refusing the request, or None to let it through."""
        method = str(event.get("httpMethod", "")).upper()
        if (self.preflight_passes and method == "OPTIONS") or (
            method,
            event.get("path"),
        ) in self.public_routes:
            return None
        if caller_from_event(event) is None:
            # The Cognito authorizer always sets claims; their absence means the gateway is
            # misconfigured, and guessing an owner would mix users' data.
            return HTTPStatus.UNAUTHORIZED, MISSING_CALLER_MESSAGE
        return self.judge_body(event)

    def judge_body(self, event: Mapping[str, Any]) -> tuple[HTTPStatus, str] | None:
        """Refuse a body that is not JSON the API can read, or return None (also: no body)."""
        body = event.get("body")
        if not body:
            return None
        headers = {str(name).lower(): value for name, value in (event.get("headers") or {}).items()}
        content_type = str(headers.get("content-type") or content_types.APPLICATION_JSON)
        if not content_type.lower().startswith(content_types.APPLICATION_JSON):
            return (
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "Request body must be sent as application/json",
            )
        try:
            raw = (
                base64.b64decode(body, validate=True)
                if event.get("isBase64Encoded")
                else body.encode("utf-8")
            )
            if len(raw) > self.max_body_bytes:
                return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, (
                    f"Request body is larger than {self.max_body_bytes} bytes"
                )
            parse_json_body(raw.decode("utf-8"))
        except (binascii.Error, UnicodeError):
            return HTTPStatus.BAD_REQUEST, "Request body is not valid UTF-8 text"
        except MalformedBodyError as error:
            return HTTPStatus.BAD_REQUEST, str(error)
        return None


class MalformedBodyError(ValueError):
    """The body is not JSON the API can take; the message says why, for a 400."""


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
    event: Mapping[str, Any], status: HTTPStatus, message: str, cors: CORSConfig | None
) -> dict[str, Any]:
    """A REST proxy response for a gated request, with the same CORS headers as routes."""
    headers = {"Content-Type": content_types.APPLICATION_JSON}
    request_headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    origin = request_headers.get("origin")
    if cors is not None and isinstance(origin, str):
        headers.update(cors.to_dict(cors.allowed_origin(origin)))
    return {
        "statusCode": int(status),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "body": ErrorResponse(message=message).model_dump_json(exclude_none=True),
        "isBase64Encoded": False,
    }


def serve(
    app: APIGatewayRestResolver,
    gate: RequestGate,
    event: dict[str, Any],
    context: LambdaContext,
    *,
    logger: Logger,
    cors: CORSConfig | None = None,
) -> dict[str, Any]:
    """Answer one API Gateway event: refused by the gate, or resolved by the routes."""
    refused = gate.refusal(event)
    if refused is not None:
        status, message = refused
        logger.warning("Request refused before routing", extra={"status": int(status)})
        return gate_response(event, status, message, cors)
    return app.resolve(event, context)


def error_response(
    status: HTTPStatus, message: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> Response[dict[str, Any]]:
    body = ErrorResponse(message=message, **extra).model_dump(mode="json", exclude_none=True)
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=body,
        headers=dict(headers or {}),
    )


def documented_responses(
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


# An exception handler of the resolver: the exception in, the response out.
ExceptionHandler = Callable[[Any], Response[dict[str, Any]]]


def register_error_handlers(
    app: APIGatewayRestResolver,
    *,
    logger: Logger,
    metrics: Metrics,
    more: Mapping[type[Exception], ExceptionHandler] | None = None,
) -> None:
    """Answer every error as an ErrorResponse; `more` adds the API's own exceptions."""

    def service_error(error: ServiceError) -> Response[dict[str, Any]]:
        return error_response(HTTPStatus(error.status_code), str(error.msg))

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
            return error_response(
                HTTPStatus.BAD_REQUEST, "Request body is not valid JSON", errors=field_errors
            )
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY, "Request validation failed", errors=field_errors
        )

    def unsupported_content_type(_: RequestUnsupportedContentType) -> Response[dict[str, Any]]:
        return error_response(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Request body must be sent as application/json"
        )

    def unexpected(error: Exception) -> Response[dict[str, Any]]:
        request_id = app.current_event.request_context.request_id
        logger.exception(
            "Unhandled error", extra={"error_type": type(error).__name__, "request_id": request_id}
        )
        metrics.add_metric(name="UnhandledErrors", unit=MetricUnit.Count, value=1)
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR, "Internal server error", correlation_id=request_id
        )

    # Looked up along each exception's MRO, most specific first.
    app.exception_handler_manager.update_exception_handlers(
        {
            # Also unknown routes: Powertools raises NotFoundError("Not found") for them.
            ServiceError: service_error,
            **(more or {}),
            RequestValidationError: invalid_request,
            RequestUnsupportedContentType: unsupported_content_type,
            Exception: unexpected,
        }
    )
