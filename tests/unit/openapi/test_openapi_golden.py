"""Both APIs' OpenAPI documents, byte for byte as they were when the cold-start work began.

Clients, schemathesis and the gateway read these documents: however validation or the
documents' generation changes (build time, lazily, another validator), what they see
must not. A deliberate change to an API updates its golden file in the same commit:
`PYTHONPATH=functions python -m web_api.openapi > tests/unit/openapi/web_api.golden.json`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
GOLDEN_DIR = Path(__file__).parent


@pytest.mark.parametrize("api", ["web_api", "mobile_api"])
def test_printed_document_equals_the_golden_file(api: str) -> None:
    printed = subprocess.run(  # noqa: S603 - the module is one of the two literals above
        [sys.executable, "-m", f"{api}.openapi"],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO / "functions"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert printed == (GOLDEN_DIR / f"{api}.golden.json").read_text(encoding="utf-8")
