"""Routes and how a request finds one: exact paths first, then the most specific template.

A template is a path whose segments may be ``{name}`` parameters, each matching
one non-empty segment (``/files/{file_id}/content``). Literal segments compare as
sent, still percent-encoded, like exact paths; parameter values are
percent-decoded. Among the templates that match a path, the one with a literal
segment where the others have a parameter, first from the left, wins; then a
route for the request's own method wins over a ``"*"`` route. Templates that
differ only in their parameter names are the same route.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from ._faults import Fault
    from ._model import Handler, Request


@dataclass(frozen=True)
class PathTemplate:
    """A route path split into segments; None marks a ``{name}`` parameter."""

    text: str
    segments: tuple[str | None, ...]
    names: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> PathTemplate:
        """The template of `text`; raises `ValueError` for a malformed one."""
        if not text.startswith("/"):
            raise ValueError(f"a route path starts with '/', got {text!r}")
        segments: list[str | None] = []
        names: list[str] = []
        for segment in text[1:].split("/"):
            name = _parameter(text, segment)
            segments.append(None if name else segment)
            names += [name] if name else []
        if len(set(names)) < len(names):
            raise ValueError(f"a parameter name repeats in the route path {text!r}")
        return cls(text, tuple(segments), tuple(names))

    @property
    def rank(self) -> tuple[int, ...]:
        """Smaller is more specific: 0 for a literal segment, 1 for a parameter."""
        return tuple(int(segment is None) for segment in self.segments)

    def match(self, path: str) -> dict[str, str] | None:
        """The decoded parameters when `path` matches, else None."""
        parts = path[1:].split("/") if path.startswith("/") else []
        if len(parts) != len(self.segments):
            return None
        values: list[str] = []
        for part, segment in zip(parts, self.segments, strict=True):
            if segment is None and part:
                values.append(unquote(part))
            elif segment != part:
                return None
        return dict(zip(self.names, values, strict=True))


def _parameter(text: str, segment: str) -> str | None:
    """The parameter name of a ``{name}`` segment, None for a literal one."""
    if segment.startswith("{") and segment.endswith("}") and segment[1:-1].isidentifier():
        return segment[1:-1]
    if "{" in segment or "}" in segment:
        raise ValueError(
            f"route path {text!r}: a parameter is a whole segment like '{{file_id}}',"
            f" got {segment!r}"
        )
    return None


@dataclass(eq=False)
class Route:
    """A declared route: how it answers, its faults, and the requests it received.

    Created by `LoopbackServer.route`; read `calls` and `requests` in assertions. A
    route whose `path` has ``{name}`` segments counts every path it matched.

    Example::

        route = server.route("GET", "/v1/files/{file_id}", json={"id": "f"})
        ...
        assert [r.path_params["file_id"] for r in route.requests] == ["a", "b"]
    """

    method: str
    path: str
    handler: Handler
    faults: tuple[Fault, ...] = ()
    template: PathTemplate = field(init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _requests: list[Request] = field(default_factory=list["Request"], init=False, repr=False)

    def __post_init__(self) -> None:
        self.template = PathTemplate.parse(self.path)

    @property
    def requests(self) -> list[Request]:
        """The requests this route received, in order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def calls(self) -> int:
        """How many requests this route received."""
        with self._lock:
            return len(self._requests)

    def record(self, request: Request, path_params: dict[str, str] | None = None) -> Request:
        """Number `request` (its `attempt`), add its `path_params` and keep it.

        The server calls this on arrival. Example: ``route.record(request)``
        """
        with self._lock:
            numbered = replace(
                request, attempt=len(self._requests) + 1, path_params=path_params or {}
            )
            self._requests.append(numbered)
        return numbered


class RouteTable:
    """The declared routes, found by method and path (not thread-safe: the server locks)."""

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], Route] = {}
        self._templates: dict[tuple[str, tuple[str | None, ...]], Route] = {}

    def __len__(self) -> int:
        return len(self._exact) + len(self._templates)

    def add(self, route: Route) -> None:
        """Declare `route`, replacing the one for the same method and path (or template)."""
        if route.template.names:
            self._templates[route.method, route.template.segments] = route
        else:
            self._exact[route.method, route.path] = route

    def clear(self) -> None:
        """Forget every route."""
        self._exact.clear()
        self._templates.clear()

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route answering ``method path`` and its parameters, or None."""
        exact = self._exact.get((method, path)) or self._exact.get(("*", path))
        if exact is not None:
            return exact, {}
        best: tuple[tuple[int, ...], bool, Route, dict[str, str]] | None = None
        for route in self._templates.values():
            if route.method not in (method, "*"):
                continue
            params = route.template.match(path)
            if params is None:
                continue
            candidate = (route.template.rank, route.method == "*", route, params)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        return None if best is None else (best[2], best[3])
