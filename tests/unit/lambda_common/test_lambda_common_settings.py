"""The environment readers every function's load_settings uses."""

from __future__ import annotations

import pytest

from lambda_common.settings import ConfigurationError, number, positive, required


def test_required_strips_the_value() -> None:
    assert required({"TABLE": "  items \n"}, "TABLE", "the table") == "items"


@pytest.mark.parametrize("environ", [{}, {"TABLE": ""}, {"TABLE": "   "}])
def test_required_names_the_missing_variable_and_its_meaning(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match=r"^TABLE is not set: it must name the table$"):
        required(environ, "TABLE", "the table")


def test_number_reads_the_value_or_the_default() -> None:
    assert number({"LIMIT": "12"}, "LIMIT", 5, int, "a whole number") == 12
    assert number({}, "LIMIT", 5, int, "a whole number") == 5
    assert number({"WAIT": "2.5"}, "WAIT", 1.0, float, "a number of seconds") == 2.5


@pytest.mark.parametrize("raw", ["", "1.5", "ten"])
def test_number_says_what_was_expected_and_what_was_got(raw: str) -> None:
    with pytest.raises(
        ConfigurationError, match=f"^LIMIT must be a whole number of bytes, got {raw!r}$"
    ):
        number({"LIMIT": raw}, "LIMIT", 5, int, "a whole number of bytes")


@pytest.mark.parametrize("value", [0, -3])
def test_positive_refuses_zero_and_below(value: int) -> None:
    assert positive("LIMIT", 1) == 1
    with pytest.raises(ConfigurationError, match=f"^LIMIT must be positive, got {value}$"):
        positive("LIMIT", value)
