"""Reading response bodies within limits, and naming transport failures in our terms.

Both the client (inside its retry loop) and the response objects (when a caller
reads later) read bodies through these functions, so the size limit, the
deadline and the error mapping are decided once.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx2

from ._exceptions import APIConnectionError, APITimeoutError, BodyTooLargeError

__all__ = ["aread_bounded", "map_transport_errors", "read_bounded", "too_large_error"]


@contextmanager
def map_transport_errors(request: httpx2.Request) -> Iterator[None]:
    """Re-raise httpx2's timeouts as ``APITimeoutError`` and other transport errors as
    ``APIConnectionError``, the original kept as ``__cause__``."""
    try:
        yield
    except httpx2.TimeoutException as exc:
        raise APITimeoutError(request) from exc
    except (httpx2.TransportError, httpx2.DecodingError) as exc:
        message = f"Connection error: {type(exc).__name__}: {exc}"
        raise APIConnectionError(message=message, request=request) from exc


def too_large_error(limit: int) -> BodyTooLargeError:
    """The error for a body that grew past ``limit`` bytes."""
    return BodyTooLargeError(
        f"Response body exceeds max_body_size={limit} bytes (decompressed). Raise the limit "
        "with the client's `max_body_size=` (None for no limit), or stream the body with "
        "`with_streaming_response` instead of reading it whole."
    )


def _check(size: int, limit: int | None, deadline: float | None, response: httpx2.Response) -> None:
    if limit is not None and size > limit:
        raise too_large_error(limit)
    if deadline is not None and time.monotonic() > deadline:
        raise httpx2.ReadTimeout("The call's deadline passed while reading the body.",
                                 request=response.request)


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
            _check(size, limit, deadline, response)
            parts.append(chunk)
    finally:
        response.close()
    # Store the body where httpx2 keeps it, so `.content`, `.text` and `.json()`
    # on the raw response work as after httpx2's own `read()`.
    response._content = content = b"".join(parts)
    return content


async def aread_bounded(
    response: httpx2.Response, *, limit: int | None, deadline: float | None = None
) -> bytes:
    """The async twin of ``read_bounded``."""
    if response.is_stream_consumed:
        return await response.aread()
    parts: list[bytes] = []
    size = 0
    chunks: AsyncIterator[bytes] = response.aiter_bytes()
    try:
        async for chunk in chunks:
            size += len(chunk)
            _check(size, limit, deadline, response)
            parts.append(chunk)
    finally:
        await response.aclose()
    response._content = content = b"".join(parts)
    return content
