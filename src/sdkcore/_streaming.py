"""Typed Server-Sent Event streams: ``Stream[T]`` and ``AsyncStream[T]``.

Both only move bytes: ``StreamCore`` (in ``_events``) decodes them, holds the events
not delivered yet and decides whether a broken stream may go on (retry before the
first item, opt-in reconnect) and when it has been idle too long.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Generator
from contextlib import contextmanager
from types import AsyncGeneratorType
from typing import TYPE_CHECKING, Generic, Self, TypeVar

import anyio

from ._body import (
    TRANSPORT_ERRORS,
    abody_chunks,
    aclose_body,
    body_chunks,
    closing_ends_reads,
    map_transport_errors,
    transport_error,
)
from ._constants import REQUEST_ID_HEADER
from ._context import CallContext
from ._events import NoItem, Recovery, StreamCore
from ._exceptions import APIError
from ._transport import deadline_scope

if TYPE_CHECKING:
    import datetime
    from collections.abc import AsyncGenerator, AsyncIterator, Iterator

    import httpx2

__all__ = ["AsyncStream", "Stream"]

_T = TypeVar("_T")


class _End(Exception):  # noqa: N818  # not an error: the end of the stream
    """The stream ended: the body is over, ``[DONE]`` came, or it was closed."""


class _Over(enum.Enum):
    """What a step of the stream gives instead of an item: the stream is over."""

    END = "end"


class _StreamBase(Generic[_T]):
    """What ``Stream`` and ``AsyncStream`` share: the response and the stream's core."""

    response: httpx2.Response

    def __init__(
        self,
        *,
        cast_to: type[_T],
        response: httpx2.Response,
        context: CallContext | None = None,
        retries_taken: int = 0,
    ) -> None:
        ctx = context if context is not None else CallContext.standalone()
        self.response = response
        self._cast_to = cast_to
        self._context = ctx
        self._core = StreamCore(cast_to, response, ctx, retries_taken)
        self._recovery: Recovery | None = None
        self._closed = False

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the (latest) response, or ``None``."""
        return self.response.headers.get(REQUEST_ID_HEADER)

    @property
    def retries_taken(self) -> int:
        """Retries made for this call, those of the stream before its first item included."""
        return self._core.retries_taken

    @property
    def time_to_first_event(self) -> datetime.timedelta | None:
        """From sending the first attempt's request to delivering the first item."""
        return self._core.time_to_first_event

    def _next_step(self) -> None:
        """Raise what comes before more bytes: an error event's error, or the end."""
        failure = self._core.take_failure()
        if failure is not None:
            raise failure
        if self._core.done or self._closed:
            raise _End

    def _restart(self, response: httpx2.Response) -> None:
        assert self._recovery is not None
        self.response = response
        self._core.restart(response, self._recovery)
        self._recovery = None

    def _recover_or_end(self, exc: APIError) -> None:
        """After ``exc`` (the response closed): plan the recovery, or end and re-raise."""
        try:
            self._recovery = self._core.recover(exc)
        except APIError:
            self._closed = True
            raise

    def __repr__(self) -> str:
        return f"<{type(self).__name__} type={self._cast_to!r} status={self.response.status_code}>"


class Stream(_StreamBase[_T]):
    """An iterator of ``T``, one per Server-Sent Event, over an open response.

    ``next(stream)`` gives the next item and ``for item in stream`` goes on from
    there; at the end it raises ``StopIteration`` and the response is closed. The
    response also closes on an error, on ``close()``, on leaving ``with`` and when a
    ``for`` loop over the stream is left early. Raises the API's error for an error
    event, ``APIConnectionError`` / ``APITimeoutError`` for transport failures.

    >>> with client.get("/events", cast_to=Chunk, stream=True, stream_cls=Stream[Chunk]) as s:
    ...     first = next(s)
    ...     for chunk in s:
    ...         print(chunk)
    """

    _chunks: Iterator[bytes] | None = None

    def __next__(self) -> _T:
        item = self._take()
        if item is _Over.END:
            raise StopIteration
        return item

    def __iter__(self) -> Iterator[_T]:
        # A loop left early closes the stream: this generator is finalised at once.
        # A subclass's own __next__ is what its loops call.
        take = self._take if type(self).__next__ is vars(Stream)["__next__"] else self._next_or_end
        ended = False
        try:
            while (item := take()) is not _Over.END:
                yield item
            ended = True
        finally:
            if not ended:
                self.close()

    def _next_or_end(self) -> _T | _Over:
        try:
            return next(self)
        except StopIteration:
            return _Over.END

    def _take(self) -> _T | _Over:
        """The next item, or ``END`` once the stream is over (then it is closed)."""
        core = self._core
        if core.pending:
            item = core.next_item()
            if item is not NoItem.NOTHING:
                return item
        if core.idle_timeout is not None:
            core.waiting()
        try:
            while True:
                try:
                    if self._recovery is not None:
                        self._resume()
                    return self._read_until_item()
                except APIError as exc:
                    self._close_response()
                    self._recover_or_end(exc)
        except _End:
            self.close()
            return _Over.END
        except BaseException as exc:
            core.finish(exc)
            raise

    def _read_until_item(self) -> _T:
        # The hot loop: one network chunk, usually one event, per turn.
        core, events = self._core, self._core.events
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = body_chunks(self.response)
        while True:
            if events.error is not None or events.done or self._closed:
                self._next_step()  # raises
            if core.idle_timeout is None:
                try:
                    chunk = next(chunks, None)
                except TRANSPORT_ERRORS as exc:
                    secrets = self._context.secrets
                    raise transport_error(exc, self.response.request, secrets) from exc
            else:
                chunk = self._read_by(chunks, core.read_deadline())
            if chunk is None:
                raise _End
            item = core.take(chunk)
            if item is not NoItem.NOTHING:
                return item
            core.check_idle(self.response.request)

    def _read_by(self, chunks: Iterator[bytes], deadline: float | None) -> bytes | None:
        """The next chunk, the socket waits bounded by the idle ``deadline``."""
        request = self.response.request
        clock = self._context.timing.clock
        try:
            secrets = self._context.secrets
            with map_transport_errors(request, secrets), deadline_scope(deadline, clock):
                return next(chunks, None)
        except APIError:
            # A read that ended at the idle deadline is the idle timeout, not a drop.
            if deadline is not None and clock() >= deadline:
                raise self._core.idle_error(request) from None
            raise

    def _resume(self) -> None:
        assert self._recovery is not None
        recovery = self._recovery
        self._context.timing.sleep(recovery.delay)
        self._restart(self._context.resend(self.response.request, recovery.headers))

    def _close_response(self) -> None:
        chunks, self._chunks = self._chunks, None
        if isinstance(chunks, Generator):
            chunks.close()
        self.response.close()

    def close(self) -> None:
        """Close the response and release its connection. Safe to call twice."""
        self._closed = True
        self._close_response()
        self._core.finish(None)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncStream(_StreamBase[_T]):
    """The async twin of ``Stream``: ``async for`` over ``T``, one per event.

    ``await anext(stream)`` gives the next item and ``async for`` goes on from
    there (``StopAsyncIteration`` at the end). ``aclose()`` may be called from
    another task while one iterates: the iterating task's loop then ends without an
    error. A cancelled consumer still closes the response. A loop left early inside
    ``async with`` is closed when the block ends; a plain ``break`` outside it is
    closed when the event loop finalises the loop's async generator, at once, but
    trio then warns (``ResourceWarning``): on trio, use ``async with``.

    >>> async with await client.get("/events", cast_to=Chunk, stream=True,
    ...                             stream_cls=AsyncStream[Chunk]) as s:
    ...     async for chunk in s:
    ...         print(chunk)
    """

    _chunks: AsyncIterator[bytes] | None = None
    #: A wait of the iterating task that ``close()`` from another task interrupts.
    _waiting: anyio.CancelScope | None = None
    #: Whether the iterating task waits on a read that closing the response ends.
    _reading = False
    #: Whether reads need no cancel scope: no idle timeout, and closing ends them.
    _plain_reads = False
    #: The loops started inside ``async with``, closed when it ends.
    _held: list[AsyncGenerator[_T, None]] | None = None

    async def __anext__(self) -> _T:
        item: _T | NoItem | _Over
        item = self._core.next_item() if self._core.pending else NoItem.NOTHING
        if item is NoItem.NOTHING:
            item = await self._advance()
            if item is _Over.END:
                raise StopAsyncIteration
        return item

    def __aiter__(self) -> AsyncGenerator[_T, None]:
        loop = self._loop()
        if self._held is not None:
            # Referenced until the block ends, so a loop left early is closed there
            # and not garbage-collected unfinished (which trio warns about).
            self._held.append(loop)
        return loop

    async def _loop(self) -> AsyncGenerator[_T, None]:
        # A subclass's own __anext__ is what its loops call.
        own = type(self).__anext__ is vars(AsyncStream)["__anext__"]
        core, advance = self._core, self._advance if own else self._anext_or_end
        ended = False
        try:
            item: _T | NoItem | _Over
            while True:
                item = core.next_item() if own and core.pending else NoItem.NOTHING
                if item is NoItem.NOTHING:
                    item = await advance()
                    if item is _Over.END:
                        ended = True
                        return
                yield item
        finally:
            if not ended:
                await self.close()

    async def _anext_or_end(self) -> _T | _Over:
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return _Over.END

    async def _advance(self) -> _T | _Over:
        """The next item once more bytes came, or ``END`` (then the stream is closed)."""
        core = self._core
        if core.idle_timeout is not None:
            core.waiting()
        try:
            while True:
                try:
                    if self._recovery is not None:
                        await self._resume()
                    return await self._read_until_item()
                except APIError as exc:
                    await self._close_response()
                    if self._closed:  # the read failed because another task closed us
                        return _Over.END
                    self._recover_or_end(exc)
        except _End:
            await self.close()
            return _Over.END
        except BaseException as exc:
            core.finish(exc)
            raise

    async def _read_until_item(self) -> _T:
        # The hot loop: one network chunk, usually one event, per turn.
        core, events = self._core, self._core.events
        chunks = self._chunks
        if chunks is None:
            chunks = self._chunks = abody_chunks(self.response)
            self._plain_reads = core.idle_timeout is None and closing_ends_reads(self.response)
        while True:
            if events.error is not None or events.done or self._closed:
                self._next_step()  # raises
            if not self._plain_reads:
                item = core.take(await self._read_interruptible(chunks))
            else:
                # No cancel scope (one per read costs more than decoding the event it
                # brings): close() from another task closes the response under the read.
                self._reading = True
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    raise _End from None
                except TRANSPORT_ERRORS as exc:
                    if self._closed:  # the read failed because another task closed us
                        raise _End from None
                    secrets = self._context.secrets
                    raise transport_error(exc, self.response.request, secrets) from exc
                finally:
                    self._reading = False
                if self._closed:  # closed by another task while this read waited
                    raise _End
                item = core.take(chunk)
            if item is not NoItem.NOTHING:
                return item

    async def _read_interruptible(self, chunks: AsyncIterator[bytes]) -> bytes:
        """The next chunk within the idle deadline, the read cancelled by ``close()``."""
        with (
            map_transport_errors(self.response.request, self._context.secrets),
            self._interruptible(self._core.idle_deadline(anyio.current_time())),
        ):
            chunk = await anext(chunks, None)
            if chunk is None:
                raise _End
            return chunk
        if self._closed:
            raise _End
        raise self._core.idle_error(self.response.request)

    async def _resume(self) -> None:
        assert self._recovery is not None
        recovery = self._recovery
        with self._interruptible():
            await self._context.timing.async_sleep(recovery.delay)
            self._restart(await self._context.aresend(self.response.request, recovery.headers))
        if self._closed:
            raise _End

    @contextmanager
    def _interruptible(self, deadline: float = math.inf) -> Generator[None]:
        """A wait that ends at ``deadline`` or when another task calls ``aclose()``."""
        with anyio.CancelScope(deadline=deadline) as scope:
            self._waiting = scope
            try:
                yield
            finally:
                self._waiting = None

    async def _close_response(self) -> None:
        # Shielded so that a cancelled consumer still returns the connection.
        with anyio.CancelScope(shield=True):
            chunks, self._chunks = self._chunks, None
            if chunks is None:
                await self.response.aclose()
            else:
                await aclose_body(chunks, self.response)

    async def close(self) -> None:
        """Close the response and release its connection. Safe to call twice, and
        from another task while one iterates (its loop then ends)."""
        self._closed = True
        self._core.finish(None)
        if self._waiting is not None or self._reading:
            if self._waiting is not None:
                self._waiting.cancel()
            # The iterating task unwinds its own reads; ours would run into it. Closing
            # the response also ends a read that no cancel scope bounds.
            with anyio.CancelScope(shield=True):
                await self.response.aclose()
            return
        for loop in self._held or ():
            # A loop running in another task ends by itself (aclose() would fail).
            if not (isinstance(loop, AsyncGeneratorType) and loop.ag_running):
                await loop.aclose()
        await self._close_response()

    async def aclose(self) -> None:
        """The same as ``close()``."""
        await self.close()

    async def __aenter__(self) -> Self:
        self._held = []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
