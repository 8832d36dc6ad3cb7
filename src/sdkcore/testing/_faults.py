"""Faults: ways for a route to misbehave on the real socket, composable per route.

A fault may replace the reply before it is rendered (`Fault.prepare`) and may
rewrite the stream of pieces the response is written as (`Fault.shape`, see
`_pieces`). A route applies its faults in the order given. Faults are shared by
every request of a route, so they keep no per-request state: anything that
depends on the request reads it (for example `Request.attempt`). Faults that
choose which hits another fault applies to are in `_combinators`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ._model import MISSING, Reply, Request
from ._pieces import Close, Data, End, Head, Pause, Piece, Raw

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from ._headers import HeaderSpec


class Fault:
    """Base class of faults; override `prepare`, `shape` or both.

    Example::

        class SlowHead(Fault):
            def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
                yield Pause(0.2)
                yield from pieces
    """

    def prepare(self, request: Request, reply: Reply) -> Reply:
        """The reply to render for `request`; by default `reply` unchanged."""
        return reply

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The pieces to write for `request`; by default `pieces` unchanged."""
        return pieces


def _at_offset(
    pieces: Iterator[Piece], offset: int, inserted: Sequence[Piece], *, then_stop: bool
) -> Iterator[Piece]:
    """Pass `pieces` on, adding `inserted` once `offset` body bytes have gone (0: after Head)."""
    sent = 0
    rest: Piece | None = None
    for piece in pieces:
        if isinstance(piece, Data | Raw) and 0 < offset <= sent + len(piece.data):
            head, rest = _split(piece, offset - sent)
            yield head
            break
        yield piece
        if isinstance(piece, Data | Raw):
            sent += len(piece.data)
        elif isinstance(piece, Head) and offset == 0:
            break
    else:
        return  # the body ended before the offset: nothing to add
    yield from inserted
    if not then_stop:
        if rest is not None:
            yield rest
        yield from pieces


def _split(piece: Data | Raw, at: int) -> tuple[Piece, Piece | None]:
    """`piece` as the part before `at` and the part after (None when nothing is left)."""
    if at >= len(piece.data):
        return piece, None
    if isinstance(piece, Raw):
        return Raw(piece.data[:at]), Raw(piece.data[at:])
    return Data(piece.data[:at], boundary=False), Data(piece.data[at:], piece.boundary)


@dataclass(frozen=True)
class CutAfter(Fault):
    """Send the headers (announcing the full body), then `n_bytes` of body, then hang up.

    Body bytes are payload bytes: for SSE, bytes of the event stream. With
    `reset=True` the hang-up is a TCP reset instead of a clean close.

    Example: ``server.route("GET", "/f", body=data, fault=CutAfter(1000))``
    """

    n_bytes: int
    reset: bool = False

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The pieces up to `n_bytes` of body, then the hang-up."""
        return _at_offset(pieces, self.n_bytes, (Close(self.reset),), then_stop=True)


@dataclass(frozen=True)
class CutMidHeaders(Fault):
    """Send part of the status line and headers (half unless `after_bytes`), then hang up.

    Example: ``server.route("GET", "/x", json={}, fault=CutMidHeaders(after_bytes=5))``
    """

    after_bytes: int | None = None

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The first part of the head, then the hang-up."""
        for piece in pieces:
            if isinstance(piece, Head):
                cut = len(piece.data) // 2 if self.after_bytes is None else self.after_bytes
                yield Head(piece.data[:cut])
                yield Close()
                return
            yield piece


@dataclass(frozen=True)
class Stall(Fault):
    """Stop sending for `seconds`: after `after_bytes` body bytes, or before the headers.

    The stall ends early when the client hangs up or the server stops.

    Example: ``server.route("GET", "/slow", json={}, fault=Stall(5, before_headers=True))``
    """

    seconds: float
    after_bytes: int = 0
    before_headers: bool = False

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The pieces with a pause before the head or after `after_bytes`."""
        if self.before_headers:
            return _prepend(Pause(self.seconds), pieces)
        return _at_offset(pieces, self.after_bytes, (Pause(self.seconds),), then_stop=False)


def _prepend(first: Piece, pieces: Iterator[Piece]) -> Iterator[Piece]:
    yield first
    yield from pieces


@dataclass(frozen=True)
class Drip(Fault):
    """Send the body `chunk` bytes at a time, `interval` seconds apart.

    Example: ``server.route("GET", "/drip", text="hello", fault=Drip(0.02, chunk=2))``
    """

    interval: float
    chunk: int = 1

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The body split into `chunk`-byte pieces with pauses between them."""
        started = False
        for piece in pieces:
            if not isinstance(piece, Data):
                yield piece
                continue
            for start in range(0, len(piece.data), self.chunk):
                if started:
                    yield Pause(self.interval)
                started = True
                last = start + self.chunk >= len(piece.data)
                yield Data(piece.data[start : start + self.chunk], piece.boundary and last)


@dataclass(frozen=True)
class TrickleHeaders(Fault):
    """Send the status line and headers `chunk` bytes at a time, `interval` seconds apart.

    A client whose timeout only bounds each read waits for all of them. Put it last
    among a route's faults: the ones after it would see the head in pieces. The
    trickle ends early when the client hangs up or the server stops.

    Example: ``server.route("GET", "/slow-head", json={}, fault=TrickleHeaders(0.05))``
    """

    interval: float
    chunk: int = 1

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The head split into `chunk`-byte pieces with pauses between them."""
        for piece in pieces:
            if not isinstance(piece, Head):
                yield piece
                continue
            for start in range(0, len(piece.data), self.chunk):
                if start:
                    yield Pause(self.interval)
                yield Head(piece.data[start : start + self.chunk])


@dataclass(frozen=True)
class DropAfterEvents(Fault):
    """Hang up after `events` SSE events (or streamed items), without the last chunk.

    Pair it with a handler reading ``Last-Event-ID`` to test reconnects.

    Example: ``server.route("GET", "/events", sse=events, fault=DropAfterEvents(2))``
    """

    events: int

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The pieces up to the `events`-th event, then the hang-up."""
        seen = 0
        for piece in pieces:
            yield piece
            if isinstance(piece, Data) and piece.boundary:
                seen += 1
            if isinstance(piece, Head | Data) and seen >= self.events:
                yield Close()
                return


def _failure(status: int, headers: HeaderSpec, json: object, message: str) -> Reply:
    body = {"error": {"type": "injected_failure", "message": message}}
    return Reply(status=status, headers=headers, json=body if json is MISSING else json)


@dataclass(frozen=True)
class Fail(Fault):
    """Fail every hit: answer `status` with `headers` and `json` instead of the reply.

    The body is a JSON error unless `json` is given; with `drop=True` the server hangs
    up without any response. Pair it with `OnAttempts`, `Rotate` or `FaultRate`.

    Example: ``OnAttempts(Fail(status=503), attempts={2})``
    """

    status: int = 503
    headers: HeaderSpec = ()
    json: object = MISSING
    drop: bool = False

    def prepare(self, request: Request, reply: Reply) -> Reply:
        """The failure reply (unless `drop`)."""
        if self.drop:
            return reply
        return _failure(self.status, self.headers, self.json, "injected failure")

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """A hang-up with `drop=True`, else `pieces`."""
        return iter((Close(),)) if self.drop else pieces


@dataclass(frozen=True)
class FailTimes(Fault):
    """Fail the route's first `times` hits, then answer normally.

    A failure answers `status` with `headers` and `json` (a JSON error body unless
    given), or with `drop=True` hangs up without any response.

    Example: ``FailTimes(2, status=429, headers={"Retry-After": "0"})``
    """

    times: int
    status: int = 503
    headers: HeaderSpec = ()
    json: object = MISSING
    drop: bool = False

    def prepare(self, request: Request, reply: Reply) -> Reply:
        """The failure reply for the first `times` hits, else `reply`."""
        if self.drop or request.attempt > self.times:
            return reply
        message = f"injected failure {request.attempt} of {self.times}"
        return _failure(self.status, self.headers, self.json, message)

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """A hang-up for the first `times` hits with `drop=True`, else `pieces`."""
        if self.drop and request.attempt <= self.times:
            return iter((Close(),))
        return pieces


@dataclass(frozen=True)
class BadChunked(Fault):
    """Send a chunked body whose first chunk size is not hexadecimal, then hang up.

    Example: ``server.route("GET", "/broken", text="hi", fault=BadChunked())``
    """

    def prepare(self, request: Request, reply: Reply) -> Reply:
        """`reply` sent chunked (a streamed reply is chunked already)."""
        return reply if reply.is_streamed else replace(reply, chunked=True)

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The head, then a chunk size that is not hexadecimal and the hang-up."""
        for piece in pieces:
            if isinstance(piece, Data | End):
                yield Raw(b"zz\r\nnot a chunk\r\n")
                yield Close()
                return
            yield piece
