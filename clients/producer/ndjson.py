"""Parse NDJSON input (one JSON object per line) for the CLI. Pure.

The whole input is parsed before anything is sent: a malformed line stops the run
with its line number, so a file is either sent entirely or not at all (no half-sent
file, no silently skipped lines). Blank lines are ignored. Events are not checked
against the event schema here: a producer may deliberately send anything, and the
stream processor quarantines invalid events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

MAX_REPORTED_ERRORS = 20


class NdjsonError(ValueError):
    """Malformed input lines; `errors` holds `(line number, reason)` pairs (1-based)."""

    def __init__(self, errors: list[tuple[int, str]], *, truncated: bool = False) -> None:
        self.errors = errors
        self.truncated = truncated
        lines = "\n".join(f"  line {number}: {reason}" for number, reason in errors)
        more = "\n  (more errors not shown)" if truncated else ""
        super().__init__(f"{len(errors)} malformed input line(s), nothing was sent:\n{lines}{more}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_line(line: bytes | str) -> dict[str, Any] | None:
    """The event on one line, None for a blank line; ValueError says what is wrong."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    line = line.removeprefix("\ufeff")
    if not line.strip():
        return None
    try:
        value = json.loads(line, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


def parse_ndjson(
    lines: Iterable[bytes | str], *, max_errors: int = MAX_REPORTED_ERRORS
) -> list[dict[str, Any]]:
    """All events of the input, or `NdjsonError` listing the first `max_errors` bad lines."""
    events: list[dict[str, Any]] = []
    errors: list[tuple[int, str]] = []
    truncated = False
    for number, line in enumerate(lines, start=1):
        try:
            event = parse_line(line)
        except ValueError as exc:
            if len(errors) < max_errors:
                errors.append((number, str(exc)))
            else:
                truncated = True
            continue
        if event is not None:
            events.append(event)
    if errors:
        raise NdjsonError(errors, truncated=truncated)
    return events
