"""The console's HTTP surface without a browser: its CSP, no inline script or style, and
clear answers for bad requests (the browser test drives the page itself)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from local_runtime.gateway.console import Console
from local_runtime.status.emulator_resources import EmulatorUnavailableError

CONSOLE_DIR = Path(__file__).resolve().parents[2] / "local_runtime" / "gateway" / "console"


class FakeResources:
    def objects(self, bucket: str) -> dict[str, Any]:
        return {"bucket": bucket, "objects": [], "truncated": False}

    def emails(self) -> list[dict[str, Any]]:
        raise EmulatorUnavailableError("the emulator did not answer")


def console(tmp_path: Path) -> Console:
    (tmp_path / "fn.log").write_text("".join(f"line {n}\n" for n in range(100)))
    return Console(lambda: {"problems": []}, tmp_path, FakeResources())  # type: ignore[arg-type]


def header(response: Any, name: str) -> str:
    return next(value for key, value in response.headers if key == name)


def test_the_page_allows_only_its_own_scripts_and_styles(tmp_path: Path) -> None:
    page = console(tmp_path).get("", "")
    assert page.status == 200
    policy = header(page, "Content-Security-Policy")
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = page.body.decode()
    assert re.findall(r"<script[^>]*>", html) == ['<script type="module" src="console.js">']
    assert "<style" not in html
    assert " style=" not in html
    assert ".innerHTML" not in (CONSOLE_DIR / "console.js").read_text()


def test_api_answers(tmp_path: Path) -> None:
    served = console(tmp_path)
    assert json.loads(served.get("api/status", "").body) == {"problems": []}
    assert json.loads(served.get("api/objects", "bucket=b").body)["bucket"] == "b"
    logs = json.loads(served.get("api/logs", "").body)
    assert logs["fn"][-1] == "line 99"
    assert len(logs["fn"]) == 30


def test_bad_requests_get_clear_errors(tmp_path: Path) -> None:
    served = console(tmp_path)
    missing = served.get("api/objects", "")
    assert missing.status == 400
    assert "bucket" in json.loads(missing.body)["message"]
    assert served.get("api/nothing", "").status == 404
    assert served.get("secrets.txt", "").status == 404
    assert served.get("api/emails", "").status == 503
