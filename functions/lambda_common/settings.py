"""Reading a function's settings from its environment (its contract with the Terraform module).

Each function's `config.load_settings` reads its variables with these, so every function
fails its import the same way: a ConfigurationError naming the bad variable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

Number = TypeVar("Number", int, float)


class ConfigurationError(RuntimeError):
    """The function's environment is missing or has an invalid setting."""


def required(environ: Mapping[str, str], name: str, meaning: str) -> str:
    """The variable's value without surrounding blanks; it must be set and not blank."""
    value = environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} is not set: it must name {meaning}")
    return value


def number(
    environ: Mapping[str, str],
    name: str,
    default: Number,
    parse: Callable[[str], Number],
    what: str,
) -> Number:
    """The variable read with `parse` (int or float), or default when unset.

    `what` completes "NAME must be ...", e.g. "a whole number of bytes"; bounds are the
    caller's to check, since they differ with each setting.
    """
    raw_value = environ.get(name, str(default))
    try:
        return parse(raw_value)
    except ValueError:
        raise ConfigurationError(f"{name} must be {what}, got {raw_value!r}") from None


def positive(name: str, value: Number) -> Number:
    """The value, if above zero."""
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive, got {value}")
    return value
