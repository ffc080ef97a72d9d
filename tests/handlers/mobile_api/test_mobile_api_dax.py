"""The DAX code path: the same handler with a fake DAX client at the client boundary.

The fake offers only what amazondax.AmazonDaxClient offers and forwards to moto's
DynamoDB, so the data must land in the tables exactly as without DAX; every other test
in this folder is the DynamoDB fallback.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import amazondax
import pytest
from mobile_api_events import (
    DAX_ENDPOINT,
    NOTES_TABLE,
    Cloud,
    FakeDaxClient,
    FakeLambdaContext,
    api_event,
    import_mobile_api_fresh,
)
from mobile_api_events import ApiResponse as Response

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")


@pytest.fixture
def dax_handler(environment: None, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("DAX_ENDPOINT", DAX_ENDPOINT)
    monkeypatch.setattr(amazondax, "AmazonDaxClient", FakeDaxClient)
    return import_mobile_api_fresh()


def invoke(handler: ModuleType, event: dict[str, Any]) -> Any:
    return Response.from_result(handler.lambda_handler(event, FakeLambdaContext()))


def test_every_table_access_goes_through_the_dax_client(
    dax_handler: ModuleType, cloud: Cloud, dynamodb: Any
) -> None:
    dax = dax_handler._dynamodb
    assert isinstance(dax, FakeDaxClient)
    assert dax.init_kwargs["endpoint_url"] == DAX_ENDPOINT
    alice, bob = cloud.alice, cloud.bob

    note = invoke(dax_handler, api_event(alice, "POST", "/notes", body={"title": "t"})).body
    path = {"note_id": note["note_id"]}
    assert invoke(dax_handler, api_event(alice, "GET", "/notes")).body == {"notes": [note]}
    assert (
        invoke(dax_handler, api_event(alice, "GET", "/notes/{note_id}", path_parameters=path)).body
        == note
    )
    changed = invoke(
        dax_handler,
        api_event(alice, "PATCH", "/notes/{note_id}", path_parameters=path, body={"body": "b"}),
    )
    shared = invoke(
        dax_handler,
        api_event(
            alice, "POST", "/notes/{note_id}/share", path_parameters=path, body={"email": bob.email}
        ),
    )
    inbox = invoke(dax_handler, api_event(bob, "GET", "/shared"))
    device = invoke(
        dax_handler,
        api_event(
            alice,
            "POST",
            "/devices",
            body={
                "platform": "apns",
                "token": "ab" * 32,
                "installation_id": "5d1e7f0a-8a4b-4c3d-9e2f-0a1b2c3d4e5f",
            },
        ),
    )

    assert (changed.status, shared.status, device.status) == (200, 202, 201)
    assert [n["body"] for n in inbox.body["notes"]] == ["b"]
    assert [operation for operation, _ in dax.calls] == [
        "put_item",  # create
        "query",  # list
        "get_item",  # get
        "update_item",  # patch
        "get_item",  # share: the note
        "put_item",  # share: the shares row
        "query",  # shared: the shares
        "batch_get_item",  # shared: the notes
        "get_item",  # device: existing row?
        "put_item",  # device: the row
    ]
    # Eventually consistent reads: a consistent read would bypass DAX's cache.
    assert not any(kwargs.get("ConsistentRead") for _, kwargs in dax.calls)
    # Written through DAX into the same table the DynamoDB path uses.
    stored = dynamodb.get_item(
        TableName=NOTES_TABLE,
        Key={"owner_sub": {"S": alice.sub}, "note_id": {"S": note["note_id"]}},
    )["Item"]
    assert stored["body"] == {"S": "b"}


def test_dax_condition_failures_are_404s_like_dynamodb(
    dax_handler: ModuleType, cloud: Cloud
) -> None:
    path = {"note_id": "0b0e4a4e-6f1c-4c1e-9d43-1c1e2a0e8f11"}

    patched = invoke(
        dax_handler,
        api_event(
            cloud.alice, "PATCH", "/notes/{note_id}", path_parameters=path, body={"title": "x"}
        ),
    )
    deleted = invoke(
        dax_handler, api_event(cloud.alice, "DELETE", "/notes/{note_id}", path_parameters=path)
    )

    assert patched.status == deleted.status == 404


def test_without_dax_the_dax_client_is_never_imported(
    environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [
        name for name in sys.modules if name == "amazondax" or name.startswith("amazondax.")
    ]:
        monkeypatch.delitem(sys.modules, name)

    handler = import_mobile_api_fresh()

    assert "amazondax" not in sys.modules
    assert type(handler._dynamodb).__name__ == "DynamoDB"
