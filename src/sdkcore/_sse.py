"""Server-Sent Events: a sans-I/O decoder that follows the WHATWG rules exactly.

``SSEDecoder.feed(bytes) -> list[ServerSentEvent]`` is the whole decoder; the
sync and async drivers (``iter_bytes`` / ``aiter_bytes``) only move bytes in.
It implements "interpreting an event stream" from the WHATWG HTML standard
(https://html.spec.whatwg.org/multipage/server-sent-events.html).

Why it works on bytes: CR and LF never occur inside a multi-byte UTF-8
sequence, so splitting lines on bytes and decoding each value afterwards gives
exactly the text a streaming decoder would, with invalid bytes replaced by
U+FFFD (Python's ``"replace"`` uses the same "maximal subpart" rule as the
WHATWG decoder), and a character split across chunks stays whole.
"""

from __future__ import annotations

import json
import re
import sys
from contextlib import suppress
from typing import TYPE_CHECKING

from ._constants import DEFAULT_MAX_EVENT_SIZE
from ._exceptions import SSEDecodeError

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Sequence

__all__ = ["SSEDecoder", "ServerSentEvent"]

_BOM = b"\xef\xbb\xbf"
_COLON = 58  # hot paths write b"\n" 10 and b"\r" 13 as literals, cheaper than a global
_new_object = object.__new__
_ANY_LINE_END = re.compile(rb"(\r\n|\r|\n)")


class ServerSentEvent:
    """One dispatched event: its type, data, the last event id and its own ``retry``.

    Equal when all four fields are equal; immutable and hashable.

    Example::

        event = ServerSentEvent(data='{"n": 1}', id="7")
        assert event.event == "message" and event.json() == {"n": 1}
    """

    __slots__ = ("_data", "_event", "_id", "_retry")

    def __init__(
        self,
        *,
        event: str = "message",
        data: str = "",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self._event = event
        self._data = data
        self._id = id
        self._retry = retry

    @property
    def event(self) -> str:
        """The event type; ``"message"`` when the stream named none."""
        return self._event

    @property
    def data(self) -> str:
        """The ``data`` lines joined with ``"\\n"``."""
        return self._data

    @property
    def id(self) -> str | None:
        """The last event id when the event was dispatched; ``None`` while none was set."""
        return self._id

    @property
    def retry(self) -> int | None:
        """The reconnection time (ms) sent within this event; ``None`` if it had none."""
        return self._retry

    def json(self) -> object:
        """Parse ``data`` as JSON.

        Raises ``json.JSONDecodeError`` (a ``ValueError``) when it is not JSON.

        Example::

            ServerSentEvent(data="[1, 2]").json()  # [1, 2]
        """
        return json.loads(self._data)

    def _fields(self) -> tuple[str, str, str | None, int | None]:
        return (self._event, self._data, self._id, self._retry)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self._event!r}, data={self._data!r}, "
            f"id={self._id!r}, retry={self._retry!r})"
        )


def _message(data: bytes, event_id: str | None) -> ServerSentEvent:
    """A ``message`` event with ``data``, its slots filled directly (3x cheaper than
    the keyword-only ``__init__``)."""
    event = _new_object(ServerSentEvent)
    event._event, event._data = "message", data.decode("utf-8", "replace")  # pyright: ignore[reportPrivateUsage]
    event._id, event._retry = event_id, None  # pyright: ignore[reportPrivateUsage]
    return event


class SSEDecoder:
    """Turn the bytes of a ``text/event-stream`` body into ``ServerSentEvent`` objects.

    ``max_event_size`` bounds the bytes buffered for one event: the bytes of its
    lines as received, field names and line ends included, plus the
    unterminated line being read (``None``: no limit). Comment lines count only
    while an event is pending (after one of its field lines), so keep-alive
    comments between events never add up. ``retry`` holds the last valid
    ``retry`` value, dispatched or not; ``last_event_id`` the id that a
    reconnect should send (set it before feeding a resumed stream).

    Raises ``SSEDecodeError`` (from ``feed``/``decode`` and the iterators) when
    an event or line exceeds ``max_event_size``; the decoder is then reset.

    Example::

        decoder = SSEDecoder()
        events = decoder.feed(b"data: hi\\n\\n")  # [ServerSentEvent(data='hi', ...)]
        for event in decoder.iter_bytes(response.iter_bytes()):
            print(event.data)
    """

    def __init__(
        self,
        *,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
        last_event_id: str | None = None,
    ) -> None:
        self._max_event_size = max_event_size
        # An int compare is cheaper than testing for None on every line.
        self._limit = sys.maxsize if max_event_size is None else max_event_size
        self.retry: int | None = None
        self._last_event_id = last_event_id
        self._reset_stream()

    @property
    def last_event_id(self) -> str | None:
        """The id of the last dispatched (or blank-line-ended) event, kept across events.

        As in the spec, an ``id`` line takes effect at the blank line that ends
        its event, so a cut-off event does not move the id a reconnect resumes from.
        """
        return self._last_event_id

    @last_event_id.setter
    def last_event_id(self, value: str | None) -> None:
        self._last_event_id = self._id_buffer = value

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode the next chunk of the body and return the events it completed.

        Raises ``SSEDecodeError`` when the pending event or line would exceed
        ``max_event_size``; nothing past the limit is buffered, and the decoder
        is reset (events this chunk completed before the error are dropped).

        Example::

            decoder = SSEDecoder()
            decoder.feed(b"data: a\\r")  # [] -- the event is not over yet
            decoder.feed(b"\\r")  # [ServerSentEvent(data='a', ...)]
        """
        if self._skip_lf or self._at_start:
            chunk = self._strip_stream_prefix(chunk)
            if self._at_start:  # still all BOM bytes: wait for the rest
                return []
        if 10 in chunk or 13 in chunk:  # int membership: memchr, 8x cheaper than b"\\n" in
            if chunk.find(10) == len(chunk) - 2 and chunk.endswith(b"\n\n"):
                # One `data: ` line and the blank line after it, as LLM APIs send events.
                fits = len(chunk) <= self._limit  # (the event's size is the chunk's less one)
                idle = not (self._tail or self._size or self._data or self._fields_seen)
                if fits and idle and chunk.startswith(b"data: ") and 13 not in chunk:
                    return [_message(chunk[6:-2], self._id_buffer)]
            return self._feed_lines(chunk)
        tail = self._tail
        if self._size + len(tail) + len(chunk) > self._limit:
            raise self._too_large()
        tail += chunk
        return []

    def finish(self) -> list[ServerSentEvent]:
        """End the stream: discard an unterminated event and reset for the next stream.

        The spec discards an event whose blank line never came, so this returns
        ``[]``; ``retry`` and ``last_event_id`` are kept for the reconnect.

        Example::

            decoder.feed(b"data: cut off")
            decoder.finish()  # []
        """
        self._reset_stream()
        return []

    def decode(self, line: str) -> ServerSentEvent | None:
        """Decode one line, given without its line end; ``""`` ends (dispatches) an event.

        For callers that split lines themselves. Raises ``ValueError`` if
        ``line`` contains CR or LF, ``SSEDecodeError`` past ``max_event_size``.

        Example::

            decoder.decode("data: hi")  # None
            decoder.decode("")  # ServerSentEvent(event='message', data='hi', ...)
        """
        if "\n" in line or "\r" in line:
            raise ValueError(f"decode() takes one line without its line end, got {line!r}")
        events = self._take_lines([line.encode("utf-8", "surrogatepass")], 1)
        return events[0] if events else None

    def iter_bytes(self, iterator: Iterable[bytes]) -> Iterator[ServerSentEvent]:
        """Yield the events of a byte stream; resets the decoder when done or closed early.

        Raises ``SSEDecodeError`` as ``feed`` does.

        Example::

            for event in SSEDecoder().iter_bytes(response.iter_bytes()):
                print(event.event, event.data)
        """
        try:
            for chunk in iterator:
                yield from self.feed(chunk)
        finally:
            self.finish()  # always [] (the spec drops a cut-off event); resets state

    async def aiter_bytes(self, iterator: AsyncIterable[bytes]) -> AsyncIterator[ServerSentEvent]:
        """Yield the events of an async byte stream; resets the decoder when done or closed.

        Raises ``SSEDecodeError`` as ``feed`` does.

        Example::

            async for event in SSEDecoder().aiter_bytes(response.aiter_bytes()):
                print(event.event, event.data)
        """
        try:
            async for chunk in iterator:
                for event in self.feed(chunk):
                    yield event
        finally:
            self.finish()  # always [] (the spec drops a cut-off event); resets state

    def _reset_stream(self) -> None:
        self._tail = bytearray()  # the unterminated line; grows in place, never quadratically
        self._skip_lf = False  # the last chunk ended with CR: a leading LF finishes that CRLF
        self._at_start = True  # a BOM may still come (possibly split across chunks)
        self._size = 0  # bytes of the pending event's lines; 0 while no event is pending
        self._data: list[bytes] = []
        self._clear_fields()

    def _clear_fields(self) -> None:
        self._id_buffer = self._last_event_id  # drops the id of a cut-off event
        self._event_type = "message"  # "event:" with an empty value also gives "message"
        self._event_retry: int | None = None
        self._fields_seen = False  # an event, id or retry line came since the last blank line

    def _strip_stream_prefix(self, chunk: bytes) -> bytes:
        if self._skip_lf and chunk:
            self._skip_lf = False
            if chunk[0] == 10:
                chunk = chunk[1:]
                if self._size:  # the LF of a CRLF split across chunks
                    self._size += 1
                    if self._size > self._limit:
                        raise self._too_large()
        if self._at_start and chunk:
            head = bytes(self._tail) + chunk
            if len(head) < len(_BOM) and _BOM.startswith(head):
                self._tail[:] = head  # maybe a BOM: wait for its remaining bytes
                return b""
            self._at_start = False
            self._tail.clear()
            chunk = head[len(_BOM) :] if head.startswith(_BOM) else head
        return chunk

    def _feed_lines(self, chunk: bytes) -> list[ServerSentEvent]:
        # Work on bytes: slicing and splitting them is cheaper than bytearray's.
        data = b"".join((self._tail, chunk)) if self._tail else chunk
        if 13 in data:
            events, rest = self._take_lines_with_cr(data)
        else:
            end = data.rfind(b"\n\n")
            if end < 0:  # no event ends here (tiny chunks): skip the fast path
                lines = data.split(b"\n")
                rest = lines.pop()
                events = self._take_lines(lines, 1)
            else:
                events, data = self._take_data_events(data, end)
                lines = data.split(b"\n")
                rest = lines.pop()
                events += self._take_lines(lines, 1)
        if self._size + len(rest) > self._limit:
            raise self._too_large()
        self._tail = bytearray(rest)
        return events

    def _take_data_events(self, data: bytes, end: int) -> tuple[list[ServerSentEvent], bytes]:
        # Fast path for LF-only data while no event is pending: the events up to
        # the last blank line (at `end`) that are each one `data: ` line; returns
        # the bytes left for the line loop (from the first other event on).
        if end >= self._limit or self._size or self._data or self._fields_seen:
            return [], data  # (end < limit: no event before `end` can exceed the limit)
        events: list[ServerSentEvent] = []
        if not data.startswith(b"data: "):
            return events, data
        values = data[6:end].split(b"\n\ndata: ")
        add_event = events.append
        event_id = self._id_buffer
        for value in values:
            if 10 in value:  # more lines: from this event on, take the line loop
                done = len(events)
                return events, data[sum(map(len, values[:done])) + 8 * done :]
            # Bytes next to a split point are ASCII, so each value decodes alone.
            add_event(_message(value, event_id))
        return events, data[end + 2 :]

    def _take_lines_with_cr(self, data: bytes) -> tuple[list[ServerSentEvent], bytes]:
        # A CR ending the chunk ends its line now (an event must not wait for
        # the next chunk); a LF starting the next chunk is then swallowed.
        self._skip_lf = data.endswith(b"\r")
        body = data[:-1] if self._skip_lf else data
        if 13 not in body:
            lines, line_end = body.split(b"\n"), 1
        elif 10 not in body:
            lines, line_end = body.split(b"\r"), 1
        else:
            lines, line_end = body.split(b"\r\n"), 2
            if not len(lines) - 1 == body.count(b"\r") == body.count(b"\n"):
                return self._take_mixed_lines(data)  # a lone CR or LF among the CRLFs
        rest = lines.pop()
        events = self._take_lines(lines, line_end)
        if self._skip_lf:
            events += self._take_lines([rest], 1)
            rest = b""
        return events, rest

    def _take_mixed_lines(self, data: bytes) -> tuple[list[ServerSentEvent], bytes]:
        parts = _ANY_LINE_END.split(data)  # [line, line end, line, line end, ..., rest]
        events: list[ServerSentEvent] = []
        for i in range(0, len(parts) - 1, 2):
            events += self._take_lines([parts[i]], len(parts[i + 1]))
        return events, parts[-1]

    def _take_lines(self, lines: Sequence[bytes], line_end: int) -> list[ServerSentEvent]:
        # The hot loop: blank and `data:` lines inline, the rest in _take_other_line.
        events: list[ServerSentEvent] = []
        add_event = events.append
        data = self._data
        add_data = data.append
        size = self._size
        limit = self._limit
        for line in lines:
            if not line:
                size = 0
                if data:
                    # Filling the slots directly is 3x cheaper than the keyword-only __init__.
                    event = _new_object(ServerSentEvent)
                    event._event, event._data, event._id, event._retry = (  # pyright: ignore[reportPrivateUsage]
                        self._event_type,
                        b"\n".join(data).decode("utf-8", "replace"),
                        self._id_buffer,
                        self._event_retry,
                    )
                    add_event(event)
                    data.clear()
                if self._fields_seen:  # the spec moves the last event id at a blank line
                    self._last_event_id = self._id_buffer
                    self._clear_fields()
            elif line.startswith(b"data: "):  # the common form gets its own branch
                size += len(line) + line_end
                if size > limit:
                    raise self._too_large()
                add_data(line[6:])
            elif line.startswith(b"data:"):
                size += len(line) + line_end
                if size > limit:
                    raise self._too_large()
                add_data(line[5:])
            else:
                size = self._take_other_line(line, line_end, size)
        self._size = size
        return events

    def _take_other_line(self, line: bytes, line_end: int, size: int) -> int:
        comment = line[0] == _COLON
        if comment and not size:
            # A comment outside an event is free, so keep-alives never add up; but
            # one line over the limit fails however the stream was chunked.
            if len(line) > self._limit:
                raise self._too_large()
            return 0
        size += len(line) + line_end
        if size > self._limit:
            raise self._too_large()
        if comment:
            return size
        name, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if name == b"data":  # "data" without a colon: an empty data line
            self._data.append(value)
        elif name == b"event":
            self._event_type = value.decode("utf-8", "replace") or "message"
            self._fields_seen = True
        elif name == b"id" and 0 not in value:  # an id with NUL is ignored
            self._id_buffer = value.decode("utf-8", "replace") or None
            self._fields_seen = True
        elif name == b"retry":
            self._take_retry(value)
        return size

    def _take_retry(self, value: bytes) -> None:
        # bytes.isdigit() is ASCII-only and False for b"": exactly the spec's rule.
        if value.isdigit():
            with suppress(ValueError):  # past sys.get_int_max_str_digits(): no sane delay
                self.retry = self._event_retry = int(value)
                self._fields_seen = True

    def _too_large(self) -> SSEDecodeError:
        self._reset_stream()  # release the buffers; the rest of this stream is unusable
        return SSEDecodeError(
            f"server-sent event (or unterminated line) exceeds "
            f"max_event_size={self._max_event_size} bytes; raise the limit (the client's "
            f"max_event_size= for typed streams, SSEDecoder(max_event_size=...) for the "
            f"decoder) or pass None for no limit"
        )
