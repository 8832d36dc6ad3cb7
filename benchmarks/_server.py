"""A fast local HTTP/1.1 server for the benchmarks, run in its own process.

The clients under test and this server must not share a GIL, so the runner
starts it with ``subprocess`` (``python -m benchmarks._server``). It binds
127.0.0.1:0, prints ``PORT <n>`` on stdout and serves until its stdin closes
(the parent exited or closed the pipe) or ``--lifetime`` seconds pass.

Routes (GET only; every body is built once and cached):

* ``/sse?n=N&frame=F``: ``N`` chat.completion.chunk events then ``[DONE]``,
  chunked transfer encoding, ``F`` bytes per chunked frame (0: one per event).
* ``/json/small``: a ~2 KB chat.completion object.
* ``/json/big``: a ~5 MB JSON list of file objects.
* ``/bytes?size=N``: ``N`` bytes of ``application/octet-stream`` with a Content-Length.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import sys
import threading
from urllib.parse import parse_qs, urlsplit

from benchmarks import _payloads

_BYTES_BLOCK = bytes(range(256)) * 4096  # 1 MiB, not all zeros
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}


def _head(status: int, content_type: str, *, length: int | None) -> bytes:
    framing = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    return (
        f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
        f"Content-Type: {content_type}\r\n{framing}\r\n"
        "x-request-id: req_bench_0123456789\r\n\r\n"
    ).encode("ascii")


@functools.cache
def _fixed(path: str) -> bytes:
    if path == "/json/small":
        body = _payloads.small_json()
    elif path == "/json/big":
        body = _payloads.big_json()
    else:
        return _head(404, "text/plain", length=9) + b"not found"
    return _head(200, "application/json", length=len(body)) + body


@functools.cache
def _sse_frames(events: int, frame: int) -> bytes:
    """The whole chunked-encoded response, head included."""
    pieces = _payloads.sse_events(events)
    frames: list[bytes] = []
    pending: list[bytes] = []
    size = 0
    for piece in pieces:
        pending.append(piece)
        size += len(piece)
        if size >= frame:
            frames.append(b"".join(pending))
            pending, size = [], 0
    if pending:
        frames.append(b"".join(pending))
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(f), f) for f in frames)
    return _head(200, "text/event-stream", length=None) + encoded + b"0\r\n\r\n"


async def _send_bytes(writer: asyncio.StreamWriter, size: int) -> None:
    writer.write(_head(200, "application/octet-stream", length=size))
    block = memoryview(_BYTES_BLOCK)
    while size > 0:
        piece = block[: min(size, len(block))]
        writer.write(piece)
        size -= len(piece)
        await writer.drain()


async def _respond(writer: asyncio.StreamWriter, target: str) -> None:
    url = urlsplit(target)
    query = {key: values[-1] for key, values in parse_qs(url.query).items()}
    if url.path == "/sse":
        writer.write(_sse_frames(int(query.get("n", "1000")), int(query.get("frame", "16384"))))
    elif url.path == "/bytes":
        await _send_bytes(writer, int(query.get("size", "1048576")))
        return
    else:
        writer.write(_fixed(url.path))
    await writer.drain()


async def _serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            method, target, _version = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method != "GET":
                writer.write(_head(405, "text/plain", length=0))
                continue
            await _respond(writer, target)
    except ConnectionError:
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
    parser.add_argument("--lifetime", type=float, default=1800.0, help="seconds before exiting")
    args = parser.parse_args()
    asyncio.run(serve(args.lifetime))


if __name__ == "__main__":
    main()
