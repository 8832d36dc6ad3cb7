"""Typed Server-Sent Event streams: ``Stream[T]`` and ``AsyncStream[T]``.

What an event means (end of stream, an error, an item) is decided once, in
``EventInterpreter``; the two stream classes only move bytes from the response
into it and hand the items on.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import Final, Generic, TypeVar

import anyio
import httpx2
import pydantic
from typing_extensions import Self

from ._body import map_transport_errors
from ._constants import DEFAULT_MAX_EVENT_SIZE, REQUEST_ID_HEADER
from ._exceptions import APIError, APIResponseValidationError, APIStatusError, status_error_class
from ._models import load_json
from ._sse import ServerSentEvent, SSEDecoder
from ._types import ResponseClient

__all__ = ["AsyncStream", "EventInterpreter", "Stream", "error_event_status"]

_T = TypeVar("_T")

#: Data that ends a stream, as a whole data value.
DONE_DATA: Final = "[DONE]"
#: Event types that keep a connection alive and never reach the caller.
KEEPALIVE_EVENTS: Final = frozenset({"ping", "keep-alive", "keepalive", "heartbeat"})
_STATUS_BY_ERROR_TYPE: Final = (("rate_limit", 429), ("overloaded", 529))


def error_event_status(error: object) -> int | None:
    """The HTTP status an error event's ``error`` member stands for, if any.

    An integer ``status`` or ``code`` is taken as is; a ``type`` or ``code`` naming
    ``rate_limit`` or ``overloaded`` maps to 429 or 529.
    """
    if not isinstance(error, Mapping):
        return None
    for key in ("status", "code"):
        value = error.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
            return value
    names = f"{error.get('type', '')} {error.get('code', '')}".lower()
    for needle, status in _STATUS_BY_ERROR_TYPE:
        if needle in names:
            return status
    return None


class EventInterpreter(Generic[_T]):
    """Sans-I/O: bytes of an event stream in, typed items out.

    Sets ``done`` on ``[DONE]``; raises the API's error for an error event and
    ``APIResponseValidationError`` for data that is not JSON.
    """

    def __init__(
        self, cast_to: type[_T], response: httpx2.Response, client: ResponseClient
    ) -> None:
        self.done = False
        self._cast_to = cast_to
        self._response = response
        self._client = client
        self._strict = client.strict_response_validation
        self._decoder = SSEDecoder(max_event_size=DEFAULT_MAX_EVENT_SIZE)

    def feed(self, chunk: bytes) -> list[_T]:
        """The items completed by ``chunk``; stops at ``[DONE]``."""
        items: list[_T] = []
        for event in self._decoder.feed(chunk):
            data = event.data
            if data == DONE_DATA:
                self.done = True
                break
            if event.event in KEEPALIVE_EVENTS:
                continue
            items.append(self._item(event, data))
        return items

    def _item(self, event: ServerSentEvent, data: str) -> _T:
        # Cheap substring tests keep the common path to one parse of the data;
        # a JSON key can be spelt with \u escapes, hence the second test.
        if event.event == "error" or '"error"' in data or "\\u" in data:
            self._raise_if_error(event, data)
        try:
            item: _T = load_json(self._cast_to, data, strict=self._strict)
        except pydantic.ValidationError as exc:
            raise APIResponseValidationError(
                self._response, data, message=f"Invalid data in a stream event: {data[:200]!r}"
            ) from exc
        return item

    def _raise_if_error(self, event: ServerSentEvent, data: str) -> None:
        try:
            decoded = json.loads(data)
        except ValueError:
            decoded = data
        if isinstance(decoded, dict) and "error" in decoded:
            raise self._error(decoded["error"])
        if event.event == "error":
            raise self._error(decoded)

    def _error(self, error: object) -> APIError:
        message = _error_message(error)
        status = error_event_status(error)
        if status is None or status < 400:
            return APIError(message, self._response.request, body=error)
        exc: APIStatusError = status_error_class(status)(
            message, response=self._response, body=error
        )
        exc.status_code = status
        return exc


def _error_message(error: object) -> str:
    if isinstance(error, Mapping) and isinstance(error.get("message"), str):
        return f"An error event arrived in the stream: {error['message']}"
    return f"An error event arrived in the stream: {error!r}"


class _StreamBase(Generic[_T]):
    response: httpx2.Response
    retries_taken: int

    def __init__(
        self,
        *,
        cast_to: type[_T],
        response: httpx2.Response,
        client: ResponseClient,
        options: object | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.response = response
        self.retries_taken = retries_taken
        self._cast_to = cast_to
        self._client = client
        self._options = options
        self._events = EventInterpreter(cast_to, response, client)

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of the response, or ``None``."""
        return self.response.headers.get(REQUEST_ID_HEADER)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} type={self._cast_to!r} status={self.response.status_code}>"


class Stream(_StreamBase[_T]):
    """An iterator of ``T``, one per Server-Sent Event, over an open response.

    The response closes when the stream ends, on ``close()``, on leaving ``with``
    and when the caller breaks out of the loop.

    >>> with client.get("/events", cast_to=Chunk, stream=True, stream_cls=Stream[Chunk]) as s:
    ...     for chunk in s:
    ...         print(chunk)
    """

    def __iter__(self) -> Iterator[_T]:
        events = self._events
        try:
            with map_transport_errors(self.response.request):
                for chunk in self.response.iter_bytes():
                    yield from events.feed(chunk)
                    if events.done:
                        return
        finally:
            self.response.close()

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

    >>> async with await client.get("/events", cast_to=Chunk, stream=True,
    ...                             stream_cls=AsyncStream[Chunk]) as s:
    ...     async for chunk in s:
    ...         print(chunk)
    """

    async def __aiter__(self) -> AsyncIterator[_T]:
        events = self._events
        try:
            with map_transport_errors(self.response.request):
                async for chunk in self.response.aiter_bytes():
                    for item in events.feed(chunk):
                        yield item
                    if events.done:
                        return
        finally:
            # Shielded so that a cancelled consumer still returns the connection.
            with anyio.CancelScope(shield=True):
                await self.response.aclose()

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

