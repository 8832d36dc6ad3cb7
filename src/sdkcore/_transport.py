"""The sync transport sdkcore builds: every socket wait ends at the attempt's deadline.

httpx2's timeouts bound each socket operation, not an attempt: a server that sends
its status line and headers one byte at a time never trips a read timeout. Async
code bounds the whole attempt with a cancel scope; blocking code cannot be
cancelled, so the sync client's own transport waits on sockets through
``DeadlineBackend``, which shortens every connect, read and write to what is left
of the deadline in ``attempt_deadline`` (a context variable the client sets around
each attempt: the deadline and the clock it is read on). When no deadline is set it
adds nothing.

An injected ``http_client`` keeps its own transport: there the deadline is checked
between body chunks only.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final

import httpcore2

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable, Generator, Iterable

    import httpx2

__all__ = ["DeadlineBackend", "attempt_deadline", "bound_by_deadlines", "deadline_scope"]

#: When the attempt in progress on this thread must end, and the clock that tells.
attempt_deadline: Final[ContextVar[tuple[float, Callable[[], float]] | None]] = ContextVar(
    "sdkcore_attempt_deadline", default=None
)

_PASSED: Final = "The call's deadline passed while waiting on the server."


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to the time left before the attempt's deadline."""
    bound = attempt_deadline.get()
    if bound is None:
        return timeout
    deadline, clock = bound
    left = deadline - clock()
    if left <= 0:
        raise error(_PASSED)
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore2.NetworkStream):
    """A network stream whose every wait ends at the attempt's deadline."""

    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """httpcore2's sync backend with every wait bounded by ``attempt_deadline``.

    >>> pool = httpcore2.ConnectionPool(network_backend=DeadlineBackend())
    """

    def __init__(self, backend: httpcore2.NetworkBackend | None = None) -> None:
        self._backend = backend or httpcore2.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        bounded = _bounded(timeout, httpcore2.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@contextmanager
def deadline_scope(deadline: float | None, clock: Callable[[], float]) -> Generator[None]:
    """Bound the socket waits inside the block by ``deadline`` on ``clock`` (``None``: no bound)."""
    if deadline is None:
        yield
        return
    token = attempt_deadline.set((deadline, clock))
    try:
        yield
    finally:
        attempt_deadline.reset(token)


def bound_by_deadlines(client: httpx2.Client) -> httpx2.Client:
    """Make ``client``'s transports wait on sockets through ``DeadlineBackend``; returns it.

    httpx2 takes no network backend, so each connection pool it built (its own, and
    those of proxies it mounted from the environment) is given one before any
    connection exists: a pool hands its backend to every new connection.
    """
    transports = [client._transport, *client._mounts.values()]  # pyright: ignore[reportPrivateUsage]  # see the docstring
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        inner = getattr(pool, "_network_backend", None)
        if isinstance(inner, httpcore2.NetworkBackend) and not isinstance(inner, DeadlineBackend):
            pool._network_backend = DeadlineBackend(inner)  # type: ignore[union-attr]  # checked above
    return client
