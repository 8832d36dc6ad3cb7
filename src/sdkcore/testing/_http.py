"""Reading one HTTP/1.1 request off a connection: request line, headers, body."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final, Protocol

from ._model import Headers, Request

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_LINE: Final = 65_536
MAX_HEADERS: Final = 200


class Reader(Protocol):
    """A buffered binary stream, such as ``socket.makefile("rb")``."""

    def readline(self, size: int = -1, /) -> bytes: ...
    def read(self, size: int = -1, /) -> bytes: ...


class MalformedRequestError(Exception):
    """The client sent something that is not an HTTP/1.1 request."""


def read_request(
    reader: Reader, connection: int, *, on_continue: Callable[[], None]
) -> Request | None:
    """The next request on `reader`, or None when the client closed the connection.

    `on_continue` is called before reading the body of an ``Expect: 100-continue``
    request. Raises `MalformedRequestError` for a malformed request.
    """
    line = _read_line(reader)
    while line in (b"\r\n", b"\n"):  # tolerated before a request line (RFC 9112, 2.2)
        line = _read_line(reader)
    if not line:
        return None
    parts = line.decode("latin-1").rstrip("\r\n").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise MalformedRequestError(f"bad request line {line[:100]!r}")
    method, target, version = parts
    headers = _read_headers(reader)
    if headers.get("expect", "").lower() == "100-continue":
        on_continue()
    body = _read_body(reader, headers)
    return Request(
        method=method.upper(),
        target=target,
        headers=headers,
        body=body,
        http_version=version,
        connection=connection,
        received_at=time.monotonic(),
    )


def wants_keep_alive(request: Request) -> bool:
    """True when the connection may carry another request after this one."""
    tokens = {token.strip().lower() for token in request.headers.get("connection", "").split(",")}
    if request.http_version == "HTTP/1.0":
        return "keep-alive" in tokens
    return "close" not in tokens


def _read_line(reader: Reader) -> bytes:
    line = reader.readline(MAX_LINE + 1)
    if len(line) > MAX_LINE:
        raise MalformedRequestError("line too long")
    return line


def _read_headers(reader: Reader) -> Headers:
    pairs: list[tuple[str, str]] = []
    while (line := _read_line(reader)) not in (b"\r\n", b"\n"):
        if not line.endswith(b"\n"):
            raise MalformedRequestError("connection closed inside the headers")
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip() or len(pairs) >= MAX_HEADERS:
            raise MalformedRequestError(f"bad header line {line[:100]!r}")
        pairs.append((name, value.strip()))
    return Headers(pairs)


def _read_body(reader: Reader, headers: Headers) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _read_chunked(reader)
    length = headers.get("content-length")
    if length is None:
        return b""
    if not length.isdigit():
        raise MalformedRequestError(f"bad Content-Length {length!r}")
    return _read_exactly(reader, int(length))


def _read_chunked(reader: Reader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_field = _read_line(reader).split(b";")[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            raise MalformedRequestError(f"bad chunk size {size_field[:20]!r}") from None
        if size == 0:
            break
        parts.append(_read_exactly(reader, size))
        if _read_line(reader) not in (b"\r\n", b"\n"):
            raise MalformedRequestError("chunk not followed by CRLF")
    _read_headers(reader)  # trailers, ignored
    return b"".join(parts)


def _read_exactly(reader: Reader, size: int) -> bytes:
    data = reader.read(size)
    if len(data) < size:
        raise MalformedRequestError("connection closed inside the body")
    return data
