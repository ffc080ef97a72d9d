"""The rule for tests that need chromium, chromedriver or node: they run, or they fail
with the command that installs what is missing. They are skipped only on the deliberate
opt-out `BROWSER_TESTS=off`, which `make test` reports in its last lines."""

from __future__ import annotations

import os

import pytest

OPT_OUT = "BROWSER_TESTS"
INSTALL = "tools/install_browser_packages.sh (as root; make test runs it)"


def require(missing: list[str]) -> None:
    if not missing:
        return
    names = ", ".join(missing)
    if os.environ.get(OPT_OUT) == "off":
        pytest.skip(f"{OPT_OUT}=off: {names} not installed, test opted out")
    pytest.fail(f"{names} missing: install with {INSTALL}, or opt out with {OPT_OUT}=off")
