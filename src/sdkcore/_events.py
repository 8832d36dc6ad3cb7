"""What the events of a typed stream mean, and when a broken stream may go on.

Sans-I/O: ``EventInterpreter`` turns bytes into typed items (or an error, or the
end); ``StreamSession`` keeps the clock and the retry, reconnect and idle-timeout
budget. ``Stream`` and ``AsyncStream`` only do the I/O these two ask for.
"""

from __future__ import annotations

import datetime
import json
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import pydantic

from ._constants import (
    DEFAULT_MAX_EVENT_SIZE,
    DEFAULT_RECONNECT_DELAY,
    DEFAULT_SECRET_HEADERS,
    STARTED_AT_EXTENSION,
)
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    scrub_secrets,
    status_error_class,
)
from ._models import load_json
from ._retries import Retry, Stop, StopReason
from ._sse import ServerSentEvent, SSEDecoder
from ._typing import is_json_object

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx2

    from ._options import FinalRequestOptions
    from ._types import ResponseClient

__all__ = ["EventInterpreter", "Recovery", "StreamSession", "error_event_status"]

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

    >>> error_event_status({"type": "overloaded_error"})
    529
    """
    if not is_json_object(error):
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
    """Bytes of an event stream in, typed items out.

    ``feed`` returns the items before a ``[DONE]`` (then ``done`` is set) or before an
    error event (then ``error`` holds the API's error, to raise after those items).
    """

    def __init__(
        self,
        cast_to: type[_T],
        response: httpx2.Response,
        *,
        strict: bool,
        secret_headers: frozenset[str] = DEFAULT_SECRET_HEADERS,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
    ) -> None:
        self.done = False
        self.error: APIError | None = None
        self.error_status: int | None = None
        self.decoder = SSEDecoder(max_event_size=max_event_size)
        self._max_event_size = max_event_size
        self._cast_to = cast_to
        self._response = response
        self._strict = strict
        self._secret_headers = secret_headers

    def restart(self, response: httpx2.Response, *, resume: bool) -> EventInterpreter[_T]:
        """An interpreter for a new response; ``resume`` keeps the last event id and retry."""
        fresh = EventInterpreter(
            self._cast_to,
            response,
            strict=self._strict,
            secret_headers=self._secret_headers,
            max_event_size=self._max_event_size,
        )
        if resume:
            fresh.decoder.last_event_id = self.decoder.last_event_id
            fresh.decoder.retry = self.decoder.retry
        return fresh

    def feed(self, chunk: bytes) -> list[_T]:
        """The items completed by ``chunk``."""
        items: list[_T] = []
        for event in self.decoder.feed(chunk):
            data = event.data
            if data == DONE_DATA:
                self.done = True
                break
            if event.event in KEEPALIVE_EVENTS:
                continue
            # Cheap substring tests keep the common path to one parse of the data;
            # a JSON key may be spelt with \u escapes, hence the second test.
            if event.event == "error" or '"error"' in data or "\\u" in data:
                self.error = self._error_of(event, data)
                if self.error is not None:
                    break
            try:
                items.append(self._item(data))
            except APIResponseValidationError as exc:
                # The items decoded before it still reach the caller, then this raises.
                self.error = exc
                break
        return items

    def _item(self, data: str) -> _T:
        try:
            item: _T = load_json(self._cast_to, data, strict=self._strict)
        except pydantic.ValidationError as exc:
            raise APIResponseValidationError(
                self._response, data, message=f"Invalid data in a stream event: {data[:200]!r}"
            ) from exc
        return item

    def _error_of(self, event: ServerSentEvent, data: str) -> APIError | None:
        try:
            decoded: object = json.loads(data)
        except ValueError:
            decoded = data
        # A null member (some APIs send ``"error": null`` in every chunk) is no error.
        if is_json_object(decoded) and decoded.get("error") is not None:
            return self._make_error(decoded["error"])
        if event.event == "error":
            return self._make_error(decoded)
        return None

    def _make_error(self, error: object) -> APIError:
        self.error_status = status = error_event_status(error)
        if is_json_object(error) and isinstance(error.get("message"), str):
            message = f"An error event arrived in the stream: {error['message']}"
        else:
            message = f"An error event arrived in the stream: {error!r}"
        # A server may echo the credential it got; the message never shows it.
        message = scrub_secrets(message, self._response.request.headers, self._secret_headers)
        if status is None or status < 400:
            return APIError(message, self._response.request, body=error)
        exc: APIStatusError = status_error_class(status)(
            message, response=self._response, body=error
        )
        exc.status_code = status
        return exc

    @property
    def retryable_error(self) -> bool:
        """Whether the error event asks to be retried (429, 5xx, overloaded, rate limit)."""
        status = self.error_status
        return status is not None and (status == 429 or status >= 500)


@dataclass(frozen=True, slots=True)
class Recovery:
    """How a broken stream goes on: wait ``delay``, send again with ``headers``."""

    delay: float
    headers: Mapping[str, str]
    resume: bool


class StreamSession:
    """The clock and the budget of one typed stream."""

    def __init__(
        self,
        response: httpx2.Response,
        client: ResponseClient,
        options: FinalRequestOptions | None,
        retries_taken: int,
    ) -> None:
        self.retries_taken = retries_taken
        self.first_item_at: float | None = None
        max_retries = None if options is None else options.max_retries
        self._policy = client.retry_policy_for(
            max_retries if isinstance(max_retries, int) else None
        )
        self._reconnects_left = 0 if options is None else options.sse_reconnect
        self.idle_timeout = None if options is None else client.idle_timeout_for(options)
        self._started_at = response.extensions.get(STARTED_AT_EXTENSION, time.monotonic())
        self._last_progress = time.monotonic()

    @property
    def time_to_first_event(self) -> datetime.timedelta | None:
        """From sending the first attempt to delivering the first item."""
        if self.first_item_at is None:
            return None
        return datetime.timedelta(seconds=self.first_item_at - self._started_at)

    def delivered(self) -> None:
        """An item is handed to the caller."""
        if self.first_item_at is None:
            self.first_item_at = time.monotonic()

    def waiting(self) -> None:
        """The stream waits on the server again: the idle clock starts over.

        Called when the caller asks for the next item (the time it spent on the
        last one is not the server's silence) and when a retry or reconnect got
        its response headers (the wait before it was ours).
        """
        self._last_progress = time.monotonic()

    def idle_remaining(self) -> float | None:
        """Seconds left before the idle timeout, ``None`` without one."""
        if self.idle_timeout is None:
            return None
        return self.idle_timeout - (time.monotonic() - self._last_progress)

    def idle_deadline(self, now: float) -> float:
        """When the idle timeout expires on a clock that reads ``now`` (``inf`` without one)."""
        remaining = self.idle_remaining()
        return math.inf if remaining is None else now + remaining

    def check_idle(self, request: httpx2.Request) -> None:
        """Raise ``APITimeoutError`` when no item came within the idle timeout."""
        remaining = self.idle_remaining()
        if remaining is not None and remaining <= 0:
            raise self.idle_error(request)

    def idle_error(self, request: httpx2.Request) -> APITimeoutError:
        """The error for a stream that stayed idle too long."""
        return APITimeoutError(
            request,
            message=f"No stream event within stream_idle_timeout={self.idle_timeout} s.",
        )

    def recover(self, exc: APIError, events: EventInterpreter[Any]) -> Recovery:
        """How to go on after ``exc``; re-raises it when the stream cannot.

        Before the first item the request's retry budget decides; a dropped
        connection it does not retry may still reconnect, within ``sse_reconnect``.
        """
        if self.first_item_at is None:
            decision = self._retry_decision(exc, events)
            if isinstance(decision, Retry):
                self.retries_taken += 1
                return Recovery(decision.delay, {}, resume=False)
        if self._is_drop(exc) and self._reconnects_left > 0:
            self._reconnects_left -= 1
            return self._reconnect(events)
        raise exc

    def _retry_decision(self, exc: APIError, events: EventInterpreter[Any]) -> Retry | Stop:
        policy, taken = self._policy, self.retries_taken
        if exc is events.error:
            if events.retryable_error:
                return policy.after_error_event(taken)
            return Stop(StopReason.NOT_RETRYABLE)
        if isinstance(exc, APIStatusError):  # a retry or reconnect was answered 4xx/5xx
            return policy.after_status(taken, exc.status_code, exc.response.headers)
        if self._is_drop(exc):
            return policy.after_transport_error(taken, is_timeout=isinstance(exc, APITimeoutError))
        return Stop(StopReason.NOT_RETRYABLE)

    def _is_drop(self, exc: APIError) -> bool:
        # With an idle timeout every timeout is the idle one, which ends the stream.
        idle = isinstance(exc, APITimeoutError) and self.idle_timeout is not None
        return isinstance(exc, APIConnectionError) and not idle

    def _reconnect(self, events: EventInterpreter[Any]) -> Recovery:
        retry_ms = events.decoder.retry
        delay = DEFAULT_RECONNECT_DELAY if retry_ms is None else retry_ms / 1000
        last_id = events.decoder.last_event_id
        headers = {} if last_id is None else {"Last-Event-ID": last_id}
        return Recovery(delay, headers, resume=True)
