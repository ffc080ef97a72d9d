"""NDJSON input parsing: all or nothing, errors with line numbers."""

from __future__ import annotations

import pytest

from clients.producer.ndjson import NdjsonError, parse_line, parse_ndjson


def test_parses_objects_and_skips_blank_lines() -> None:
    lines = [b'{"a": 1}\n', b"\n", b"   \r\n", '{"b": "é"}\n'.encode(), '{"c": []}']
    assert parse_ndjson(lines) == [{"a": 1}, {"b": "é"}, {"c": []}]


def test_utf8_bom_on_the_first_line_is_ignored() -> None:
    assert parse_ndjson(["\ufeff" + '{"a": 1}']) == [{"a": 1}]


def test_errors_name_their_line_numbers_and_nothing_is_returned() -> None:
    lines = [
        b'{"ok": 1}',
        b'{"broken": ',
        b"",
        b"[1, 2]",
        b'{"x": NaN}',
        b'{"bad": "\xff"}',
        b'"just a string"',
    ]
    with pytest.raises(NdjsonError) as raised:
        parse_ndjson(lines)
    errors = raised.value.errors
    assert [number for number, _ in errors] == [2, 4, 5, 6, 7]
    reasons = dict(errors)
    assert "not valid JSON" in reasons[2]
    assert "expected a JSON object, got list" in reasons[4]
    assert "NaN is not valid JSON" in reasons[5]
    assert "not valid UTF-8" in reasons[6]
    assert "got str" in reasons[7]
    message = str(raised.value)
    assert "line 2:" in message
    assert "nothing was sent" in message
    assert isinstance(raised.value, ValueError)


def test_error_list_is_capped() -> None:
    with pytest.raises(NdjsonError) as raised:
        parse_ndjson(["nope"] * 50, max_errors=3)
    assert [n for n, _ in raised.value.errors] == [1, 2, 3]
    assert raised.value.truncated
    assert "more errors not shown" in str(raised.value)


@pytest.mark.parametrize(("line", "expected"), [("", None), ("  \n", None), ('{"a":1}', {"a": 1})])
def test_parse_line(line: str, expected: object) -> None:
    assert parse_line(line) == expected


def test_empty_input_is_no_events() -> None:
    assert parse_ndjson([]) == []
