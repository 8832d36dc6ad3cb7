"""``HttpxBinaryResponseContent``: a binary body handed back as a parse target."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._files import AsyncAtomicFile, AtomicFile, FileTarget

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    import httpx2

__all__ = ["HttpxBinaryResponseContent"]


class HttpxBinaryResponseContent:
    """A binary body with the ways to read it or save it.

    Writing to a file is atomic: a failure leaves the old file (or none).

    >>> audio = client.get("/speech", cast_to=HttpxBinaryResponseContent)
    >>> audio.write_to_file("speech.mp3")
    """

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    @property
    def content(self) -> bytes:
        """The body, read already."""
        return self.response.content

    @property
    def text(self) -> str:
        """The body decoded with its charset."""
        return self.response.text

    @property
    def encoding(self) -> str | None:
        """The text encoding of the body."""
        return self.response.encoding

    @property
    def charset_encoding(self) -> str | None:
        """The charset named in the Content-Type header."""
        return self.response.charset_encoding

    def json(self) -> object:
        """The body decoded as JSON."""
        return self.response.json()

    def read(self) -> bytes:
        """Read the body (once) and return it."""
        return self.response.read()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Iterate the decoded body in chunks."""
        return self.response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """Iterate the body as text."""
        return self.response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """Iterate the body line by line, without line endings."""
        return self.response.iter_lines()

    def write_to_file(self, file: FileTarget) -> None:
        """Write the body to ``file`` atomically."""
        with AtomicFile(file) as out:
            for chunk in self.response.iter_bytes():
                out.write(chunk)

    def close(self) -> None:
        """Release the connection."""
        self.response.close()

    async def aread(self) -> bytes:
        """Read the body (once) and return it."""
        return await self.response.aread()

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """Iterate the decoded body in chunks."""
        return self.response.aiter_bytes(chunk_size)

    def aiter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """Iterate the body as text."""
        return self.response.aiter_text(chunk_size)

    def aiter_lines(self) -> AsyncIterator[str]:
        """Iterate the body line by line, without line endings."""
        return self.response.aiter_lines()

    async def awrite_to_file(self, file: FileTarget) -> None:
        """Write the body to ``file`` atomically, file I/O through anyio."""
        async with AsyncAtomicFile(file) as out:
            async for chunk in self.response.aiter_bytes():
                await out.write(chunk)

    async def aclose(self) -> None:
        """Release the connection."""
        await self.response.aclose()
