"""``AiohttpClient``: an ``httpx2.AsyncClient`` whose requests travel over aiohttp.

httpx2 keeps everything above the wire (redirects, cookies, auth, decoding, the
``Response``); ``AiohttpTransport`` moves bytes through one ``aiohttp.ClientSession``
and hands each network chunk of a body on as it arrives, which reads many concurrent
event streams several times faster. asyncio only; aiohttp is imported when a
transport is built, so sdkcore works without it (``pip install "sdkcore[aiohttp]"``).

What aiohttp would do on its own is off: redirects, cookies, proxies from the
environment, decompression (httpx2 decodes, so sdkcore's bounds on decoded sizes
hold), headers of its own, silent resends. Each request's ``timeout`` applies:
``connect`` to opening a connection, ``read`` to each wait for data, ``write`` to each
chunk of a request body, ``pool`` to the wait for a connection. aiohttp's errors
become those httpx2's own transport raises for the same fault, request attached:

    ========================================  =============================================
    ConnectionTimeoutError                    ConnectTimeout
    SocketTimeoutError, ServerTimeoutError    ReadTimeout
    (a body chunk not written in time)        WriteTimeout
    (no connection free in time)              PoolTimeout
    ClientConnectorError (refused, DNS, TLS)  ConnectError
    ServerDisconnectedError                   RemoteProtocolError
    ClientResponseError (malformed response)  RemoteProtocolError
    ClientPayloadError (body cut, bad chunk)  RemoteProtocolError; ReadError after a reset
    NonHttpUrlClientError, InvalidURL         UnsupportedProtocol
    ClientConnectionResetError                WriteError
    ClientOSError, ClientConnectionError      ReadError
    any other ClientError                     TransportError
    ========================================  =============================================
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import math
import os
from typing import TYPE_CHECKING, Any, Final

import httpx2

from ._body import CLOSING_ENDS_READS
from ._constants import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    import ssl
    from collections.abc import AsyncIterator, Callable, Mapping

    import aiohttp
    from aiohttp.client_proto import ResponseHandler
    from httpx2._types import CertTypes

    from ._types import TimeoutTypes

__all__ = ["AiohttpClient", "AiohttpTransport"]

_INSTALL_HINT: Final = 'AiohttpClient needs aiohttp: pip install "sdkcore[aiohttp]"'
#: Headers aiohttp would add when httpx2 left them out: httpx2 decides them all.
_NO_AUTO_HEADERS: Final = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
#: Longest status or header line accepted: what httpx2's own parser (h11) allows.
_MAX_HEADER_LINE: Final = 16_384
#: A body held in memory is written in pieces this large when writes are timed.
_WRITE_CHUNK: Final = 65_536
#: Longest wait in ``aclose()`` for a connection to finish closing, in seconds.
_CLOSE_WAIT: Final = 1.0
#: Keyword arguments of ``httpx2.AsyncClient`` that would send requests some other way.
_OTHER_TRANSPORTS: Final = frozenset({"transport", "mounts", "proxy", "http1", "http2"})


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """An httpx2 transport that sends requests with aiohttp (asyncio only).

    ``limits.max_connections`` caps the connections (``None``: no cap);
    ``keepalive_expiry`` bounds an idle one's life; ``max_keepalive_connections=0``
    closes each after its response (other values cap nothing). ``verify``, ``cert``,
    ``trust_env``: TLS, as in httpx2. Raises ``ImportError`` without aiohttp;
    ``RuntimeError`` for a request outside asyncio, from a second loop or after ``aclose()``.

    >>> client = httpx2.AsyncClient(transport=AiohttpTransport())
    """

    def __init__(
        self,
        *,
        limits: httpx2.Limits = DEFAULT_CONNECTION_LIMITS,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
    ) -> None:
        try:
            importlib.import_module("aiohttp")
        except ImportError as exc:
            raise ImportError(_INSTALL_HINT) from exc
        self._limits = limits
        self._ssl = httpx2.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)
        slots = limits.max_connections
        self._slots = None if slots is None else asyncio.Semaphore(slots)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def connector(self) -> aiohttp.BaseConnector | None:
        """aiohttp's connection pool, or ``None`` before the first request."""
        return None if self._session is None else self._session.connector

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send ``request``, leaving the body to read; raises httpx2's ``TransportError``s."""
        session = self._session_here()
        timeouts: Mapping[str, float | None] = request.extensions.get("timeout", {})
        await self._acquire(timeouts.get("pool"), request)
        try:
            response = await _send(session, request, timeouts)
        except BaseException:
            self._release()
            raise
        return httpx2.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_AiohttpResponseStream(response, request, self._release),
            extensions={
                "http_version": b"HTTP/%d.%d" % tuple(response.version or (1, 1)),
                "reason_phrase": (response.reason or "").encode("ascii", "replace"),
                CLOSING_ENDS_READS: True,  # closing fails a read another task waits on
            },
        )

    async def aclose(self) -> None:
        """Close every connection; the transport sends nothing more. Idempotent."""
        if self._session is not None:
            await self._session.close()

    def _session_here(self) -> aiohttp.ClientSession:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            message = "AiohttpTransport runs on asyncio only: aiohttp needs an asyncio loop."
            raise RuntimeError(message) from None
        if self._session is None:
            self._session, self._loop = _open_session(self._limits, self._ssl), loop
        elif loop is not self._loop:
            message = "An AiohttpTransport serves the event loop of its first request only."
            raise RuntimeError(message)
        return self._session

    async def _acquire(self, seconds: float | None, request: httpx2.Request) -> None:
        slots = self._slots
        if slots is not None and slots.locked():
            try:
                async with asyncio.timeout(seconds):
                    await slots.acquire()
            except TimeoutError as exc:
                message = "Timed out waiting for a connection from the pool."
                raise httpx2.PoolTimeout(message, request=request) from exc
        elif slots is not None:  # a free slot is taken at once, without a timer
            await slots.acquire()

    def _release(self) -> None:
        if self._slots is not None:
            self._slots.release()


def _open_session(limits: httpx2.Limits, ssl_context: ssl.SSLContext) -> aiohttp.ClientSession:
    import aiohttp

    keep_none = limits.max_keepalive_connections == 0
    connector = aiohttp.TCPConnector(
        limit=limits.max_connections or 0,
        limit_per_host=0,
        force_close=keep_none,
        keepalive_timeout=None if keep_none else limits.keepalive_expiry,
        ssl=ssl_context,
    )
    session = aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        skip_auto_headers=_NO_AUTO_HEADERS,
        auto_decompress=False,
        trust_env=False,
        requote_redirect_url=False,
        max_line_size=_MAX_HEADER_LINE,
        max_field_size=_MAX_HEADER_LINE,
    )
    # aiohttp resends an idempotent request once after a dropped connection; httpx2
    # does not, and sdkcore counts every attempt itself (`retries_taken`).
    session._retry_connection = False  # pyright: ignore[reportPrivateUsage]  # no public switch
    return session


class _WriteGuard:
    """Bounds each request body chunk's trip to the socket by ``seconds``: aiohttp
    writes a body in a task of its own, asking for a chunk once the last is written,
    so a chunk not taken in time expires the ``timer`` of the task awaiting the
    response. The body's own error is kept: aiohttp wraps it."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.timer = asyncio.timeout(None)
        self.sending = False  # the timer may be moved only while it is entered
        self.body_error: Exception | None = None

    async def timed(
        self, chunks: AsyncIterator[bytes | memoryview]
    ) -> AsyncIterator[bytes | memoryview]:
        while True:
            try:
                chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except Exception as exc:
                self.body_error = exc
                raise
            if self.sending and self.seconds is not None:
                self.timer.reschedule(asyncio.get_running_loop().time() + self.seconds)
            try:
                yield chunk
            finally:
                if self.sending:
                    self.timer.reschedule(None)


async def _send(
    session: aiohttp.ClientSession, request: httpx2.Request, timeouts: Mapping[str, float | None]
) -> aiohttp.ClientResponse:
    import aiohttp
    import yarl

    guard = _WriteGuard(timeouts.get("write"))
    data = await _body(request, guard)
    # An infinite ceil_threshold keeps aiohttp from rounding timeouts up to whole seconds.
    timeout = aiohttp.ClientTimeout(
        sock_connect=timeouts.get("connect"),
        sock_read=timeouts.get("read"),
        ceil_threshold=math.inf,
    )
    try:
        async with guard.timer:
            guard.sending = True
            try:
                return await session.request(
                    request.method,
                    yarl.URL(str(request.url), encoded=True),
                    headers=_headers(request),
                    data=data,
                    timeout=timeout,
                    allow_redirects=False,
                )
            finally:
                guard.sending = False
    except aiohttp.ClientError as exc:
        if guard.body_error is not None:
            raise guard.body_error from None  # unchanged, as httpx2's transport raises it
        raise _httpx2_error(exc, request) from exc
    except TimeoutError as exc:
        if not guard.timer.expired():
            raise
        raise httpx2.WriteTimeout("Timed out sending the request body.", request=request) from exc


def _headers(request: httpx2.Request) -> list[tuple[str, str]]:
    # aiohttp frames a body of unknown length itself, and refuses a second framing.
    encoding = request.headers.encoding
    return [
        (name.decode(encoding), value.decode(encoding))
        for name, value in request.headers.raw
        if name.lower() != b"transfer-encoding"
    ]


async def _body(
    request: httpx2.Request, guard: _WriteGuard
) -> bytes | AsyncIterator[bytes | memoryview] | None:
    stream = request.stream
    assert isinstance(stream, httpx2.AsyncByteStream)  # httpx2's AsyncClient sees to it
    if not isinstance(stream, httpx2.ByteStream):
        return guard.timed(aiter(stream))
    content = b"".join([part async for part in stream])  # in memory already
    if guard.seconds is not None and len(content) > _WRITE_CHUNK:
        return guard.timed(_pieces(content))
    return content or None


async def _pieces(content: bytes) -> AsyncIterator[bytes | memoryview]:
    view = memoryview(content)
    for start in range(0, len(view), _WRITE_CHUNK):
        yield view[start : start + _WRITE_CHUNK]


class _AiohttpResponseStream(httpx2.AsyncByteStream):
    """A response body as aiohttp receives it, each read what has arrived; ``aclose()``
    closes a connection whose body was not read to its end instead of pooling it."""

    def __init__(
        self, response: aiohttp.ClientResponse, request: httpx2.Request, release: Callable[[], None]
    ) -> None:
        self._response = response
        self._request = request
        self._release: Callable[[], None] | None = release
        connection = response.connection
        # Tells a reset from a clean close once the body is cut (`_httpx2_error`).
        self._protocol = None if connection is None else connection.protocol
        # aiohttp's C parser drops a body whose chunk framing breaks mid-way without
        # telling it, and stops the read timeout: the connection's end ends the body.
        self._lost = None if self._protocol is None else self._protocol.closed
        if self._lost is not None:
            self._lost.remove_done_callback(_seen)  # once per connection
            self._lost.add_done_callback(_seen)
            self._lost.add_done_callback(self._connection_lost)
        elif self._protocol is not None:
            self._connection_lost()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import aiohttp

        content = self._response.content
        try:
            while chunk := await content.readany():
                yield chunk
        except aiohttp.ClientError as exc:
            failure = exc
        else:
            return
        # What arrived before the failure comes first, as from httpx2's own transport;
        # aiohttp's public reads raise the failure and leave those bytes behind.
        if arrived := content._read_nowait(-1):  # pyright: ignore[reportPrivateUsage]
            yield arrived
        raise _httpx2_error(failure, self._request, self._protocol) from failure

    async def aclose(self) -> None:
        release, self._release = self._release, None
        if release is None:
            return
        lost = self._lost
        if lost is not None:
            lost.remove_done_callback(self._connection_lost)
        content = self._response.content
        if content.is_eof() and content.exception() is None:
            self._response.release()
            lost = None  # pooled, still open
        else:
            self._response.close()
        release()
        if lost is not None and not lost.done():
            # aiohttp closes the socket on the loop's next turn; httpx2's transport
            # has closed it when `aclose()` returns, and callers may count on that.
            await asyncio.wait([lost], timeout=_CLOSE_WAIT)

    def _connection_lost(self, lost: object = None) -> None:
        import aiohttp

        content = self._response.content
        if content.exception() is None and not content.is_eof():
            cause = None if self._protocol is None else self._protocol.exception()
            message = f"Response payload is not completed: the connection closed ({cause!r})."
            content.set_exception(aiohttp.ClientPayloadError(message))


def _seen(lost: asyncio.Future[None]) -> None:
    if not lost.cancelled():
        lost.exception()  # a body reports the loss: asyncio need not log it as unseen


_Row = tuple[type["aiohttp.ClientError"], type[httpx2.TransportError], str | None]


@functools.cache
def _errors() -> tuple[_Row, ...]:
    """aiohttp's errors, httpx2's, and a fixed message where aiohttp's names the URL
    (query included); the more specific first, as in the module docs' table."""
    import aiohttp

    return (
        (aiohttp.ConnectionTimeoutError, httpx2.ConnectTimeout, "Timed out connecting."),
        (aiohttp.ServerTimeoutError, httpx2.ReadTimeout, None),
        (aiohttp.ClientConnectorError, httpx2.ConnectError, None),
        (aiohttp.ServerDisconnectedError, httpx2.RemoteProtocolError, "Server disconnected."),
        (aiohttp.ClientResponseError, httpx2.RemoteProtocolError, None),
        (aiohttp.ClientPayloadError, httpx2.RemoteProtocolError, None),
        (aiohttp.NonHttpUrlClientError, httpx2.UnsupportedProtocol, "Not an http(s) URL."),
        (aiohttp.InvalidURL, httpx2.UnsupportedProtocol, "Not an http(s) URL with a host."),
        (aiohttp.ClientConnectionResetError, httpx2.WriteError, None),
        (aiohttp.ClientOSError, httpx2.ReadError, None),
        (aiohttp.ClientConnectionError, httpx2.ReadError, None),
        (aiohttp.ClientError, httpx2.TransportError, None),
    )


def _httpx2_error(
    exc: aiohttp.ClientError, request: httpx2.Request, protocol: ResponseHandler | None = None
) -> httpx2.TransportError:
    """The httpx2 error for ``exc``; the connection's ``protocol`` tells a body cut
    by a reset (``ReadError``, as httpx2 raises) from one cut by a clean close."""
    import aiohttp

    error, fixed = next(
        (target, text) for source, target, text in _errors() if isinstance(exc, source)
    )
    reset = protocol is not None and isinstance(protocol.exception(), aiohttp.ClientOSError)
    if reset and isinstance(exc, aiohttp.ClientPayloadError):
        error = httpx2.ReadError
    return error(fixed or _message(exc), request=request)


def _message(exc: aiohttp.ClientError) -> str:
    import aiohttp

    match exc:
        case aiohttp.ClientConnectorError():
            return f"Cannot connect to {exc.host}:{exc.port}: {exc.os_error}"
        case aiohttp.ClientResponseError():  # its own text names the URL
            return f"Malformed response: {exc.message}"
        case aiohttp.ClientOSError() if exc.errno is not None:
            return os.strerror(exc.errno)  # its own text may name the URL
        case _:
            return str(exc) or type(exc).__name__


class AiohttpClient(httpx2.AsyncClient):
    """An ``httpx2.AsyncClient`` over aiohttp, with sdkcore's default timeout and limits.

    ``limits``, ``verify``, ``cert`` and ``trust_env`` configure its ``AiohttpTransport``;
    the other keyword arguments of ``httpx2.AsyncClient`` go to it (``headers``, ``auth``,
    ...). asyncio only. Raises ``ImportError`` naming ``pip install "sdkcore[aiohttp]"``
    without aiohttp; ``TypeError`` for ``transport``, ``mounts``, ``proxy``, ``http1``, ``http2``.

    >>> async with AsyncAPIClient(url, http_client=AiohttpClient()) as client:
    ...     ...
    """

    def __init__(
        self,
        *,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        limits: httpx2.Limits = DEFAULT_CONNECTION_LIMITS,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        **kwargs: Any,
    ) -> None:
        if other := sorted(_OTHER_TRANSPORTS & kwargs.keys()):
            raise TypeError(f"AiohttpClient sends every request through aiohttp; got {other}")
        transport = AiohttpTransport(limits=limits, verify=verify, cert=cert, trust_env=trust_env)
        self._aiohttp = transport
        super().__init__(timeout=timeout, transport=transport, trust_env=trust_env, **kwargs)

    @property
    def transport(self) -> AiohttpTransport:
        """The ``AiohttpTransport`` this client sends through."""
        return self._aiohttp
