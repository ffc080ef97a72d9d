"""What every check gets: the environment's settings and read-only AWS clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tools.preflight.settings import Root

# Few retries and short timeouts: an emulator answers unimplemented calls with HTTP
# 500, and the default retry schedule would turn each into a long wait.
_CLIENT_CONFIG = Config(
    retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=30
)


def client_factory(region: str) -> Callable[[str], Any]:
    """boto3 clients in the environment's region, with the caller's credentials
    (AWS_ENDPOINT_URL, when set, points them at an emulator)."""
    session = boto3.session.Session(region_name=region)
    cache: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in cache:
            cache[service] = session.client(service, config=_CLIENT_CONFIG)  # type: ignore[call-overload]
        return cache[service]

    return client


@dataclass
class Context:
    root: Root
    client: Callable[[str], Any]
    repository: Path
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def name_prefix(self) -> str:
        return f"refarch-{self.root.value('environment')}"
