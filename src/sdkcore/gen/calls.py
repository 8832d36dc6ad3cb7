"""The body of an SDK method: one call to the client, and the type it returns.

The call is a single expression over the method's arguments (no local variables,
so no argument can clash with one): the path through ``path_template``, the body
(arguments left out are dropped; through ``sdkcore.transform`` when it has aliases,
dates or files), ``files=`` for multipart, query and headers merged with
``extra_query`` / ``extra_headers``, ``cast_to`` (or ``page=`` for list endpoints),
``stream`` / ``stream_cls`` for event streams, and the document's path template, which
names the call's span in traces. Models are imported inside the
method, so a resource module loads none.

Example::

    calls = CallWriter(api, imports, is_async=False)
    calls.returns(operation, None)   # "SyncCursorPage[OpenAIFile]"
    calls.call(operation)            # ["        from ..types... import ...", "        return ..."]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import AliasDef, Api, DefRef, ListOf, Lit, MapOf, Operation, Prim, TypeExpr, UnionOf
from .pytypes import TypeWriter
from .typeexpr import refs, strip_none

if TYPE_CHECKING:
    from .imports import Imports

__all__ = ["PAGE_CLASSES", "CallWriter"]

#: The sdkcore page classes per page kind: sync, async.
PAGE_CLASSES = {
    "page": ("SyncPage", "AsyncPage"),
    "cursor": ("SyncCursorPage", "AsyncCursorPage"),
    "offset": ("SyncOffsetPage", "AsyncOffsetPage"),
    "link": ("SyncLinkPage", "AsyncLinkPage"),
}
_CLIENT_METHODS = frozenset({"get", "post", "put", "patch", "delete"})
_PRIM_CLASSES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "any": "object",
    "file": "str",
}


class CallWriter:
    """Writes return annotations and call expressions into one resource module."""

    def __init__(self, api: Api, imports: Imports, *, is_async: bool) -> None:
        self.api = api
        self.imports = imports
        self.is_async = is_async
        self.models: TypeWriter = TypeWriter(api.defs, imports, flavor="model", typing_only=True)
        self.params: TypeWriter = TypeWriter(
            api.defs, imports, flavor="typeddict", typing_only=True
        )
        self._local: list[str] = []

    def shadow(self, names: set[str]) -> None:
        """The names the method's scope rebinds (its arguments, the class's members)."""
        self.models.shadowed = self.params.shadowed = names

    def _sdk(self, name: str) -> str:
        return self.imports.name("sdkcore", name)

    # -- return types ---------------------------------------------------------------

    def returns(self, operation: Operation, variant: str | None) -> str:
        """The return annotation of the method (``variant``: which stream overload)."""
        response = operation.response
        if response.page is not None and response.item_type is not None:
            item = self.models.render(response.item_type)
            sync_page, async_page = PAGE_CLASSES[response.page]
            if not self.is_async:
                return f"{self._sdk(sync_page)}[{item}]"
            return f"{self._sdk('AsyncPaginator')}[{item}, {self._sdk(async_page)}[{item}]]"
        if response.stream == "never":
            return self._plain(operation)
        streamed = f"{self._stream()}[{self.models.render(response.stream_type or Prim('any'))}]"
        if response.stream == "always" or variant == "true":
            return streamed
        if variant == "false":
            return self._plain(operation)
        return f"{self._plain(operation)} | {streamed}"

    def _lines(self) -> str:
        return self._sdk("AsyncJSONLDecoder" if self.is_async else "JSONLDecoder")

    def _stream(self) -> str:
        return self._sdk("AsyncStream" if self.is_async else "Stream")

    def _plain(self, operation: Operation) -> str:
        response = operation.response
        if response.kind == "binary":
            return self._sdk("HttpxBinaryResponseContent")
        if response.kind == "text":
            return "str"
        if response.kind == "jsonl":
            return f"{self._lines()}[{self.models.render(response.type or Prim('any'))}]"
        if response.kind == "none" or response.type is None:
            return "None"
        return self.models.render(response.type)

    # -- the call -----------------------------------------------------------------------

    def call(self, operation: Operation) -> list[str]:
        """The method body: local model imports, then ``return <call>``."""
        self._local = []
        arguments = self._arguments(operation)
        target = self._target(operation)
        awaited = "await " if self.is_async and operation.response.page is None else ""
        call = (
            f"{awaited}{target}(\n"
            + "".join(f"            {line},\n" for line in arguments)
            + "        )"
        )
        wrap = self._return_cast(operation)
        if wrap is not None:
            call = f"{self.imports.name('typing', 'cast')}({wrap!r}, {call})"
        return [
            *(f"        {line}" for line in dict.fromkeys(self._local)),
            f"        return {call}",
        ]

    def _target(self, operation: Operation) -> str:
        if operation.response.page is not None:
            return "self._client.get_api_list"
        if operation.method in _CLIENT_METHODS:
            return f"self._{operation.method}"
        return "self._client.request"

    def _arguments(self, operation: Operation) -> list[str]:
        from .requests import request_arguments

        path = self._path(operation)
        options = self._options(operation)
        if operation.method not in _CLIENT_METHODS and operation.response.page is None:
            final = self._sdk("FinalRequestOptions")
            body = request_arguments(self, operation, keyword=True)
            body_text = "".join(f", {item}" for item in body)
            built = f"{final}.build({operation.method!r}, {path}{body_text}, options={options})"
            return [self._cast_to(operation), built, *self._stream_arguments(operation)]
        args = [path, *request_arguments(self, operation, keyword=True)]
        if operation.response.page is not None:
            args.extend(self._page_arguments(operation))
        else:
            args.append(f"cast_to={self._cast_to(operation)}")
        args.append(f"options={options}")
        args.extend(self._stream_arguments(operation))
        return args

    def _path(self, operation: Operation) -> str:
        path_params = [param for param in operation.params if param.location == "path"]
        if not path_params:
            return repr(operation.path)
        values = ", ".join(f"{param.name}={param.name}" for param in path_params)
        return f"{self._sdk('path_template')}({operation.path!r}, {values})"

    def _page_arguments(self, operation: Operation) -> list[str]:
        response = operation.response
        assert response.page is not None
        assert response.item_type is not None
        page_class = PAGE_CLASSES[response.page][1 if self.is_async else 0]
        item = self.runtime(response.item_type)
        args = [
            f"page={self._sdk(page_class)}[{item}]",
            f"model={self.runtime_class(response.item_type)}",
        ]
        if operation.method != "get":
            args.append(f"method={operation.method!r}")
        return args

    def _stream_arguments(self, operation: Operation) -> list[str]:
        response = operation.response
        if response.kind == "jsonl":
            return ["stream=True"]
        if response.stream == "never":
            return []
        event = self.runtime(response.stream_type or Prim("any"))
        stream_cls = f"stream_cls={self._stream()}[{event}]"
        if response.stream == "always":
            return ["stream=True", stream_cls]
        body = operation.body
        assert body is not None
        assert body.stream_field is not None
        return [f"stream={body.stream_field.name} or False", stream_cls]

    def _options(self, operation: Operation) -> str:
        from .requests import header_argument, query_argument

        options = self._sdk("make_request_options")
        headers = header_argument(self, operation)
        query = query_argument(self, operation)
        body = operation.body
        progress = ", upload_progress=upload_progress" if body and body.kind == "multipart" else ""
        return (
            f"{options}(extra_headers={headers}, extra_query={query}, "
            f"extra_body=extra_body, timeout=timeout{progress}, "
            f"path_template={operation.route!r})"
        )

    # -- runtime types ----------------------------------------------------------------

    def runtime(self, expr: TypeExpr, *, flavor: str = "model") -> str:
        """``expr`` as a run-time expression, the package types it names imported locally."""
        writer = self.models if flavor == "model" else self.params
        writer.local_only = True
        try:
            text = writer.render(expr)
        finally:
            writer.local_only = False
        for key in refs(expr):
            found = self.api.defs[key]
            uses_param = flavor != "model" and found.needs_param
            module = found.param_module if uses_param else found.module
            name = found.param_name if uses_param else found.name
            self._local.append(self.imports.statement(f".types.{module}", name))
        return text

    def runtime_class(self, expr: TypeExpr) -> str:
        """``expr`` where a ``type[T]`` is wanted: a class as it is, any other type cast."""
        text = self.runtime(expr)
        if self.models.is_class(expr) or isinstance(expr, Prim | ListOf | MapOf):
            return text
        return f"{self.imports.name('typing', 'cast')}({f'type[{text}]'!r}, {text})"

    def _cast_to(self, operation: Operation) -> str:
        response = operation.response
        if response.stream == "always":
            return f"{self._stream()}[{self.runtime(response.stream_type or Prim('any'))}]"
        if response.kind == "binary":
            return self._sdk("HttpxBinaryResponseContent")
        if response.kind == "text":
            return "str"
        if response.kind == "jsonl":
            return f"{self._lines()}[{self.runtime(response.type or Prim('any'))}]"
        if response.kind == "none" or response.type is None or response.type == Prim("none"):
            return self.imports.name("types", "NoneType")
        expr = response.type
        if _has_literal(self.api, expr):
            return (
                self.imports.name("typing", "cast") + f"({'type[object]'!r}, {self.runtime(expr)})"
            )
        if isinstance(expr, Prim):
            return _PRIM_CLASSES.get(expr.kind, self.runtime(expr))
        return self.runtime_class(expr)

    def _return_cast(self, operation: Operation) -> str | None:
        response = operation.response
        plain = response.page is None and response.stream == "never" and response.kind == "json"
        if plain and response.type is not None and _has_literal(self.api, response.type):
            return self.models.render(response.type)
        return None


def _has_literal(api: Api, expr: TypeExpr) -> bool:
    """Whether ``expr`` (through aliases) is or has at its top a ``Literal``."""
    seen: set[str] = set()
    todo = [strip_none(expr)] if expr != Prim("none") else []
    while todo:
        item = todo.pop()
        if isinstance(item, Lit):
            return True
        if isinstance(item, UnionOf):
            todo.extend(item.members)
        elif isinstance(item, DefRef) and item.key not in seen:
            seen.add(item.key)
            found = api.defs.get(item.key)
            if isinstance(found, AliasDef):
                todo.append(found.type)
    return False
