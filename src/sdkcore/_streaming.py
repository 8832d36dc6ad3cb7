"""Typed Server-Sent Event streams: ``Stream[T]`` and ``AsyncStream[T]``.

Both only move bytes: ``EventInterpreter`` says what the events mean and
``StreamSession`` whether a broken stream may go on (retry before the first
item, opt-in reconnect) and when it has been idle too long.
"""

from __future__ import annotations

import math
from contextlib import aclosing, contextmanager
from types import AsyncGeneratorType
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import anyio

from ._body import aclose_body, map_transport_errors
from ._constants import REQUEST_ID_HEADER
from ._events import EventInterpreter, Recovery, StreamSession
from ._exceptions import APIError
from ._types import AsyncResender, Resender, ResponseClient

if TYPE_CHECKING:
    import datetime
    from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
    from types import TracebackType

    import httpx2

    from ._options import FinalRequestOptions

__all__ = ["AsyncStream", "Stream"]

_T = TypeVar("_T")


class _StreamBase(Generic[_T]):
    """What ``Stream`` and ``AsyncStream`` share: the response, its events and its session."""

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
        self._events = EventInterpreter(
            cast_to,
            response,
            strict=client.strict_response_validation,
            secret_headers=client.secret_header_names,
            max_event_size=client.max_event_size,
        )
        self._session = StreamSession(response, client, options, retries_taken)
        self._closed = False

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
        self._session.waiting()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} type={self._cast_to!r} status={self.response.status_code}>"


class Stream(_StreamBase[_T]):
    """An iterator of ``T``, one per Server-Sent Event, over an open response.

    The response closes when the stream ends, on ``close()``, on leaving ``with``
    and when the caller breaks out of the loop; iterating a closed stream yields
    nothing (so does one already iterated). Raises the API's error for an error
    event, ``APIConnectionError`` / ``APITimeoutError`` for transport failures.

    >>> with client.get("/events", cast_to=Chunk, stream=True, stream_cls=Stream[Chunk]) as s:
    ...     for chunk in s:
    ...         print(chunk)
    """

    def __iter__(self) -> Iterator[_T]:
        recovery: Recovery | None = None
        try:
            while not self._closed:
                try:
                    if recovery is not None:
                        self._resume(recovery)
                    yield from self._pump()
                    return
                except APIError as exc:
                    self.response.close()
                    recovery = self._session.recover(exc, self._events)  # or re-raises
        finally:
            self._closed = True
            self.response.close()

    def _pump(self) -> Iterator[_T]:
        events, session = self._events, self._session
        with map_transport_errors(self.response.request):
            for chunk in self.response.iter_bytes():
                items = events.feed(chunk)
                for item in items:
                    session.delivered()
                    yield item
                    session.waiting()
                if events.error is not None:
                    raise events.error
                if events.done or self._closed:
                    return
                if not items:
                    session.check_idle(self.response.request)

    def _resume(self, recovery: Recovery) -> None:
        client = self._client
        assert isinstance(client, Resender), "a sync stream needs a sync client"
        client.pause(recovery.delay)
        self._restart(client.resend(self.response.request, recovery.headers), recovery)

    def close(self) -> None:
        """Close the response and release its connection. Safe to call twice."""
        self._closed = True
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


class AsyncStream(_StreamBase[_T]):
    """The async twin of ``Stream``: ``async for`` over ``T``, one per event.

    ``aclose()`` may be called from another task while one iterates: the
    iterating task's loop then ends without an error. A cancelled consumer still
    closes the response. A loop left early inside ``async with`` is closed when
    the block ends; a plain ``break`` outside it is closed when the event loop
    finalises the loop's async generator, at once, but trio then warns
    (``ResourceWarning``): on trio, use ``async with``.

    >>> async with await client.get("/events", cast_to=Chunk, stream=True,
    ...                             stream_cls=AsyncStream[Chunk]) as s:
    ...     async for chunk in s:
    ...         print(chunk)
    """

    #: A wait of the iterating task that ``close()`` from another task interrupts.
    _waiting: anyio.CancelScope | None = None
    #: The loops started inside ``async with``, closed when it ends.
    _held: list[AsyncGenerator[_T, None]] | None = None

    def __aiter__(self) -> AsyncGenerator[_T, None]:
        items = self._iterate()
        if self._held is not None:
            # Referenced until the block ends, so a loop left early is closed there
            # and not garbage-collected unfinished (which trio warns about).
            self._held.append(items)
        return items

    async def _iterate(self) -> AsyncGenerator[_T, None]:
        recovery: Recovery | None = None
        try:
            while not self._closed:
                try:
                    if recovery is not None:
                        await self._resume(recovery)
                    async with aclosing(self._pump()) as items:
                        async for item in items:
                            yield item
                    return
                except APIError as exc:
                    await self.response.aclose()
                    if self._closed:  # the read failed because another task closed us
                        return
                    recovery = self._session.recover(exc, self._events)  # or re-raises
        finally:
            self._closed = True
            # Shielded so that a cancelled consumer still returns the connection.
            with anyio.CancelScope(shield=True):
                await self.response.aclose()

    async def _pump(self) -> AsyncGenerator[_T, None]:
        events, session, response = self._events, self._session, self.response
        chunks = response.aiter_bytes()
        try:
            with map_transport_errors(response.request):
                while (chunk := await self._next_chunk(chunks)) is not None:
                    items = events.feed(chunk)
                    for item in items:
                        session.delivered()
                        yield item
                        session.waiting()
                    if events.error is not None:
                        raise events.error
                    if events.done:
                        return
        finally:
            with anyio.CancelScope(shield=True):
                await aclose_body(chunks, response)

    async def _next_chunk(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        """The next chunk; ``None`` at the end or once closed. Raises on idling too long."""
        if self._closed:
            return None
        with self._interruptible(self._session.idle_deadline(anyio.current_time())):
            return await anext(chunks, None)
        if self._closed:
            return None
        raise self._session.idle_error(self.response.request)

    async def _resume(self, recovery: Recovery) -> None:
        client = self._client
        assert isinstance(client, AsyncResender), "an async stream needs an async client"
        with self._interruptible():
            await client.apause(recovery.delay)
            self._restart(await client.aresend(self.response.request, recovery.headers), recovery)

    @contextmanager
    def _interruptible(self, deadline: float = math.inf) -> Generator[None]:
        """A wait that ends at ``deadline`` or when another task calls ``aclose()``."""
        with anyio.CancelScope(deadline=deadline) as scope:
            self._waiting = scope
            try:
                yield
            finally:
                self._waiting = None

    async def close(self) -> None:
        """Close the response and release its connection. Safe to call twice, and
        from another task while one iterates (its loop then ends)."""
        self._closed = True
        if self._waiting is not None:
            self._waiting.cancel()
        for items in self._held or ():
            if not _running(items):  # a loop running in another task ends by itself
                await items.aclose()
        await self.response.aclose()

    async def aclose(self) -> None:
        """The same as ``close()``."""
        await self.close()

    async def __aenter__(self) -> Self:
        self._held = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _running(items: AsyncGenerator[object, None]) -> bool:
    """Whether another task is inside ``items`` now (then ``aclose()`` would fail)."""
    return isinstance(items, AsyncGeneratorType) and items.ag_running
