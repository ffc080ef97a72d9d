"""Constants and the API stub's record shared by the mobile client's handler tests
(a module of its own: every test folder has a `conftest`, so importing names from
`conftest` could pick another folder's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REGION = "eu-west-1"
BUCKET = "refarch-local-mobile-user-files"
PASSWORD = "Corr3ct-Horse-Battery!"


@dataclass
class ApiStub:
    """Records every request; answers with the queued (status, body) or 200 {}."""

    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    responses: list[tuple[int, Any]] = field(default_factory=list)
