"""A REST API defined in a real emulator, served on localhost with a Cognito authorizer."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.local_runtime.support import REGION, serving, wait_for

ECHO_HANDLER = """
import json

def lambda_handler(event, context):
    if event["path"] == "/crash":
        raise RuntimeError("boom")
    if event["path"] == "/malformed":
        return {"statusCode": "two hundred"}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json", "X-Probe": "yes"},
        "body": json.dumps(event),
    }
"""
PASSWORD = "Corr3ct-horse!"


def request(
    url: str, method: str = "GET", token: str | None = None, body: bytes | None = None
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Authorization": token} if token else {}
    req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310 - loopback test server
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def add_method(
    aws: dict[str, Any],
    api_id: str,
    resource_id: str,
    function_arn: str,
    authorizer_id: str | None = None,
) -> None:
    apigateway = aws["apigateway"]
    apigateway.put_method(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod="GET",
        authorizationType="COGNITO_USER_POOLS" if authorizer_id else "NONE",
        **({"authorizerId": authorizer_id} if authorizer_id else {}),
    )
    apigateway.put_integration(
        restApiId=api_id,
        resourceId=resource_id,
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
    )


@pytest.fixture
def deployed_api(
    aws: dict[str, Any], tmp_path: Path, make_artifact: Any, deploy_function: Any
) -> Iterator[dict[str, Any]]:
    """An API (/health open, /items/{id} behind Cognito, /crash, /malformed), a user
    pool with a user, a site bucket, and the runtime serving them."""
    artifact = make_artifact(ECHO_HANDLER)
    function_arn = deploy_function(artifact, name="web-api")
    cognito = aws["cognito-idp"]
    pool = cognito.create_user_pool(PoolName="users")["UserPool"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(
        UserPoolId=pool["Id"],
        Username="ana@example.test",
        UserAttributes=[{"Name": "email", "Value": "ana@example.test"}],
        MessageAction="SUPPRESS",
    )
    cognito.admin_set_user_password(
        UserPoolId=pool["Id"], Username="ana@example.test", Password=PASSWORD, Permanent=True
    )
    tokens = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ana@example.test", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    user = cognito.admin_get_user(UserPoolId=pool["Id"], Username="ana@example.test")
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")

    apigateway = aws["apigateway"]
    api = apigateway.create_rest_api(name="web")
    api_id, root = api["id"], api["rootResourceId"]
    authorizer_id = apigateway.create_authorizer(
        restApiId=api_id,
        name="cognito",
        type="COGNITO_USER_POOLS",
        providerARNs=[pool["Arn"]],
        identitySource="method.request.header.Authorization",
    )["id"]

    def resource(parent: str, part: str) -> str:
        created: str = apigateway.create_resource(restApiId=api_id, parentId=parent, pathPart=part)[
            "id"
        ]
        return created

    items = resource(root, "items")
    add_method(aws, api_id, resource(items, "{item_id}"), function_arn, authorizer_id)
    for open_path in ("health", "crash", "malformed"):
        add_method(aws, api_id, resource(root, open_path), function_arn)
    apigateway.create_deployment(restApiId=api_id, stageName="v1")

    aws["s3"].create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": REGION})
    for key, body, content_type in (
        ("index.html", b"<html>app</html>", "text/html"),
        ("app.js", b"console.log(1)", "text/javascript"),
    ):
        aws["s3"].put_object(Bucket="site", Key=key, Body=body, ContentType=content_type)

    state = tmp_path / "state"
    with serving(aws, artifact.parent, state, site_bucket="site"):
        status_file = state / "status.json"
        wait_for(
            lambda: (
                status_file.is_file() and api_id in json.loads(status_file.read_text())["rest_apis"]
            )
        )
        gateway = json.loads(status_file.read_text())["gateway_url"]
        yield {
            "base": f"{gateway}/{api_id}/v1",
            "gateway": gateway,
            "id_token": tokens["IdToken"],
            "access_token": tokens["AccessToken"],
            "sub": sub,
            "api_id": api_id,
        }


def tampered(token: str, **claims: Any) -> str:
    """The same signature over different claims: what a forger would send."""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = base64.urlsafe_b64encode(json.dumps({**decoded, **claims}).encode()).rstrip(b"=")
    return f"{header}.{forged.decode()}.{signature}"


def test_open_route_reaches_the_function_with_the_proxy_event(deployed_api: dict[str, Any]) -> None:
    status, headers, body = request(f"{deployed_api['base']}/health?verbose=1&verbose=2")
    assert status == 200
    assert headers["X-Probe"] == "yes"
    event = json.loads(body)
    assert event["resource"] == "/health"
    assert event["path"] == "/health"
    assert event["httpMethod"] == "GET"
    assert event["queryStringParameters"] == {"verbose": "2"}
    assert event["multiValueQueryStringParameters"] == {"verbose": ["1", "2"]}
    assert event["pathParameters"] is None
    context = event["requestContext"]
    assert context["apiId"] == deployed_api["api_id"]
    assert context["stage"] == "v1"
    assert context["path"] == "/v1/health"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert "authorizer" not in context


def test_cognito_route_refuses_missing_forged_and_access_tokens(
    deployed_api: dict[str, Any],
) -> None:
    url = f"{deployed_api['base']}/items/42"
    for token in (
        None,
        "not-a-jwt",
        tampered(deployed_api["id_token"], sub="someone-else"),
        tampered(deployed_api["id_token"], exp=1),
        deployed_api["access_token"],
    ):
        status, _, body = request(url, token=token)
        assert (status, json.loads(body)) == (401, {"message": "Unauthorized"}), token


def test_valid_id_token_puts_its_claims_in_the_event(deployed_api: dict[str, Any]) -> None:
    status, _, body = request(
        f"{deployed_api['base']}/items/42", token=f"Bearer {deployed_api['id_token']}"
    )
    assert status == 200
    event = json.loads(body)
    assert event["resource"] == "/items/{item_id}"
    assert event["pathParameters"] == {"item_id": "42"}
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["sub"] == deployed_api["sub"]
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())


def test_unknown_routes_and_methods_are_missing_authentication_token(
    deployed_api: dict[str, Any],
) -> None:
    for url, method in (
        (f"{deployed_api['base']}/nope", "GET"),
        (f"{deployed_api['base']}/items", "GET"),  # a resource without methods
        (f"{deployed_api['base']}/health", "DELETE"),
        (f"{deployed_api['gateway']}/unknownapi/v1/health", "GET"),
        (f"{deployed_api['gateway']}/{deployed_api['api_id']}/nostage/health", "GET"),
    ):
        status, _, body = request(url, method)
        assert (status, json.loads(body)) == (403, {"message": "Missing Authentication Token"})


def test_function_crash_and_malformed_response_are_502(deployed_api: dict[str, Any]) -> None:
    for path in ("crash", "malformed"):
        status, _, body = request(f"{deployed_api['base']}/{path}")
        assert (status, json.loads(body)) == (502, {"message": "Internal server error"})


def test_site_files_come_from_the_bucket_with_spa_fallback(deployed_api: dict[str, Any]) -> None:
    site = f"{deployed_api['gateway']}/site"
    status, headers, body = request(f"{site}/")
    assert (status, headers["Content-Type"], body) == (200, "text/html", b"<html>app</html>")
    status, headers, body = request(f"{site}/app.js")
    assert (status, headers["Content-Type"], body) == (200, "text/javascript", b"console.log(1)")
    status, _, body = request(f"{site}/items/42")  # a client-side route
    assert (status, body) == (200, b"<html>app</html>")
