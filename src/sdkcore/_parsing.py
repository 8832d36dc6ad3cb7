"""Turning a read response body into the type a call declared.

``target_kind(tp)`` classifies a target once per type (cached); ``parse_body``
dispatches on that kind through a table. Stream targets are not handled here:
they need the unread response and live in the response layer.
"""

from __future__ import annotations

import enum
import functools
import json
from collections.abc import Callable
from typing import Any, Final, TypeVar, cast, get_origin

import httpx2
import pydantic

from ._binary import HttpxBinaryResponseContent
from ._exceptions import APIResponseValidationError
from ._models import BaseModel, is_invalid_json, load_json
from ._typing import is_typeddict, is_union, strip_annotated

__all__ = [
    "SUPPORTED_TARGETS",
    "TargetKind",
    "is_json_media_type",
    "json_or_text",
    "parse_body",
    "target_kind",
]

_T = TypeVar("_T")


class TargetKind(enum.Enum):
    """How a parse target is built from the body."""

    NONE = "None"
    TEXT = "str"
    BYTES = "bytes"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    RESPONSE = "httpx2.Response"
    BINARY = "HttpxBinaryResponseContent"
    JSON = (
        "a sdkcore.BaseModel subclass, list[...], dict[...], a union, Annotated[...], "
        "a type alias, a TypedDict or object"
    )


#: The parse targets, as error messages and docs name them.
SUPPORTED_TARGETS: Final = ", ".join(kind.value for kind in TargetKind)

_EXACT_TARGETS: Final[dict[object, TargetKind]] = {
    type(None): TargetKind.NONE,
    None: TargetKind.NONE,
    str: TargetKind.TEXT,
    bytes: TargetKind.BYTES,
    int: TargetKind.INT,
    float: TargetKind.FLOAT,
    bool: TargetKind.BOOL,
    httpx2.Response: TargetKind.RESPONSE,
    HttpxBinaryResponseContent: TargetKind.BINARY,
    object: TargetKind.JSON,
    list: TargetKind.JSON,
    dict: TargetKind.JSON,
}


def target_kind(tp: object) -> TargetKind:
    """Classify a parse target (cached per hashable target).

    Raises ``ValueError`` for a subclass of ``httpx2.Response``, ``TypeError`` for
    a pydantic model not derived from ``sdkcore.BaseModel`` and ``RuntimeError``
    for anything that is not a supported target.
    """
    try:
        return _cached_kind(tp)
    except TypeError as exc:
        if "unhashable" not in str(exc):
            raise
        return _kind(tp)


@functools.lru_cache(maxsize=1024)
def _cached_kind(tp: Any) -> TargetKind:
    return _kind(tp)


def _kind(tp: object) -> TargetKind:
    base = strip_annotated(tp)
    kind = _EXACT_TARGETS.get(base)
    if kind is not None:
        return kind
    if isinstance(base, type):
        return _class_kind(base)
    if get_origin(base) in (list, dict) or is_union(base):
        return TargetKind.JSON
    raise RuntimeError(f"Unsupported parse target {tp!r}; supported are: {SUPPORTED_TARGETS}.")


def _class_kind(cls: type) -> TargetKind:
    if issubclass(cls, httpx2.Response):
        raise ValueError(
            f"{cls!r} is a subclass of httpx2.Response; only httpx2.Response itself "
            "can be a parse target."
        )
    if issubclass(cls, BaseModel) or is_typeddict(cls):
        return TargetKind.JSON
    if issubclass(cls, pydantic.BaseModel):
        raise TypeError(
            f"{cls.__qualname__} derives from pydantic.BaseModel; response models must "
            "derive from sdkcore.BaseModel."
        )
    raise RuntimeError(f"Unsupported parse target {cls!r}; supported are: {SUPPORTED_TARGETS}.")


def is_json_media_type(content_type: str) -> bool:
    """Whether a Content-Type names JSON: ``application/json`` or ``application/*+json``.

    >>> is_json_media_type("Application/Problem+JSON; charset=utf-8")
    True
    """
    media = content_type.partition(";")[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


def parse_body(tp: type[_T], response: httpx2.Response, *, strict: bool) -> _T:
    """Build ``tp`` from the (already read) body of ``response``.

    Raises ``APIResponseValidationError`` for a JSON body that is not JSON, and in
    strict mode for a body that does not fit ``tp``; see ``target_kind`` for the rest.
    """
    parser = _PARSERS[target_kind(tp)]
    return cast("_T", parser(tp, response, strict))


def _parse_json(tp: Any, response: httpx2.Response, strict: bool) -> object:
    content = response.content
    try:
        return load_json(tp, content, strict=strict)
    except pydantic.ValidationError as exc:
        if not is_invalid_json(exc):
            raise APIResponseValidationError(response, json_or_text(response)) from exc
        if strict or is_json_media_type(response.headers.get("content-type", "")):
            raise APIResponseValidationError(
                response, response.text, message="The response body is not valid JSON."
            ) from None
        return response.text


def json_or_text(response: httpx2.Response) -> object:
    """The (read) body as JSON when it parses, else as text: what an error carries."""
    try:
        return json.loads(response.content)
    except ValueError:
        return response.text


def _parse_bool(_tp: Any, response: httpx2.Response, _strict: bool) -> bool:
    return response.text.strip().lower() == "true"


_Parser = Callable[[Any, httpx2.Response, bool], object]

_PARSERS: Final[dict[TargetKind, _Parser]] = {
    TargetKind.NONE: lambda _tp, _response, _strict: None,
    TargetKind.TEXT: lambda _tp, response, _strict: response.text,
    TargetKind.BYTES: lambda _tp, response, _strict: response.content,
    TargetKind.INT: lambda _tp, response, _strict: int(response.text),
    TargetKind.FLOAT: lambda _tp, response, _strict: float(response.text),
    TargetKind.BOOL: _parse_bool,
    TargetKind.RESPONSE: lambda _tp, response, _strict: response,
    TargetKind.BINARY: lambda _tp, response, _strict: HttpxBinaryResponseContent(response),
    TargetKind.JSON: _parse_json,
}
