"""Reading one HTTP/1.1 request off a connection: request line, headers, body.

The body is read in bounded chunks and hashed as it arrives; only its first
``max_body_kept`` bytes are held, so a huge upload costs the server no memory.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import TYPE_CHECKING, Final, Protocol

from ._headers import Headers
from ._model import Request

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_LINE: Final = 65_536
MAX_HEADERS: Final = 200
READ_CHUNK: Final = 65_536
_HEX: Final = re.compile(rb"[0-9A-Fa-f]{1,16}")


class Reader(Protocol):
    """A buffered binary stream, such as ``socket.makefile("rb")``."""

    def readline(self, size: int = -1, /) -> bytes: ...
    def read(self, size: int = -1, /) -> bytes: ...


class MalformedRequestError(Exception):
    """The client sent something that is not an HTTP/1.1 request."""


class BodySink:
    """Counts and hashes body bytes as they arrive, keeping them while they fit `max_kept`."""

    def __init__(self, max_kept: int) -> None:
        self.max_kept = max_kept
        self.size = 0
        self.digest = hashlib.sha256()
        self.kept: bytearray | None = bytearray()

    def feed(self, data: bytes) -> None:
        """Take the next body bytes."""
        self.size += len(data)
        self.digest.update(data)
        if self.kept is not None:
            if self.size > self.max_kept:
                self.kept = None  # too large: from now on only the size and hash
            else:
                self.kept += data


def read_request(
    reader: Reader,
    connection: int,
    *,
    on_continue: Callable[[], None],
    max_body_kept: int = 64 << 20,
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
    sink = BodySink(max_body_kept)
    _read_body(reader, headers, sink)
    return Request(
        method=method.upper(),
        target=target,
        headers=headers,
        body=b"" if sink.kept is None else bytes(sink.kept),
        http_version=version,
        connection=connection,
        received_at=time.monotonic(),
        body_size=sink.size,
        body_sha256=sink.digest.hexdigest(),
        body_kept=sink.kept is not None,
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


def _read_body(reader: Reader, headers: Headers, sink: BodySink) -> None:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        _read_chunked(reader, sink)
        return
    length = headers.get("content-length")
    if length is None:
        return
    if not length.isdigit():
        raise MalformedRequestError(f"bad Content-Length {length!r}")
    _read_exactly(reader, int(length), sink)


def _read_chunked(reader: Reader, sink: BodySink) -> None:
    while True:
        size_field = _read_line(reader).split(b";")[0].strip()
        if not _HEX.fullmatch(size_field):
            raise MalformedRequestError(f"bad chunk size {size_field[:20]!r}")
        size = int(size_field, 16)
        if size == 0:
            break
        _read_exactly(reader, size, sink)
        if _read_line(reader) not in (b"\r\n", b"\n"):
            raise MalformedRequestError("chunk not followed by CRLF")
    _read_headers(reader)  # trailers, ignored


def _read_exactly(reader: Reader, size: int, sink: BodySink) -> None:
    """Feed `size` bytes to `sink`, a bounded read at a time."""
    while size:
        data = reader.read(min(size, READ_CHUNK))
        if not data:
            raise MalformedRequestError("connection closed inside the body")
        sink.feed(data)
        size -= len(data)
