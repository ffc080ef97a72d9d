"""The mobile API's OpenAPI document: printed without any environment, every error shape
documented as the API sends it (schemathesis checks responses against it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def printed_document() -> dict[str, object]:
    printed = subprocess.run(
        [sys.executable, "-m", "mobile_api.openapi"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "functions"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    document: dict[str, object] = json.loads(printed)
    return document


def test_every_route_is_documented_with_the_api_error_model() -> None:
    document = printed_document()
    paths = document["paths"]
    assert isinstance(paths, dict)

    assert sorted(paths) == [
        "/devices",
        "/devices/{device_id}",
        "/health",
        "/notes",
        "/notes/{note_id}",
        "/notes/{note_id}/share",
        "/shared",
    ]
    share = paths["/notes/{note_id}/share"]["post"]
    assert share["security"] == [{"cognitoUserPool": []}]
    for status in ("400", "401", "403", "404", "413", "415", "422", "500", "503"):
        schema = share["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, status
    registration = document["components"]["schemas"]["DeviceRegistration"]  # type: ignore[index]
    assert registration["required"] == ["platform", "token", "installation_id"]
