"""Finding the operations of a document: path items, operations and their parameters.

Path items and operations may themselves be ``$ref`` s (to other files too); path-level
parameters are merged into each operation's (the operation's win). A path key's
``?k=v`` becomes fixed query parameters and a ``#suffix`` is dropped (it only tells two
operations on one path apart). A part that cannot be read makes that operation, not
the document, fail: it comes back with ``error`` set.

Example::

    operations, skipped = collect_operations(Resolver(docs))
    [(op.method, op.path) for op in operations]   # [("get", "/things"), ...]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from .errors import SpecError
from .loader import Loc
from .model import Skipped
from .naming import snake_case
from .raw import as_list, as_mapping

if TYPE_CHECKING:
    from .refs import Resolver

__all__ = ["HTTP_METHODS", "RawOperation", "collect_operations", "split_path"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(slots=True)
class RawOperation:
    """One operation as found in the document, its refs followed.

    ``params`` are the merged parameter objects with their locations; ``error`` is the
    reason the operation cannot be generated, when one of its parts is broken.
    """

    index: int
    method: str
    wire_path: str
    path: str
    fixed_query: dict[str, str]
    op_id: str
    raw: dict[str, object]
    loc: Loc
    tags: list[str]
    params: list[tuple[dict[str, object], Loc]] = field(
        default_factory=list[tuple[dict[str, object], Loc]]
    )
    error: str | None = None


def split_path(key: str) -> tuple[str, dict[str, str]]:
    """A path key without its ``#suffix`` and ``?query``, and that query's parameters.

    >>> split_path("/responses?beta=true#v2")
    ('/responses', {'beta': 'true'})
    """
    key = key.split("#", 1)[0]
    path, _, query = key.partition("?")
    return path or "/", dict(parse_qsl(query, keep_blank_values=True))


def collect_operations(resolver: Resolver) -> tuple[list[RawOperation], list[Skipped]]:
    """Every operation of the document, in document order, and those it cannot read."""
    docs = resolver.docs
    operations: list[RawOperation] = []
    skipped: list[Skipped] = []
    paths_loc = docs.root.child("paths")
    for key, value in (as_mapping(docs.root_value.get("paths")) or {}).items():
        try:
            item, item_loc = resolver.mapping(value, paths_loc.child(key))
        except SpecError as exc:
            skipped.append(Skipped("-", "*", key, f"path item unreadable: {exc}"))
            continue
        for method in HTTP_METHODS:
            if method in item:
                found = _operation(resolver, key, method, item, item_loc, len(operations))
                if isinstance(found, Skipped):
                    skipped.append(found)
                else:
                    operations.append(found)
    return operations, skipped


def _operation(
    resolver: Resolver, key: str, method: str, item: dict[str, object], item_loc: Loc, index: int
) -> RawOperation | Skipped:
    path, fixed_query = split_path(key)
    try:
        raw, loc = resolver.mapping(item[method], item_loc.child(method))
    except SpecError as exc:
        return Skipped(
            snake_case(f"{method}_{path}"), method.upper(), key, f"operation unreadable: {exc}"
        )
    op_id = raw.get("operationId")
    if not isinstance(op_id, str) or not op_id.strip():
        op_id = snake_case(f"{method}_{path}")
    tags = [tag for tag in as_list(raw.get("tags")) if isinstance(tag, str)]
    found = RawOperation(index, method, key, path, fixed_query, op_id, raw, loc, tags)
    try:
        found.params = _parameters(resolver, item, item_loc, raw, loc)
    except SpecError as exc:
        found.error = f"parameter unreadable: {exc}"
    return found


def _parameters(
    resolver: Resolver, item: dict[str, object], item_loc: Loc, raw: dict[str, object], loc: Loc
) -> list[tuple[dict[str, object], Loc]]:
    merged: dict[tuple[str, str], tuple[dict[str, object], Loc]] = {}
    for source, where in ((item, item_loc), (raw, loc)):
        for index, value in enumerate(as_list(source.get("parameters"))):
            param, param_loc = resolver.mapping(value, where.child("parameters", index))
            name, place = param.get("name"), param.get("in")
            if not isinstance(name, str) or not isinstance(place, str):
                raise SpecError(
                    "a parameter needs a name and an 'in'", where=resolver.docs.describe(param_loc)
                )
            merged[name, place] = (param, param_loc)
    return list(merged.values())
