"""API Gateway semantics without an emulator: routing, the proxy event, response mapping."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from local_runtime.gateway.api_gateway import (
    ApiGateway,
    Authorizer,
    HttpRequest,
    MalformedResponseError,
    Method,
    Resource,
    RestApi,
    http_response,
    match_resource,
    proxy_event,
)
from local_runtime.gateway.cognito_jwt import InvalidTokenError
from local_runtime.workers.worker import InvocationResult

FUNCTION = "arn:aws:lambda:eu-west-1:123456789012:function:web-api"
URI = f"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"
POOL_ARN = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_pool"


def method(http_method: str = "GET", auth: str = "NONE", uri: str = URI) -> Method:
    return Method.from_api(
        {
            "httpMethod": http_method,
            "authorizationType": auth,
            **({"authorizerId": "auth1"} if auth != "NONE" else {}),
            "methodIntegration": {"type": "AWS_PROXY", "uri": uri},
        }
    )


def resources(*paths: str) -> list[Resource]:
    return [Resource(f"r{i}", path, {"GET": method()}) for i, path in enumerate(paths)]


@pytest.mark.parametrize(
    ("path", "expected_resource", "parameters"),
    [
        ("/items", "/items", {}),
        ("/items/", "/items", {}),
        ("/items/special", "/items/special", {}),
        ("/items/42", "/items/{item_id}", {"item_id": "42"}),
        ("/items/42/thumbnails", "/items/{item_id}/thumbnails", {"item_id": "42"}),
        ("/items/42/other", "/{proxy+}", {"proxy": "items/42/other"}),
        ("/a/b/c", "/{proxy+}", {"proxy": "a/b/c"}),
        ("/", "/", {}),
    ],
)
def test_most_specific_resource_wins(
    path: str, expected_resource: str, parameters: dict[str, str]
) -> None:
    table = resources(
        "/",
        "/{proxy+}",
        "/items/{item_id}/thumbnails",
        "/items/{item_id}",
        "/items/special",
        "/items",
    )
    matched = match_resource(table, path)
    assert matched is not None
    assert (matched[0].path, matched[1]) == (expected_resource, parameters)


def test_no_resource_matches_without_a_greedy_one() -> None:
    table = resources("/items", "/items/{item_id}")
    assert match_resource(table, "/items/1/2") is None
    assert match_resource(table, "/other") is None
    # {proxy+} needs at least one segment.
    assert match_resource(resources("/files/{proxy+}"), "/files") is None


def test_integration_uri_names_the_unqualified_function() -> None:
    assert method().function_arn == FUNCTION
    aliased = URI.replace(FUNCTION, f"{FUNCTION}:live")
    assert method(uri=aliased).function_arn == FUNCTION
    assert method(uri="http://example.test").function_arn is None


def api(**overrides: Any) -> RestApi:
    settings: dict[str, Any] = {
        "id": "abc123defg",
        "resources": (
            Resource("r1", "/health", {"GET": method()}),
            Resource("r2", "/items/{item_id}", {"ANY": method("ANY", "COGNITO_USER_POOLS")}),
        ),
        "authorizers": {
            "auth1": Authorizer.from_api(
                {"id": "auth1", "type": "COGNITO_USER_POOLS", "providerARNs": [POOL_ARN]}
            )
        },
        "stages": {"v1": {"env": "local"}},
        "binary_media_types": ("image/*",),
    }
    return RestApi(**{**settings, **overrides})


def http(
    method_name: str = "GET",
    path: str = "/health",
    query: str = "",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> HttpRequest:
    return HttpRequest(method_name, path, query, headers or [], body, "127.0.0.1")


def test_proxy_event_has_every_documented_field() -> None:
    event = proxy_event(
        api(),
        "v1",
        resource=api().resources[1],
        request=http(
            "PATCH",
            "/items/a%20b",
            "tag=x&tag=y&empty=",
            [
                ("Accept", "a"),
                ("Accept", "b"),
                ("User-Agent", "ua"),
                ("Content-Type", "text/plain"),
            ],
            b'{"title": "t"}',
        ),
        path_parameters={"item_id": "a%20b"},
        claims={"sub": "u1", "exp": 0},
        request_id="req-1",
        account_id="123456789012",
        now=1_700_000_000.5,
    )
    assert event["resource"] == "/items/{item_id}"
    assert event["path"] == "/items/a%20b"
    assert event["httpMethod"] == "PATCH"
    assert event["headers"]["Accept"] == "b"
    assert event["multiValueHeaders"]["Accept"] == ["a", "b"]
    assert event["queryStringParameters"] == {"tag": "y", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"tag": ["x", "y"], "empty": [""]}
    assert event["pathParameters"] == {"item_id": "a%20b"}
    assert event["stageVariables"] == {"env": "local"}
    assert (event["body"], event["isBase64Encoded"]) == ('{"title": "t"}', False)
    context = event["requestContext"]
    assert context["resourceId"] == "r2"
    assert context["resourcePath"] == "/items/{item_id}"
    assert context["path"] == "/v1/items/a%20b"
    assert context["requestTimeEpoch"] == 1_700_000_000_500
    assert context["requestTime"] == "14/Nov/2023:22:13:20 +0000"
    assert context["identity"]["userAgent"] == "ua"
    assert context["authorizer"]["claims"] == {"sub": "u1", "exp": "Thu Jan 01 00:00:00 UTC 1970"}


@pytest.mark.parametrize(
    ("content_type", "body", "expected_base64"),
    [
        ("image/png", b"\x89PNG", True),  # listed in binaryMediaTypes
        ("application/octet-stream", b"\xff\xfe", True),  # not UTF-8: kept intact
        ("application/json", b'{"a": 1}', False),
    ],
)
def test_binary_bodies_are_base64(content_type: str, body: bytes, expected_base64: bool) -> None:
    event = proxy_event(
        api(),
        "v1",
        resource=api().resources[0],
        request=http("POST", headers=[("Content-Type", content_type)], body=body),
        path_parameters={},
        claims=None,
        request_id="r",
        account_id="1",
        now=0,
    )
    assert event["isBase64Encoded"] is expected_base64
    decoded = base64.b64decode(event["body"]) if expected_base64 else event["body"].encode()
    assert decoded == body
    assert event["pathParameters"] is None
    assert event["queryStringParameters"] is None


def test_response_headers_merge_and_base64_body_is_decoded() -> None:
    response = http_response(
        {
            "statusCode": 201,
            "headers": {"X-One": "1", "Set-Cookie": "a=1"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        },
        "req-1",
    )
    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert ("X-One", "1") in response.headers
    assert ("Content-Type", "application/json") in response.headers  # API Gateway's default
    assert ("x-amzn-RequestId", "req-1") in response.headers


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "just a string",
        {"statusCode": "200"},
        {"statusCode": True},
        {"statusCode": 700},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "headers": {"X": ["list"]}},
        {"statusCode": 200, "multiValueHeaders": {"X": "not a list"}},
        {"statusCode": 200, "body": "%%%", "isBase64Encoded": True},
        {"statusCode": 200, "unexpected": 1},
    ],
)
def test_malformed_responses_are_rejected(payload: Any) -> None:
    with pytest.raises(MalformedResponseError):
        http_response(payload, "r")


class Invoker:
    def __init__(self, result: InvocationResult) -> None:
        self.result = result
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: Any) -> InvocationResult:
        self.events.append(event)
        return self.result


class Verifier:
    """Accepts the token "good" only, for pools it is asked about."""

    def __init__(self) -> None:
        self.pools: list[Any] = []

    def verify(self, authorization: str | None, pools: Any) -> dict[str, Any]:
        self.pools.append(list(pools))
        if authorization != "good":
            raise InvalidTokenError("nope")
        return {"sub": "u1"}


def gateway(result: InvocationResult) -> tuple[ApiGateway, Invoker, Verifier]:
    invoker, verifier = Invoker(result), Verifier()
    gw = ApiGateway(lambda: {"abc123defg": api()}, lambda arn: invoker, verifier)
    gw.refresh()
    return gw, invoker, verifier


OK = InvocationResult(payload={"statusCode": 200, "body": "{}"})


def test_authorizer_is_consulted_only_for_cognito_methods() -> None:
    gw, invoker, verifier = gateway(OK)
    assert gw.handle("abc123defg", "v1", http()).status == 200
    assert verifier.pools == []
    denied = gw.handle("abc123defg", "v1", http("DELETE", "/items/1"))
    assert (denied.status, json.loads(denied.body)) == (401, {"message": "Unauthorized"})
    allowed = gw.handle(
        "abc123defg", "v1", http("DELETE", "/items/1", headers=[("authorization", "good")])
    )
    assert allowed.status == 200
    assert verifier.pools[-1] == [("eu-west-1", "eu-west-1_pool")]
    assert invoker.events[-1]["requestContext"]["authorizer"]["claims"] == {"sub": "u1"}
    assert len(invoker.events) == 2  # the refused request never reached the function


@pytest.mark.parametrize(
    "result",
    [
        InvocationResult(error_kind="Unhandled", error_type="ValueError", error_message="x"),
        InvocationResult(error_kind="Timeout", error_type="Sandbox.Timedout"),
        InvocationResult(payload={"body": "no status"}),
    ],
)
def test_function_failures_are_502(result: InvocationResult) -> None:
    gw, _, _ = gateway(result)
    response = gw.handle("abc123defg", "v1", http())
    assert (response.status, json.loads(response.body)) == (
        502,
        {"message": "Internal server error"},
    )


def test_a_function_without_a_worker_is_502() -> None:
    def no_worker(arn: str) -> Any:
        raise LookupError(f"{arn} is not built")

    gw = ApiGateway(lambda: {"abc123defg": api()}, no_worker, Verifier())
    gw.refresh()
    assert gw.handle("abc123defg", "v1", http()).status == 502


def test_non_proxy_integrations_are_refused_not_guessed() -> None:
    mock = Method("GET", "NONE", None, "MOCK", None)
    gw = ApiGateway(
        lambda: {"abc123defg": api(resources=(Resource("r1", "/health", {"GET": mock}),))},
        lambda arn: Invoker(OK),
        Verifier(),
    )
    gw.refresh()
    assert gw.handle("abc123defg", "v1", http()).status == 500
