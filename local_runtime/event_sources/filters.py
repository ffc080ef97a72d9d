"""Event filtering of event source mappings (FilterCriteria), as Lambda applies it.

Patterns use the EventBridge syntax Lambda documents for event filtering. Supported:
exact values, `prefix`, `suffix`, `exists`, `anything-but` (value or list) and
`numeric` comparisons. A pattern using anything else is rejected when the mapping is
read, with the operator named, rather than silently matching everything.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_NUMERIC_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_SUPPORTED = ("prefix", "suffix", "exists", "anything-but", "numeric")


class UnsupportedFilterError(ValueError):
    """A filter pattern uses syntax the local runtime does not implement."""


@dataclass(frozen=True)
class FilterCriteria:
    """Any one pattern matching lets a record through; no patterns lets all through."""

    patterns: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_api(cls, criteria: dict[str, Any] | None) -> FilterCriteria:
        filters = (criteria or {}).get("Filters") or []
        patterns = tuple(json.loads(f["Pattern"]) for f in filters)
        for pattern in patterns:
            _check(pattern)
        return cls(patterns)

    def matches(self, record: dict[str, Any]) -> bool:
        return not self.patterns or any(_matches(p, record) for p in self.patterns)


def _check(pattern: Any) -> None:
    if not isinstance(pattern, dict):
        raise UnsupportedFilterError(f"a pattern must be a JSON object, got {pattern!r}")
    for value in pattern.values():
        if isinstance(value, dict):
            _check(value)
        elif isinstance(value, list):
            for rule in value:
                if isinstance(rule, dict) and (set(rule) - set(_SUPPORTED) or len(rule) != 1):
                    raise UnsupportedFilterError(f"unsupported filter rule {rule!r}")
        else:
            raise UnsupportedFilterError(f"pattern values must be objects or lists: {value!r}")


def _matches(pattern: dict[str, Any], record: Any) -> bool:
    if not isinstance(record, dict):
        return False
    for key, expected in pattern.items():
        present = key in record
        value = record.get(key)
        if isinstance(expected, dict):
            if not _matches(expected, value):
                return False
        elif not any(_rule_matches(rule, present, value) for rule in expected):
            return False
    return True


def _rule_matches(rule: Any, present: bool, value: Any) -> bool:  # noqa: PLR0911 - one return per operator
    values = value if isinstance(value, list) else [value]
    if not isinstance(rule, dict):
        return present and any(v == rule for v in values)
    ((name, argument),) = rule.items()
    if name == "exists":
        return present is bool(argument)
    if not present:
        return False
    if name == "prefix":
        return any(isinstance(v, str) and v.startswith(argument) for v in values)
    if name == "suffix":
        return any(isinstance(v, str) and v.endswith(argument) for v in values)
    if name == "anything-but":
        excluded = argument if isinstance(argument, list) else [argument]
        return all(v not in excluded for v in values)
    # numeric: pairs of operator and bound, all of which must hold
    bounds = list(zip(argument[0::2], argument[1::2], strict=True))
    return any(
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and all(_NUMERIC_OPERATORS[op](float(v), float(bound)) for op, bound in bounds)
        for v in values
    )
