"""One SDK method (sync or async) from an `Operation`: signature, docstring, call.

Path parameters are positional, everything else keyword-only, required ones first;
every method ends with ``extra_headers``, ``extra_query``, ``extra_body`` and
``timeout`` (after ``upload_progress``, called as ``(bytes_sent, total)``, when it
sends a multipart body). A method whose body has a ``stream`` flag gets three ``@overload`` s
(``Literal[False]`` answers the model, ``Literal[True]`` a ``Stream``, ``bool`` either).

Example::

    writer = MethodWriter(api, imports, is_async=False)
    lines = writer.method(operation, shadowed={"list"})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .calls import CallWriter
from .docstrings import clean, docstring
from .model import Api, Operation, Param, UnionOf
from .pytypes import TypeWriter
from .typeexpr import NONE

if TYPE_CHECKING:
    from .imports import Imports

__all__ = ["MethodWriter", "Variant"]

#: Which signature of a method with a ``stream`` flag: the three overloads and the
#: implementation; ``None`` for a method without one.
Variant = Literal["false", "true", "bool", "impl"] | None


class MethodWriter:
    """Writes the methods of one resource module; the names it uses go into ``imports``."""

    def __init__(self, api: Api, imports: Imports, *, is_async: bool) -> None:
        self.imports = imports
        self.is_async = is_async
        self.args: TypeWriter = TypeWriter(api.defs, imports, flavor="argument", typing_only=True)
        self.calls: CallWriter = CallWriter(api, imports, is_async=is_async)

    def method(self, operation: Operation, shadowed: set[str]) -> list[str]:
        """The lines of the method for ``operation``, indented for a class body.

        ``shadowed`` are the names the class defines (its methods and sub-resources).
        """
        names = shadowed | {param.name for param in operation.arguments}
        self.args.shadowed = names
        self.calls.shadow(names)
        lines: list[str] = []
        flag = operation.response.stream == "flag"
        if flag:
            overload = self.imports.name("typing", "overload")
            for variant in ("false", "true", "bool"):
                lines.append(f"    @{overload}")
                lines.extend(self._signature(operation, variant, stub=True))
        lines.extend(self._signature(operation, "impl" if flag else None, stub=False))
        lines.extend(docstring(_method_doc(operation), "        "))
        lines.extend(self.calls.call(operation))
        return lines

    def _signature(self, operation: Operation, variant: Variant, *, stub: bool) -> list[str]:
        asynchronous = self.is_async and operation.response.page is None
        lines = [f"    {'async def' if asynchronous else 'def'} {operation.name}(", "        self,"]
        for param in operation.params:
            if param.location == "path":
                lines.append(f"        {param.name}: {self.args.render(param.type)},")
        lines.append("        *,")
        lines.extend(self._keywords(operation, variant))
        if _uploads(operation):
            progress = self.imports.name("sdkcore", "ProgressCallback")
            lines.append(f"        upload_progress: {progress} | None = None,")
        lines.extend(self._standard())
        lines.append(f"    ) -> {self.calls.returns(operation, variant)}:{' ...' if stub else ''}")
        return lines

    def _keywords(self, operation: Operation, variant: Variant) -> list[str]:
        stream = operation.body.stream_field if operation.body is not None else None
        keywords = [
            param
            for param in operation.arguments
            if param.location != "path" and param is not stream
        ]
        lines = [self._argument(param, required=True) for param in keywords if param.required]
        if stream is not None:
            required = stream.required or variant in ("true", "bool")
            lines.append(
                self._argument(
                    stream, required=required, annotation=self._stream_type(variant, stream)
                )
            )
        lines.extend(
            self._argument(param, required=False) for param in keywords if not param.required
        )
        return lines

    def _argument(self, param: Param, *, required: bool, annotation: str | None = None) -> str:
        text = annotation if annotation is not None else self.args.render(param.type)
        if required:
            return f"        {param.name}: {text},"
        not_given = self.imports.name("sdkcore", "NotGiven")
        default = self.imports.name("sdkcore", "NOT_GIVEN")
        return f"        {param.name}: {text} | {not_given} = {default},"

    def _stream_type(self, variant: Variant, stream: Param) -> str:
        literal = self.imports.name("typing", "Literal")
        members = stream.type.members if isinstance(stream.type, UnionOf) else (stream.type,)
        none = " | None" if NONE in members else ""
        if variant == "true":
            return f"{literal}[True]"
        if variant == "bool":
            return "bool"
        if variant == "false":
            return f"{literal}[False]{none}"
        return f"{literal}[False] | {literal}[True]{none}"

    def _standard(self) -> list[str]:
        not_given = self.imports.name("sdkcore", "NotGiven")
        mapping = self.imports.name("collections.abc", "Mapping")
        text, anything, number = (self.args.builtin(name) for name in ("str", "object", "float"))
        timeout = f"{number} | {self.imports.module('httpx2')}.Timeout | None | {not_given}"
        return [
            f"        extra_headers: {self.imports.name('sdkcore', 'Headers')} | None = None,",
            f"        extra_query: {self.imports.name('sdkcore', 'Query')} | None = None,",
            f"        extra_body: {mapping}[{text}, {anything}] | None = None,",
            f"        timeout: {timeout} = {self.imports.name('sdkcore', 'NOT_GIVEN')},",
        ]


def _uploads(operation: Operation) -> bool:
    """Whether the method sends a multipart body, and so takes ``upload_progress``."""
    return operation.body is not None and operation.body.kind == "multipart"


def _method_doc(operation: Operation) -> str:
    parts = ["Deprecated." if operation.deprecated else "", operation.summary]
    if operation.description and operation.description != operation.summary:
        parts.append(operation.description)
    parts.append(f"``{operation.method.upper()} {operation.wire_path}``")
    documented = [param for param in operation.arguments if param.doc]
    if documented:
        parts.append("Args:\n" + "\n\n".join(_arg_doc(param) for param in documented))
    return "\n\n".join(clean(part) for part in parts if part.strip())


def _arg_doc(param: Param) -> str:
    first, *rest = clean(param.doc).split("\n")
    return "\n".join(
        [f"  {param.name}: {first}", *(f"    {line}" if line else "" for line in rest)]
    )
