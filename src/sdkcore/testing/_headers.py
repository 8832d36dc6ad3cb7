"""HTTP headers as the kit reads and writes them: dicts or pairs in, case-insensitive out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TypeAlias

#: Headers as a dict, or as ``(name, value)`` pairs when a name repeats.
HeaderSpec: TypeAlias = Mapping[str, str] | Sequence[tuple[str, str]]


def header_pairs(spec: HeaderSpec | None) -> list[tuple[str, str]]:
    """Headers given as a dict or as pairs, as a list of ``(name, value)`` pairs."""
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        return [(str(name), str(value)) for name, value in spec.items()]
    return [(str(name), str(value)) for name, value in spec]


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive HTTP headers that keep repeated names.

    A repeated header reads as its values joined by ``", "``; `get_all` lists them.

    Example::

        headers = Headers([("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
        assert headers["SET-COOKIE"] == "a=1, b=2"
        assert headers.get_all("set-cookie") == ["a=1", "b=2"]
    """

    __slots__ = ("_pairs",)

    def __init__(self, headers: HeaderSpec = ()) -> None:
        self._pairs = tuple(header_pairs(headers))

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name.lower() for name, _ in self._pairs))

    def __len__(self) -> int:
        return len({name.lower() for name, _ in self._pairs})

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"

    def get_all(self, name: str) -> list[str]:
        """Every value sent for `name`, in order (``[]`` when absent)."""
        key = name.lower()
        return [value for header, value in self._pairs if header.lower() == key]

    @property
    def raw(self) -> tuple[tuple[str, str], ...]:
        """The headers as received: ``(name, value)`` pairs with their original case."""
        return self._pairs
