"""How results are shown: one table per benchmark on stdout, all of them as JSON."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Section:
    """One benchmark's result: a table for people, `data` for the JSON report."""

    name: str
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Leading columns that hold labels (left-aligned); the others hold figures.
    label_columns: int = 1
    data: dict[str, Any] = field(default_factory=dict)


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def format_table(section: Section) -> str:
    widths = [len(header) for header in section.headers]
    for row in section.rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: list[str]) -> str:
        parts = [
            cell.ljust(width) if column < section.label_columns else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    out = [section.title, "=" * len(section.title), line(section.headers)]
    out.append("  ".join("-" * width for width in widths))
    out += [line(row) for row in section.rows]
    out += [f"  * {note}" for note in section.notes]
    return "\n".join(out)


def write_json(sections: list[Section], path: Path, settings: dict[str, Any]) -> None:
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "settings": settings,
        "results": {section.name: section.data for section in sections},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
