"""Streamed bodies for tests of limits: an endless one that counts what it gave, a gzip bomb.

Both are re-iterable, so a static route serves a fresh stream to every request.
"""

from __future__ import annotations

import threading
import zlib
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

_BOMB_BLOCK: Final = 1 << 20


class Endless:
    """A streamed body repeating `chunk` until the client leaves (or `limit` chunks went).

    `prefix` goes first (``b"data: "`` makes an endless SSE line). `pulled` counts the
    chunks the server took, over every request; `closed` is set whenever a request's
    stream ends, so a test can check the server stopped sending. `limit` bounds a
    runaway test.

    Example::

        body = Endless(b"x" * 65_536)
        server.route("GET", "/endless", body=body)
        ...  # the client gives up after its size limit
        assert body.closed.wait(2) and body.pulled_bytes < 32 << 20
    """

    def __init__(self, chunk: bytes, *, prefix: bytes = b"", limit: int | None = None) -> None:
        if not chunk:
            raise ValueError("an endless body needs a non-empty chunk")
        self.chunk = chunk
        self.prefix = prefix
        self.limit = limit
        self.closed: threading.Event = threading.Event()
        self._lock = threading.Lock()
        self._pulled = 0

    def __repr__(self) -> str:
        return f"Endless(chunk=<{len(self.chunk)} bytes>, pulled={self.pulled})"

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self.prefix:
                yield self.prefix
            sent = 0
            while self.limit is None or sent < self.limit:
                with self._lock:
                    self._pulled += 1
                sent += 1
                yield self.chunk
        finally:
            self.closed.set()

    @property
    def pulled(self) -> int:
        """How many chunks the server took from this body, over all requests."""
        with self._lock:
            return self._pulled

    @property
    def pulled_bytes(self) -> int:
        """`pulled` in bytes (prefixes not counted)."""
        return self.pulled * len(self.chunk)


class GzipBomb:
    """A gzip stream of `inflated_size` zero bytes, compressed as it is sent (about 1000:1).

    The server holds one block of zeros, never the inflated body. Serve it with
    ``Content-Encoding: gzip`` (`Reply.gzip_bomb` does), not with ``gzip=True``, which
    would compress it again.

    Example::

        bomb = GzipBomb(1 << 30)
        server.route("GET", "/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    """

    def __init__(self, inflated_size: int, *, block: int = _BOMB_BLOCK) -> None:
        if inflated_size < 0 or block < 1:
            raise ValueError(f"bad gzip bomb size {inflated_size} or block {block}")
        self.inflated_size = inflated_size
        self.block = block

    def __repr__(self) -> str:
        return f"GzipBomb({self.inflated_size})"

    def __iter__(self) -> Iterator[bytes]:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip wrapper
        zeros = memoryview(bytes(min(self.block, self.inflated_size)))
        remaining = self.inflated_size
        while remaining:
            step = min(remaining, len(zeros))
            if out := compressor.compress(zeros[:step]):
                yield out
            remaining -= step
        yield compressor.flush()
