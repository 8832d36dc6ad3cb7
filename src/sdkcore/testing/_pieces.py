"""The pieces a response is written as, so faults can reshape it before it reaches the socket.

A response leaves the server as a stream of pieces: the status line and headers
(`Head`), body payload (`Data`, chunk-framed afterwards when the response is
chunked), bytes sent exactly as given (`Raw`), waits (`Pause`) and one ending:
`End` (complete, the connection may be reused) or `Close` (hang up now). A
`Fault` rewrites this stream, so every fault misbehaves on the real socket
without the server knowing about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator


@dataclass(frozen=True, slots=True)
class Head:
    """The status line and headers, blank line included.

    Example: ``Head(b"HTTP/1.1 204 No Content\\r\\n\\r\\n")``
    """

    data: bytes


@dataclass(frozen=True, slots=True)
class Data:
    """Body payload, before chunk framing; `boundary` marks the end of an SSE event or item.

    Example: ``Data(b"data: hi\\n\\n")``
    """

    data: bytes
    boundary: bool = True


@dataclass(frozen=True, slots=True)
class Raw:
    """Bytes written exactly as given, never chunk-framed (for broken framing on purpose).

    Example: ``Raw(b"zz\\r\\n")``
    """

    data: bytes


@dataclass(frozen=True, slots=True)
class Pause:
    """Send nothing for `seconds`; ends early when the client hangs up or the server stops.

    Example: ``Pause(0.5)``
    """

    seconds: float


@dataclass(frozen=True, slots=True)
class End:
    """The response is complete; the connection stays open for the next request.

    Example: ``End()``
    """


@dataclass(frozen=True, slots=True)
class Close:
    """Hang up now (a FIN, or with `reset=True` a TCP reset), whatever was sent so far.

    Example: ``Close(reset=True)``
    """

    reset: bool = False


#: One step of writing a response.
Piece: TypeAlias = Head | Data | Raw | Pause | End | Close

_LAST_CHUNK = b"0\r\n\r\n"


def frame(pieces: Iterable[Piece], *, chunked: bool) -> Iterator[Piece]:
    """Turn `Data` into wire bytes: chunk-framed when `chunked`, plus the last chunk at `End`."""
    for piece in pieces:
        if isinstance(piece, Data):
            # An empty chunk would read as the last chunk, so empty payload is dropped.
            if piece.data:
                yield Raw(_chunk(piece.data) if chunked else piece.data)
        elif isinstance(piece, End) and chunked:
            yield Raw(_LAST_CHUNK)
            yield piece
        else:
            yield piece


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(data), data)
