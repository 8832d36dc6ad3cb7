"""JSON Lines bodies as parse targets: ``JSONLDecoder[T]`` and ``AsyncJSONLDecoder[T]``.

``JSONLines`` (sans-I/O) splits bytes into lines within a size limit and builds
one ``T`` per non-empty line; the two decoders only move bytes into it.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Final, Generic, Self, TypeVar

import anyio
import pydantic

from ._body import map_transport_errors
from ._constants import DEFAULT_MAX_LINE_SIZE
from ._exceptions import APIResponseValidationError, JSONLDecodeError
from ._models import json_loader

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterator
    from types import TracebackType

    import httpx2

__all__ = ["AsyncJSONLDecoder", "JSONLDecoder", "JSONLines"]

_T = TypeVar("_T")
_NO_ITEM: Final = object()


class JSONLines(Generic[_T]):
    """Bytes of a JSON Lines body in, one ``T`` per line out.

    Raises ``JSONLDecodeError`` for a line longer than ``max_line_size`` bytes (before
    buffering past it) and ``APIResponseValidationError`` for a line that is not JSON.
    """

    def __init__(
        self,
        line_type: type[_T],
        response: httpx2.Response,
        *,
        max_line_size: int | None,
        strict: bool,
    ) -> None:
        self._response = response
        self._max = max_line_size
        #: Line to item, for the line type, looked up once.
        self._load: Callable[[bytes], _T] = json_loader(line_type, strict=strict)
        # The unfinished line, in parts: joining only at a line end keeps a long
        # line fed in small chunks linear.
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> Iterator[_T]:
        """The items of the lines that ``chunk`` completes, built one at a time.

        Lazily, so that the items before a bad line reach the caller before its
        error, however the body was split into chunks.
        """
        if b"\n" not in chunk:
            self._keep(chunk)
            return
        first, *lines, rest = chunk.split(b"\n")
        lines.insert(0, b"".join(self._parts) + first if self._parts else first)
        self._parts, self._size = [], 0
        for line in lines:
            if line.strip():
                yield self._item(line)
        self._keep(rest)

    def finish(self) -> Iterator[_T]:
        """The item of a last line without a line end."""
        line = b"".join(self._parts)
        self._parts, self._size = [], 0
        if line.strip():
            yield self._item(line)

    def _keep(self, part: bytes) -> None:
        if part:
            self._size += len(part)
            self._check(self._size)
            self._parts.append(part)

    def _check(self, size: int) -> None:
        if self._max is not None and size > self._max:
            raise JSONLDecodeError(
                f"A JSON Lines line exceeds max_line_size={self._max} bytes; pass a larger "
                "max_line_size (or None for no limit) to JSONLDecoder."
            )

    def _item(self, line: bytes) -> _T:
        self._check(len(line))
        try:
            item = self._load(line)
        except pydantic.ValidationError as exc:
            text = line[:200].decode("utf-8", errors="replace")
            raise APIResponseValidationError(
                self._response, text, message=f"Invalid JSON Lines line: {text!r}"
            ) from exc
        return item


class JSONLDecoder(Generic[_T]):
    """An iterator of ``T``, one per line of a JSON Lines response body, streamed.

    ``next(rows)`` gives the next row and ``for row in rows`` goes on from there.

    >>> with client.things.with_streaming_response.export() as response:
    ...     for row in response.parse(to=JSONLDecoder[Row]):
    ...         print(row)
    """

    def __init__(
        self,
        *,
        line_type: type[_T],
        response: httpx2.Response,
        max_line_size: int | None = DEFAULT_MAX_LINE_SIZE,
        strict: bool = False,
    ) -> None:
        self.response = response
        self._lines = JSONLines(line_type, response, max_line_size=max_line_size, strict=strict)
        self._rows: Iterator[_T] | None = None

    def __next__(self) -> _T:
        if self._rows is None:
            self._rows = self._read()
        return next(self._rows)

    def __iter__(self) -> Iterator[_T]:
        # A loop left early closes the response: this generator is finalised at once.
        ended = False
        try:
            yield from iter(self.__next__, _NO_ITEM)
            ended = True
        finally:
            if not ended:
                self.close()

    def _read(self) -> Iterator[_T]:
        try:
            with map_transport_errors(self.response.request):
                for chunk in self.response.iter_bytes():
                    yield from self._lines.feed(chunk)
            yield from self._lines.finish()
        finally:
            self.response.close()

    def close(self) -> None:
        """Close the response. Safe to call twice."""
        rows = self._rows
        if isinstance(rows, Generator):
            rows.close()
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncJSONLDecoder(Generic[_T]):
    """The async twin of ``JSONLDecoder``.

    An async iterator object rather than an async generator, so that breaking out
    of ``async for`` leaves nothing for the garbage collector to finalise (which
    trio reports); ``close()`` or ``async with`` releases the response.

    >>> async with await client.things.export() as rows:
    ...     async for row in rows:
    ...         print(row)
    """

    def __init__(
        self,
        *,
        line_type: type[_T],
        response: httpx2.Response,
        max_line_size: int | None = DEFAULT_MAX_LINE_SIZE,
        strict: bool = False,
    ) -> None:
        self.response = response
        self._lines = JSONLines(line_type, response, max_line_size=max_line_size, strict=strict)
        self._chunks: AsyncGenerator[bytes, None] | None = None
        self._items: Iterator[_T] = iter(())
        self._ended = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _T:
        try:
            while True:
                with map_transport_errors(self.response.request):
                    item = next(self._items, _NO_ITEM)
                    if item is not _NO_ITEM:
                        return item  # type: ignore[return-value]  # not the sentinel
                    if self._ended:
                        raise StopAsyncIteration
                    await self._next_chunk()
        except BaseException:
            await self.close()
            raise

    async def _next_chunk(self) -> None:
        if self._chunks is None:
            self._chunks = self.response.aiter_bytes()
        chunk = await anext(self._chunks, None)
        if chunk is None:
            self._ended = True
            self._items = self._lines.finish()
        else:
            self._items = self._lines.feed(chunk)

    async def close(self) -> None:
        """Close the response. Safe to call twice."""
        with anyio.CancelScope(shield=True):
            if self._chunks is not None:
                chunks, self._chunks = self._chunks, None
                await chunks.aclose()
            await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
