"""What a test declares and what the server records: headers, requests, replies and routes."""

from __future__ import annotations

import enum
import json as jsonlib
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, TypeAlias, TypedDict
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from ._faults import Fault


class _Missing(enum.Enum):
    MISSING = enum.auto()

    def __repr__(self) -> str:
        return "MISSING"


#: Default of `Reply.json`: no JSON body (``None`` means the JSON ``null``).
MISSING: Final = _Missing.MISSING

#: Headers as a dict, or as ``(name, value)`` pairs when a name repeats.
HeaderSpec: TypeAlias = Mapping[str, str] | Sequence[tuple[str, str]]

#: One Server-Sent Event: raw text (or bytes) sent as-is, or a dict of fields
#: ``data`` (non-str data is JSON-encoded), ``event``, ``id``, ``retry``, ``comment``.
SSEEvent: TypeAlias = str | bytes | Mapping[str, object]


def header_pairs(spec: HeaderSpec | None) -> list[tuple[str, str]]:
    """Headers given as a dict or as pairs, as a list of ``(name, value)`` pairs."""
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        return [(str(name), str(value)) for name, value in spec.items()]
    return [(str(name), str(value)) for name, value in spec]


class Headers(Mapping[str, str]):
    """Read-only, case-insensitive HTTP headers that keep repeated names.

    A repeated header reads as its values joined by ``", "``; `get_all` lists them.

    Example::

        headers = Headers([("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
        assert headers["SET-COOKIE"] == "a=1, b=2"
        assert headers.get_all("set-cookie") == ["a=1", "b=2"]
    """

    __slots__ = ("_pairs",)

    def __init__(self, headers: HeaderSpec = ()) -> None:
        self._pairs = tuple(header_pairs(headers))

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(name.lower() for name, _ in self._pairs))

    def __len__(self) -> int:
        return len({name.lower() for name, _ in self._pairs})

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"

    def get_all(self, name: str) -> list[str]:
        """Every value sent for `name`, in order (``[]`` when absent)."""
        key = name.lower()
        return [value for header, value in self._pairs if header.lower() == key]

    @property
    def raw(self) -> tuple[tuple[str, str], ...]:
        """The headers as received: ``(name, value)`` pairs with their original case."""
        return self._pairs


@dataclass(frozen=True)
class Request:
    """A request as the server received it; handlers get one and `requests` lists them.

    `attempt` is how many times its route was hit before, plus one; `connection`
    numbers the TCP connection it came on (equal numbers: the client reused it);
    `received_at` is its `time.monotonic()` arrival time.

    Example::

        request = server.requests[-1]
        assert request.query == {"limit": "10"}
        assert "authorization" not in request.headers
    """

    method: str
    target: str
    headers: Headers
    body: bytes = b""
    http_version: str = "HTTP/1.1"
    attempt: int = 1
    connection: int = 0
    received_at: float = 0.0

    @property
    def path(self) -> str:
        """The target without its query string, as sent (still percent-encoded)."""
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        """The query parameters, decoded; the last value wins when a name repeats."""
        return dict(self.query_items)

    @property
    def query_items(self) -> list[tuple[str, str]]:
        """Every query parameter, decoded and in order."""
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)

    @property
    def text(self) -> str:
        """The body decoded as UTF-8 (invalid bytes become U+FFFD)."""
        return self.body.decode("utf-8", "replace")

    def json(self) -> object:
        """The body parsed as JSON; raises `json.JSONDecodeError` when it is not JSON."""
        return jsonlib.loads(self.body)


@dataclass(frozen=True)
class Reply:
    """What a route answers; give at most one of `json`, `text`, `body` and `sse`.

    `body` may be an iterable of bytes, streamed chunked until it ends, the client
    leaves or the server stops; `sse` is an iterable of `SSEEvent`. `interval`
    waits between streamed items. `gzip` compresses; `ranges` serves
    ``Range: bytes=...`` requests (206) with an `etag` (derived from the body
    unless given) and `last_modified` as ``If-Range`` validators. Headers given in
    `headers` win over the ones the server would add. Raises `ValueError` for
    conflicting fields.

    Example::

        def handler(request: Request) -> Reply:
            if request.attempt == 1:
                return Reply(status=429, headers={"Retry-After": "0"})
            return Reply(json={"ok": True})
    """

    status: int = 200
    headers: HeaderSpec = ()
    json: object = MISSING
    text: str | None = None
    body: bytes | Iterable[bytes] | None = None
    content_type: str | None = None
    sse: Iterable[SSEEvent] | None = None
    interval: float = 0.0
    chunked: bool = False
    gzip: bool = False
    ranges: bool = False
    etag: str | None = None
    last_modified: str | None = None

    def __post_init__(self) -> None:
        present = {
            "json": self.json is not MISSING,
            "text": self.text is not None,
            "body": self.body is not None,
            "sse": self.sse is not None,
        }
        given = [name for name, is_given in present.items() if is_given]
        if len(given) > 1:
            raise ValueError(f"a Reply takes one of json, text, body, sse; got {given}")
        if self.ranges and self.is_streamed:
            raise ValueError("ranges=True needs a body of known length, not a stream")

    @property
    def is_streamed(self) -> bool:
        """True when the body is produced as it goes (`sse`, or an iterable `body`)."""
        return self.sse is not None or not isinstance(self.body, bytes | None)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        """A redirect to `location` (a path, or a full URL on another server).

        Example: ``Reply.redirect(other.url_for("/v1/files/1"), status=307)``
        """
        return cls(status=status, headers={"Location": location})


class ReplyFields(TypedDict, total=False):
    """The `Reply` fields, as keyword arguments of `LoopbackServer.route`."""

    status: int
    headers: HeaderSpec
    json: object
    text: str | None
    body: bytes | Iterable[bytes] | None
    content_type: str | None
    sse: Iterable[SSEEvent] | None
    interval: float
    chunked: bool
    gzip: bool
    ranges: bool
    etag: str | None
    last_modified: str | None


#: A function answering requests dynamically.
Handler: TypeAlias = Callable[[Request], Reply]


@dataclass(eq=False)
class Route:
    """A declared route: how it answers, its faults, and the requests it received.

    Created by `LoopbackServer.route`; read `calls` and `requests` in assertions.

    Example::

        route = server.route("POST", "/v1/things", json={"id": 1})
        ...
        assert route.calls == 3
        assert len({r.headers["idempotency-key"] for r in route.requests}) == 1
    """

    method: str
    path: str
    handler: Handler
    faults: tuple[Fault, ...] = ()
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _requests: list[Request] = field(default_factory=list, init=False, repr=False)

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

    def record(self, request: Request) -> Request:
        """Number `request` (its `attempt`) and keep it; the server calls this on arrival."""
        with self._lock:
            numbered = replace(request, attempt=len(self._requests) + 1)
            self._requests.append(numbered)
        return numbered
