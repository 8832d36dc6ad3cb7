"""JSON Lines bodies as parse targets: ``JSONLDecoder[T]`` and ``AsyncJSONLDecoder[T]``.

``JSONLines`` (sans-I/O) splits bytes into lines within a size limit and builds
one ``T`` per non-empty line; the two decoders only move bytes into it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import anyio
import httpx2
import pydantic
from typing_extensions import Self

from ._body import map_transport_errors
from ._constants import DEFAULT_MAX_LINE_SIZE
from ._exceptions import APIResponseValidationError, SSEDecodeError
from ._models import load_json

__all__ = ["AsyncJSONLDecoder", "JSONLDecoder", "JSONLines"]

_T = TypeVar("_T")


class JSONLines(Generic[_T]):
    """Bytes of a JSON Lines body in, one ``T`` per line out.

    Raises ``SSEDecodeError`` for a line longer than ``max_line_size`` bytes (before
    buffering past it) and ``APIResponseValidationError`` for a line that is not JSON.
    """

    def __init__(
        self, line_type: type[_T], response: httpx2.Response, *, max_line_size: int | None,
        strict: bool,
    ) -> None:
        self._line_type = line_type
        self._response = response
        self._max = max_line_size
        self._strict = strict
        # The unfinished line, in parts: joining only at a line end keeps a long
        # line fed in small chunks linear.
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> list[_T]:
        """The items of the lines that ``chunk`` completes."""
        if b"\n" not in chunk:
            self._keep(chunk)
            return []
        first, *lines, rest = chunk.split(b"\n")
        lines.insert(0, b"".join(self._parts) + first if self._parts else first)
        self._parts, self._size = [], 0
        self._keep(rest)
        return [self._item(line) for line in lines if line.strip()]

    def finish(self) -> list[_T]:
        """The item of a last line without a line end."""
        line = b"".join(self._parts)
        self._parts, self._size = [], 0
        return [self._item(line)] if line.strip() else []

    def _keep(self, part: bytes) -> None:
        if part:
            self._size += len(part)
            self._check(self._size)
            self._parts.append(part)

    def _check(self, size: int) -> None:
        if self._max is not None and size > self._max:
            raise SSEDecodeError(
                f"A JSON Lines line exceeds max_line_size={self._max} bytes; pass a larger "
                "max_line_size (or None for no limit) to JSONLDecoder."
            )

    def _item(self, line: bytes) -> _T:
        self._check(len(line))
        try:
            item: _T = load_json(self._line_type, line, strict=self._strict)
        except pydantic.ValidationError as exc:
            text = line[:200].decode("utf-8", errors="replace")
            raise APIResponseValidationError(
                self._response, text, message=f"Invalid JSON Lines line: {text!r}"
            ) from exc
        return item


class JSONLDecoder(Generic[_T]):
    """Iterate a JSON Lines response body, one ``T`` per line, streamed.

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

    def __iter__(self) -> Iterator[_T]:
        try:
            with map_transport_errors(self.response.request):
                for chunk in self.response.iter_bytes():
                    yield from self._lines.feed(chunk)
            yield from self._lines.finish()
        finally:
            self.response.close()

    def close(self) -> None:
        """Close the response. Safe to call twice."""
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncJSONLDecoder(Generic[_T]):
    """The async twin of ``JSONLDecoder``."""

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

    async def __aiter__(self) -> AsyncIterator[_T]:
        try:
            with map_transport_errors(self.response.request):
                async for chunk in self.response.aiter_bytes():
                    for item in self._lines.feed(chunk):
                        yield item
            for item in self._lines.finish():
                yield item
        finally:
            with anyio.CancelScope(shield=True):
                await self.response.aclose()

    async def close(self) -> None:
        """Close the response. Safe to call twice."""
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
