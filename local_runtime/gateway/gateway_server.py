"""One local HTTP port for every REST API and the static site.

    http://127.0.0.1:{port}/{api_id}/{stage}/{path}  -> ApiGateway
    http://127.0.0.1:{port}/site/{path}              -> SiteFiles
    http://127.0.0.1:{port}/_local/{path}            -> Console (local_runtime/gateway/console)

(API ids are ten characters, so "site" never names an API.) Listens on loopback only.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from local_runtime.emulator import LOOPBACK
from local_runtime.gateway.api_gateway import (
    MAX_BODY_BYTES,
    ApiGateway,
    HttpRequest,
    HttpResponse,
    json_response,
)
from local_runtime.gateway.console import PREFIX as CONSOLE_PREFIX
from local_runtime.gateway.console import Console
from local_runtime.gateway.site import SiteFiles

log = logging.getLogger(__name__)

SITE_PREFIX = "site"


class GatewayServer:
    def __init__(
        self,
        gateway: ApiGateway,
        site: SiteFiles | None,
        port: int = 0,
        console: Console | None = None,
    ) -> None:
        self._server = ThreadingHTTPServer((LOOPBACK, port), _handler(gateway, site, console))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="gateway", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=30)
        self._server.server_close()


def _handler(
    gateway: ApiGateway, site: SiteFiles | None, console: Console | None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "local-api-gateway"

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            first, _, rest = path.lstrip("/").partition("/")
            try:
                response = self._route(first, rest, query)
            except Exception:  # never a stack trace to the client; the log has it
                log.exception("%s %s", self.command, self.path)
                response = json_response(500, "Internal server error")
            self._send(response)

        def _route(self, first: str, rest: str, query: str) -> HttpResponse:
            if first == CONSOLE_PREFIX and console is not None:
                return self._console(console, rest, query)
            if first != SITE_PREFIX:
                stage, _, resource_path = rest.partition("/")
                return self._api(first, stage, "/" + resource_path, query)
            if site is None:
                return json_response(404, "no site bucket: start with --site-bucket")
            if self.command not in ("GET", "HEAD"):
                return json_response(405, "Method Not Allowed")
            return site.get(rest)

        def _console(self, console: Console, rest: str, query: str) -> HttpResponse:
            if self.path.partition("?")[0] == f"/{CONSOLE_PREFIX}":
                return HttpResponse(301, [("Location", f"/{CONSOLE_PREFIX}/")], b"")
            if self.command not in ("GET", "HEAD"):
                return json_response(405, "Method Not Allowed")
            return console.get(rest, query)

        def _api(self, api_id: str, stage: str, path: str, query: str) -> HttpResponse:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return json_response(411, "Length Required")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                return json_response(400, "Bad Request")
            if length > MAX_BODY_BYTES:
                self.close_connection = True  # the unread body must not become a request
                return json_response(413, "Request Too Long")
            request = HttpRequest(
                method=self.command,
                path=path,
                query=query,
                headers=list(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
                source_ip=self.client_address[0],
                protocol=self.request_version,
            )
            return gateway.handle(api_id, stage, request)

        def _send(self, response: HttpResponse) -> None:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("%s %s", self.address_string(), format % args)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    return Handler
