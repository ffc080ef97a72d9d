"""The OpenAPI document, generated from the routes.

``python -m mobile_api.openapi`` (with ``functions/`` on sys.path) prints it; the build
writes it next to the artifacts. No environment or AWS credentials are needed: the app
is built without services, and generating the document never runs a route.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from aws_lambda_powertools.event_handler.openapi.models import APIKey, SecurityScheme

from mobile_api.api import COGNITO_SECURITY_SCHEME, Services, create_app

TITLE = "mobile backend API"
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


def _no_services() -> Services:
    raise RuntimeError("The documentation app has no AWS services; its routes never run")


def openapi_document() -> dict[str, Any]:
    app = create_app(_no_services)
    document = app.get_openapi_json_schema(
        title=TITLE, version=VERSION, security_schemes=SECURITY_SCHEMES
    )
    parsed: dict[str, Any] = json.loads(document)
    return parsed


def main() -> None:
    # Sorted keys and a trailing newline: the build output is stable byte for byte.
    sys.stdout.write(json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
