"""Typed Server-Sent Event streams: ``Stream[T]`` and ``AsyncStream[T]``.

Both only move bytes: ``EventInterpreter`` says what the events mean and
``StreamSession`` whether a broken stream may go on (retry before the first
item, opt-in reconnect) and when it has been idle too long.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Generic, TypeVar

import anyio
import httpx2
from typing_extensions import Self

from ._body import map_transport_errors
from ._constants import REQUEST_ID_HEADER
from ._events import EventInterpreter, Recovery, StreamSession
from ._exceptions import APIError
from ._options import FinalRequestOptions
from ._types import AsyncResender, Resender, ResponseClient

__all__ = ["AsyncStream", "Stream"]

_T = TypeVar("_T")


class _StreamBase(Generic[_T]):
    response: httpx2.Response

    def __init__(
        self,
        *,
        cast_to: type[_T],
        response: httpx2.Response,
        client: ResponseClient,
        options: FinalRequestOptions | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.response = response
        self._cast_to = cast_to
        self._client = client
        strict = client.strict_response_validation
        self._events = EventInterpreter(cast_to, response, strict=strict)
        self._session = StreamSession(response, client, options, retries_taken)

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the (latest) response, or ``None``."""
        return self.response.headers.get(REQUEST_ID_HEADER)

    @property
    def retries_taken(self) -> int:
        """Retries made for this call, those of the stream before its first item included."""
        return self._session.retries_taken

    @property
    def time_to_first_event(self) -> datetime.timedelta | None:
        """From sending the first attempt's request to delivering the first item."""
        return self._session.time_to_first_event

    def _restart(self, response: httpx2.Response, recovery: Recovery) -> None:
        self.response = response
        self._events = self._events.restart(response, resume=recovery.resume)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} type={self._cast_to!r} status={self.response.status_code}>"


class Stream(_StreamBase[_T]):
    """An iterator of ``T``, one per Server-Sent Event, over an open response.

    The response closes when the stream ends, on ``close()``, on leaving ``with``
    and when the caller breaks out of the loop. Raises the API's error for an
    error event, ``APIConnectionError`` / ``APITimeoutError`` for transport failures.

    >>> with client.get("/events", cast_to=Chunk, stream=True, stream_cls=Stream[Chunk]) as s:
    ...     for chunk in s:
    ...         print(chunk)
    """

    def __iter__(self) -> Iterator[_T]:
        try:
            while True:
                try:
                    yield from self._pump()
                    return
                except APIError as exc:
                    recovery = self._session.recover(exc, self._events)  # or re-raises
                self.response.close()
                self._restart(self._resend(recovery), recovery)
        finally:
            self.response.close()

    def _pump(self) -> Iterator[_T]:
        events, session = self._events, self._session
        with map_transport_errors(self.response.request):
            for chunk in self.response.iter_bytes():
                items = events.feed(chunk)
                for item in items:
                    session.delivered()
                    yield item
                if events.error is not None:
                    raise events.error
                if events.done:
                    return
                if not items:
                    session.check_idle(self.response.request)

    def _resend(self, recovery: Recovery) -> httpx2.Response:
        client = self._client
        assert isinstance(client, Resender), "a sync stream needs a sync client"
        client.pause(recovery.delay)
        return client.resend(self.response.request, recovery.headers)

    def close(self) -> None:
        """Close the response and release its connection. Safe to call twice."""
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncStream(_StreamBase[_T]):
    """The async twin of ``Stream``: ``async for`` over ``T``, one per event.

    ``aclose()`` may be called from another task while one iterates; a cancelled
    consumer still closes the response.

    >>> async with await client.get("/events", cast_to=Chunk, stream=True,
    ...                             stream_cls=AsyncStream[Chunk]) as s:
    ...     async for chunk in s:
    ...         print(chunk)
    """

    async def __aiter__(self) -> AsyncIterator[_T]:
        try:
            while True:
                try:
                    async for item in self._pump():
                        yield item
                    return
                except APIError as exc:
                    recovery = self._session.recover(exc, self._events)  # or re-raises
                await self.response.aclose()
                self._restart(await self._resend(recovery), recovery)
        finally:
            # Shielded so that a cancelled consumer still returns the connection.
            with anyio.CancelScope(shield=True):
                await self.response.aclose()

    async def _pump(self) -> AsyncIterator[_T]:
        events, session = self._events, self._session
        with map_transport_errors(self.response.request):
            chunks = self.response.aiter_bytes()
            while True:
                chunk = await self._next_chunk(chunks)
                if chunk is None:
                    return
                items = events.feed(chunk)
                for item in items:
                    session.delivered()
                    yield item
                if events.error is not None:
                    raise events.error
                if events.done:
                    return

    async def _next_chunk(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        remaining = self._session.idle_remaining()
        if remaining is None:
            return await anext(chunks, None)
        with anyio.move_on_after(max(remaining, 0)) as scope:
            return await anext(chunks, None)
        assert scope.cancelled_caught
        raise self._session.idle_error(self.response.request)

    async def _resend(self, recovery: Recovery) -> httpx2.Response:
        client = self._client
        assert isinstance(client, AsyncResender), "an async stream needs an async client"
        await client.apause(recovery.delay)
        return await client.aresend(self.response.request, recovery.headers)

    async def close(self) -> None:
        """Close the response and release its connection. Safe to call twice."""
        await self.response.aclose()

    async def aclose(self) -> None:
        """The same as ``close()``."""
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
