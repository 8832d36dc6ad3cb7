"""`LoopbackServer`: lifecycle, routing and recording; one thread per client connection."""

from __future__ import annotations

import contextlib
import errno
import itertools
import selectors
import socket
import threading
import time
from typing import TYPE_CHECKING, Self

from ._connection import Answer, Serving, serve_connection
from ._errors import PortInUseError
from ._http import wants_keep_alive
from ._model import Handler, Reply, Request
from ._pieces import frame
from ._render import render
from ._routing import Route, RouteTable

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Unpack

    from ._faults import Fault
    from ._model import ReplyFields
    from ._pieces import Piece

_ACCEPT_POLL = 0.05  # how soon the accept loop notices `stop()`


class LoopbackServer:
    """A real HTTP/1.1 server on ``127.0.0.1``, in background threads of the test process.

    Routes answer JSON, text, bytes, streams or Server-Sent Events, statically or
    through a handler, optionally with faults that misbehave on the socket. It
    binds `port` on `start` (or ``with``/``async with``), by default a free one,
    and raises `PortInUseError` when a fixed port is taken; `stop` closes every
    connection, interrupting stalls, and joins its threads within `stop_timeout`.
    Request bodies are read in bounded chunks, hashed, and kept up to
    `max_body_kept` bytes each. Unknown routes answer 404 with a JSON error.
    Handler exceptions answer 500 and are kept in `errors`. ``async with`` starts
    and stops it in a worker thread (anyio: asyncio or trio), so the event loop
    never blocks.

    Example::

        with LoopbackServer() as server:
            server.route("GET", "/v1/ping", json={"ok": True})
            assert httpx2.get(server.url_for("/v1/ping")).json() == {"ok": True}
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        *,
        port: int = 0,
        backlog: int = 512,
        stop_timeout: float = 2.0,
        max_body_kept: int = 64 << 20,
    ) -> None:
        if not 0 <= port <= 65_535:
            raise ValueError(f"port={port} must be 0 (pick a free port) up to 65535")
        if max_body_kept < 0:
            raise ValueError(f"max_body_kept={max_body_kept} must not be negative")
        self.host = host
        self.backlog = backlog
        self.stop_timeout = stop_timeout
        self.max_body_kept = max_body_kept
        self._bind_port = port
        self._lock = threading.Lock()
        self._routes = RouteTable()
        self._requests: list[Request] = []
        self._errors: list[Exception] = []
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._connections: dict[int, tuple[socket.socket, threading.Thread]] = {}
        self._connection_ids = itertools.count(1)

    def __repr__(self) -> str:
        where = self.url if self._listener else "stopped"
        return f"<LoopbackServer {where} routes={len(self._routes)}>"

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port (a free one unless fixed) and serve in a daemon thread; returns self.

        Raises `RuntimeError` when already started, `PortInUseError` when the fixed port
        is taken. Example: ``server = LoopbackServer(port=8123).start()``
        """
        if self._listener is not None:
            raise RuntimeError("the server is already running")
        self._stopping.clear()
        self._listener = _listen(self.host, self._bind_port, self.backlog)
        serving = Serving(self._answer, self._stopping, self.max_body_kept)
        self._accept_thread = threading.Thread(
            target=self._accept_loop,
            args=(self._listener, serving),
            name=f"{self!r} accept",
            daemon=True,
        )
        self._accept_thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every connection (ending stalls) and join the threads.

        Idempotent. Example: ``server.stop()``
        """
        listener, accept_thread = self._listener, self._accept_thread
        if listener is None or accept_thread is None:
            return
        deadline = time.monotonic() + self.stop_timeout
        self._stopping.set()
        accept_thread.join(self.stop_timeout)
        listener.close()
        self._listener = self._accept_thread = None
        with self._lock:
            connections = list(self._connections.values())
        for sock, _ in connections:
            _shut_down(sock)  # wakes the thread: its reads see EOF, its writes fail
        for sock, thread in connections:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():  # stuck in a handler: take the socket away from it
                sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # anyio is imported only here, so sync users need nothing beyond the standard library.
    async def __aenter__(self) -> Self:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.start)

    async def __aexit__(self, *exc_info: object) -> None:
        import anyio.to_thread

        await anyio.to_thread.run_sync(self.stop)

    # -- addresses -----------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port (the fixed one, or the free one picked); `RuntimeError` before `start`."""
        if self._listener is None:
            raise RuntimeError("the server is not running: use `with LoopbackServer() as s`")
        port: int = self._listener.getsockname()[1]
        return port

    @property
    def url(self) -> str:
        """The origin, e.g. ``"http://127.0.0.1:54321"``; raises `RuntimeError` before `start`."""
        return f"http://{self.host}:{self.port}"

    def url_for(self, path: str) -> str:
        """The absolute URL of `path` on this server. Example: ``server.url_for("/v1/files")``"""
        return self.url + (path if path.startswith("/") else "/" + path)

    # -- routes and records ----------------------------------------------------------

    def route(
        self,
        method: str,
        path: str,
        reply: Reply | None = None,
        *,
        handler: Handler | None = None,
        fault: Fault | None = None,
        faults: Iterable[Fault] = (),
        **fields: Unpack[ReplyFields],
    ) -> Route:
        """Declare how ``method path`` answers, replacing any route declared for it before.

        Give a `Reply`, a `handler` (called per request), or `Reply` fields as
        keywords (``json=``, ``text=``, ``body=``, ``sse=``, ``status=``, ...).
        `method` ``"*"`` matches any method; `path` matches exactly, query aside, or
        is a template whose ``{name}`` segments each match one segment, decoded into
        `Request.path_params`. An exact path wins over a template, and the template
        with a literal segment first from the left wins over the others. Faults apply
        in order, `fault` first. Raises `ValueError` when more than one form of answer
        is given, or for a malformed path.

        Example::

            route = server.route("GET", "/v1/things", json=[1, 2], fault=FailTimes(1))
            files = server.route("GET", "/v1/files/{file_id}", json={})
            # GET /v1/files/f%201 -> files.requests[0].path_params == {"file_id": "f 1"}
        """
        if not path.startswith("/"):
            raise ValueError(f"a route path starts with '/', got {path!r}")
        if sum((reply is not None, handler is not None, bool(fields))) > 1:
            raise ValueError("give one of reply, handler or Reply fields as keywords")
        if handler is None:
            handler = _static(reply if reply is not None else Reply(**fields))
        all_faults = (*(() if fault is None else (fault,)), *faults)
        declared = Route(method.upper(), path, handler, all_faults)
        with self._lock:
            self._routes.add(declared)
        return declared

    def redirect(self, path: str, location: str, *, status: int = 302, method: str = "*") -> Route:
        """Answer `path` with a redirect to `location` (a path or a URL on another server).

        Example: ``server.redirect("/old", other.url_for("/new"), status=307)``
        """
        return self.route(method, path, Reply.redirect(location, status))

    def reset(self) -> None:
        """Forget all routes, recorded requests and errors (connections stay open).

        Example: ``server.reset()`` between tests sharing one server.
        """
        with self._lock:
            self._routes.clear()
            self._requests.clear()
            self._errors.clear()

    @property
    def requests(self) -> list[Request]:
        """Every request received since the last `reset`, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def errors(self) -> list[Exception]:
        """Exceptions raised by handlers and streamed bodies since the last `reset`."""
        with self._lock:
            return list(self._errors)

    # -- serving -------------------------------------------------------------------

    def _accept_loop(self, listener: socket.socket, serving: Serving) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(listener, selectors.EVENT_READ)
            while not self._stopping.is_set():
                if not selector.select(_ACCEPT_POLL):
                    continue
                try:
                    sock, _ = listener.accept()
                except OSError:
                    continue  # the client gave up before we accepted
                self._spawn(sock, serving)

    def _spawn(self, sock: socket.socket, serving: Serving) -> None:
        # Small writes (an SSE event, a dripped byte) must leave at once.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = next(self._connection_ids)
        thread = threading.Thread(
            target=self._serve,
            args=(sock, connection, serving),
            name=f"loopback {connection}",
            daemon=True,
        )
        with self._lock:
            self._connections[connection] = (sock, thread)
        thread.start()

    def _serve(self, sock: socket.socket, connection: int, serving: Serving) -> None:
        try:
            serve_connection(sock, connection, serving)
        except Exception as exc:  # a streamed body raised: keep it for the test to see
            self._note_error(exc)
        finally:
            with self._lock:
                del self._connections[connection]

    def _answer(self, request: Request) -> Answer:
        route, request = self._record(request)
        reply = self._reply(route, request)
        faults = route.faults if route else ()
        for fault in faults:
            reply = fault.prepare(request, reply)
        rendered = render(request, reply, keep_alive=wants_keep_alive(request))
        pieces = rendered.pieces
        for fault in faults:
            pieces = fault.shape(request, pieces)
        framed = frame(pieces, chunked=rendered.chunked)
        return Answer(_closing(framed, rendered.pieces), wants_keep_alive(request))

    def _record(self, request: Request) -> tuple[Route | None, Request]:
        route: Route | None = None
        with self._lock:
            found = self._routes.find(request.method, request.path)
            if found is not None:
                route, path_params = found
                request = route.record(request, path_params)
            self._requests.append(request)
        return route, request

    def _reply(self, route: Route | None, request: Request) -> Reply:
        if route is None:
            message = f"no route for {request.method} {request.path}"
            return Reply(status=404, json={"error": {"type": "not_found", "message": message}})
        try:
            return route.handler(request)
        except Exception as exc:
            self._note_error(exc)
            return Reply(
                status=500, json={"error": {"type": "handler_error", "message": repr(exc)}}
            )

    def _note_error(self, exc: Exception) -> None:
        with self._lock:
            self._errors.append(exc)


def _static(reply: Reply) -> Handler:
    def answer(request: Request) -> Reply:
        return reply

    return answer


def _closing(pieces: Iterator[Piece], source: Iterator[Piece]) -> Iterator[Piece]:
    """Yield `pieces`; at the end, or when abandoned, close `source` (the rendered body) too."""
    try:
        yield from pieces
    finally:
        close = getattr(source, "close", None)
        if callable(close):
            close()


def _listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening socket on ``host:port``; raises `PortInUseError` when the port is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        # A restarted server gets its port back at once, though its old connections
        # may still be in TIME_WAIT; a port another socket listens on stays refused.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        if exc.errno != errno.EADDRINUSE:
            raise
        message = (
            f"port {port} on {host} is already in use: stop what listens there, or pass port=0"
        )
        raise PortInUseError(errno.EADDRINUSE, message) from exc
    return sock


def _shut_down(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its thread
        sock.shutdown(socket.SHUT_RDWR)
