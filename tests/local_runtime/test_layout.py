"""local_runtime's parts import one way: each subpackage only from the ones it builds on."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "local_runtime"
# What each subpackage may import from the rest of local_runtime (besides itself).
ALLOWED = {
    "emulator": set(),
    "workers": set(),
    "event_sources": {"workers"},
    "status": {"event_sources"},
    "gateway": {"emulator", "workers", "status"},
}


def _local_imports(source: Path) -> set[str]:
    """The local_runtime parts (first component below local_runtime) a module imports."""
    parts = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            dotted = name.split(".")
            if dotted[0] == "local_runtime" and len(dotted) > 1:
                parts.add(dotted[1])
    return parts


def test_every_subpackage_is_listed() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(ALLOWED)


def test_subpackages_import_one_way() -> None:
    wrong = {
        str(source.relative_to(PACKAGE)): sorted(_local_imports(source) - ALLOWED[part] - {part})
        for part in ALLOWED
        for source in (PACKAGE / part).rglob("*.py")
        if _local_imports(source) - ALLOWED[part] - {part}
    }
    assert wrong == {}
