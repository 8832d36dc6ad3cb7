"""What an operation answers: a JSON type, an event stream, a binary body, text, or nothing.

The first 2xx response (``default`` when there is none) decides. JSON wins over other
media types; ``text/event-stream`` beside JSON makes a stream when the request body
has a boolean ``stream`` property (or the configuration says so), alone it is always
a stream. ``application/octet-stream``, ``audio/*``, ``image/*``, ``video/*`` and
``format: binary`` bodies are binary. List endpoints that match sdkcore's pages
(a ``data`` array, plus ``has_more`` and an ``after`` parameter for cursor pages,
an ``offset`` parameter for offset pages, a ``Link`` header for link pages) return
pages.

Example::

    response = response_of(schemas, raw, "ThingsList", params, OperationConfig(), has_flag=False)
    response.page   # "cursor"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .finalize import object_of
from .model import ListOf, PageKind, Param, Prim, Response, TypeExpr
from .raw import as_mapping
from .typeexpr import strip_none

if TYPE_CHECKING:
    from collections.abc import Callable

    from .collect import RawOperation
    from .config import OperationConfig
    from .schemas import Schemas

__all__ = ["media_kind", "page_of", "response_of"]

_BINARY_PREFIXES = ("audio/", "image/", "video/", "font/")
_JSON_LINES = frozenset(
    {
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/jsonlines",
    }
)
_BINARY_TYPES = frozenset(
    {"application/octet-stream", "application/pdf", "application/zip", "application/gzip"}
)
#: The only fields besides ``data`` a single-page answer may have to become a `SyncPage`
#: (anything else, paging hints included, keeps the answer's own model).
_PAGE_FIELDS = frozenset({"data", "object", "type", "first_id", "last_id"})
_FORCED: dict[str, PageKind] = {"cursor": "cursor", "offset": "offset", "page": "page"}


def media_kind(media: str, schema: object) -> Literal["json", "sse", "jsonl", "binary", "text"]:
    """How a response media type is read."""
    base = media.split(";", 1)[0].strip().lower()
    if base == "text/event-stream":
        return "sse"
    if base in _JSON_LINES:
        return "jsonl"
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if (as_mapping(schema) or {}).get("format") == "binary":
        return "binary"
    if base in _BINARY_TYPES or base.startswith(_BINARY_PREFIXES):
        return "binary"
    if base == "*/*":
        return "json"
    return "text"


def _success(responses: dict[str, object]) -> str | None:
    codes = sorted(code for code in responses if code.isdigit() and code.startswith("2"))
    codes += [code for code in responses if code.upper() == "2XX"]
    if codes:
        return codes[0]
    return "default" if "default" in responses else None


def response_of(
    schemas: Schemas,
    raw: RawOperation,
    hint: str,
    params: list[Param],
    settings: OperationConfig,
    *,
    has_flag: bool,
) -> Response:
    """The `Response` of ``raw``; raises `SpecError` when its response cannot be read."""
    responses = as_mapping(raw.raw.get("responses")) or {}
    code = _success(responses)
    if code is None:
        return Response("none")
    value, loc = schemas.resolver.mapping(responses[code], raw.loc.child("responses", code))
    found: dict[str, tuple[str, object]] = {}
    for media, entry in (as_mapping(value.get("content")) or {}).items():
        schema = (as_mapping(entry) or {}).get("schema", {})
        found.setdefault(media_kind(media, schema), (media, schema))

    def type_of(kind: str, suffix: str) -> TypeExpr:
        media, schema = found[kind]
        return schemas.type_of(schema, loc.child("content", media, "schema"), hint + suffix)

    stream = _stream_mode(settings.stream, "sse" in found, len(found) > 1, has_flag)
    response = _pick(found, stream, type_of)
    if stream != "never" and "sse" in found:
        response.stream_type = type_of("sse", "Event")
    schemas.drain()
    if response.kind == "json" and response.type is not None and stream == "never":
        has_link = any(name.lower() == "link" for name in as_mapping(value.get("headers")) or {})
        response.page, response.item_type = page_of(
            schemas, response.type, params, settings.page, has_link=has_link, method=raw.method
        )
    return response


def _pick(
    found: dict[str, tuple[str, object]],
    stream: Literal["never", "always", "flag"],
    type_of: Callable[[str, str], TypeExpr],
) -> Response:
    """The answer among the media types found: JSON, else a stream, binary, text or none."""
    if "json" in found and stream != "always":
        return Response("json", type_of("json", "Response"), found["json"][0], stream)
    if stream == "always":
        return Response("json", None, found.get("sse", ("text/event-stream", {}))[0], stream)
    if "jsonl" in found:
        return Response("jsonl", type_of("jsonl", "Line"), found["jsonl"][0])
    for kind in ("binary", "text", "sse"):
        # An event stream configured never to stream is read whole, as text.
        if kind in found:
            text = Prim("str") if kind != "binary" else None
            return Response("binary" if kind == "binary" else "text", text, found[kind][0])
    return Response("none")


def _stream_mode(
    setting: bool | str | None, has_sse: bool, has_other: bool, has_flag: bool
) -> Literal["never", "always", "flag"]:
    """``always`` when the event stream is the only answer; ``flag`` beside another one
    when the body can ask for it; else ``never``."""
    if setting is True:
        return "always"
    if setting is False or not has_sse:
        return "never"
    if isinstance(setting, str) or (has_other and has_flag):
        return "flag"
    return "never" if has_other else "always"


def page_of(
    schemas: Schemas,
    expr: TypeExpr,
    params: list[Param],
    setting: str | None,
    *,
    has_link: bool,
    method: str = "get",
) -> tuple[PageKind | None, TypeExpr | None]:
    """The page kind and item type for a list answer, or ``(None, None)``.

    Only ``GET`` operations become pages unless the configuration names a page kind.
    """
    if setting == "none" or (setting is None and method != "get"):
        return None, None
    if isinstance(expr, ListOf) and (has_link or setting == "link"):
        return "link", expr.item
    target = object_of(schemas.defs, expr)
    fields = {field.wire: field for field in target.fields} if target is not None else {}
    data = strip_none(fields["data"].type) if "data" in fields else None
    if not isinstance(data, ListOf):
        return None, None
    query = {param.wire for param in params if param.location == "query"}
    if setting is not None and setting in _FORCED:
        return _FORCED[setting], data.item
    if "has_more" in fields and "after" in query:
        return "cursor", data.item
    if "offset" in query:
        return "offset", data.item
    if set(fields) <= _PAGE_FIELDS:
        return "page", data.item
    return None, None
