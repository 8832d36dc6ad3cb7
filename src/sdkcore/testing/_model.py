"""What a test declares and what the server records: requests, replies and handlers."""

from __future__ import annotations

import enum
import hashlib
import json as jsonlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, TypeAlias, TypedDict
from urllib.parse import parse_qsl, urlsplit

from ._bodies import GzipBomb
from ._errors import BodyNotKeptError
from ._form import Form, parse_form
from ._headers import Headers, HeaderSpec, header_pairs


class _Missing(enum.Enum):
    MISSING = enum.auto()

    def __repr__(self) -> str:
        return "MISSING"


#: Default of `Reply.json`: no JSON body (``None`` means the JSON ``null``).
MISSING: Final = _Missing.MISSING

#: The SHA-256 of an empty body, in hex.
EMPTY_SHA256: Final = hashlib.sha256(b"").hexdigest()

#: One Server-Sent Event: raw text (or bytes) sent as-is, or a dict of fields
#: ``data`` (non-str data is JSON-encoded), ``event``, ``id``, ``retry``, ``comment``.
SSEEvent: TypeAlias = str | bytes | Mapping[str, object]


@dataclass(frozen=True)
class Request:
    """A request as the server received it; handlers get one and `requests` lists them.

    `attempt` is how many times its route was hit before, plus one; `connection`
    numbers the TCP connection it came on (equal numbers: the client reused it);
    `received_at` is its `time.monotonic()` arrival time. `path_params` holds the
    percent-decoded values of the route's ``{name}`` segments. `body_size` and
    `body_sha256` (hex) describe the body exactly; `body` holds it only while it fits
    the server's ``max_body_kept`` (else `body_kept` is False and `body` is empty).

    Example::

        request = server.requests[-1]
        assert request.query == {"limit": "10"}
        assert request.path_params == {"file_id": "abc"}
    """

    method: str
    target: str
    headers: Headers
    body: bytes = field(default=b"", repr=False)
    http_version: str = "HTTP/1.1"
    attempt: int = 1
    connection: int = 0
    received_at: float = 0.0
    body_size: int = 0
    body_sha256: str = EMPTY_SHA256
    body_kept: bool = True
    path_params: Mapping[str, str] = field(default_factory=dict[str, str])

    def __post_init__(self) -> None:
        # A request built by hand from a body alone: describe that body.
        if self.body and self.body_size == 0:
            object.__setattr__(self, "body_size", len(self.body))
            object.__setattr__(self, "body_sha256", hashlib.sha256(self.body).hexdigest())

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
        """The body decoded as UTF-8 (invalid bytes become U+FFFD); see `kept_body`."""
        return self.kept_body().decode("utf-8", "replace")

    def json(self) -> object:
        """The body parsed as JSON; raises `json.JSONDecodeError` when it is not JSON."""
        return jsonlib.loads(self.kept_body())

    def form(self) -> Form:
        """The body parsed as ``multipart/form-data`` into fields and files.

        Raises `FormError` when it is not such a form, `BodyNotKeptError` when it was
        too large to keep. Example: ``assert request.form().fields["purpose"] == ["batch"]``
        """
        return parse_form(self.headers.get("content-type"), self.kept_body())

    def kept_body(self) -> bytes:
        """The body; raises `BodyNotKeptError` when it was larger than ``max_body_kept``.

        Example: ``assert request.kept_body() == b"payload"``
        """
        if not self.body_kept:
            raise BodyNotKeptError(
                f"the body ({self.body_size} bytes) was larger than the server's max_body_kept,"
                " so only its size and SHA-256 were kept; raise LoopbackServer(max_body_kept=...)"
            )
        return self.body


@dataclass(frozen=True)
class Reply:
    """What a route answers; give at most one of `json`, `text`, `body` and `sse`.

    `body` may be an iterable of bytes, streamed chunked until it ends, the client
    leaves or the server stops; `sse` is an iterable of `SSEEvent`. `interval`
    waits between streamed items. `chunk_size` sends a body of known length in
    pieces of that size, `interval` apart (with its Content-Length, so a client can
    show progress). `gzip` compresses; `ranges` serves ``Range: bytes=...`` requests
    (206) with an `etag` (derived from the body unless given) and `last_modified` as
    ``If-Range`` validators. Headers given in `headers` win over the ones the server
    would add. Raises `ValueError` for conflicting fields.

    Example::

        def handler(request: Request) -> Reply:
            if request.attempt == 1:
                return Reply(status=429, headers={"Retry-After": "0"})
            return Reply(body=data, ranges=True, chunk_size=65_536, interval=0.01)
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
    chunk_size: int | None = None

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
        self._check_pacing()

    def _check_pacing(self) -> None:
        if self.ranges and self.is_streamed:
            raise ValueError(
                "ranges=True needs a body of known length, not a stream;"
                " pace a bytes body with chunk_size= and interval= instead"
            )
        if self.chunk_size is not None and (self.chunk_size < 1 or self.is_streamed):
            raise ValueError(
                f"chunk_size={self.chunk_size} must be at least 1, for a body of known length"
                " (a streamed body is sent item by item)"
            )
        if self.interval < 0:
            raise ValueError(f"interval={self.interval} must not be negative")

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

    @classmethod
    def gzip_bomb(
        cls,
        inflated_size: int,
        *,
        streamed: bool = False,
        status: int = 200,
        content_type: str = "application/octet-stream",
        headers: HeaderSpec = (),
    ) -> Reply:
        """A small gzip body (``Content-Encoding: gzip``) that inflates to `inflated_size` bytes.

        It is compressed block by block (see `GzipBomb`): the server never holds the
        inflated bytes. By default it is compressed once and sent with its
        Content-Length (about a thousandth of `inflated_size`); `streamed=True`
        compresses while sending, chunked.

        Example: ``server.route("GET", "/bomb", Reply.gzip_bomb(1 << 30))``
        """
        bomb = GzipBomb(inflated_size)
        return cls(
            status=status,
            headers=[("Content-Encoding", "gzip"), *header_pairs(headers)],
            body=bomb if streamed else b"".join(bomb),
            content_type=content_type,
        )


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
    chunk_size: int | None


#: A function answering requests dynamically.
Handler: TypeAlias = Callable[[Request], Reply]
