"""Lambda entry point: settings, AWS clients and Powertools wired to the API routes."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from lambda_common.aws import standard_retries
from lambda_common.rest_api import serve
from mobile_api.api import Services, create_app, gate
from mobile_api.config import Settings, load_settings
from mobile_api.devices import DeviceRegistry
from mobile_api.repository import DevicesRepository, NotesRepository, SharesRepository
from mobile_api.sharing import ShareService

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Read once per cold start; a missing or invalid setting fails the import with a clear message.
settings = load_settings(os.environ)

logger = Logger()
metrics = Metrics()

# Standard retry mode backs off on throttling and 5xx; API Gateway gives up after 29 s, so
# the attempts stay few.
_client_config = standard_retries(3)


def dynamodb_client(config: Settings) -> DynamoDBClient:
    """The one low-level client every repository uses: DAX when configured, else DynamoDB."""
    if config.dax_endpoint is None:
        return boto3.client("dynamodb", config=_client_config)
    # Imported only here: functions without a cluster skip the DAX client's import
    # (about 15-40 ms on top of boto3, measured) and the cluster threads it starts.
    from amazondax import AmazonDaxClient  # noqa: PLC0415

    # Same operations, arguments, answers and ClientError codes as boto3's client for
    # everything the repositories call.
    return cast(
        "DynamoDBClient", AmazonDaxClient(endpoint_url=config.dax_endpoint, config=_client_config)
    )


_dynamodb = dynamodb_client(settings)
_notes = NotesRepository(_dynamodb, settings.notes_table)
_shares = SharesRepository(_dynamodb, settings.shares_table)
services = Services(
    notes=_notes,
    shares=_shares,
    sharing=ShareService(
        notes=_notes,
        shares=_shares,
        cognito=boto3.client("cognito-idp", config=_client_config),
        user_pool_id=settings.user_pool_id,
        sqs=boto3.client("sqs", config=_client_config),
        push_queue_url=settings.push_queue_url,
    ),
    devices=DeviceRegistry(
        boto3.client("sns", config=_client_config),
        DevicesRepository(_dynamodb, settings.devices_table),
        settings.platform_applications,
    ),
)
app = create_app(lambda: services)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return serve(app, gate, event, context, logger=logger)
