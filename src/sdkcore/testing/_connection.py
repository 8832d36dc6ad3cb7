"""One client connection: read requests one after another and write each answer's pieces."""

from __future__ import annotations

import enum
import selectors
import socket
import struct
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._http import MalformedRequestError, read_request
from ._pieces import Close, Data, End, Head, Pause, Raw

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator

    from ._http import Reader
    from ._model import Request
    from ._pieces import Piece

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Outcome(enum.Enum):
    """How a response ended, and so what happens to its connection."""

    KEEP = "keep"  # complete; the next request may follow
    CLOSE = "close"  # hang up with a FIN
    RESET = "reset"  # hang up with a TCP reset


@dataclass(frozen=True)
class Answer:
    """The framed pieces answering one request, and whether the client wants keep-alive."""

    pieces: Iterator[Piece]
    keep_alive: bool


@dataclass(frozen=True)
class Serving:
    """What every connection of a server shares: how to answer, when to stop, what to keep."""

    answer: Callable[[Request], Answer]
    stopping: threading.Event
    max_body_kept: int


def serve_connection(sock: socket.socket, connection: int, serving: Serving) -> None:
    """Answer requests on `sock` until either side hangs up or the server stops; then close it.

    A client going away (an `OSError`) ends the connection quietly; any other
    exception propagates after the socket is closed.
    """
    reader = sock.makefile("rb")
    outcome = Outcome.CLOSE
    try:
        outcome = _serve_requests(sock, reader, connection, serving)
    except OSError:
        outcome = Outcome.CLOSE
    finally:
        reader.close()
        _hang_up(sock, reset=outcome is Outcome.RESET)


def _serve_requests(
    sock: socket.socket, reader: Reader, connection: int, serving: Serving
) -> Outcome:
    while not serving.stopping.is_set():
        try:
            request = read_request(
                reader,
                connection,
                on_continue=lambda: sock.sendall(_CONTINUE),
                max_body_kept=serving.max_body_kept,
            )
        except MalformedRequestError:
            sock.sendall(_BAD_REQUEST)
            return Outcome.CLOSE
        if request is None:
            return Outcome.CLOSE
        reply = serving.answer(request)
        outcome = write_pieces(sock, reply.pieces, serving.stopping)
        if outcome is not Outcome.KEEP or not reply.keep_alive:
            return Outcome.RESET if outcome is Outcome.RESET else Outcome.CLOSE
    return Outcome.CLOSE


def write_pieces(
    sock: socket.socket, pieces: Iterator[Piece], stopping: threading.Event
) -> Outcome:
    """Write framed `pieces` to `sock`; says whether the connection can be reused."""
    try:
        for piece in pieces:
            match piece:
                case Head(data=data) | Raw(data=data) | Data(data=data):
                    sock.sendall(data)
                case Pause(seconds=seconds):
                    if not pause(sock, seconds, stopping):
                        return Outcome.CLOSE
                case End():
                    return Outcome.KEEP
                case Close(reset=reset):
                    return Outcome.RESET if reset else Outcome.CLOSE
        return Outcome.CLOSE  # no ending: the response may be incomplete, so do not reuse
    finally:
        close = getattr(pieces, "close", None)
        if callable(close):
            close()


def pause(sock: socket.socket, seconds: float, stopping: threading.Event) -> bool:
    """Wait `seconds`; False as soon as the client hangs up or the server stops.

    Stopping shuts the socket down, which makes it readable, so one wait covers both.
    """
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        if selector.select(seconds) and not _peer_still_there(sock):
            return False
    # Either the time is up, or the client sent more (a pipelined request) that stays
    # unread until this response is done: only the stop signal can end the wait now.
    return not stopping.wait(max(0.0, deadline - time.monotonic()))


def _peer_still_there(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


def _hang_up(sock: socket.socket, *, reset: bool) -> None:
    try:
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the client is already gone
    finally:
        sock.close()
