"""Turn a `Reply` into pieces: payload, SSE encoding, gzip, byte ranges and framing headers."""

from __future__ import annotations

import gzip as gziplib
import hashlib
import json as jsonlib
import zlib
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

from ._headers import header_pairs
from ._model import MISSING, Reply, Request, SSEEvent
from ._pieces import Data, End, Head, Pause, Piece

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ._headers import HeaderSpec

_SSE_FIELDS = ("event", "id", "retry")


@dataclass(frozen=True)
class Rendered:
    """A reply ready to send: its pieces, and whether its `Data` needs chunk framing."""

    pieces: Iterator[Piece]
    chunked: bool


def render(request: Request, reply: Reply, *, keep_alive: bool) -> Rendered:
    """The pieces that answer `request` with `reply` (no body for HEAD, 204 and 304)."""
    if reply.is_streamed:
        return _render_stream(request, reply, keep_alive)
    return _render_fixed(request, reply, keep_alive)


def encode_event(event: SSEEvent) -> bytes:
    """One Server-Sent Event on the wire: str/bytes as-is, a dict as ``field: value`` lines."""
    if isinstance(event, bytes):
        return event
    if isinstance(event, str):
        return event.encode()
    lines = [f": {event['comment']}"] if "comment" in event else []
    lines += [f"{name}: {event[name]}" for name in _SSE_FIELDS if event.get(name) is not None]
    if "data" in event:
        data = event["data"]
        text = data if isinstance(data, str) else jsonlib.dumps(data)
        lines += [f"data: {line}" for line in text.split("\n")]
    return ("\n".join(lines) + "\n\n").encode()


def build_head(
    status: int, headers: HeaderSpec, defaults: list[tuple[str, str]], *, keep_alive: bool
) -> bytes:
    """Status line and headers; the reply's own headers win over the server's `defaults`."""
    pairs = header_pairs(headers)
    given = {name.lower() for name, _ in pairs}
    if not keep_alive:
        defaults = [*defaults, ("Connection", "close")]
    pairs += [(name, value) for name, value in defaults if name.lower() not in given]
    lines = [f"HTTP/1.1 {status} {_reason(status)}", *(f"{n}: {v}" for n, v in pairs)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _bodyless(request: Request, status: int) -> bool:
    return request.method == "HEAD" or status in (204, 304) or 100 <= status < 200


def _fixed_payload(reply: Reply) -> tuple[bytes, str | None]:
    if reply.json is not MISSING:
        return jsonlib.dumps(reply.json).encode(), reply.content_type or "application/json"
    if reply.text is not None:
        return reply.text.encode(), reply.content_type or "text/plain; charset=utf-8"
    if isinstance(reply.body, bytes):
        return reply.body, reply.content_type or "application/octet-stream"
    return b"", reply.content_type


def _render_fixed(request: Request, reply: Reply, keep_alive: bool) -> Rendered:
    payload, content_type = _fixed_payload(reply)
    defaults = [("Content-Type", content_type)] if content_type else []
    if reply.gzip:
        payload = gziplib.compress(payload, compresslevel=6, mtime=0)
        defaults.append(("Content-Encoding", "gzip"))
    status = reply.status
    if reply.ranges:
        status, payload, range_headers = _select_range(request, reply, payload)
        defaults += range_headers
    bodyless = _bodyless(request, status)
    if reply.chunked:
        defaults.append(("Transfer-Encoding", "chunked"))
    elif status not in (204, 304) and status >= 200:
        defaults.append(("Content-Length", str(len(payload))))
    head = build_head(status, reply.headers, defaults, keep_alive=keep_alive)
    pieces = _fixed_pieces(head, b"" if bodyless else payload, reply.chunk_size, reply.interval)
    return Rendered(pieces, reply.chunked and not bodyless)


def _fixed_pieces(
    head: bytes, payload: bytes, chunk_size: int | None, interval: float
) -> Iterator[Piece]:
    """The head, then the payload whole, or `chunk_size` bytes at a time `interval` apart."""
    yield Head(head)
    step = chunk_size or len(payload) or 1
    for start in range(0, len(payload), step):
        if start and interval > 0:
            yield Pause(interval)
        yield Data(payload[start : start + step])
    yield End()


def _render_stream(request: Request, reply: Reply, keep_alive: bool) -> Rendered:
    is_sse = reply.sse is not None
    default_type = "text/event-stream" if is_sse else "application/octet-stream"
    defaults = [("Content-Type", reply.content_type or default_type)]
    if is_sse:
        defaults.append(("Cache-Control", "no-cache"))
    if reply.gzip:
        defaults.append(("Content-Encoding", "gzip"))
    defaults.append(("Transfer-Encoding", "chunked"))
    head = build_head(reply.status, reply.headers, defaults, keep_alive=keep_alive)
    bodyless = _bodyless(request, reply.status)
    return Rendered(_stream_pieces(head, reply, send_body=not bodyless), chunked=not bodyless)


def _stream_pieces(head: bytes, reply: Reply, *, send_body: bool) -> Iterator[Piece]:
    source = _stream_source(reply)
    try:
        yield Head(head)
        if send_body:
            encoded = (encode_event(item) for item in source)
            yield from _stream_body(encoded, interval=reply.interval, gzip=reply.gzip)
    finally:
        # Finalise the caller's generator now (its `finally` runs), not at garbage collection.
        close = getattr(source, "close", None)
        if callable(close):
            close()
    yield End()


def _stream_source(reply: Reply) -> Iterator[SSEEvent]:
    if reply.sse is not None:
        return iter(reply.sse)
    if reply.body is None or isinstance(reply.body, bytes):
        raise TypeError("a streamed reply needs sse or an iterable body")
    return iter(reply.body)


def _stream_body(items: Iterator[bytes], *, interval: float, gzip: bool) -> Iterator[Piece]:
    # A sync flush per item lets the client decode each event as it arrives.
    compressor = zlib.compressobj(wbits=31) if gzip else None
    for index, item in enumerate(items):
        if index and interval > 0:
            yield Pause(interval)
        if compressor is None:
            yield Data(item)
        else:
            yield Data(compressor.compress(item) + compressor.flush(zlib.Z_SYNC_FLUSH))
    if compressor is not None:
        yield Data(compressor.flush(), boundary=False)


def _select_range(
    request: Request, reply: Reply, payload: bytes
) -> tuple[int, bytes, list[tuple[str, str]]]:
    etag = reply.etag or f'"{hashlib.sha256(payload).hexdigest()[:20]}"'
    headers = [("Accept-Ranges", "bytes"), ("ETag", etag)]
    if reply.last_modified:
        headers.append(("Last-Modified", reply.last_modified))
    wanted = _parse_range(request.headers.get("range"), len(payload))
    if_range = request.headers.get("if-range")
    if reply.status != 200 or wanted is None or if_range not in (None, etag, reply.last_modified):
        return reply.status, payload, headers
    start, end = wanted
    if start >= len(payload):
        return 416, b"", [*headers, ("Content-Range", f"bytes */{len(payload)}")]
    content_range = f"bytes {start}-{end}/{len(payload)}"
    return 206, payload[start : end + 1], [*headers, ("Content-Range", content_range)]


def _parse_range(value: str | None, size: int) -> tuple[int, int] | None:
    """``bytes=N-``, ``bytes=N-M`` or ``bytes=-S`` as inclusive bounds; None to ignore it."""
    if value is None or not value.startswith("bytes=") or "," in value:
        return None
    first, _, last = value.removeprefix("bytes=").strip().partition("-")
    try:
        if not first:
            return max(0, size - int(last)), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if last and end < start:
        return None
    return start, min(end, size - 1)
