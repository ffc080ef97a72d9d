"""The local console at http://127.0.0.1:{gateway port}/_local/: the runtime's status,
refreshing live, the last log lines of each function, and what the emulator holds
(objects, queue messages, table items, sent emails and pushes), one click away.

Static files in this package (no build step) and a small read-only JSON API:

    GET /_local/                     the page (index.html, console.js, console.css)
    GET /_local/api/status           the runtime's status (what status.json holds)
    GET /_local/api/logs             the last lines of each function's log
    GET /_local/api/resources        buckets, queues, tables with counts
    GET /_local/api/objects?bucket=  a bucket's keys (quarantine reasons included)
    GET /_local/api/object?bucket=&key=
    GET /_local/api/messages?queue=  a failure queue's messages, left in place
    GET /_local/api/items?table=
    GET /_local/api/emails           what SES accepted
    GET /_local/api/pushes           what SNS delivered to mobile endpoints

The page follows the site's rules (web/): no inline script or style, text set through
textContent only, so its Content-Security-Policy allows 'self' and nothing else.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from local_runtime.gateway.api_gateway import HttpResponse, json_response
from local_runtime.status.emulator_resources import (
    EmulatorResources,
    EmulatorUnavailableError,
    ResourceNotFoundError,
)

log = logging.getLogger(__name__)

PREFIX = "_local"
LOG_LINES = 30
_STATIC = {
    "": ("index.html", "text/html; charset=utf-8"),
    "index.html": ("index.html", "text/html; charset=utf-8"),
    "console.js": ("console.js", "text/javascript; charset=utf-8"),
    "console.css": ("console.css", "text/css; charset=utf-8"),
}
_HEADERS = [
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
]


class MissingParameterError(ValueError):
    """A console API call without a query parameter it needs."""


def _required(params: dict[str, str], name: str) -> str:
    if not params.get(name):
        raise MissingParameterError(f"missing query parameter {name!r}")
    return params[name]


class Console:
    def __init__(
        self,
        status: Callable[[], dict[str, Any] | None],
        logs_dir: Path,
        resources: EmulatorResources,
    ) -> None:
        self._status = status
        self._logs_dir = logs_dir
        self._resources = resources

    def get(self, path: str, query: str) -> HttpResponse:
        """Answer GET /_local/{path}?{query}."""
        if path in _STATIC:
            name, content_type = _STATIC[path]
            body = Path(__file__).with_name(name).read_bytes()
            return HttpResponse(200, [("Content-Type", content_type), *_HEADERS], body)
        if not path.startswith("api/"):
            return json_response(404, "Not Found")
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        return self._api_response(path.removeprefix("api/"), params)

    def _api_response(self, name: str, params: dict[str, str]) -> HttpResponse:
        try:
            data = self._api(name, params)
        except ResourceNotFoundError as error:
            return json_response(404, str(error))
        except EmulatorUnavailableError as error:
            return json_response(503, str(error))
        except MissingParameterError as error:
            return json_response(400, str(error))
        if data is None:
            return json_response(404, "Not Found")
        body = json.dumps(data, default=str).encode()
        return HttpResponse(200, [("Content-Type", "application/json"), *_HEADERS], body)

    def _api(self, name: str, params: dict[str, str]) -> Any:  # noqa: PLR0911 - one per route
        resources = self._resources
        if name == "status":
            return self._status()  # None (404) until the runtime's first status is written
        if name == "logs":
            return self.log_tails()
        if name == "resources":
            return resources.overview()
        if name == "objects":
            return resources.objects(_required(params, "bucket"))
        if name == "object":
            return resources.object_text(_required(params, "bucket"), _required(params, "key"))
        if name == "messages":
            return resources.messages(_required(params, "queue"))
        if name == "items":
            return resources.items(_required(params, "table"))
        if name == "emails":
            return resources.emails()
        if name == "pushes":
            return resources.pushes()
        return None

    def log_tails(self) -> dict[str, list[str]]:
        """The last LOG_LINES lines of each function's log."""
        tails: dict[str, list[str]] = {}
        for path in sorted(self._logs_dir.glob("*.log")):
            with path.open(encoding="utf-8", errors="replace") as lines:
                tails[path.stem] = [line.rstrip("\n") for line in deque(lines, LOG_LINES)]
        return tails
