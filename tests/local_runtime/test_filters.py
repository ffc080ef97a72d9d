"""Lambda event filtering patterns the local runtime implements."""

import json

import pytest

from local_runtime.event_sources.filters import FilterCriteria, UnsupportedFilterError


def criteria(*patterns: dict) -> FilterCriteria:
    return FilterCriteria.from_api({"Filters": [{"Pattern": json.dumps(p)} for p in patterns]})


@pytest.mark.parametrize(
    ("pattern", "record", "expected"),
    [
        ({"data": {"type": ["a", "b"]}}, {"data": {"type": "b"}}, True),
        ({"data": {"type": ["a"]}}, {"data": {"type": "c"}}, False),
        ({"data": {"type": [{"prefix": "order."}]}}, {"data": {"type": "order.created"}}, True),
        ({"data": {"type": [{"suffix": ".created"}]}}, {"data": {"type": "order.paid"}}, False),
        ({"data": {"x": [{"exists": False}]}}, {"data": {"type": "a"}}, True),
        ({"data": {"x": [{"exists": True}]}}, {"data": {"type": "a"}}, False),
        ({"data": {"t": [{"anything-but": ["a"]}]}}, {"data": {"t": "b"}}, True),
        ({"data": {"t": [{"anything-but": "a"}]}}, {"data": {"t": "a"}}, False),
        ({"data": {"n": [{"numeric": [">", 0, "<=", 5]}]}}, {"data": {"n": 5}}, True),
        ({"data": {"n": [{"numeric": [">", 0, "<=", 5]}]}}, {"data": {"n": 6}}, False),
        ({"data": {"n": [{"numeric": [">", 0]}]}}, {"data": {"n": "7"}}, False),
        ({"data": {"tags": ["x"]}}, {"data": {"tags": ["y", "x"]}}, True),
        ({"data": {"type": ["a"]}}, {"data": "not json"}, False),
    ],
)
def test_pattern_matching(pattern: dict, record: dict, expected: bool) -> None:
    assert criteria(pattern).matches(record) is expected


def test_any_pattern_lets_a_record_through_and_none_lets_all() -> None:
    both = criteria({"data": {"t": ["a"]}}, {"data": {"t": ["b"]}})
    assert both.matches({"data": {"t": "b"}})
    assert FilterCriteria.from_api(None).matches({"anything": 1})


@pytest.mark.parametrize(
    "pattern",
    [
        {"data": {"t": [{"cidr": "10.0.0.0/8"}]}},
        {"data": "a"},
        {"data": {"t": [{"prefix": "a", "suffix": "b"}]}},
    ],
)
def test_unsupported_syntax_is_rejected_not_ignored(pattern: dict) -> None:
    with pytest.raises(UnsupportedFilterError):
        criteria(pattern)
