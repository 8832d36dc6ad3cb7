"""Small helpers that look inside type annotations at run time."""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

import typing_extensions
from typing_extensions import TypeIs

__all__ = [
    "extract_type_arg",
    "is_json_object",
    "is_typeddict",
    "is_union",
    "strip_annotated",
]

# ``typing.TypeAliasType`` (3.12+) and the ``typing_extensions`` backport may be
# distinct classes; both expose the aliased annotation as ``__value__``.
if sys.version_info >= (3, 12):
    _TYPE_ALIAS_TYPES = (typing_extensions.TypeAliasType, typing.TypeAliasType)
else:
    _TYPE_ALIAS_TYPES = (typing_extensions.TypeAliasType,)


def strip_annotated(tp: Any) -> Any:
    """Unwrap ``Annotated[X, ...]`` and ``type`` aliases until a plain annotation remains.

    >>> strip_annotated(Annotated[int, "meta"])
    <class 'int'>
    """
    while True:
        if isinstance(tp, _TYPE_ALIAS_TYPES):
            tp = tp.__value__
        elif get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
        else:
            return tp


def is_union(tp: Any) -> bool:
    """Whether ``tp`` is ``Union[...]`` or ``X | Y``."""
    origin = get_origin(tp)
    return origin is Union or origin is types.UnionType


def is_json_object(value: object) -> TypeIs[Mapping[str, object]]:
    """Whether ``value`` is a mapping, as a decoded JSON object is (its keys are strings)."""
    return isinstance(value, Mapping)


def is_typeddict(tp: Any) -> bool:
    """Whether ``tp`` is a ``TypedDict`` class (from ``typing`` or ``typing_extensions``)."""
    return typing_extensions.is_typeddict(tp)


def extract_type_arg(tp: Any, generic_bases: tuple[type, ...], *, what: str) -> Any:
    """The first type argument of ``tp`` seen as one of ``generic_bases``.

    ``tp`` may be a subscripted alias (``APIResponse[Thing]``) or a concrete
    subclass (``class BinaryAPIResponse(APIResponse[bytes])``).

    Raises ``TypeError`` naming ``what`` when no type argument can be found.
    """
    origin = get_origin(tp)
    if isinstance(origin, type) and issubclass(origin, generic_bases):
        args = get_args(tp)
        if args and not isinstance(args[0], typing.TypeVar):
            return args[0]
    if isinstance(tp, type):
        for base in _generic_bases_of(tp):
            found = _arg_of_base(base, generic_bases)
            if found is not None:
                return found
    raise TypeError(
        f"Expected {what} with a type argument, like {what}[Model]; got {tp!r}, which has none."
    )


def _generic_bases_of(cls: type) -> list[Any]:
    bases: list[Any] = []
    for klass in cls.__mro__:
        bases.extend(getattr(klass, "__orig_bases__", ()))
    return bases


def _arg_of_base(base: Any, generic_bases: tuple[type, ...]) -> Any | None:
    origin = get_origin(base)
    if not (isinstance(origin, type) and issubclass(origin, generic_bases)):
        return None
    args = get_args(base)
    if args and not isinstance(args[0], typing.TypeVar):
        return args[0]
    return None
