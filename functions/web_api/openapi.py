"""The OpenAPI document, generated from the routes.

``python -m web_api.openapi`` (with ``functions/`` on sys.path) prints it; the build
writes it next to the artifacts. No environment or AWS credentials are needed: the app
is built without services, and generating the document never runs a route.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from lambda_common import openapi as common
from web_api.api import create_app

TITLE = "web-app API"


def openapi_document(app: APIGatewayRestResolver) -> dict[str, Any]:
    return common.openapi_document(app, TITLE)


def main() -> None:
    app = create_app(common.no_services, cors=None, openapi_document=openapi_document)
    common.write_openapi_document(app, TITLE)


if __name__ == "__main__":
    main()
