"""The OpenAPI document, generated from the routes.

``python -m mobile_api.openapi`` (with ``functions/`` on sys.path) prints it; the build
writes it next to the artifacts. No environment or AWS credentials are needed: the app
is built without services, and generating the document never runs a route.
"""

from __future__ import annotations

from typing import Any

from lambda_common import openapi as common
from mobile_api.api import create_app

TITLE = "mobile backend API"


def openapi_document() -> dict[str, Any]:
    return common.openapi_document(create_app(common.no_services), TITLE)


def main() -> None:
    common.write_openapi_document(create_app(common.no_services), TITLE)


if __name__ == "__main__":
    main()
