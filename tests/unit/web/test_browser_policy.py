"""Tests that need chromium or node never skip quietly: they fail with the install command,
and skip only on the deliberate opt-out BROWSER_TESTS=off."""

from __future__ import annotations

import pytest

from tests.browser_policy import require


def test_nothing_missing_runs_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_TESTS", raising=False)
    require([])


def test_missing_tools_fail_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_TESTS", raising=False)
    with pytest.raises(pytest.fail.Exception, match=r"tools/install_browser_packages\.sh"):
        require(["/usr/bin/chromium"])


def test_only_the_named_opt_out_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_TESTS", "off")
    with pytest.raises(pytest.skip.Exception, match="BROWSER_TESTS=off"):
        require(["node"])
