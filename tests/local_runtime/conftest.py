"""Helpers to build throwaway function artifacts for the runtime's own tests."""

from __future__ import annotations

import textwrap
import zipfile
from pathlib import Path

import pytest


@pytest.fixture
def make_artifact(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a zip holding package `probe` with `handler.py` = the given source."""

    def build(source: str, name: str = "probe.zip") -> Path:
        path = tmp_path / "artifacts" / name
        path.parent.mkdir(exist_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("probe/__init__.py", "")
            archive.writestr("probe/handler.py", textwrap.dedent(source))
        return path

    return build
