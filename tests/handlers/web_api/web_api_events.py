"""API Gateway REST API proxy events (payload v1) for the web API's handler tests.

Shaped as API Gateway sends them through a Cognito user-pool authorizer: claims are
strings under requestContext.authorizer.claims, headers come both single- and
multi-valued. A uniquely named module rather than conftest imports: test folders have no
__init__.py, so every conftest in the repository is a top-level module called `conftest`.
"""

from __future__ import annotations

import base64
import importlib
import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
API_ID = "a1b2c3d4e5"
STAGE = "local"
USER_POOL_ID = f"{REGION}_Example1"
ITEMS_TABLE = "web-items-test"
SUBSCRIBERS_TABLE = "web-subscribers-test"
UPLOADS_BUCKET = "web-uploads-test"
THUMBNAILS_BUCKET = "web-thumbnails-test"
SITE_ORIGIN = "https://d111111abcdef8.cloudfront.net"
OTHER_ORIGIN = "https://evil.example"
MAX_UPLOAD_BYTES = 5_000_000

ALICE = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
BOB = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
EMAILS = {ALICE: "alice@example.com", BOB: "bob@example.com"}
# A canonical (lowercase) uuid4, as the API issues ids.
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
# Sentinel: build the event with no authorizer at all (preflight, misconfigured gateway).
NO_CLAIMS: dict[str, str] = {}


def import_handler_fresh() -> ModuleType:
    """Import the handler as a cold start would, reading the current environment.

    Every web_api module is dropped, not only the handler: api.py's child logger takes
    its name from POWERTOOLS_SERVICE_NAME when imported, as it does in a fresh runtime.
    """
    for name in [name for name in sys.modules if name.startswith("web_api.")]:
        del sys.modules[name]
    return importlib.import_module("web_api.handler")


@dataclass
class FakeLambdaContext:
    function_name: str = "web-api"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:web-api"
    aws_request_id: str = "52fdfc07-2182-454f-963f-5f0f9a621d72"

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def id_token_claims(sub: str) -> dict[str, str]:
    """Claims of a Cognito ID token as the REST API authorizer passes them (all strings)."""
    return {
        "sub": sub,
        "aud": "6l8r9b2dq3exampleclientid",
        "email_verified": "true",
        "event_id": str(uuid.uuid4()),
        "token_use": "id",
        "auth_time": "1709802900",
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{USER_POOL_ID}",
        "cognito:username": sub,
        "exp": "Thu Mar 07 10:15:00 UTC 2024",
        "iat": "Thu Mar 07 09:15:00 UTC 2024",
        "email": EMAILS.get(sub, "someone@example.com"),
    }


def rest_event(
    method: str,
    resource: str,
    *,
    path_parameters: dict[str, str] | None = None,
    body: str | dict[str, Any] | None = None,
    claims: dict[str, str] | None = None,
    sub: str = ALICE,
    origin: str | None = SITE_ORIGIN,
    headers: dict[str, str] | None = None,
    is_base64_encoded: bool = False,
) -> dict[str, Any]:
    """One proxy event; `resource` is the route template, e.g. "/items/{item_id}"."""
    path = resource.format(**(path_parameters or {}))
    request_id = str(uuid.uuid4())
    all_headers = {
        "Accept": "application/json",
        "Host": f"{API_ID}.execute-api.{REGION}.amazonaws.com",
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "X-Amzn-Trace-Id": "Root=1-65e9852c-0123456789abcdef01234567",
        "X-Forwarded-For": "203.0.113.7",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    claims = id_token_claims(sub) if claims is None else claims
    if claims:
        all_headers["Authorization"] = "eyJraWQiOiJleGFtcGxlIn0.eyJzdWIiOiJleGFtcGxlIn0.c2ln"
    if origin is not None:
        all_headers["Origin"] = origin
    if body is not None:
        all_headers["Content-Type"] = "application/json"
        if isinstance(body, dict):
            body = json.dumps(body)
        if is_base64_encoded:
            body = base64.b64encode(body.encode("utf-8")).decode("ascii")
    all_headers.update(headers or {})
    request_context: dict[str, Any] = {
        "resourceId": "x1y2z3",
        "resourcePath": resource,
        "httpMethod": method,
        "extendedRequestId": "UmFuZG9tRXh0ZW5kZWRJZA=",
        "requestTime": "07/Mar/2024:09:15:00 +0000",
        "path": f"/{STAGE}{path}",
        "accountId": ACCOUNT_ID,
        "protocol": "HTTP/1.1",
        "stage": STAGE,
        "domainPrefix": API_ID,
        "requestTimeEpoch": 1709802900000,
        "requestId": request_id,
        "identity": {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": "203.0.113.7",
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": all_headers["User-Agent"],
            "user": None,
        },
        "domainName": f"{API_ID}.execute-api.{REGION}.amazonaws.com",
        "apiId": API_ID,
    }
    if claims:
        request_context["authorizer"] = {"claims": claims}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": is_base64_encoded,
    }


def preflight_event(
    resource: str,
    *,
    origin: str,
    method: str = "POST",
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A browser's CORS preflight: no Authorization, so the gateway runs no authorizer."""
    return rest_event(
        "OPTIONS",
        resource,
        path_parameters=path_parameters,
        claims=NO_CLAIMS,
        origin=origin,
        headers={
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: Any

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> ApiResponse:
        headers = {
            name.lower(): ",".join(values)
            for name, values in (result.get("multiValueHeaders") or {}).items()
        }
        headers.update(
            {name.lower(): value for name, value in (result.get("headers") or {}).items()}
        )
        raw = result.get("body")
        assert result["isBase64Encoded"] is False
        return cls(
            status=result["statusCode"], headers=headers, body=json.loads(raw) if raw else None
        )


# The `call` fixture: invoke the handler with an event, get the decoded response.
Call = Callable[[dict[str, Any]], ApiResponse]
