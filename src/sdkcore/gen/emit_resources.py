"""Resource modules: the sync and async resource classes and their raw/streaming views.

Each resource module holds ``Things`` and ``AsyncThings`` (on `sdkcore.SyncAPIResource`
/ `AsyncAPIResource`), with a method per operation and a cached property per
sub-resource (imported when first used), and ``ThingsWithRawResponse`` /
``ThingsWithStreamingResponse`` (and the async twins) that wrap every method with
sdkcore's response wrappers (``BinaryAPIResponse`` for binary answers).

Example::

    files = emit_resources(api)   # {"resources/chat/completions.py": "...", ...}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .docstrings import docstring
from .emit_methods import MethodWriter
from .emit_types import header
from .imports import Imports

if TYPE_CHECKING:
    from .model import Api, Resource

__all__ = ["emit_resources", "resource_doc"]

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


def emit_resources(api: Api) -> dict[str, str]:
    """Every resource module (and package ``__init__``) by its path inside the package."""
    files: dict[str, str] = {"resources/__init__.py": _package_init(api, "The API's resources.")}
    todo = list(api.root.children)
    while todo:
        resource = todo.pop(0)
        files[resource.module.replace(".", "/") + ".py"] = _module(api, resource)
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


def _module(api: Api, resource: Resource) -> str:
    imports = Imports(resource.module, defined=set(_class_names(resource)))
    children = {child.attr: child for child in resource.children}
    body: list[str] = []
    for is_async in (False, True):
        body.extend(_resource_class(api, resource, imports, children, is_async=is_async))
    for is_async in (False, True):
        for raw in (True, False):
            body.extend(_wrapper_class(resource, imports, children, is_async=is_async, raw=raw))
    name = resource.class_name
    exported = ", ".join(f'"{item}"' for item in sorted([name, f"Async{name}"]))
    parts = [
        header(api),
        *docstring(resource_doc(resource), ""),
        "",
        imports.render(),
        f"__all__ = [{exported}]",
        "",
        "",
        *body,
    ]
    return "\n".join(parts).rstrip() + "\n"


def _child_class(imports: Imports, child: Resource, name: str) -> str:
    return imports.name(f".{child.module}", name, typing=True)


def _resource_class(
    api: Api, resource: Resource, imports: Imports, children: dict[str, Resource], *, is_async: bool
) -> list[str]:
    prefix = "Async" if is_async else ""
    name = f"{prefix}{resource.class_name}"
    base = imports.name("sdkcore", "AsyncAPIResource" if is_async else "SyncAPIResource")
    cached = imports.name("functools", "cached_property")
    lines = [f"class {name}({base}):", *docstring(resource_doc(resource), "    ")]
    for attr, child in children.items():
        child_name = f"{prefix}{child.class_name}"
        local = _child_class(imports, child, child_name)
        lines.extend(
            [
                "",
                f"    @{cached}",
                f"    def {attr}(self) -> {local}:",
                *docstring(resource_doc(child), "        "),
                f"        {imports.statement(f'.{child.module}', child_name)}",
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
    writer = MethodWriter(api, imports, is_async=is_async)
    shadowed = {operation.name for operation in resource.operations} | set(children)
    for operation in resource.operations:
        lines.append("")
        lines.extend(writer.method(operation, shadowed))
    return [*lines, "", ""]


def _wrapper_class(
    resource: Resource,
    imports: Imports,
    children: dict[str, Resource],
    *,
    is_async: bool,
    raw: bool,
) -> list[str]:
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
    for attr, child in children.items():
        view = _child_class(imports, child, f"{prefix}{child.class_name}With{kind}Response")
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
