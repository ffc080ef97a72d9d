"""The REST API: routes, and its settings of the shared request gate and error model.

Nothing here reads the environment or creates an AWS client: `handler` wires real
services in, and `openapi` builds the same app without any to print its document. The
gate, the caller's claims and the error model are lambda_common.rest_api's.
"""

from __future__ import annotations

from collections.abc import Callable
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
from aws_lambda_powertools.metrics import MetricUnit

from lambda_common.rest_api import (
    AUTHORIZED,
    BODY_ERRORS,
    PATH_ERRORS,
    RequestGate,
    current_caller,
    documented_responses,
    is_resource_id,
    parse_json_body,
    register_error_handlers,
)
from web_api.models import (
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
)
from web_api.repository import ItemRepository, SubscriberRepository
from web_api.uploads import UploadService

gate = RequestGate(
    # API Gateway accepts 10 MB; nothing this API takes comes close to 16 KiB, so
    # anything larger is refused before it is decoded or parsed.
    max_body_bytes=16 * 1024,
    # Served without the Cognito authorizer; so are browsers' CORS preflights, which
    # carry no credentials.
    public_routes=frozenset({("GET", "/health")}),
    preflight_passes=True,
)
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


def cors_config(allowed_origin: str) -> CORSConfig:
    return CORSConfig(
        allow_origin=allowed_origin,
        allow_headers=["Authorization", "Content-Type"],
        max_age=CORS_MAX_AGE_SECONDS,
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
        responses=documented_responses(HTTPStatus.OK, None, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def openapi() -> dict[str, Any]:
        current_caller(app)
        return openapi_document(app)

    @app.get(
        "/items",
        summary="The caller's items, newest first",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, ItemList, HTTPStatus.UNPROCESSABLE_ENTITY),
    )
    def list_items() -> ItemList:
        return ItemList(items=services().items.list_items(current_caller(app).sub))

    @app.post(
        "/items",
        summary="Create an item",
        status_code=HTTPStatus.CREATED,
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.CREATED, Item, *BODY_ERRORS),
    )
    def create_item(new_item: NewItem) -> Item:
        item = services().items.create_item(current_caller(app).sub, new_item.title)
        metrics.add_metric(name="ItemsCreated", unit=MetricUnit.Count, value=1)
        return item

    @app.get(
        "/items/<item_id>",
        summary="One of the caller's items",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, Item, *PATH_ERRORS),
    )
    def get_item(item_id: str) -> Item:
        owner = current_caller(app).sub
        item = services().items.get_item(owner, item_id) if is_resource_id(item_id) else None
        if item is None:
            raise _item_not_found()
        return item

    @app.patch(
        "/items/<item_id>",
        summary="Change an item's title and/or done flag",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, Item, *PATH_ERRORS, *BODY_ERRORS),
    )
    def update_item(item_id: str, changes: ItemChanges) -> Item:
        owner = current_caller(app).sub
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
        responses=documented_responses(HTTPStatus.NO_CONTENT, None, *PATH_ERRORS),
    )
    def delete_item(item_id: str) -> Response[None]:
        owner = current_caller(app).sub
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
            **documented_responses(
                HTTPStatus.CREATED, Subscription, *BODY_ERRORS, HTTPStatus.FORBIDDEN
            ),
            HTTPStatus.OK: {
                "description": "Already subscribed; nothing was written",
                "content": {content_types.APPLICATION_JSON: {"model": Subscription}},
            },
        },
    )
    def subscribe(request: SubscriptionRequest | None = None) -> Response[Subscription]:
        who = current_caller(app)
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
        responses=documented_responses(HTTPStatus.CREATED, UploadTicket, *BODY_ERRORS),
    )
    def create_upload(request: UploadRequest) -> UploadTicket:
        ticket = services().uploads.issue_upload(current_caller(app).sub, request.content_type)
        metrics.add_metric(name="UploadUrlsIssued", unit=MetricUnit.Count, value=1)
        return ticket

    @app.get(
        "/uploads/<upload_id>/thumbnails",
        summary="Presigned URLs of the upload's thumbnails made so far",
        security=AUTHORIZED,
        responses=documented_responses(HTTPStatus.OK, Thumbnails, *PATH_ERRORS),
    )
    def list_thumbnails(upload_id: str) -> Thumbnails:
        owner = current_caller(app).sub
        found = (
            services().uploads.thumbnails(owner, upload_id) if is_resource_id(upload_id) else None
        )
        if found is None:
            raise NotFoundError("Upload not found")
        return found

    register_error_handlers(app, logger=logger, metrics=metrics)
    return app


def _item_not_found() -> NotFoundError:
    # One message for "no such id" and "someone else's id": ids must not leak.
    return NotFoundError("Item not found")
