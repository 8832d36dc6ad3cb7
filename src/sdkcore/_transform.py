"""TypedDict parameters to wire JSON: aliases, formats, nested types, left-out values.

Each type is compiled once into a plan: a tree of nodes (callables), one per place in
the type that changes something; parts that change nothing get no node, so their values
are handed on as they are. The only I/O is reading a file for ``format="base64"``;
``async_transform`` runs a plan that may read one in a worker thread.
"""

from __future__ import annotations

import base64
import datetime
import enum
import functools
import io
import os
import sys
import typing
from collections import abc
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Annotated, Any, Final, Literal, TypeAlias, get_args, get_origin, overload

import anyio
import pydantic
import typing_extensions
from typing_extensions import TypeIs

from ._types import NotGiven, Omit
from ._typing import is_json_object, is_typeddict, is_union

__all__ = ["PropertyInfo", "async_transform", "transform"]

FormatName: TypeAlias = Literal["iso8601", "base64", "custom"]
_FORMATS: Final = frozenset(get_args(FormatName))
#: Values left out of the wire JSON; both classes are final, so ``type(v) in`` is exact.
_LEFT_OUT: Final = frozenset({NotGiven, Omit})
_DATES: Final = (datetime.date, datetime.time)
_BYTES: Final = (bytes, bytearray)

# ``typing.TypeAliasType`` (3.12+) and the ``typing_extensions`` backport may differ.
if sys.version_info >= (3, 12):
    _ALIAS_TYPES = (typing_extensions.TypeAliasType, typing.TypeAliasType)
else:
    _ALIAS_TYPES = (typing_extensions.TypeAliasType,)
#: ``Required[X]`` and friends only say whether a key may be missing: looked through.
_QUALIFIERS: Final = frozenset(
    {typing.Required, typing.NotRequired, typing_extensions.ReadOnly}
    | {typing_extensions.Required, typing_extensions.NotRequired}
)
# What ``get_origin`` gives for ``list[X]``, ``typing.Sequence[X]``, ``Dict[K, V]``...
_JSON_ARRAYS: Final = frozenset({list, tuple, abc.Sequence, abc.MutableSequence})
_ITERABLES: Final = frozenset(
    {set, frozenset, abc.Iterable, abc.Collection, abc.Set, abc.MutableSet}
)
_ARRAYS: Final = _JSON_ARRAYS | _ITERABLES
_MAPPINGS: Final = frozenset({dict, abc.Mapping, abc.MutableMapping})
_FILE_TYPES: Final = frozenset({typing.IO, typing.BinaryIO, os.PathLike})
_FILE_CLASSES: Final = (*_BYTES, io.IOBase)
#: Iterable, but never a JSON array.
_NOT_ARRAYS: Final = (str, Mapping, pydantic.BaseModel, *_BYTES)


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyInfo:
    """How one TypedDict key goes on the wire, given as ``Annotated[X, PropertyInfo(...)]``.

    ``alias``: the key's wire name. ``format``: ``"iso8601"`` (dates, datetimes and
    times), ``"base64"`` (bytes, or a file's content: ``IO[bytes]`` or a path), or
    ``"custom"`` (``strftime(format_template)``). ``discriminator``: the key whose
    ``Literal`` value picks the member of a union of TypedDicts. A format reaches the
    values inside the lists, dicts and unions it annotates; where several annotate one
    type, for each attribute the outermost one given wins.

    Raises ``ValueError`` for an unknown format, or a template without ``"custom"``.

    >>> class Params(TypedDict, total=False):
    ...     after: Annotated[datetime, PropertyInfo(alias="createdAfter", format="iso8601")]
    """

    alias: str | None = None
    format: FormatName | None = None
    format_template: str | None = None
    discriminator: str | None = None

    def __post_init__(self) -> None:
        if self.format is not None and self.format not in _FORMATS:
            choices = ", ".join(repr(name) for name in sorted(_FORMATS))
            raise ValueError(f"PropertyInfo format must be one of {choices}; got {self.format!r}")
        if (self.format == "custom") != (self.format_template is not None):
            raise ValueError("PropertyInfo(format='custom') needs format_template, and only it")


def _merged(outer: PropertyInfo | None, inner: PropertyInfo | None) -> PropertyInfo | None:
    if outer is None or inner is None:
        return outer or inner
    alias, discriminator = outer.alias or inner.alias, outer.discriminator or inner.discriminator
    return replace(outer if outer.format else inner, alias=alias, discriminator=discriminator)


@overload
def transform(data: Mapping[str, object], expected_type: object) -> Mapping[str, object]: ...
@overload
def transform(data: object, expected_type: object) -> object: ...
def transform(data: object, expected_type: object) -> object:
    """``data`` as wire JSON for ``expected_type`` (usually a TypedDict of parameters).

    Aliased keys are renamed, formatted values formatted, ``NotGiven``/``Omit`` values
    dropped and pydantic models dumped (``mode="json"``, by alias, unset fields left
    out), through nested TypedDicts, lists, dicts, unions (the member of the value's
    shape) and ``Annotated``. Keys the type does not name pass through untouched; the
    input is never changed. A file for ``format="base64"`` is read here, whole.

    >>> transform({"after": date(2024, 5, 1), "limit": NOT_GIVEN, "x": 1}, Params)
    {'createdAfter': '2024-05-01', 'x': 1}
    """
    node = _plan_of(expected_type).node
    return data if node is None else node(data)


@overload
async def async_transform(
    data: Mapping[str, object], expected_type: object
) -> Mapping[str, object]: ...
@overload
async def async_transform(data: object, expected_type: object) -> object: ...
async def async_transform(data: object, expected_type: object) -> object:
    """``transform`` for async code: a type that reads files (``format="base64"``) is
    transformed in an anyio worker thread, so the event loop never waits on the disk.

    >>> body = await async_transform({"image": Path("cat.png")}, EditParams)
    """
    plan = _plan_of(expected_type)
    if plan.node is None:
        return data
    if plan.reads_files:
        return await anyio.to_thread.run_sync(plan.node, data)
    return plan.node(data)


# -- compiling a type into a plan --------------------------------------------------------


#: One step of a plan: the wire form of the value found at one place in the type.
_Node: TypeAlias = Callable[[object], object]


@dataclass(slots=True)
class _Plan:
    """A compiled type: its root node (``None``: nothing to do), whether applying it may
    read files, and the TypedDicts met while compiling (a type may refer to itself)."""

    node: _Node | None = None
    reads_files: bool = False
    seen: dict[Any, _TypedDictNode] = field(default_factory=dict[Any, "_TypedDictNode"])


def _plan_of(tp: object) -> _Plan:
    try:
        return _cached_plan(tp)
    except TypeError:  # unhashable metadata inside Annotated[...]
        return _compile_plan(tp)


@functools.lru_cache(maxsize=1024)
def _cached_plan(tp: object) -> _Plan:
    return _compile_plan(tp)


def _compile_plan(tp: object) -> _Plan:
    plan = _Plan()
    plan.node = _compile(tp, None, plan)
    return plan


def _unwrap(tp: Any) -> tuple[Any, PropertyInfo | None]:
    """``tp`` without type aliases, ``Annotated`` and qualifiers, and the ``PropertyInfo``."""
    info: PropertyInfo | None = None
    while True:
        if isinstance(tp, _ALIAS_TYPES):
            tp = tp.__value__
        elif get_origin(tp) is Annotated:
            for meta in tp.__metadata__:
                if isinstance(meta, PropertyInfo):
                    info = _merged(info, meta)
            tp = tp.__origin__
        elif get_origin(tp) in _QUALIFIERS:
            (tp,) = get_args(tp)
        else:
            return tp, info


def _compile(tp: Any, inherited: PropertyInfo | None, compiler: _Plan) -> _Node | None:
    tp, info = _unwrap(tp)
    info = _merged(info, inherited)
    origin, args = get_origin(tp), get_args(tp)
    if is_typeddict(tp):
        return _typeddict_node(tp, compiler)
    if is_union(tp):
        return _union_node(args, info, compiler)
    if origin in _ARRAYS and (len(args) == 1 or args[1:] == (...,)):
        item = _compile(args[0], info, compiler)
        # A list or a tuple is a JSON array already; an iterator or a set must become one.
        return None if item is None and origin in _JSON_ARRAYS else partial(_array, item)
    if origin in _MAPPINGS and len(args) == 2:
        value_node = _compile(args[1], info, compiler)
        return None if value_node is None else partial(_mapping, value_node)
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        return _dump_model
    if info is None or info.format is None:
        return None
    if info.format == "base64":
        compiler.reads_files = True
        return _base64_of
    return partial(_date, info.format_template)


def _typeddict_node(tp: Any, compiler: _Plan) -> _TypedDictNode:
    node = compiler.seen.get(tp)
    if node is not None:
        return node
    node = compiler.seen[tp] = _TypedDictNode()
    try:
        hints = typing_extensions.get_type_hints(tp, include_extras=True)
    except NameError as exc:
        raise TypeError(f"cannot resolve the annotations of {tp.__qualname__}: {exc}") from exc
    keys: dict[str, tuple[str, _Node | None]] = {}
    tags: dict[str, frozenset[object]] = {}
    for key, hint in hints.items():
        inner, info = _unwrap(hint)
        keys[key] = (info.alias if info and info.alias else key, _compile(hint, None, compiler))
        if get_origin(inner) is Literal:
            tags[key] = frozenset(get_args(inner))
    node.define(keys, tags)
    return node


def _union_node(
    members: tuple[Any, ...], info: PropertyInfo | None, compiler: _Plan
) -> _Node | None:
    compiled = [(_kind_of_type(_unwrap(m)[0]), _compile(m, info, compiler)) for m in members]
    if all(node is None for _, node in compiled):
        return None
    by_kind: dict[_Kind, list[_Node | None]] = {}
    for kind, node in compiled:
        by_kind.setdefault(kind, []).append(node)
    discriminator = info.discriminator if info else None
    return partial(_union, {kind: tuple(nodes) for kind, nodes in by_kind.items()}, discriminator)


# -- the nodes: callables from a value to its wire form -------------------------------


class _TypedDictNode:
    """A TypedDict: aliased keys renamed, known values transformed, left-out ones dropped."""

    __slots__ = ("keys", "plain", "tags")

    keys: dict[str, tuple[str, _Node | None]]
    tags: dict[str, frozenset[object]]
    plain: bool

    def define(
        self, keys: dict[str, tuple[str, _Node | None]], tags: dict[str, frozenset[object]]
    ) -> None:
        """Set the keys once their annotations are compiled (after any recursion)."""
        self.keys, self.tags = keys, tags
        self.plain = all(node is None and wire == key for key, (wire, node) in keys.items())

    def __call__(self, value: object) -> object:
        if not _is_mapping(value):
            return _dump_model(value)
        if self.plain:  # nothing to rename or transform: a copy without left-out values
            return _without_left_out(value)
        out: dict[str, object] = {}
        keys = self.keys
        for key, item in value.items():
            if type(item) in _LEFT_OUT:
                continue
            known = keys.get(key)
            if known is None:
                out[key] = item
            else:
                wire, node = known
                out[wire] = item if node is None else node(item)
        return out

    def fit(self, value: Mapping[str, object], discriminator: str | None) -> int:
        """How well ``value`` fits: shared keys, outweighed by matching ``Literal`` tags."""
        score = len(value.keys() & self.keys.keys())
        for key, allowed in self.tags.items():
            if key in value:
                weight = 1_000_000 if key == discriminator else 1_000
                score += weight if value[key] in allowed else -weight
        return score


def _array(item_node: _Node | None, value: object) -> object:
    """``list[X]``, ``Sequence[X]``, ``Iterable[X]``...: a JSON array of transformed items."""
    if not _is_array(value):
        return value
    if item_node is None:  # an iterator or a set must still become a JSON array
        return value if isinstance(value, list | tuple) else list(value)
    return [item_node(item) for item in value]


def _mapping(value_node: _Node, value: object) -> object:
    """``dict[K, V]``: keys kept, values transformed, left-out values dropped."""
    if not is_json_object(value):
        return _dump_model(value)
    return {key: value_node(item) for key, item in value.items() if type(item) not in _LEFT_OUT}


def _is_mapping(value: object) -> TypeIs[Mapping[str, object]]:
    return type(value) is dict or isinstance(value, Mapping)  # the exact check is faster


def _without_left_out(value: Mapping[str, object]) -> dict[str, object]:
    if _LEFT_OUT.isdisjoint(map(type, value.values())):  # the usual case, scanned in C
        return dict(value)
    return {key: item for key, item in value.items() if type(item) not in _LEFT_OUT}


def _dump_model(value: object) -> object:
    """A pydantic model value: dumped as JSON data, by alias, unset fields left out."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return value


def _date(template: str | None, value: object) -> object:
    """``format="iso8601"`` (no template) or ``"custom"`` (``strftime``) for dates and times."""
    if not isinstance(value, _DATES):
        return value
    return value.isoformat() if template is None else value.strftime(template)


def _base64_of(value: object) -> object:
    """``format="base64"``: bytes, or the content of a file, as base64 text."""
    if isinstance(value, _BYTES) or _is_file(value):
        data = value if isinstance(value, _BYTES) else _read(value)
        return base64.b64encode(data).decode("ascii")
    return value


class _Kind(enum.Enum):
    """The shape of a value, which picks the member of a union that describes it."""

    NONE, MAPPING, ARRAY, MODEL, DATE, FILE, OTHER = range(7)


def _union(
    by_kind: dict[_Kind, tuple[_Node | None, ...]], discriminator: str | None, value: object
) -> object:
    """A union: the member of the value's shape; among TypedDicts, the one it fits best."""
    kind = _kind_of_value(value)
    nodes = by_kind.get(kind)
    if nodes is None and kind is _Kind.MODEL:  # a model where TypedDicts are named
        nodes = by_kind.get(_Kind.MAPPING)
    if not nodes:
        return value
    node = nodes[0]
    if len(nodes) > 1 and is_json_object(value):
        node = max(nodes, key=partial(_fit, value, discriminator))
    return value if node is None else node(value)


def _fit(value: Mapping[str, object], discriminator: str | None, node: _Node | None) -> int:
    return node.fit(value, discriminator) if isinstance(node, _TypedDictNode) else 0


def _kind_of_type(tp: Any) -> _Kind:
    origin = get_origin(tp) or tp
    if tp is type(None):
        return _Kind.NONE
    if is_typeddict(tp) or origin in _MAPPINGS:
        return _Kind.MAPPING
    if origin in _ARRAYS:
        return _Kind.ARRAY
    if origin in _FILE_TYPES:
        return _Kind.FILE
    if not isinstance(tp, type):
        return _Kind.OTHER
    cls: type[object] = tp
    kinds = ((pydantic.BaseModel, _Kind.MODEL), (_DATES, _Kind.DATE), (_FILE_CLASSES, _Kind.FILE))
    kind = next((kind for base, kind in kinds if issubclass(cls, base)), _Kind.OTHER)
    return _Kind.FILE if hasattr(cls, "__fspath__") else kind


def _kind_of_value(value: object) -> _Kind:
    if value is None:
        return _Kind.NONE
    if isinstance(value, Mapping):
        return _Kind.MAPPING
    if isinstance(value, pydantic.BaseModel):
        return _Kind.MODEL
    if isinstance(value, _DATES):
        return _Kind.DATE
    if isinstance(value, _BYTES) or _is_file(value):
        return _Kind.FILE
    return _Kind.ARRAY if _is_array(value) else _Kind.OTHER


def _is_array(value: object) -> TypeIs[Iterable[object]]:
    if isinstance(value, list | tuple):
        return True
    if isinstance(value, _NOT_ARRAYS) or _is_file(value):
        return False
    return isinstance(value, Iterable)


# -- files for format="base64" -----------------------------------------------------------


def _is_path(value: object) -> TypeIs[os.PathLike[str] | os.PathLike[bytes]]:
    return isinstance(value, os.PathLike)


def _is_file(value: object) -> bool:
    return _is_path(value) or callable(getattr(value, "read", None))


def _read(content: object) -> bytes:
    if _is_path(content):
        with open(content, "rb") as file:
            return file.read()
    read: Callable[[], object] = getattr(content, "read")  # noqa: B009  # _is_file saw it
    data = read()
    if not isinstance(data, bytes):
        raise TypeError(
            f"format='base64' reads files opened in binary mode ('rb'); {content!r} gave "
            f"{type(data).__name__}, not bytes"
        )
    return data
