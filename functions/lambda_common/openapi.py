"""The OpenAPI document of a REST API function, generated from its routes.

Kept apart from `rest_api` because the OpenAPI models cost about 35 ms to import, which
no cold start should pay: a handler imports this on the first request for the document.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.models import APIKey, SecurityScheme

from lambda_common.rest_api import COGNITO_SECURITY_SCHEME

VERSION = "1.0.0"
# The REST API's Cognito user-pool authorizer reads the ID token from the Authorization
# header as is (no "Bearer" prefix), which OpenAPI describes as an apiKey in a header.
SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    COGNITO_SECURITY_SCHEME: APIKey.model_validate(
        {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Cognito user-pool ID token (API Gateway Cognito authorizer)",
        }
    )
}


def openapi_document(app: APIGatewayRestResolver, title: str) -> dict[str, Any]:
    document = app.get_openapi_json_schema(
        title=title, version=VERSION, security_schemes=SECURITY_SCHEMES
    )
    parsed: dict[str, Any] = json.loads(document)
    return parsed


def write_openapi_document(app: APIGatewayRestResolver, title: str) -> None:
    """Print the document; sorted keys and a trailing newline keep the build output stable."""
    sys.stdout.write(json.dumps(openapi_document(app, title), indent=2, sort_keys=True) + "\n")


def no_services() -> Any:
    """The services of an app built only for its document: its routes never run."""
    raise RuntimeError("The documentation app has no AWS services; its routes never run")
