"""Lambda entry point: settings, AWS clients and Powertools wired to the API routes."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.config import Config

from lambda_common.aws import standard_retries
from lambda_common.rest_api import serve
from web_api.api import Services, cors_config, create_app, gate
from web_api.config import load_settings
from web_api.repository import ItemRepository, SubscriberRepository
from web_api.uploads import UploadService

# Read once per cold start; a missing or unsafe setting fails the import with a clear message.
settings = load_settings(os.environ)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on throttling and 5xx; API Gateway gives up after 29 s, so
# the attempts stay few.
_client_config = standard_retries(3)
_dynamodb = boto3.client("dynamodb", config=_client_config)
# Presigned URLs must be SigV4 (botocore may still presign with SigV2 outside us-east-1)
# and name the bucket's regional host: the global one redirects for new buckets, which
# breaks a browser's cross-origin POST. A loopback emulator endpoint stays path-style.
_s3 = boto3.client(
    "s3",
    config=_client_config.merge(
        Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
    ),
)
services = Services(
    items=ItemRepository(_dynamodb, settings.items_table),
    subscribers=SubscriberRepository(_dynamodb, settings.subscribers_table),
    uploads=UploadService(
        _s3,
        uploads_bucket=settings.uploads_bucket,
        thumbnails_bucket=settings.thumbnails_bucket,
        max_upload_bytes=settings.max_upload_bytes,
        url_expiry_seconds=settings.url_expiry_seconds,
        thumbnail_sizes=settings.thumbnail_sizes,
        thumbnail_extension=settings.thumbnail_extension,
    ),
)
cors = cors_config(settings.allowed_origin)


@cache
def _openapi_document(resolver: APIGatewayRestResolver) -> dict[str, Any]:
    # Imported and generated on the first request for it: the OpenAPI models cost about
    # 35 ms, which every cold start would otherwise pay.
    from web_api.openapi import openapi_document  # noqa: PLC0415

    return openapi_document(resolver)


app = create_app(lambda: services, cors=cors, openapi_document=_openapi_document)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(app, gate, event, context, logger=logger, cors=cors)
