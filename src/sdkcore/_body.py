"""Reading response bodies within limits, and naming transport failures in our terms.

Both the client (inside its retry loop) and the response objects (when a caller
reads later) read bodies through these functions, so the size limits, the
deadline and the error mapping are decided once.

Sizes count decoded bytes (httpx2 inflates compressed bodies in pieces of at most
1 MiB). An uncompressed body may grow to ``max_body_size``; a compressed one only to
``max_decompressed_size`` as well, so a small gzip body that inflates a
thousandfold (a "bomb") is stopped before memory grows past that bound.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, contextmanager, suppress
from typing import TYPE_CHECKING, TypeVar

import anyio
import httpx2

from ._exceptions import APIConnectionError, APITimeoutError, BodyTooLargeError
from ._secrets import DEFAULT_SECRETS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Generator, Iterator

    from ._context import BodyLimits
    from ._secrets import Secrets

_T = TypeVar("_T")

__all__ = [
    "CLOSING_ENDS_READS",
    "TRANSPORT_ERRORS",
    "abody_chunks",
    "aclose_body",
    "aread_bounded",
    "body_chunks",
    "body_limit",
    "closing_ends_reads",
    "fixed_limit",
    "map_transport_errors",
    "read_bounded",
    "transport_error",
    "unwound",
]

#: A response extension a transport sets to say that closing the response ends a read of
#: its body that another task waits on (``closing_ends_reads``).
CLOSING_ENDS_READS = "sdkcore.closing_ends_reads"

#: The exceptions of httpx2 that mean "no complete response": retried, then mapped.
TRANSPORT_ERRORS = (httpx2.TransportError, httpx2.DecodingError)

_DEADLINE_MESSAGE = "The call's deadline passed while reading the body."


@contextmanager
def map_transport_errors(
    request: httpx2.Request, secrets: Secrets = DEFAULT_SECRETS
) -> Generator[None]:
    """Re-raise httpx2's timeouts as ``APITimeoutError`` and other transport errors as
    ``APIConnectionError``, the original kept as ``__cause__``."""
    try:
        yield
    except TRANSPORT_ERRORS as exc:
        raise transport_error(exc, request, secrets) from exc


def transport_error(
    exc: Exception, request: httpx2.Request, secrets: Secrets = DEFAULT_SECRETS
) -> APIConnectionError:
    """``APITimeoutError`` for an httpx2 timeout, else ``APIConnectionError`` naming ``exc``;
    ``secrets`` are the names a pickle of the error leaves out.

    A refused connection reads the same in sync and async code.
    """
    error = _transport_error(exc, request)
    error._secrets = secrets  # pyright: ignore[reportPrivateUsage]  # pickles redact these
    return error


def _transport_error(exc: Exception, request: httpx2.Request) -> APIConnectionError:
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(request)
    if isinstance(exc, httpx2.ConnectError):
        # The same words sync and async (the libraries underneath phrase it differently;
        # their own message stays on ``__cause__``).
        port = request.url.port or {"http": 80, "https": 443}.get(request.url.scheme)
        where = request.url.host if port is None else f"{request.url.host}:{port}"
        return APIConnectionError(
            message=f"Could not connect to {where}: the connection was "
            "refused, or the host is unreachable.",
            request=request,
        )
    message = f"Connection error: {type(exc).__name__}: {exc}"
    return APIConnectionError(message=message, request=request)


class _Limit:
    """The bound on the decoded size of one body, and the error naming how to raise it."""

    __slots__ = ("bytes", "setting")

    def __init__(self, size: int | None, setting: str) -> None:
        self.bytes = size
        self.setting = setting

    def check(self, size: int) -> None:
        if self.bytes is not None and size > self.bytes:
            raise BodyTooLargeError(
                f"Response body exceeds {self.setting}={self.bytes} bytes (decoded). Raise the "
                f"limit with the client's `{self.setting}=` (None for no limit), or stream the "
                "body with `with_streaming_response` instead of reading it whole."
            )


def body_limit(response: httpx2.Response, limits: BodyLimits) -> _Limit:
    """The bound for reading ``response`` into memory: tighter when it is compressed."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    compressed = limits.max_decompressed_size
    if encoding in ("", "identity") or compressed is None:
        return _Limit(limits.max_body_size, "max_body_size")
    if limits.max_body_size is not None and limits.max_body_size <= compressed:
        return _Limit(limits.max_body_size, "max_body_size")
    return _Limit(compressed, "max_decompressed_size")


def fixed_limit(size: int | None) -> _Limit:
    """A bound of ``size`` decoded bytes whatever the encoding (error bodies)."""
    return _Limit(size, "max_body_size")


def _undecoded(response: httpx2.Response) -> bool:
    # Nothing for httpx2's decoders and chunkers to do: no content coding, the body
    # not read into memory already (then httpx2's own iterators hand it out).
    return "content-encoding" not in response.headers and not hasattr(response, "_content")


def body_chunks(response: httpx2.Response) -> Iterator[bytes]:
    """The body of ``response`` as it arrives, chunk by chunk: ``iter_bytes()``, but read
    from the transport's stream itself when there is nothing to decode.

    httpx2's layers (decoder, chunker, two generators) cost about as much per
    network chunk as sdkcore's own SSE decoding; an event stream sends one chunk per
    event. The response is kept as ``iter_bytes()`` leaves it: marked consumed,
    ``num_bytes_downloaded`` counted, closed at the end, a transport error naming
    the request. Raises what ``iter_bytes()`` raises.
    """
    if not (_undecoded(response) and isinstance(response.stream, httpx2.SyncByteStream)):
        return response.iter_bytes()
    return _raw_chunks(response, response.stream)


def _raw_chunks(response: httpx2.Response, stream: httpx2.SyncByteStream) -> Iterator[bytes]:
    if response.is_stream_consumed or response.is_closed:
        yield from response.iter_raw()  # raises StreamConsumed or StreamClosed
        return
    response.is_stream_consumed = True
    response._num_bytes_downloaded = downloaded = 0  # pyright: ignore[reportPrivateUsage]  # as iter_raw()
    try:
        for chunk in stream:
            if chunk:  # httpx2's chunker drops empty chunks
                downloaded += len(chunk)
                response._num_bytes_downloaded = downloaded  # pyright: ignore[reportPrivateUsage]
                yield chunk
    except httpx2.RequestError as exc:
        _name_request(exc, response)
        raise
    finally:
        response.close()


def abody_chunks(response: httpx2.Response) -> AsyncIterator[bytes]:
    """The async twin of ``body_chunks``: ``aiter_bytes()`` without httpx2's layers.

    Close it with ``aclose_body``.
    """
    if not (_undecoded(response) and isinstance(response.stream, httpx2.AsyncByteStream)):
        return response.aiter_bytes()
    return _araw_chunks(response, response.stream)


async def _araw_chunks(
    response: httpx2.Response, stream: httpx2.AsyncByteStream
) -> AsyncGenerator[bytes]:
    if response.is_stream_consumed or response.is_closed:
        async for chunk in response.aiter_raw():  # raises StreamConsumed or StreamClosed
            yield chunk
        return
    response.is_stream_consumed = True
    response._num_bytes_downloaded = downloaded = 0  # pyright: ignore[reportPrivateUsage]  # as aiter_raw()
    chunks = stream.__aiter__()
    try:
        async for chunk in chunks:
            if chunk:  # httpx2's chunker drops empty chunks
                downloaded += len(chunk)
                response._num_bytes_downloaded = downloaded  # pyright: ignore[reportPrivateUsage]
                yield chunk
    except httpx2.RequestError as exc:
        _name_request(exc, response)
        raise
    finally:
        if isinstance(chunks, AsyncGenerator):
            await chunks.aclose()
        await response.aclose()


def closing_ends_reads(response: httpx2.Response) -> bool:
    """Whether closing ``response`` makes a read of its body that another task waits on
    fail at once, so that no cancel scope need bound the read.

    So it is over HTTP/1.1 on httpx2's own transport (the socket closes under the
    read) and on a transport that says so (``CLOSING_ENDS_READS``, as sdkcore's
    ``AiohttpTransport`` does). Not over HTTP/2, whose streams share a socket, nor on
    other transports, which may not end a waiting read.
    """
    extensions = response.extensions
    if extensions.get(CLOSING_ENDS_READS) is True:
        return True
    return extensions.get("http_version") == b"HTTP/1.1" and "network_stream" in extensions


def _name_request(exc: httpx2.RequestError, response: httpx2.Response) -> None:
    # What httpx2's own iterators do: the error names the request of the response.
    request = response._request  # pyright: ignore[reportPrivateUsage]  # None is allowed here
    if request is not None:
        exc.request = request


def _keep(response: httpx2.Response, parts: list[bytes]) -> bytes:
    # Store the body where httpx2 keeps it, so `.content`, `.text` and `.json()`
    # on the raw response work as after httpx2's own `read()`.
    response._content = content = b"".join(parts)  # pyright: ignore[reportPrivateUsage]  # see above
    return content


def read_bounded(
    response: httpx2.Response,
    limit: _Limit,
    *,
    deadline: float | None = None,
    clock: Callable[[], float] | None = None,
) -> bytes:
    """Read the whole (decoded) body, raising ``BodyTooLargeError`` past ``limit`` and
    ``httpx2.ReadTimeout`` once ``clock()`` passes ``deadline``.

    The deadline is checked between chunks; sdkcore's own sync transport also ends
    each socket wait at it. The response is closed when the read fails. httpx2
    exceptions propagate as is.
    """
    if response.is_stream_consumed:
        return response.read()
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in body_chunks(response):
            size += len(chunk)
            limit.check(size)
            if deadline is not None and clock is not None and clock() > deadline:
                raise httpx2.ReadTimeout(_DEADLINE_MESSAGE, request=response.request)
            parts.append(chunk)
    finally:
        response.close()
    return _keep(response, parts)


async def aread_bounded(
    response: httpx2.Response,
    limit: _Limit,
    *,
    deadline: float | None = None,
    clock: Callable[[], float] | None = None,
) -> bytes:
    """The async twin of ``read_bounded``; here the ``deadline`` is a hard bound.

    A shielded clean-up returns the connection even when the caller is cancelled.
    """
    if response.is_stream_consumed:
        return await response.aread()
    chunks = abody_chunks(response)
    parts: list[bytes] = []
    left = None if deadline is None or clock is None else deadline - clock()
    try:
        # Cancelled from inside the socket read, httpx2's generators end cleanly.
        with anyio.move_on_after(left) as scope:
            await _acollect(chunks, limit, parts)
    finally:
        with anyio.CancelScope(shield=True):
            await aclose_body(chunks, response)
    if scope.cancelled_caught:
        raise httpx2.ReadTimeout(_DEADLINE_MESSAGE, request=response.request)
    return _keep(response, parts)


async def _acollect(chunks: AsyncIterator[bytes], limit: _Limit, parts: list[bytes]) -> None:
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        limit.check(size)
        parts.append(chunk)


async def aclose_body(chunks: AsyncIterator[object], response: httpx2.Response) -> None:
    """Close ``response``, then make ``chunks`` (its body iterator) finish.

    The one way sdkcore unwinds an async body left part-way. Left suspended,
    httpx2's nested body generators would be finalised by the garbage collector,
    which trio reports as a ResourceWarning (pydantic/httpx2#1036); on a closed
    connection they end at their next read. Whatever the closed response raises is
    dropped: the caller's own error must win. Call it shielded from cancellation.
    """
    await response.aclose()
    with suppress(Exception):
        # On the closed connection this ends at the first network read; what it
        # yields before is the decoding of bytes already received.
        async for _ in chunks:
            pass
    if isinstance(chunks, AsyncGenerator):
        await chunks.aclose()


@asynccontextmanager
async def unwound(
    response: httpx2.Response, chunks: AsyncIterator[_T]
) -> AsyncGenerator[AsyncIterator[_T]]:
    """Hand out ``chunks`` (an async body iterator of ``response``) and unwind it at exit.

    Through ``aclose_body``, shielded, so a consumer that stops early or is cancelled
    leaves nothing for the garbage collector to finalise.
    """
    try:
        yield chunks
    finally:
        with anyio.CancelScope(shield=True):
            await aclose_body(chunks, response)
