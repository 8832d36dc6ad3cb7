"""A fast local HTTP/1.1 server for the benchmarks, run in its own process.

The clients under test and this server must not share a GIL, so the runner
starts it with ``subprocess`` (``python -m benchmarks._server``). It binds
127.0.0.1:0, prints ``PORT <n>`` on stdout and serves until its stdin closes
(the parent exited or closed the pipe) or ``--lifetime`` seconds pass.

Routes (every body is built once and cached):

* ``GET /sse?n=N&frame=F``: ``N`` chat.completion.chunk events then ``[DONE]``,
  chunked transfer encoding. ``frame=0`` (the default) sends each event as its own
  HTTP chunk, written on its own as an LLM API flushes each token; ``frame=F``
  packs events into chunks of about ``F`` bytes.
* ``GET /json/small``: a ~2 KB chat.completion object.
* ``GET /json/big``: a ~5 MB JSON list of file objects.
* ``GET /bytes?size=N``: ``N`` bytes of ``application/octet-stream`` with a Content-Length.
* ``GET /list/T?limit=L&after=ID``: a cursor page of a list of ``T`` file objects.
* ``POST /upload``: reads the body (Content-Length or chunked) and answers
  ``{"object": "upload", "bytes": <body bytes>}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import sys
import threading
from urllib.parse import parse_qs, urlsplit

from benchmarks import _payloads

_BYTES_BLOCK = bytes(range(256)) * 4096  # 1 MiB, not all zeros
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}
#: Past this many unsent bytes the writer waits for the client (flow control).
_HIGH_WATER = 1 << 16


def _head(status: int, content_type: str, *, length: int | None) -> bytes:
    framing = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    return (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        f"Content-Type: {content_type}\r\n{framing}\r\n"
        "x-request-id: req_bench_0123456789\r\n\r\n"
    ).encode("ascii")


def _json(body: bytes) -> bytes:
    return _head(200, "application/json", length=len(body)) + body


@functools.cache
def _fixed(path: str) -> bytes:
    if path == "/json/small":
        return _json(_payloads.small_json())
    if path == "/json/big":
        return _json(_payloads.big_json())
    return _head(404, "text/plain", length=9) + b"not found"


@functools.cache
def _page(start: int, limit: int, total: int) -> bytes:
    return _json(_payloads.cursor_page(start, limit, total))


@functools.cache
def _sse_chunks(events: int, frame: int) -> tuple[bytes, ...]:
    """The chunked-encoded pieces of the response, each one write: head, chunks, end."""
    frames: list[bytes] = []
    pending: list[bytes] = []
    size = 0
    for piece in _payloads.sse_events(events):
        pending.append(piece)
        size += len(piece)
        if size >= frame:
            frames.append(b"".join(pending))
            pending, size = [], 0
    if pending:
        frames.append(b"".join(pending))
    chunks = [b"%x\r\n%s\r\n" % (len(f), f) for f in frames]
    return (_head(200, "text/event-stream", length=None), *chunks, b"0\r\n\r\n")


async def _write_all(writer: asyncio.StreamWriter, pieces: tuple[bytes, ...]) -> None:
    # One write per piece: asyncio sends it at once when the socket has room
    # (one chunk per send, as a server that flushes each token does) and only
    # buffers while the client is behind.
    transport = writer.transport
    for piece in pieces:
        writer.write(piece)
        if transport.get_write_buffer_size() > _HIGH_WATER:
            await writer.drain()
    await writer.drain()


async def _send_bytes(writer: asyncio.StreamWriter, size: int) -> None:
    writer.write(_head(200, "application/octet-stream", length=size))
    block = memoryview(_BYTES_BLOCK)
    while size > 0:
        piece = block[: min(size, len(block))]
        writer.write(piece)
        size -= len(piece)
        await writer.drain()


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> int:
    """Read and drop the request body; return its size in bytes (chunk framing excluded)."""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        total = 0
        while True:
            size = int((await reader.readline()).split(b";", 1)[0], 16)
            await reader.readexactly(size + 2)  # the data and its CRLF
            total += size
            if size == 0:
                return total
    remaining = int(headers.get("content-length", "0"))
    total = remaining
    while remaining:
        data = await reader.read(min(remaining, 1 << 20))
        if not data:
            raise asyncio.IncompleteReadError(b"", remaining)
        remaining -= len(data)
    return total


async def _get(writer: asyncio.StreamWriter, target: str) -> None:
    url = urlsplit(target)
    query = {key: values[-1] for key, values in parse_qs(url.query).items()}
    if url.path == "/sse":
        events, frame = int(query.get("n", "1000")), int(query.get("frame", "0"))
        await _write_all(writer, _sse_chunks(events, frame))
        return
    if url.path == "/bytes":
        await _send_bytes(writer, int(query.get("size", "1048576")))
        return
    if url.path.startswith("/list/"):
        after = query.get("after")
        start = _payloads.index_after(after) if after else 0
        writer.write(_page(start, int(query.get("limit", "100")), int(url.path[6:])))
    else:
        writer.write(_fixed(url.path))
    await writer.drain()


def _parse_head(head: bytes) -> tuple[str, str, dict[str, str]]:
    start, *lines = head.decode("latin-1").split("\r\n")
    method, target, _version = start.split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return method, target, headers


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            method, target, headers = _parse_head(head)
            if method == "GET":
                await _get(writer, target)
            elif method == "POST" and target.startswith("/upload"):
                received = await _read_body(reader, headers)
                writer.write(_json(json.dumps({"object": "upload", "bytes": received}).encode()))
            else:
                await _read_body(reader, headers)
                writer.write(_head(405, "text/plain", length=0))
    except (ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    # Blocks until the parent closes the pipe (or dies), then stops the server.
    sys.stdin.buffer.read()
    loop.call_soon_threadsafe(stop.set)


async def serve(lifetime: float) -> None:
    """Serve until stdin closes or ``lifetime`` seconds pass."""
    server = await asyncio.start_server(
        _serve_connection, "127.0.0.1", 0, backlog=1024, limit=1 << 16
    )
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    threading.Thread(target=_watch_stdin, args=(loop, stop), daemon=True).start()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), lifetime)
    # Nothing to clean up that the kernel will not: skip cancelling the open
    # connections' tasks, which only logs noise.
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lifetime", type=float, default=3600.0, help="seconds before exiting")
    args = parser.parse_args()
    asyncio.run(serve(args.lifetime))


if __name__ == "__main__":
    main()
