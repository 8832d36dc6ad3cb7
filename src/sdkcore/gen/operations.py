"""One collected operation into the model's `Operation`: arguments, body and answer.

Arguments keep the document's names in snake_case (the wire name is kept beside
them); an object body is spread into keyword arguments, anything else is one
``body`` argument. An operation that cannot be called through sdkcore (a request
body that is neither JSON nor multipart, a file inside a nested multipart field)
raises `UnsupportedError`, and is reported instead of generated.

Example::

    builder = OperationBuilder(schemas, config)
    operation = builder.build(raw, ("chat", "completions"), "create")
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from .errors import SpecError
from .keywords import description_of
from .model import Body, DefRef, ListOf, ObjectDef, Operation, Param, Prim, TypeExpr, UnionOf
from .naming import Namer, pascal_case, snake_case
from .raw import as_mapping
from .responses import response_of
from .typeexpr import strip_none

if TYPE_CHECKING:
    from .collect import RawOperation
    from .config import Config
    from .loader import Loc
    from .schemas import Schemas

__all__ = ["ARGUMENT_RESERVED", "OperationBuilder", "UnsupportedError", "is_file_type"]

#: Keyword-argument names every method already has, or that its body uses.
ARGUMENT_RESERVED = frozenset(
    {
        "self", "extra_headers", "extra_query", "extra_body", "timeout", "builtins", "httpx2",
        "typing", "sdkcore", "cast", "make_request_options", "path_template", "transform",
        "async_transform", "stream_cls", "upload_progress",
    }
)  # fmt: skip
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})
_PLACEHOLDER = re.compile(r"{([^{}]+)}")
_LOCATIONS = ("path", "query", "header", "cookie")
_LOCATION_OF: dict[str, Literal["path", "query", "header", "cookie"]] = {
    "path": "path",
    "query": "query",
    "header": "header",
    "cookie": "cookie",
}


class UnsupportedError(SpecError):
    """The operation is well-formed but cannot be called through sdkcore; the text says why."""


class OperationBuilder:
    """Turns collected operations into `Operation` s, converting their schemas on the way."""

    def __init__(self, schemas: Schemas, config: Config) -> None:
        self.schemas = schemas
        self.config = config
        self.warnings: list[str] = []

    def build(self, raw: RawOperation, resource: tuple[str, ...], name: str) -> Operation:
        """The `Operation` for ``raw``; raises `SpecError` (or `UnsupportedError`) to skip it."""
        if raw.error is not None:
            raise SpecError(raw.error)
        hint = pascal_case(resource[-1] if resource else "") + pascal_case(name)
        namer = Namer(ARGUMENT_RESERVED)
        params = self._params(raw, hint, namer)
        path = self._path(raw, params)
        body = self._body(raw, hint, namer)
        if "servers" in raw.raw or "callbacks" in raw.raw:
            ignored = " and ".join(word for word in ("servers", "callbacks") if word in raw.raw)
            self.warnings.append(f"{raw.op_id}: its own {ignored} are not used")
        settings = self.config.operation(raw.op_id, f"{raw.method.upper()} {raw.wire_path}")
        flag = _stream_field(body, settings.stream)
        response = response_of(self.schemas, raw, hint, params, settings, has_flag=flag is not None)
        if response.stream == "flag":
            if flag is None or body is None:
                raise UnsupportedError(
                    "the stream flag names no boolean property of the request body"
                )
            body.stream_field = flag
        return Operation(
            op_id=raw.op_id,
            method=raw.method,
            path=path,
            wire_path=raw.wire_path,
            fixed_query=raw.fixed_query,
            summary=_text(raw.raw.get("summary")),
            description=description_of(raw.raw),
            deprecated=raw.raw.get("deprecated") is True,
            params=params,
            body=body,
            response=response,
            resource=resource,
            name=name,
            tags=raw.tags,
        )

    # -- parameters -----------------------------------------------------------------

    def _params(self, raw: RawOperation, hint: str, namer: Namer) -> list[Param]:
        found: list[Param] = []
        for raw_param, loc in raw.params:
            wire, place = str(raw_param["name"]), _LOCATION_OF.get(str(raw_param["in"]))
            if place is None or (place == "header" and wire.lower() in _IGNORED_HEADERS):
                continue
            schema, schema_loc = _param_schema(raw_param, loc)
            expr = self.schemas.type_of(schema, schema_loc, hint + pascal_case(wire))
            required = place == "path" or raw_param.get("required") is True
            found.append(Param(wire, "", place, expr, required, description_of(raw_param)))
        self.schemas.drain()
        found.sort(key=lambda param: _LOCATIONS.index(param.location))
        for param in found:
            param.name = namer.claim(snake_case(param.wire))
        return found

    def _path(self, raw: RawOperation, params: list[Param]) -> str:
        by_wire = {param.wire: param for param in params if param.location == "path"}

        def placeholder(match: re.Match[str]) -> str:
            wire = match.group(1)
            if wire not in by_wire:
                raise UnsupportedError(f"path parameter {{{wire}}} is not declared")
            return "{" + by_wire[wire].name + "}"

        return _PLACEHOLDER.sub(placeholder, raw.path)

    # -- request body ---------------------------------------------------------------

    def _body(self, raw: RawOperation, hint: str, namer: Namer) -> Body | None:
        if "requestBody" not in raw.raw:
            return None
        body, loc = self.schemas.resolver.mapping(
            raw.raw["requestBody"], raw.loc.child("requestBody")
        )
        content = as_mapping(body.get("content")) or {}
        required = body.get("required") is True
        choices = _body_media(content)
        if not choices:
            media_types = ", ".join(content) or "none"
            if required:
                raise UnsupportedError(
                    f"request body media type {media_types} is not supported (JSON or multipart)"
                )
            self.warnings.append(f"{raw.op_id}: optional request body ({media_types}) left out")
            return None
        for kind, media in choices:
            schema = (as_mapping(content[media]) or {}).get("schema", {})
            expr = self.schemas.type_of(
                schema, loc.child("content", media, "schema"), f"{hint}Params"
            )
            self.schemas.drain()
            # A JSON body cannot carry files: when multipart is offered too, files choose it.
            if kind == "multipart" or not self._has_files(expr) or len(choices) == 1:
                return self._finish(Body(kind, expr, required, doc=description_of(body)), namer)
        raise AssertionError("unreachable: the last choice always returns")

    def _has_files(self, expr: TypeExpr) -> bool:
        target = self._object(expr)
        return target is not None and any(is_file_type(field.type) for field in target.fields)

    def _finish(self, result: Body, namer: Namer) -> Body:
        target = self._object(result.type)
        if target is not None:
            result.fields = self._body_fields(target, namer)
        else:
            result.value = Param(
                "", namer.claim("body"), "body", result.type, result.required, result.doc
            )
        if result.kind == "multipart":
            _split_files(result)
        return result

    def _object(self, expr: TypeExpr) -> ObjectDef | None:
        found = self.schemas.defs.get(expr.key) if isinstance(expr, DefRef) else None
        return found if isinstance(found, ObjectDef) else None

    def _body_fields(self, target: ObjectDef, namer: Namer) -> list[Param]:
        fields: list[Param] = []
        for field in target.fields:
            if field.read_only:
                continue
            arg = namer.claim(field.key)
            fields.append(
                Param(field.wire, arg, "body", field.type, field.required, field.doc, field.key)
            )
        return fields


def _stream_field(body: Body | None, setting: bool | str | None) -> Param | None:
    wanted = setting if isinstance(setting, str) else "stream"
    for field in (body.fields or []) if body is not None else []:
        if field.wire == wanted and strip_none(field.type) == Prim("bool"):
            return field
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _param_schema(param: dict[str, object], loc: Loc) -> tuple[object, Loc]:
    if "schema" in param:
        return param["schema"], loc.child("schema")
    for media, value in (as_mapping(param.get("content")) or {}).items():
        return (as_mapping(value) or {}).get("schema", {}), loc.child("content", media, "schema")
    return {}, loc


def _body_media(content: dict[str, object]) -> list[tuple[Literal["json", "multipart"], str]]:
    """The usable media types of a request body, JSON first."""
    json = [
        media
        for media in content
        if _base(media) in ("application/json", "*/*") or _base(media).endswith("+json")
    ]
    multipart = [media for media in content if _base(media) == "multipart/form-data"]
    return [
        *(("json", media) for media in json[:1]),
        *(("multipart", media) for media in multipart[:1]),
    ]


def _base(media: str) -> str:
    return media.split(";", 1)[0].strip().lower()


def is_file_type(expr: TypeExpr) -> bool:
    """Whether a multipart field is sent as file parts: a file, a list of files, or either."""
    inner = strip_none(expr)
    members = inner.members if isinstance(inner, UnionOf) else (inner,)
    return all(
        strip_none(member.item if isinstance(member, ListOf) else member) == Prim("file")
        for member in members
    )


def _split_files(body: Body) -> None:
    if body.fields is None:
        raise UnsupportedError("a multipart request body must be an object")
    body.file_fields = [field for field in body.fields if is_file_type(field.type)]
    for field in body.fields:
        if not is_file_type(field.type) and _has_file(field.type):
            raise UnsupportedError(
                f"multipart field {field.wire!r} holds a file inside another value"
            )


def _has_file(expr: TypeExpr) -> bool:
    if expr == Prim("file"):
        return True
    if isinstance(expr, ListOf):
        return _has_file(expr.item)
    if isinstance(expr, UnionOf):
        return any(_has_file(member) for member in expr.members)
    return False
