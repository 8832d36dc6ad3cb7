"""Binary responses that save their body to a file: atomic, bounded in memory, with progress.

``DownloadTracker`` (sans-I/O) counts bytes, reports progress and refuses a body
shorter than its Content-Length; the four response classes only move chunks.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable

import httpx2

from ._constants import DEFAULT_CHUNK_SIZE
from ._exceptions import APIConnectionError
from ._files import AsyncAtomicFile, AtomicFile, FileTarget
from ._response import APIResponse, AsyncAPIResponse
from ._types import ProgressCallback

__all__ = [
    "AsyncBinaryAPIResponse",
    "AsyncStreamedBinaryAPIResponse",
    "BinaryAPIResponse",
    "DownloadTracker",
    "StreamedBinaryAPIResponse",
]


def expected_length(response: httpx2.Response) -> int | None:
    """The decoded body size the headers promise, when they do (no content coding)."""
    length = response.headers.get("content-length")
    if length is None or response.headers.get("content-encoding", "identity") != "identity":
        return None
    return int(length) if length.isdigit() else None


class DownloadTracker:
    """Counts the bytes of a download, reports them and checks the total at the end."""

    def __init__(self, response: httpx2.Response, progress: ProgressCallback | None) -> None:
        self.total = expected_length(response)
        self.done = 0
        self._request = response.request
        self._progress = progress

    def advance(self, size: int) -> None:
        """``size`` more bytes were written."""
        self.done += size
        if self._progress is not None:
            self._progress(self.done, self.total)

    def finish(self) -> None:
        """The body ended: raise ``APIConnectionError`` if it is shorter than promised."""
        if self.total is not None and self.done != self.total:
            raise APIConnectionError(
                message=f"The body ended after {self.done} of {self.total} bytes.",
                request=self._request,
            )
        if self._progress is not None:
            self._progress(self.done, self.total)


def _write(chunks: Iterable[bytes], file: FileTarget, tracker: DownloadTracker) -> None:
    with AtomicFile(file) as out:
        for chunk in chunks:
            out.write(chunk)
            tracker.advance(len(chunk))
        tracker.finish()


async def _awrite(chunks: AsyncIterable[bytes], file: FileTarget, tracker: DownloadTracker) -> None:
    async with AsyncAtomicFile(file) as out:
        async for chunk in chunks:
            await out.write(chunk)
            tracker.advance(len(chunk))
        tracker.finish()


class BinaryAPIResponse(APIResponse[bytes]):
    """A raw response with a binary body.

    >>> client.files.with_raw_response.content("f1").write_to_file("out.bin")
    """

    def write_to_file(self, file: FileTarget, *, progress: ProgressCallback | None = None) -> None:
        """Write the body to ``file`` atomically: a failure leaves the old file, or none.

        ``progress(bytes_done, total)`` is called per chunk and once at the end.
        """
        tracker = DownloadTracker(self.http_response, progress)
        _write(self.iter_bytes(DEFAULT_CHUNK_SIZE), file, tracker)


class AsyncBinaryAPIResponse(AsyncAPIResponse[bytes]):
    """The async twin of ``BinaryAPIResponse``; file I/O runs through anyio."""

    async def write_to_file(
        self, file: FileTarget, *, progress: ProgressCallback | None = None
    ) -> None:
        """Write the body to ``file`` atomically; see ``BinaryAPIResponse.write_to_file``."""
        tracker = DownloadTracker(self.http_response, progress)
        await _awrite(self.iter_bytes(DEFAULT_CHUNK_SIZE), file, tracker)


class StreamedBinaryAPIResponse(APIResponse[bytes]):
    """A streamed response whose body goes to disk without being held in memory.

    >>> with client.files.with_streaming_response.content("f1") as response:
    ...     response.stream_to_file("out.bin")
    """

    def stream_to_file(
        self,
        file: FileTarget,
        *,
        chunk_size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Stream the body to ``file`` atomically, ``chunk_size`` bytes at a time.

        Raises ``APIConnectionError`` when the body is cut or shorter than its
        Content-Length; the target then keeps its old content (or stays absent).
        """
        tracker = DownloadTracker(self.http_response, progress)
        _write(self.iter_bytes(chunk_size or DEFAULT_CHUNK_SIZE), file, tracker)


class AsyncStreamedBinaryAPIResponse(AsyncAPIResponse[bytes]):
    """The async twin of ``StreamedBinaryAPIResponse``."""

    async def stream_to_file(
        self,
        file: FileTarget,
        *,
        chunk_size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Stream the body to ``file`` atomically; see ``StreamedBinaryAPIResponse``."""
        tracker = DownloadTracker(self.http_response, progress)
        await _awrite(self.iter_bytes(chunk_size or DEFAULT_CHUNK_SIZE), file, tracker)
