"""Resource modules: the sync and async resource classes and their raw/streaming views.

Each resource module holds ``Things`` and ``AsyncThings`` (on `sdkcore.SyncAPIResource`
/ `AsyncAPIResource`), with a method per operation and a cached property per
sub-resource (imported when first used), and ``ThingsWithRawResponse`` /
``ThingsWithStreamingResponse`` (and the async twins) that wrap every method with
sdkcore's response wrappers (``BinaryAPIResponse`` for binary answers). A module that
would pass about 400 lines is split: the async class and its views go to the
resource's ``async_module`` beside it.

Example::

    files = emit_resources(api)   # {"resources/chat/completions.py": "...", ...}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from .docstrings import docstring
from .emit_methods import MethodWriter
from .emit_types import header, module_source
from .imports import Imports

if TYPE_CHECKING:
    from .model import Api, Resource

__all__ = ["Split", "class_module", "emit_resources", "resource_doc"]

#: The resources (by path) whose async twin has a module of its own.
Split: TypeAlias = frozenset[tuple[str, ...]]

_WRAPPERS = {
    # (is_async, raw?, binary?) -> wrapper function, response class
    (False, True, False): ("to_raw_response_wrapper", None),
    (False, False, False): ("to_streamed_response_wrapper", None),
    (True, True, False): ("async_to_raw_response_wrapper", None),
    (True, False, False): ("async_to_streamed_response_wrapper", None),
    (False, True, True): ("to_custom_raw_response_wrapper", "BinaryAPIResponse"),
    (False, False, True): ("to_custom_streamed_response_wrapper", "StreamedBinaryAPIResponse"),
    (True, True, True): ("async_to_custom_raw_response_wrapper", "AsyncBinaryAPIResponse"),
    (True, False, True): (
        "async_to_custom_streamed_response_wrapper",
        "AsyncStreamedBinaryAPIResponse",
    ),
}


def resource_doc(resource: Resource) -> str:
    """The docstring of a resource: its tag's description, else where it lives."""
    if resource.doc:
        return resource.doc
    return f"``client.{'.'.join(resource.path)}``."


def class_module(resource: Resource, *, is_async: bool, split: Split) -> str:
    """The module that holds the sync or the async class of ``resource``."""
    return resource.async_module if is_async and resource.path in split else resource.module


def emit_resources(api: Api, split: Split = frozenset()) -> dict[str, str]:
    """Every resource module (and package ``__init__``) by its path inside the package.

    The resources in ``split`` (by path) keep their async twin in their ``async_module``.
    """
    files: dict[str, str] = {"resources/__init__.py": _package_init(api, "The API's resources.")}
    todo = list(api.root.children)
    while todo:
        resource = todo.pop(0)
        halves = ((False,), (True,)) if resource.path in split else ((False, True),)
        for variants in halves:
            module = class_module(resource, is_async=variants[0], split=split)
            files[module.replace(".", "/") + ".py"] = _module(api, resource, variants, split)
        if resource.children:
            package = resource.module.rsplit(".", 1)[0]
            files[package.replace(".", "/") + "/__init__.py"] = _package_init(
                api, resource_doc(resource)
            )
        todo.extend(resource.children)
    return files


def _package_init(api: Api, doc: str) -> str:
    return "\n".join([header(api), *docstring(doc, "")]) + "\n"


def _class_names(resource: Resource) -> list[str]:
    name = resource.class_name
    return [
        name,
        f"Async{name}",
        *(
            f"{prefix}{name}With{kind}Response"
            for prefix in ("", "Async")
            for kind in ("Raw", "Streaming")
        ),
    ]


def _module(api: Api, resource: Resource, variants: tuple[bool, ...], split: Split) -> str:
    """The module of ``resource`` holding its sync class, its async one, or both
    (``variants``), each with its two views."""
    module = class_module(resource, is_async=variants[0], split=split)
    imports = Imports(module, defined=set(_class_names(resource)))
    context = _Context(api, imports, {child.attr: child for child in resource.children}, split)
    body: list[str] = []
    for is_async in variants:
        body.extend(_resource_class(context, resource, is_async=is_async))
    for is_async in variants:
        for raw in (True, False):
            body.extend(_wrapper_class(context, resource, is_async=is_async, raw=raw))
    name = resource.class_name
    exported = [f"{'Async' if is_async else ''}{name}" for is_async in variants]
    doc = resource_doc(resource)
    if variants == (True,):
        doc = f"`Async{name}`, the async twin of `{name}`: {doc}"
    return module_source(api, doc, imports, exported, body)


@dataclass(frozen=True, slots=True)
class _Context:
    """What every class of one resource module is written with."""

    api: Api
    imports: Imports
    children: dict[str, Resource]
    split: Split

    def child_class(self, child: Resource, name: str, *, is_async: bool) -> str:
        """The local name of the class ``name`` of the sub-resource ``child``."""
        module = class_module(child, is_async=is_async, split=self.split)
        return self.imports.name(f".{module}", name, typing=True)

    def child_import(self, child: Resource, name: str, *, is_async: bool) -> str:
        """The statement that imports the class ``name`` of ``child`` where it is used."""
        module = class_module(child, is_async=is_async, split=self.split)
        return self.imports.statement(f".{module}", name)


def _resource_class(context: _Context, resource: Resource, *, is_async: bool) -> list[str]:
    imports = context.imports
    prefix = "Async" if is_async else ""
    name = f"{prefix}{resource.class_name}"
    base = imports.name("sdkcore", "AsyncAPIResource" if is_async else "SyncAPIResource")
    cached = imports.name("functools", "cached_property")
    lines = [f"class {name}({base}):", *docstring(resource_doc(resource), "    ")]
    for attr, child in context.children.items():
        child_name = f"{prefix}{child.class_name}"
        local = context.child_class(child, child_name, is_async=is_async)
        lines.extend(
            [
                "",
                f"    @{cached}",
                f"    def {attr}(self) -> {local}:",
                *docstring(resource_doc(child), "        "),
                f"        {context.child_import(child, child_name, is_async=is_async)}",
                "",
                f"        return {local}(self._client)",
            ]
        )
    for kind in ("Raw", "Streaming"):
        view = f"{prefix}{resource.class_name}With{kind}Response"
        what = "the read response" if kind == "Raw" else "the response before its body is read"
        lines.extend(
            [
                "",
                f"    @{cached}",
                f"    def with_{kind.lower()}_response(self) -> {view}:",
                f'        """Every method of `{name}`, returning {what}."""',
                f"        return {view}(self)",
            ]
        )
    writer = MethodWriter(context.api, imports, is_async=is_async)
    shadowed = {operation.name for operation in resource.operations} | set(context.children)
    for operation in resource.operations:
        lines.append("")
        lines.extend(writer.method(operation, shadowed))
    return [*lines, "", ""]


def _wrapper_class(
    context: _Context, resource: Resource, *, is_async: bool, raw: bool
) -> list[str]:
    imports = context.imports
    prefix = "Async" if is_async else ""
    kind = "Raw" if raw else "Streaming"
    name = f"{prefix}{resource.class_name}With{kind}Response"
    owner = f"{prefix}{resource.class_name}"
    field = "resource"
    lines = [
        f"class {name}:",
        f'    """`{owner}` with every method returning {_what(raw)}."""',
        "",
        f"    def __init__(self, {field}: {owner}) -> None:",
        f"        self._{field} = {field}",
    ]
    for operation in resource.operations:
        binary = operation.response.kind == "binary"
        function, response_cls = _WRAPPERS[is_async, raw, binary]
        wrapper = imports.name("sdkcore", function)
        extra = f", {imports.name('sdkcore', response_cls)}" if response_cls else ""
        lines.append(f"        self.{operation.name} = {wrapper}({field}.{operation.name}{extra})")
    cached = imports.name("functools", "cached_property")
    for attr, child in context.children.items():
        view_name = f"{prefix}{child.class_name}With{kind}Response"
        view = context.child_class(child, view_name, is_async=is_async)
        lines.extend(
            [
                "",
                f"    @{cached}",
                f"    def {attr}(self) -> {view}:",
                f'        """``{attr}`` with every method returning {_what(raw)}."""',
                f"        return self._{field}.{attr}.with_{kind.lower()}_response",
            ]
        )
    return [*lines, "", ""]


def _what(raw: bool) -> str:
    return "its read response" if raw else "its response before the body is read"
