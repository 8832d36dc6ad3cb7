"""Reading response bodies within limits, and naming transport failures in our terms.

Both the client (inside its retry loop) and the response objects (when a caller
reads later) read bodies through these functions, so the size limit, the
deadline and the error mapping are decided once.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

import anyio
import httpx2

from ._exceptions import APIConnectionError, APITimeoutError, BodyTooLargeError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Generator

__all__ = [
    "TRANSPORT_ERRORS",
    "aclose_body",
    "aread_bounded",
    "map_transport_errors",
    "read_bounded",
    "too_large_error",
    "transport_error",
]

#: The exceptions of httpx2 that mean "no complete response": retried, then mapped.
TRANSPORT_ERRORS = (httpx2.TransportError, httpx2.DecodingError)


@contextmanager
def map_transport_errors(request: httpx2.Request) -> Generator[None]:
    """Re-raise httpx2's timeouts as ``APITimeoutError`` and other transport errors as
    ``APIConnectionError``, the original kept as ``__cause__``."""
    try:
        yield
    except TRANSPORT_ERRORS as exc:
        raise transport_error(exc, request) from exc


def transport_error(exc: Exception, request: httpx2.Request) -> APIConnectionError:
    """``APITimeoutError`` for an httpx2 timeout, else ``APIConnectionError`` naming ``exc``."""
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(request)
    message = f"Connection error: {type(exc).__name__}: {exc}"
    return APIConnectionError(message=message, request=request)


def too_large_error(limit: int) -> BodyTooLargeError:
    """The error for a body that grew past ``limit`` bytes."""
    return BodyTooLargeError(
        f"Response body exceeds max_body_size={limit} bytes (decompressed). Raise the limit "
        "with the client's `max_body_size=` (None for no limit), or stream the body with "
        "`with_streaming_response` instead of reading it whole."
    )


_DEADLINE_MESSAGE = "The call's deadline passed while reading the body."


def _check_size(size: int, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise too_large_error(limit)


def _check_deadline(deadline: float | None, response: httpx2.Response) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise httpx2.ReadTimeout(_DEADLINE_MESSAGE, request=response.request)


def read_bounded(
    response: httpx2.Response, *, limit: int | None, deadline: float | None = None
) -> bytes:
    """Read the whole (decompressed) body, raising ``BodyTooLargeError`` past ``limit``
    bytes and ``httpx2.ReadTimeout`` past the ``time.monotonic()`` ``deadline``.

    The response is closed when the read fails. httpx2 exceptions propagate as is.
    """
    if response.is_stream_consumed:
        return response.read()
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            _check_size(size, limit)
            _check_deadline(deadline, response)
            parts.append(chunk)
    finally:
        response.close()
    # Store the body where httpx2 keeps it, so `.content`, `.text` and `.json()`
    # on the raw response work as after httpx2's own `read()`.
    response._content = content = b"".join(parts)  # pyright: ignore[reportPrivateUsage]  # see above
    return content


async def aread_bounded(
    response: httpx2.Response, *, limit: int | None, deadline: float | None = None
) -> bytes:
    """The async twin of ``read_bounded``; here the ``deadline`` is a hard bound.

    A shielded clean-up returns the connection even when the caller is cancelled.
    """
    if response.is_stream_consumed:
        return await response.aread()
    chunks = response.aiter_bytes()
    parts: list[bytes] = []
    try:
        # Cancelled from inside the socket read, httpx2's generators end cleanly.
        with anyio.move_on_after(_remaining(deadline)) as scope:
            await _acollect(chunks, limit, parts)
    finally:
        with anyio.CancelScope(shield=True):
            await aclose_body(chunks, response)
    if scope.cancelled_caught:
        raise httpx2.ReadTimeout(_DEADLINE_MESSAGE, request=response.request)
    response._content = content = b"".join(parts)  # pyright: ignore[reportPrivateUsage]  # as in read_bounded
    return content


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else deadline - time.monotonic()


async def _acollect(chunks: AsyncIterator[bytes], limit: int | None, parts: list[bytes]) -> None:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        _check_size(size, limit)
        parts.append(chunk)


async def aclose_body(chunks: AsyncIterator[object], response: httpx2.Response) -> None:
    """Close ``response``, then make ``chunks`` (its body iterator) finish.

    Left suspended part-way, httpx2's nested body generators would be finalised by
    the garbage collector, which trio reports as a ResourceWarning
    (pydantic/httpx2#1036); on a closed connection they end at their next read.
    Whatever the closed response raises is dropped: the caller's own error must win.
    """
    await response.aclose()
    with suppress(Exception):
        # On the closed connection this ends at the first network read; what it
        # yields before is the decoding of bytes already received.
        async for _ in chunks:
            pass
    if isinstance(chunks, AsyncGenerator):
        await chunks.aclose()
