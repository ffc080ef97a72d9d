"""The web API's OpenAPI document, byte for byte as it was when the cold-start work began.

Clients, schemathesis and the gateway read this document: however validation or the
document's generation changes (build time, lazily, another validator), what they see must
not. A deliberate change to the API updates `openapi.golden.json` in the same commit:
`PYTHONPATH=functions python -m web_api.openapi > tests/unit/web_api/openapi.golden.json`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).with_name("openapi.golden.json")


def test_printed_document_equals_the_golden_file() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "web_api.openapi"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "functions"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert printed == GOLDEN.read_text(encoding="utf-8")
