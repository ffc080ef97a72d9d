"""Events, users and a DAX stand-in for the mobile API's handler tests.

The REST v1 proxy events are web_api's (tests/handlers/web_api/web_api_events.py), loaded
by path: test folders have no __init__.py, so that module is only importable once pytest
has put its folder on sys.path. Mobile apps send no Origin header, hence origin=None.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3


def _web_api_events() -> ModuleType:
    loaded = sys.modules.get("web_api_events")
    if loaded is not None:
        return loaded
    path = Path(__file__).resolve().parents[1] / "web_api" / "web_api_events.py"
    spec = importlib.util.spec_from_file_location("web_api_events", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["web_api_events"] = module
    spec.loader.exec_module(module)
    return module


_events = _web_api_events()
REGION: str = _events.REGION
NO_CLAIMS: dict[str, str] = _events.NO_CLAIMS
ApiResponse = _events.ApiResponse
FakeLambdaContext = _events.FakeLambdaContext
id_token_claims = _events.id_token_claims

NOTES_TABLE = "mobile-notes-test"
SHARES_TABLE = "mobile-shares-test"
DEVICES_TABLE = "mobile-devices-test"
PUSH_QUEUE = "mobile-push-test"
DAX_ENDPOINT = "daxs://mobile-test.abc123.dax-clusters.us-east-1.amazonaws.com"


@dataclass(frozen=True)
class User:
    sub: str
    email: str


@dataclass(frozen=True)
class Cloud:
    """What the module would have created, as the tests need it."""

    user_pool_id: str
    queue_url: str
    platform_applications: dict[str, str]
    alice: User
    bob: User


def api_event(
    user: User | None,
    method: str,
    resource: str,
    *,
    path_parameters: dict[str, str] | None = None,
    body: str | dict[str, Any] | None = None,
    claims: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A proxy event from `user` (None: no authorizer claims at all)."""
    if claims is None:
        claims = NO_CLAIMS if user is None else {**id_token_claims(user.sub), "email": user.email}
    event: dict[str, Any] = _events.rest_event(
        method,
        resource,
        path_parameters=path_parameters,
        body=body,
        claims=claims,
        origin=None,
    )
    return event


# The `call` fixture: invoke the handler with an event, get the decoded response.
Call = Callable[[dict[str, Any]], Any]


def import_mobile_api_fresh() -> ModuleType:
    """Import the handler as a cold start would, reading the current environment."""
    for name in [name for name in sys.modules if name.startswith("mobile_api.")]:
        del sys.modules[name]
    return importlib.import_module("mobile_api.handler")


class FakeDaxClient:
    """Stands in for amazondax.AmazonDaxClient at the client boundary.

    Offers exactly the DAX client's data operations (no paginators: the real one raises
    NotImplementedError for them), records every call, and answers with what moto's
    DynamoDB answers, errors included: DAX raises ClientError subclasses with the same
    codes.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.init_kwargs = kwargs
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._dynamodb = boto3.client("dynamodb", region_name=REGION)

    def _call(self, operation: str, kwargs: dict[str, Any]) -> Any:
        self.calls.append((operation, kwargs))
        return getattr(self._dynamodb, operation)(**kwargs)

    def get_item(self, **kwargs: Any) -> Any:
        return self._call("get_item", kwargs)

    def put_item(self, **kwargs: Any) -> Any:
        return self._call("put_item", kwargs)

    def update_item(self, **kwargs: Any) -> Any:
        return self._call("update_item", kwargs)

    def delete_item(self, **kwargs: Any) -> Any:
        return self._call("delete_item", kwargs)

    def query(self, **kwargs: Any) -> Any:
        return self._call("query", kwargs)

    def scan(self, **kwargs: Any) -> Any:
        return self._call("scan", kwargs)

    def batch_get_item(self, **kwargs: Any) -> Any:
        return self._call("batch_get_item", kwargs)

    def batch_write_item(self, **kwargs: Any) -> Any:
        return self._call("batch_write_item", kwargs)

    def get_paginator(self, **kwargs: Any) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        """The real client stops its cluster threads here."""
