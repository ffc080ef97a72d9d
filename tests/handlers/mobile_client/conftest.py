"""moto user pool + app client (SRP), identity pool and user-files bucket, and a local
HTTP stub standing in for the mobile API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from mobile_client_stubs import BUCKET, REGION, ApiStub

from clients.mobile import MobileConfig


@pytest.fixture
def api_stub() -> Iterator[ApiStub]:
    stub = ApiStub()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            stub.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(raw) if raw else None,
                }
            )
            status, body = stub.responses.pop(0) if stub.responses else (200, {})
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}/local"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def aws_region() -> str:
    return REGION


@pytest.fixture
def backend(mocked_aws: None, api_stub: ApiStub) -> MobileConfig:
    idp = boto3.client("cognito-idp", region_name=REGION)
    pool_id = idp.create_user_pool(
        PoolName="refarch-test-mobile-users",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="mobile",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    identity_pool_id = boto3.client("cognito-identity", region_name=REGION).create_identity_pool(
        IdentityPoolName="refarch_test_mobile",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[
            {
                "ProviderName": f"cognito-idp.{REGION}.amazonaws.com/{pool_id}",
                "ClientId": client_id,
            }
        ],
    )["IdentityPoolId"]
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return MobileConfig(
        api_url=api_stub.url,
        region=REGION,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        identity_pool_id=identity_pool_id,
        user_files_bucket=BUCKET,
    )
