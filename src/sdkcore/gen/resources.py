"""Where each operation lives in the SDK: its resource path and its method name.

Resources come from the path's literal segments (``/chat/completions`` is
``client.chat.completions``), or from the first tag with ``group_by: tag``. Methods
are named from the HTTP method and the path's shape:

=====================================  ==========================
``GET /things`` (a list answer)        ``things.list``
``GET /things`` (anything else)        ``things.retrieve``
``POST /things``                       ``things.create``
``GET /things/{id}``                   ``things.retrieve``
``POST|PUT|PATCH /things/{id}``        ``things.update``
``DELETE /things/{id}``                ``things.delete``
``POST /things/{id}/cancel``           ``things.cancel`` (an action)
=====================================  ==========================

A segment is an action when it ends the path, follows a parameter (or a path that
has operations of its own), has one operation and nothing below it. When two
operations land on the same name, the one whose path has no ``?k=v`` or ``#suffix``
keeps it and the others take their snake_cased operationId.

Example::

    shapes = [OpShape(0, "listThings", "get", "/v1/things", "/v1/things", [], True)]
    places = place_operations(shapes, group_by="path", strip_prefix=None)
    places[0]   # (("things",), "list")
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .naming import Namer, pascal_case, safe_identifier, snake_case

__all__ = [
    "CLIENT_RESERVED",
    "RESOURCE_RESERVED",
    "OpShape",
    "ResourceNode",
    "class_name",
    "place_operations",
    "resource_tree",
]

_VERSION = re.compile(r"^v?\d+(\.\d+)*$")
_ITEM_METHODS = {
    "get": "retrieve",
    "put": "update",
    "patch": "update",
    "post": "update",
    "delete": "delete",
}
_COLLECTION_METHODS = {"post": "create", "put": "update", "patch": "update", "delete": "delete"}
#: Attribute names a resource cannot take on the client (its own members).
CLIENT_RESERVED = frozenset(
    {
        "api_key", "auth_headers", "base_url", "close", "copy", "default_headers",
        "default_query", "delete", "get", "get_api_list", "max_retries", "max_retry_after",
        "patch", "post", "put", "request", "resend", "pause", "stream_idle_timeout",
        "timeout", "with_options", "with_raw_response", "with_streaming_response",
        "build_request", "retry_policy", "retry_policy_for", "idempotency_key_for",
        "deadline_for", "redirect_request", "secret_header_names", "idle_timeout_for",
        "make_status_error", "max_event_size", "max_body_size", "default_stream_cls",
        "strict_response_validation", "aresend", "apause",
    }
)  # fmt: skip
#: Member names a resource class cannot give a method or sub-resource.
RESOURCE_RESERVED = frozenset({"with_raw_response", "with_streaming_response"})


@dataclass(frozen=True, slots=True)
class OpShape:
    """What naming needs to know of one operation (``lists``: its answer is a list)."""

    index: int
    op_id: str
    method: str
    path: str
    wire_path: str
    tags: list[str]
    lists: bool
    configured: str | None = None


@dataclass(slots=True)
class ResourceNode:
    """A resource in the tree, before operations are attached."""

    path: tuple[str, ...]
    children: dict[str, ResourceNode] = field(default_factory=dict[str, "ResourceNode"])
    methods: list[str] = field(default_factory=list[str])


def place_operations(
    shapes: list[OpShape], *, group_by: str, strip_prefix: tuple[str, ...] | None
) -> dict[int, tuple[tuple[str, ...], str]]:
    """The resource path and method name of each operation, by its index."""
    paths = {shape.path for shape in shapes}
    # Variants of one operation (``?k=v``, ``#suffix``) do not make a path less of an action.
    methods: dict[str, set[str]] = defaultdict(set)
    for shape in shapes:
        methods[shape.path].add(shape.method)
    wanted: dict[int, tuple[tuple[str, ...], str]] = {}
    for shape in shapes:
        if shape.configured:
            *resource, name = shape.configured.split(".")
            wanted[shape.index] = (_attrs(resource), name)
        elif group_by == "tag" and shape.tags:
            wanted[shape.index] = (_attrs([shape.tags[0]]), snake_case(shape.op_id))
        else:
            segments = _segments(shape.path, strip_prefix)
            wanted[shape.index] = _by_shape(shape, segments, paths, len(methods[shape.path]))
    return _settle(shapes, wanted)


def _segments(path: str, strip_prefix: tuple[str, ...] | None) -> list[str]:
    segments = [segment for segment in path.split("/") if segment]
    if strip_prefix is not None:
        if tuple(segments[: len(strip_prefix)]) == strip_prefix:
            return segments[len(strip_prefix) :]
        return segments
    if segments and _VERSION.match(segments[0]):
        return segments[1:]
    return segments


def _attrs(words: list[str]) -> tuple[str, ...]:
    """Attribute names for resource words: identifiers that no client or resource member hides."""
    attrs: list[str] = []
    for depth, word in enumerate(words):
        attr = safe_identifier(snake_case(word))
        reserved = CLIENT_RESERVED if depth == 0 else RESOURCE_RESERVED
        attrs.append(f"{attr}_" if attr in reserved else attr)
    return tuple(attrs)


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _by_shape(
    shape: OpShape, segments: list[str], paths: set[str], operations_here: int
) -> tuple[tuple[str, ...], str]:
    literals = _attrs([segment for segment in segments if not _is_param(segment)])
    if not literals:
        return _attrs([shape.tags[0] if shape.tags else "default"]), snake_case(shape.op_id)
    method = shape.method
    if _is_param(segments[-1]):
        return literals, _ITEM_METHODS.get(method, method)
    if len(literals) > 1 and _is_action(shape, segments, paths, operations_here):
        return literals[:-1], snake_case(segments[-1])
    if method == "get":
        return literals, "list" if shape.lists else "retrieve"
    return literals, _COLLECTION_METHODS.get(method, method)


def _is_action(shape: OpShape, segments: list[str], paths: set[str], operations_here: int) -> bool:
    if len(segments) < 2 or operations_here != 1 or (shape.method == "get" and shape.lists):
        return False
    prefix = shape.path.rstrip("/") + "/"
    if any(other.startswith(prefix) for other in paths):
        return False
    parent = shape.path.rstrip("/").rsplit("/", 1)[0]
    return _is_param(segments[-2]) or parent in paths


def _settle(
    shapes: list[OpShape], wanted: dict[int, tuple[tuple[str, ...], str]]
) -> dict[int, tuple[tuple[str, ...], str]]:
    """Resolve clashes: first the plain paths keep their names, then the others."""
    order = sorted(
        shapes, key=lambda shape: ("?" in shape.wire_path or "#" in shape.wire_path, shape.index)
    )
    resources = {resource for resource, _ in wanted.values()}
    namers: dict[tuple[str, ...], Namer] = {}
    placed: dict[int, tuple[tuple[str, ...], str]] = {}
    for shape in order:
        resource, name = wanted[shape.index]
        children = {
            path[len(resource)]
            for path in resources
            if path[: len(resource)] == resource and len(path) > len(resource)
        }
        namer = namers.setdefault(resource, Namer(RESOURCE_RESERVED | children))
        if namer.taken(name) and not shape.configured:
            name = snake_case(shape.op_id)
        placed[shape.index] = (resource, namer.claim(name))
    return placed


def resource_tree(places: dict[int, tuple[tuple[str, ...], str]]) -> ResourceNode:
    """The tree of resources the placed operations need (the root is the client)."""
    root = ResourceNode(())
    for index in sorted(places):
        resource, method = places[index]
        node = root
        for depth, attr in enumerate(resource):
            node = node.children.setdefault(attr, ResourceNode(resource[: depth + 1]))
        node.methods.append(method)
    return root


def class_name(attr: str) -> str:
    """The class of a resource from its attribute name (``fine_tuning`` -> ``FineTuning``)."""
    return pascal_case(attr)
