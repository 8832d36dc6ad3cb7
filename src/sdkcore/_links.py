"""RFC 8288 ``Link`` headers: the links a response names, and its ``rel="next"`` one.

The parser reads a header in one pass and never raises: a malformed entry is skipped
up to the next top-level comma, so one bad link does not hide the others. Commas and
semicolons inside ``<...>`` and inside quoted strings are part of them. Several
``Link`` headers read as one, joined with commas (as RFC 9110 allows). Parameter
names and relation types compare case-insensitively; of a repeated parameter the
first occurrence counts (RFC 8288, section 3). Targets are returned as written:
resolving a relative one is the caller's business (against the request's URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = ["Link", "next_link", "parse_link_header"]

_SPACE: Final = " \t"
_NAME_ENDS: Final = "=;, \t"
_TOKEN_ENDS: Final = ";, \t"


@dataclass(frozen=True, slots=True)
class Link:
    """One link of a ``Link`` header: its target as written and its parameters.

    ``params`` holds the parameter names in lower case, values unquoted.

    >>> (link,) = parse_link_header('<https://api.example.com/things?page=2>; rel="next"')
    >>> link.url, link.rels
    ('https://api.example.com/things?page=2', frozenset({'next'}))
    """

    url: str
    params: Mapping[str, str]

    @property
    def rels(self) -> frozenset[str]:
        """The relation types of the link, in lower case (``rel="next last"`` has two)."""
        return frozenset(self.params.get("rel", "").lower().split())


def parse_link_header(value: str) -> list[Link]:
    """Every well-formed link of a ``Link`` header value, in order.

    >>> [link.url for link in parse_link_header('</p/2>; rel=next, </p/9>; rel="last"')]
    ['/p/2', '/p/9']
    """
    links: list[Link] = []
    at = 0
    while at < len(value):
        at = _skip(value, at, " \t,")
        if at < len(value):
            link, at = _link_at(value, at)
            if link is not None:
                links.append(link)
    return links


def next_link(values: Iterable[str]) -> str | None:
    """The target of the first ``rel="next"`` link in the values of ``Link`` headers.

    A link with an ``anchor`` is about another resource than the response, so it is
    not this page's next one.

    >>> next_link(['<https://h/x?page=1>; rel="prev"', '<https://h/x?page=3>; rel="next"'])
    'https://h/x?page=3'
    """
    for link in parse_link_header(", ".join(values)):
        if "next" in link.rels and "anchor" not in link.params:
            return link.url
    return None


def _link_at(value: str, at: int) -> tuple[Link | None, int]:
    """The link starting at ``at`` (or ``None`` for a malformed one) and where it ends."""
    if value[at] != "<":
        return None, _skip_to(value, at, ",")
    close = value.find(">", at + 1)
    if close < 0:
        return None, len(value)
    params, end = _params(value, close + 1)
    return Link(value[at + 1 : close].strip(), params), end


def _params(value: str, at: int) -> tuple[dict[str, str], int]:
    """The ``; name=value`` parameters from ``at`` up to the comma ending the link."""
    params: dict[str, str] = {}
    while True:
        at = _skip(value, at, _SPACE)
        if at >= len(value) or value[at] == ",":
            return params, at
        if value[at] != ";":
            at = _skip_to(value, at, ";,")  # stray text: drop it, keep the rest
            continue
        name, param_value, at = _param(value, at + 1)
        if name and name not in params:
            params[name] = param_value


def _param(value: str, at: int) -> tuple[str, str, int]:
    """One parameter after its ``;``: its lower-cased name, its value and where it ends."""
    at = _skip(value, at, _SPACE)
    name, at = _run(value, at, _NAME_ENDS)
    at = _skip(value, at, _SPACE)
    if at >= len(value) or value[at] != "=":
        return name.lower(), "", at
    at = _skip(value, at + 1, _SPACE)
    if at < len(value) and value[at] == '"':
        text, at = _quoted(value, at)
        return name.lower(), text, at
    token, at = _run(value, at, _TOKEN_ENDS)
    return name.lower(), token, at


def _quoted(value: str, at: int) -> tuple[str, int]:
    """The text of the quoted string opening at ``at`` and the index after it."""
    chars: list[str] = []
    at += 1
    while at < len(value):
        char = value[at]
        if char == '"':
            return "".join(chars), at + 1
        if char == "\\" and at + 1 < len(value):
            at += 1
            char = value[at]
        chars.append(char)
        at += 1
    return "".join(chars), at  # unterminated: the rest of the header


def _run(value: str, at: int, ends: str) -> tuple[str, int]:
    start = at
    while at < len(value) and value[at] not in ends:
        at += 1
    return value[start:at], at


def _skip(value: str, at: int, chars: str) -> int:
    while at < len(value) and value[at] in chars:
        at += 1
    return at


def _skip_to(value: str, at: int, stops: str) -> int:
    """The index of the next of ``stops`` from ``at``, outside quoted strings and ``<...>``."""
    while at < len(value) and value[at] not in stops:
        if value[at] == '"':
            at = _quoted(value, at)[1]
        elif value[at] == "<":
            close = value.find(">", at + 1)
            at = len(value) if close < 0 else close + 1
        else:
            at += 1
    return at
