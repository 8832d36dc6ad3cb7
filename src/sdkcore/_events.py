"""What the events of a typed stream mean, and when a broken stream may go on.

Sans-I/O: ``EventInterpreter`` turns bytes into typed items (or an error, or the
end); ``StreamCore`` holds the events not delivered yet and keeps the clock and the
retry, reconnect and idle-timeout budget. ``Stream`` and ``AsyncStream`` only do
the I/O it asks for, so every decision about a stream lives here, once.
"""

from __future__ import annotations

import datetime
import enum
import json
import logging
import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Generic, TypeVar

import httpx2
import pydantic

from ._constants import DEFAULT_RECONNECT_DELAY
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
)
from ._logging import stream_log
from ._models import json_loader
from ._retries import Retry, Stop, StopReason
from ._sse import ServerSentEvent, SSEDecoder
from ._typing import is_json_object

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._context import CallContext

__all__ = ["EventInterpreter", "NoItem", "Recovery", "StreamCore", "error_event_status"]

_T = TypeVar("_T")

#: Data that ends a stream, as a whole data value.
DONE_DATA: Final = "[DONE]"
#: Event types that keep a connection alive and never reach the caller.
KEEPALIVE_EVENTS: Final = frozenset({"ping", "keep-alive", "keepalive", "heartbeat"})
_STATUS_BY_ERROR_TYPE: Final = (("rate_limit", 429), ("overloaded", 529))


class NoItem(enum.Enum):
    """What ``StreamCore.take`` gives for a chunk that completed no item."""

    NOTHING = "nothing"


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

    The ``decoder``'s events wait in ``pending``; ``next_item`` turns them into items
    one at a time, when the caller asks (a chunk holding many events never builds
    many items at once). It gives ``NOTHING`` at a ``[DONE]`` (then ``done``
    is set) and at an error event (then ``error`` holds the API's error, to raise),
    dropping the events after them. An error event with a status is built by the
    client's ``_make_status_error`` (through the call context), as if the response
    had that status.
    """

    def __init__(self, cast_to: type[_T], response: httpx2.Response, ctx: CallContext) -> None:
        self.done = False
        self.error: APIError | None = None
        self.error_status: int | None = None
        self.decoder = SSEDecoder(max_event_size=ctx.limits.max_event_size)
        #: Events decoded but not interpreted yet.
        self.pending: deque[ServerSentEvent] = deque()
        self._cast_to = cast_to
        self._response = response
        self._ctx = ctx
        #: Data to item, for the stream's type, looked up once.
        self._load = json_loader(cast_to, strict=ctx.strict)

    @property
    def request(self) -> httpx2.Request:
        """The request whose response this interprets."""
        return self._response.request

    def restart(self, response: httpx2.Response, *, resume: bool) -> EventInterpreter[_T]:
        """An interpreter for a new response; ``resume`` keeps the last event id and retry."""
        fresh = EventInterpreter(self._cast_to, response, self._ctx)
        if resume:
            fresh.decoder.last_event_id = self.decoder.last_event_id
            fresh.decoder.retry = self.decoder.retry
        return fresh

    def next_item(self) -> _T | NoItem:
        """The item of the next pending event that makes one, or ``NOTHING``."""
        pending = self.pending
        while pending:
            event = pending.popleft()
            data = event.data
            if data == DONE_DATA:
                self.done = True
                break
            kind = event.event
            if kind in KEEPALIVE_EVENTS:
                continue
            # Cheap substring tests keep the common path to one parse of the data;
            # a JSON key may be spelt with \u escapes, hence the second test (a lone
            # backslash is found by memchr, far faster than the two characters).
            if kind == "error" or '"error"' in data or ("\\" in data and "\\u" in data):
                self.error = self._error_of(event, data)
                if self.error is not None:
                    break
            try:
                item: _T = self._load(data)
            except pydantic.ValidationError as exc:
                # The items before it reached the caller; this raises next.
                self.error = self._invalid(data, exc)
                break
            return item
        pending.clear()  # nothing after the end or an error is read
        return NoItem.NOTHING

    def _invalid(self, data: str, exc: pydantic.ValidationError) -> APIResponseValidationError:
        error = APIResponseValidationError(
            self._response, data, message=f"Invalid data in a stream event: {data[:200]!r}"
        )
        error.__cause__ = exc
        return error

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
        message = self._ctx.secrets.scrub(message, self._response.request)
        if status is None or status < 400:
            plain = APIError(message, self._response.request, body=error)
            plain._secrets = self._ctx.secrets  # pyright: ignore[reportPrivateUsage]  # pickles redact these
            return plain
        # The response the event stands for: the stream's, with the event's status.
        response = httpx2.Response(
            status, headers=self._response.headers, request=self._response.request
        )
        return self._ctx.shared.build_status_error(message, body=error, response=response)

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


class StreamCore(Generic[_T]):
    """One typed stream's state: events not delivered yet, its clock and its budget.

    The shells hand each chunk to ``take``, take the items of events still pending
    with ``next_item``, raise ``take_failure()`` when those give ``NOTHING``, after a
    failure ask ``recover`` how to go on (it re-raises when the stream cannot), and
    ``finish`` once the stream is over: that ends the call's span (the stream claims
    it) and logs it.
    """

    def __init__(
        self, cast_to: type[_T], response: httpx2.Response, ctx: CallContext, retries_taken: int
    ) -> None:
        self.events = EventInterpreter(cast_to, response, ctx)
        #: The events waiting for ``next_item`` (the interpreter's).
        self.pending = self.events.pending
        self.retries_taken = retries_taken
        self.first_item_at: float | None = None
        #: Items handed to the caller.
        self.delivered = 0
        self.idle_timeout = ctx.idle_timeout
        self._ctx = ctx
        self._clock = ctx.timing.clock
        self._reconnects_left = ctx.options.sse_reconnect
        self._last_progress = self._clock()
        #: The error last taken from the events (an error event or a bad event).
        self._failed: APIError | None = None
        self._finished = False
        if ctx.trace is not None:
            ctx.trace.claim()

    # -- items ---------------------------------------------------------------------
    def take(self, chunk: bytes) -> _T | NoItem:
        """Decode ``chunk`` and hand its first item to the caller now (its other events
        wait in ``pending``); ``NOTHING`` when it made none."""
        events = self.events
        events.pending.extend(events.decoder.feed(chunk))
        item = events.next_item()
        if item is not NoItem.NOTHING:
            if self.first_item_at is None:
                self.first_item_at = self._clock()
            self.delivered += 1
        return item

    def next_item(self) -> _T | NoItem:
        """The next item of the events waiting in ``pending``, handed to the caller now;
        ``NOTHING`` when they make none (then read more, or see ``take_failure``). An
        exception on the way ends the stream (``finish``) and propagates."""
        try:
            item = self.events.next_item()
        except BaseException as exc:
            self.finish(exc)
            raise
        if item is not NoItem.NOTHING:
            if self.first_item_at is None:
                self.first_item_at = self._clock()
            self.delivered += 1
        return item

    @property
    def done(self) -> bool:
        """Whether ``[DONE]`` arrived (the items before it were delivered)."""
        return self.events.done

    def take_failure(self) -> APIError | None:
        """The error of an error event or a bad event, once; ``None`` without one."""
        error = self.events.error
        if error is not None:
            self._failed = error
            self.events.error = None
        return error

    def finish(self, error: BaseException | None) -> None:
        """The stream is over (exhausted, closed, or failed with ``error``); once."""
        if self._finished:
            return
        self._finished = True
        ttfe = self.time_to_first_event
        if self._ctx.trace is not None:
            attributes: dict[str, int | float] = {"sdkcore.stream.events": self.delivered}
            if ttfe is not None:
                attributes["sdkcore.stream.time_to_first_event"] = ttfe.total_seconds()
            self._ctx.trace.end(error, attributes)
        if stream_log.isEnabledFor(logging.DEBUG):
            how = "ended" if error is None else f"failed ({type(error).__name__})"
            first = (
                "" if ttfe is None else f", the first after {ttfe.total_seconds() * 1000:.1f} ms"
            )
            stream_log.debug(
                "Stream %s %s after %d events%s", self._shown(), how, self.delivered, first
            )

    def _shown(self) -> str:
        request = self.events.request
        return f"{request.method} {self._ctx.secrets.url(request.url)}"

    # -- the clock -----------------------------------------------------------------
    @property
    def time_to_first_event(self) -> datetime.timedelta | None:
        """From the start of the call to delivering the first item."""
        if self.first_item_at is None:
            return None
        return datetime.timedelta(seconds=self.first_item_at - self._ctx.started_at)

    def waiting(self) -> None:
        """The stream waits on the server again: the idle clock starts over.

        Called when the caller asks for an item that is not decoded yet (the time it
        spent on the last one is not the server's silence) and when a retry or
        reconnect got its response headers (the wait before it was ours). Without an
        idle timeout nothing reads that clock.
        """
        if self.idle_timeout is not None:
            self._last_progress = self._clock()

    def read_deadline(self) -> float | None:
        """When the next read must end (idle timeout), on the call's clock; ``None``: never."""
        if self.idle_timeout is None:
            return None
        return self._last_progress + self.idle_timeout

    def idle_deadline(self, now: float) -> float:
        """The read deadline on a clock that reads ``now`` (``inf`` without one)."""
        deadline = self.read_deadline()
        return math.inf if deadline is None else now + (deadline - self._clock())

    def check_idle(self, request: httpx2.Request) -> None:
        """Raise ``APITimeoutError`` when no item came within the idle timeout."""
        deadline = self.read_deadline()
        if deadline is not None and self._clock() >= deadline:
            raise self.idle_error(request)

    def idle_error(self, request: httpx2.Request) -> APITimeoutError:
        """The error for a stream that stayed idle too long."""
        return APITimeoutError(
            request,
            message=f"No stream event within stream_idle_timeout={self.idle_timeout} s.",
        )

    # -- recovery ------------------------------------------------------------------
    def recover(self, exc: APIError) -> Recovery:
        """How to go on after ``exc``; re-raises it when the stream cannot.

        Before the first item the request's retry budget decides; a dropped
        connection it does not retry may still reconnect, within ``sse_reconnect``.
        """
        if self.first_item_at is None:
            decision = self._retry_decision(exc)
            if isinstance(decision, Retry):
                self.retries_taken += 1
                stream_log.info("Retrying the stream of %s (%s)", self._shown(), decision)
                return Recovery(decision.delay, {}, resume=False)
        if self._is_drop(exc) and self._reconnects_left > 0:
            self._reconnects_left -= 1
            recovery = self._reconnect()
            stream_log.info("Reconnecting the stream of %s in %.2fs", self._shown(), recovery.delay)
            return recovery
        raise exc

    def restart(self, response: httpx2.Response, recovery: Recovery) -> None:
        """Go on with ``response``, the answer to the recovery's request."""
        self.events = self.events.restart(response, resume=recovery.resume)
        self.pending = self.events.pending
        self.waiting()

    def _retry_decision(self, exc: APIError) -> Retry | Stop:
        policy, taken, events = self._ctx.policy, self.retries_taken, self.events
        if exc is self._failed:
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

    def _reconnect(self) -> Recovery:
        decoder = self.events.decoder
        delay = DEFAULT_RECONNECT_DELAY if decoder.retry is None else decoder.retry / 1000
        last_id = decoder.last_event_id
        headers = {} if last_id is None else {"Last-Event-ID": last_id}
        return Recovery(delay, headers, resume=True)
