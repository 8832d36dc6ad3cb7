"""Query strings: nested objects and arrays in every convention, scalars, left-out values."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import httpx2
import pytest

from sdkcore._qs import Querystring
from sdkcore._types import NOT_GIVEN, Omit

if TYPE_CHECKING:
    from collections.abc import Mapping

NESTED = {"a": {"b": 1, "c": {"d": "x"}}}
ARRAY = {"a": [1, 2]}


class Color(enum.Enum):
    RED = "red"


def items(params: Mapping[str, object], **formats: str) -> list[tuple[str, str]]:
    return Querystring(**formats).stringify_items(params)  # type: ignore[arg-type]  # formats vary per test


def test_default_format_is_repeat_and_brackets() -> None:
    assert Querystring() == Querystring(array_format="repeat", nested_format="brackets")


@pytest.mark.parametrize(
    ("array_format", "expected"),
    [
        ("repeat", [("a", "1"), ("a", "2")]),
        ("comma", [("a", "1,2")]),
        ("brackets", [("a[]", "1"), ("a[]", "2")]),
        ("indices", [("a[0]", "1"), ("a[1]", "2")]),
    ],
)
def test_arrays_follow_the_array_format(array_format: str, expected: list[tuple[str, str]]) -> None:
    assert items(ARRAY, array_format=array_format) == expected


@pytest.mark.parametrize(
    ("array_format", "expected"),
    [
        ("repeat", "a=1&a=2"),
        ("comma", "a=1,2"),
        ("brackets", "a%5B%5D=1&a%5B%5D=2"),
        ("indices", "a%5B0%5D=1&a%5B1%5D=2"),
    ],
)
def test_stringify_percent_encodes_each_array_format(array_format: str, expected: str) -> None:
    assert Querystring(array_format=array_format).stringify(ARRAY) == expected  # type: ignore[arg-type]  # parametrised


def test_nested_objects_use_brackets_by_default() -> None:
    assert items(NESTED) == [("a[b]", "1"), ("a[c][d]", "x")]


def test_nested_objects_use_dots_when_asked() -> None:
    assert items(NESTED, nested_format="dots") == [("a.b", "1"), ("a.c.d", "x")]


@pytest.mark.parametrize(
    ("formats", "expected"),
    [
        ({"array_format": "indices"}, [("a[0][b]", "1"), ("a[1][b]", "2")]),
        ({"array_format": "brackets"}, [("a[][b]", "1"), ("a[][b]", "2")]),
        ({"array_format": "repeat"}, [("a[b]", "1"), ("a[b]", "2")]),
        ({"array_format": "indices", "nested_format": "dots"}, [("a[0].b", "1"), ("a[1].b", "2")]),
    ],
)
def test_arrays_of_objects_nest_their_keys(
    formats: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert items({"a": [{"b": 1}, {"b": 2}]}, **formats) == expected


def test_objects_of_arrays_nest_their_keys() -> None:
    assert items({"f": {"ids": [1, 2]}}, array_format="indices", nested_format="dots") == [
        ("f.ids[0]", "1"),
        ("f.ids[1]", "2"),
    ]
    assert items({"f": {"ids": [1, 2]}}, array_format="comma") == [("f[ids]", "1,2")]


def test_arrays_of_arrays_nest_per_format() -> None:
    assert items({"m": [[1, 2], [3]]}, array_format="indices") == [
        ("m[0][0]", "1"),
        ("m[0][1]", "2"),
        ("m[1][0]", "3"),
    ]
    assert items({"m": [[1], [2]]}, array_format="brackets") == [("m[][]", "1"), ("m[][]", "2")]


def test_comma_format_refuses_arrays_of_objects_naming_the_key() -> None:
    with pytest.raises(ValueError, match=r"'filters'.*'comma'.*brackets"):
        items({"filters": [{"a": 1}]}, array_format="comma")


def test_booleans_are_written_true_and_false() -> None:
    assert items({"on": True, "off": False, "list": [True]}) == [
        ("on", "true"),
        ("off", "false"),
        ("list", "true"),
    ]


def test_none_is_left_out_at_every_depth() -> None:
    params = {"a": None, "b": [1, None, 2], "c": {"d": None, "e": 3}, "f": [None]}
    assert items(params, array_format="indices") == [("b[0]", "1"), ("b[1]", "2"), ("c[e]", "3")]
    assert items(params, array_format="comma") == [("b", "1,2"), ("c[e]", "3")]


def test_not_given_and_omit_are_left_out() -> None:
    params = {"a": NOT_GIVEN, "b": Omit(), "c": {"d": NOT_GIVEN}, "e": [Omit(), 1]}
    assert items(params) == [("e", "1")]


def test_empty_arrays_and_objects_send_nothing() -> None:
    for array_format in ("repeat", "comma", "brackets", "indices"):
        assert items({"a": [], "b": {}}, array_format=array_format) == []


def test_dates_and_datetimes_are_iso_8601() -> None:
    moment = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
    assert items({"day": datetime.date(2024, 5, 1), "at": moment}) == [
        ("day", "2024-05-01"),
        ("at", "2024-05-01T12:30:00+00:00"),
    ]


def test_numbers_and_enums_are_written_as_text() -> None:
    assert items({"n": 3, "x": 1.5, "c": Color.RED}) == [("n", "3"), ("x", "1.5"), ("c", "red")]


def test_a_value_with_no_text_form_raises_type_error_naming_its_key() -> None:
    with pytest.raises(TypeError, match=r"'a\[b\]'.*bytes"):
        items({"a": {"b": b"raw"}})


def test_stringify_encodes_reserved_characters_in_keys_and_values() -> None:
    text = Querystring().stringify({"q": "a b&c=d/e?#%+é", "k&y": "1"})
    assert text == "q=a%20b%26c%3Dd%2Fe%3F%23%25%2B%C3%A9&k%26y=1"
    assert parse_qsl(text) == [("q", "a b&c=d/e?#%+é"), ("k&y", "1")]


def test_stringify_keeps_commas_inside_comma_array_values_apart_from_separators() -> None:
    assert Querystring(array_format="comma").stringify({"a": ["x,y", "z"]}) == "a=x%2Cy,z"


def test_stringify_round_trips_through_a_standard_parser() -> None:
    qs = Querystring(array_format="indices")
    params = {"filter": {"tags": ["a b", "c"], "open": True}, "limit": 10}
    assert parse_qsl(qs.stringify(params)) == qs.stringify_items(params)


def test_stringify_items_are_sent_as_given_by_httpx2() -> None:
    pairs = Querystring(array_format="brackets").stringify_items({"ids": [1, 2], "q": "a b"})
    url = httpx2.Request("GET", "https://example.test/things", params=tuple(pairs)).url
    assert url.params.multi_items() == [("ids[]", "1"), ("ids[]", "2"), ("q", "a b")]


@pytest.mark.parametrize(
    "formats", [{"array_format": "csv"}, {"nested_format": "dot"}, {"array_format": "Repeat"}]
)
def test_an_unknown_format_name_raises_value_error_listing_the_choices(
    formats: dict[str, str],
) -> None:
    with pytest.raises(ValueError, match=r"must be one of .*'brackets'"):
        Querystring(**formats)  # type: ignore[arg-type]  # the point of the test


def test_a_format_that_is_not_a_string_raises_type_error() -> None:
    with pytest.raises(TypeError, match="array_format must be a string"):
        Querystring(array_format=1)  # type: ignore[arg-type]  # the point of the test


def test_a_querystring_is_immutable_and_hashable() -> None:
    qs = Querystring(array_format="comma")
    with pytest.raises(dataclasses.FrozenInstanceError):
        qs.array_format = "repeat"  # type: ignore[misc]  # the point of the test
    assert hash(qs) == hash(Querystring(array_format="comma"))
