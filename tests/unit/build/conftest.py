"""Fixtures shared by the build tests."""

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register `slow` here so `--strict-markers` accepts it without touching pyproject."""
    config.addinivalue_line(
        "markers", "slow: builds real dependency trees with pip (deselect with -m 'not slow')"
    )
