"""Query strings and path templates: request parameters written into a URL.

* ``Querystring`` flattens nested parameters into ``(key, value)`` pairs in one of
  the conventions APIs expect (``a[b]=1`` or ``a.b=1``; arrays repeated, joined with
  commas, or written with ``[]`` or ``[0]``).
* ``path_template`` fills ``{name}`` placeholders so that each value is exactly one
  path segment, whatever it contains.

Both are pure functions of their input: no I/O, no client.
"""

from __future__ import annotations

import datetime
import enum
import re
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal, TypeAlias, get_args
from urllib.parse import quote

from typing_extensions import TypeIs

from ._types import NotGiven, Omit
from ._typing import is_json_object

__all__ = ["ArrayFormat", "NestedFormat", "Querystring", "path_template", "scalar_text"]

ArrayFormat: TypeAlias = Literal["repeat", "comma", "brackets", "indices"]
NestedFormat: TypeAlias = Literal["brackets", "dots"]

_ARRAY_FORMATS: Final = frozenset(get_args(ArrayFormat))
_NESTED_FORMATS: Final = frozenset(get_args(NestedFormat))

#: Values that never reach the wire: ``None`` and the two "left out" sentinels.
_ABSENT: Final = (type(None), NotGiven, Omit)
#: Scalars written with ``str()``; ``bool`` is caught before ``int``.
_TEXT_SCALARS: Final = (str, int, float, Decimal, uuid.UUID)
_DATES: Final = (datetime.datetime, datetime.date, datetime.time)


@dataclass(frozen=True, slots=True)
class Querystring:
    """How nested query parameters are written: one value object per convention.

    ``array_format``: ``"repeat"`` (``a=1&a=2``), ``"comma"`` (``a=1,2``),
    ``"brackets"`` (``a[]=1&a[]=2``) or ``"indices"`` (``a[0]=1&a[1]=2``).
    ``nested_format``: ``"brackets"`` (``a[b]=1``) or ``"dots"`` (``a.b=1``).
    ``True``/``False`` are written ``true``/``false``; ``None``, ``NotGiven`` and
    ``Omit`` are left out (inside arrays and objects too); dates are ISO 8601.

    Raises ``ValueError`` for an unknown format name.

    >>> Querystring(array_format="brackets").stringify({"ids": [1, 2], "f": {"on": True}})
    'ids%5B%5D=1&ids%5B%5D=2&f%5Bon%5D=true'
    """

    array_format: ArrayFormat = "repeat"
    nested_format: NestedFormat = "brackets"

    def __post_init__(self) -> None:
        _check_choice("array_format", self.array_format, _ARRAY_FORMATS)
        _check_choice("nested_format", self.nested_format, _NESTED_FORMATS)

    def stringify(self, params: Mapping[str, object]) -> str:
        """The parameters as a percent-encoded query string (no leading ``?``).

        Every character outside RFC 3986's unreserved set is percent-encoded (a
        space as ``%20``), except the commas that join a ``"comma"`` array, so a
        comma inside a value (``%2C``) stays distinguishable from a separator.
        Raises ``TypeError`` for a value that has no query-string form.

        >>> Querystring().stringify({"q": "a b", "tags": ["x", "y"], "skip": None})
        'q=a%20b&tags=x&tags=y'
        """
        return "&".join(
            f"{_encode(key)}={_encode_value(value)}" for key, value in self._flatten(params)
        )

    def stringify_items(self, params: Mapping[str, object]) -> list[tuple[str, str]]:
        """The parameters as unencoded ``(key, value)`` pairs, e.g. for httpx2's ``params=``.

        A ``"comma"`` array arrives as one value joined with ``,``.

        >>> Querystring(nested_format="dots").stringify_items({"page": {"size": 10}})
        [('page.size', '10')]
        """
        return [
            (key, ",".join(value) if isinstance(value, _Joined) else value)
            for key, value in self._flatten(params)
        ]

    # -- flattening ------------------------------------------------------------------

    def _flatten(self, params: Mapping[str, object]) -> Iterator[tuple[str, str | _Joined]]:
        for key, value in params.items():
            yield from self._pairs(str(key), value)

    def _pairs(self, key: str, value: object) -> Iterator[tuple[str, str | _Joined]]:
        if isinstance(value, _ABSENT):
            return
        if is_json_object(value):
            for name, item in value.items():
                yield from self._pairs(self._child_key(key, str(name)), item)
        elif _is_array(value):
            yield from self._array_pairs(key, [item for item in value if not _is_absent(item)])
        else:
            yield key, scalar_text(value, key=key)

    def _child_key(self, key: str, name: str) -> str:
        return f"{key}.{name}" if self.nested_format == "dots" else f"{key}[{name}]"

    def _array_pairs(self, key: str, items: list[object]) -> Iterator[tuple[str, str | _Joined]]:
        if self.array_format == "comma":
            if items:
                yield key, _Joined(_comma_item(key, item) for item in items)
            return
        for index, item in enumerate(items):
            yield from self._pairs(self._item_key(key, index), item)

    def _item_key(self, key: str, index: int) -> str:
        if self.array_format == "brackets":
            return f"{key}[]"
        if self.array_format == "indices":
            return f"{key}[{index}]"
        return key


class _Joined(tuple[str, ...]):
    """The items of a ``"comma"`` array, kept apart until they are encoded."""

    __slots__ = ()


def _check_choice(option: str, value: object, allowed: frozenset[str]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"Querystring {option} must be a string, got {type(value).__name__}")
    if value not in allowed:
        choices = ", ".join(repr(choice) for choice in sorted(allowed))
        raise ValueError(f"Querystring {option} must be one of {choices}; got {value!r}")


def _is_absent(value: object) -> bool:
    return isinstance(value, _ABSENT)


def _is_array(value: object) -> TypeIs[Collection[object]]:
    return isinstance(value, Sequence | Set) and not isinstance(value, str | bytes | bytearray)


def _comma_item(key: str, item: object) -> str:
    if is_json_object(item) or _is_array(item):
        raise ValueError(
            f"query parameter {key!r}: the 'comma' array format joins plain values only, "
            f"and this array holds a {type(item).__name__}; use array_format='brackets' "
            "or 'indices' for arrays of objects or arrays"
        )
    return scalar_text(item, key=key)


def scalar_text(value: object, *, key: str) -> str:
    """One scalar parameter as text: ``true``/``false``, numbers, ISO 8601 dates, enums' values.

    Raises ``TypeError`` naming ``key`` for a value that has no text form.

    >>> scalar_text(True, key="flag"), scalar_text(datetime.date(2024, 5, 1), key="day")
    ('true', '2024-05-01')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return scalar_text(value.value, key=key)
    if isinstance(value, _TEXT_SCALARS):
        return str(value)
    if isinstance(value, _DATES):
        return value.isoformat()
    raise TypeError(
        f"parameter {key!r}: cannot write a {type(value).__name__} as text; give a str, "
        "number, bool, date, enum, or a mapping or list of those"
    )


def _encode(text: str) -> str:
    return quote(text, safe="")


def _encode_value(value: str | _Joined) -> str:
    if isinstance(value, _Joined):
        return ",".join(_encode(item) for item in value)
    return _encode(value)


# -- path templates --------------------------------------------------------------------

_PLACEHOLDER: Final = re.compile(r"\{([^{}]*)\}")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Values that would be read as a dot segment, and what is sent instead.
_DOT_SEGMENTS: Final = {".": "%2E", "..": "%2E%2E"}


def path_template(template: str, /, **params: object) -> str:
    """Fill each ``{name}`` of ``template`` with its value, percent-encoded as one path segment.

    Every character outside RFC 3986's unreserved set (``A-Z a-z 0-9 - . _ ~``) is
    encoded, ``/``, ``?``, ``#``, ``%``, ``:`` and spaces included, as UTF-8; a value
    of ``.`` or ``..`` is sent as ``%2E`` / ``%2E%2E``. So a value can never change
    which path is called: httpx2 keeps existing ``%XX`` escapes as they are and
    removes only literal ``.``/``..`` segments (also when it joins the base URL), so
    what this returns is what the server receives; ``:`` is encoded because a first
    segment like ``evil.example:80`` would otherwise be joined as a URL scheme.
    Values are ``str`` or ``int``.

    Raises ``ValueError`` naming the parameter for an empty value, a placeholder
    with no value, a value with no placeholder or a malformed placeholder, and
    ``TypeError`` for a value of another type.

    >>> path_template("/files/{file_id}/content", file_id="../admin")
    '/files/..%2Fadmin/content'
    """
    names = _placeholders(template)
    unused = params.keys() - set(names)
    if unused:
        raise ValueError(f"path_template got {_listed(unused)} with no placeholder in {template!r}")
    missing = [name for name in names if params.get(name) is None]
    if missing:
        raise ValueError(f"path_template {template!r} has no value for {_listed(missing)}")
    return _PLACEHOLDER.sub(lambda match: _segment(match[1], params[match[1]]), template)


def _placeholders(template: str) -> list[str]:
    names = [match[1] for match in _PLACEHOLDER.finditer(template)]
    for name in names:
        if not _NAME.fullmatch(name):
            raise ValueError(f"path_template {template!r}: {{{name}}} is not a parameter name")
    rest = _PLACEHOLDER.sub("", template)
    if "{" in rest or "}" in rest:
        raise ValueError(f"path_template {template!r} has an unmatched brace")
    return list(dict.fromkeys(names))


def _segment(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(
            f"path parameter {name!r} must be a str or an int, got {type(value).__name__}"
        )
    text = str(value)
    if not text:
        raise ValueError(f"path parameter {name!r} is empty; it must name something")
    return _DOT_SEGMENTS.get(text) or quote(text, safe="")


def _listed(names: Iterable[str]) -> str:
    return ", ".join(repr(name) for name in sorted(names))
