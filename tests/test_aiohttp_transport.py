"""``AiohttpClient`` on the loopback server: for every fault the httpx2 error httpx2's own
transport raises, timeouts within bounds, connections back in the pool after errors,
early closes and cancellation, bodies streamed both ways, and sdkcore end to end.

The pool is inspected through aiohttp's connector (``acquired``); a client with
``max_connections=1`` and a short pool timeout shows the next request still gets one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import httpx2
import pytest
import trio

from _sdk import AsyncAcme, Chunk
from sdkcore import APITimeoutError, BodyTooLargeError, NotFoundError
from sdkcore._aiohttp import AiohttpClient
from sdkcore._constants import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT
from sdkcore.testing import (
    BadChunked,
    Close,
    CutAfter,
    CutMidHeaders,
    DropAfterEvents,
    Endless,
    FailTimes,
    Fault,
    GzipBomb,
    Head,
    Pause,
    Raw,
    Reply,
    Stall,
)

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
    from pathlib import Path

    from sdkcore.testing import LoopbackServer, Piece, Request

pytestmark = pytest.mark.anyio

TRANSPORTS = ["httpx2", "aiohttp"]
BODY = bytes(range(256)) * 400
SLACK = 0.5
TIMEOUT = httpx2.Timeout(5.0, read=0.3)


@pytest.fixture
def anyio_backend() -> str:
    # aiohttp needs an asyncio event loop: on trio it cannot run at all (the suite's
    # one-run-per-backend rule exempts this module for that reason).
    return "asyncio"


def make_client(kind: str, **kwargs: Any) -> httpx2.AsyncClient:
    return AiohttpClient(**kwargs) if kind == "aiohttp" else httpx2.AsyncClient(**kwargs)


def acquired(client: httpx2.AsyncClient) -> int:
    """Connections aiohttp's pool has lent out (its connector's ``_acquired``); 0 for httpx2's."""
    if not isinstance(client, AiohttpClient) or client.transport.connector is None:
        return 0
    return len(client.transport.connector._acquired)  # pyright: ignore[reportPrivateUsage]


async def fetch(
    client: httpx2.AsyncClient, url: str, received: bytearray | None = None, **kwargs: Any
) -> bytes:
    received = bytearray() if received is None else received
    async with client.stream("GET", url, **kwargs) as response:
        async for chunk in response.aiter_raw():
            received.extend(chunk)
    return bytes(received)


@contextlib.contextmanager
def timed() -> Generator[list[float]]:
    elapsed: list[float] = []
    started = time.monotonic()
    try:
        yield elapsed
    finally:
        elapsed.append(time.monotonic() - started)


# --- the same error as httpx2's transport, fault by fault ----------------------------------


@dataclass(frozen=True)
class Scripted(Fault):
    """Answer with `pieces` exactly, whatever the route would have sent."""

    pieces: tuple[Piece, ...]

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        return iter(self.pieces)


CHUNKED_HEAD = Head(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")


@dataclass(frozen=True)
class Case:
    name: str
    fault: Fault
    expected: type[httpx2.TransportError]
    reply: Callable[[Request], Reply] = field(default=lambda request: Reply(body=BODY))
    #: False where a reset may discard bytes the client's kernel had received.
    same_bytes: bool = True


def chunked(request: Request) -> Reply:
    return Reply(body=iter([BODY]))


CASES = [
    Case("body-cut", CutAfter(100), httpx2.RemoteProtocolError),
    Case("body-reset", CutAfter(100, reset=True), httpx2.ReadError, same_bytes=False),
    Case("chunked-body-cut", CutAfter(100), httpx2.RemoteProtocolError, chunked),
    Case("chunked-body-reset", CutAfter(100, reset=True), httpx2.ReadError, chunked, False),
    Case("cut-after-headers", CutAfter(0), httpx2.RemoteProtocolError),
    Case("headers-cut", CutMidHeaders(), httpx2.RemoteProtocolError),
    Case("hang-up-before-a-response", FailTimes(9, drop=True), httpx2.RemoteProtocolError),
    Case("reset-before-a-response", Scripted((Close(reset=True),)), httpx2.ReadError),
    Case("bad-chunk-size", BadChunked(), httpx2.RemoteProtocolError),
    Case(
        "bad-chunk-mid-body",
        Scripted((CHUNKED_HEAD, Raw(b"3\r\nabc\r\n"), Pause(0.05), Raw(b"zz\r\n"), Close())),
        httpx2.RemoteProtocolError,
    ),
    Case(
        "bad-status-line",
        Scripted((Head(b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"), Close())),
        httpx2.RemoteProtocolError,
    ),
    Case(
        "event-stream-dropped",
        DropAfterEvents(2),
        httpx2.RemoteProtocolError,
        lambda request: Reply(sse=iter([{"data": "x"}] * 5)),
    ),
    Case("stall-before-headers", Stall(5, before_headers=True), httpx2.ReadTimeout),
    Case("stall-mid-body", Stall(5, after_bytes=10), httpx2.ReadTimeout),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_a_fault_raises_the_same_httpx2_error_as_httpx2s_own_transport(
    server: LoopbackServer, case: Case
) -> None:
    server.route("GET", "/fault", handler=case.reply, fault=case.fault)
    raised: dict[str, httpx2.TransportError] = {}
    received = {kind: bytearray() for kind in TRANSPORTS}
    for kind in TRANSPORTS:
        async with make_client(kind, timeout=TIMEOUT) as http:
            with pytest.raises(httpx2.TransportError) as info:
                await fetch(http, server.url_for("/fault"), received[kind])
            raised[kind] = info.value
            assert acquired(http) == 0
    assert type(raised["aiohttp"]) is type(raised["httpx2"]) is case.expected
    assert raised["aiohttp"].request.url == server.url_for("/fault")
    if case.same_bytes:  # what arrived before the fault is delivered before the error
        assert received["aiohttp"] == received["httpx2"]


def unused_port_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return f"http://127.0.0.1:{probe.getsockname()[1]}/"


@pytest.mark.parametrize(
    "url", [unused_port_url(), "http://no-such-host.invalid/"], ids=["refused", "unresolvable"]
)
async def test_a_connection_that_cannot_be_made_raises_connect_error_on_both(url: str) -> None:
    for kind in TRANSPORTS:
        async with make_client(kind) as http:
            with pytest.raises(httpx2.ConnectError) as info:
                await http.get(url)
            assert type(info.value) is httpx2.ConnectError
            assert info.value.request.url == url


async def test_a_url_of_another_scheme_raises_unsupported_protocol_on_both() -> None:
    for kind in TRANSPORTS:
        async with make_client(kind) as http:
            with pytest.raises(httpx2.UnsupportedProtocol):
                await http.get("ftp://127.0.0.1/file")


async def test_after_every_fault_the_one_connection_serves_the_next_request(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/ok", json={"ok": True})
    limits = httpx2.Limits(max_connections=1)
    timeout = httpx2.Timeout(5.0, read=0.3, pool=0.5)
    async with AiohttpClient(limits=limits, timeout=timeout) as http:
        for case in CASES:
            server.route("GET", f"/{case.name}", handler=case.reply, fault=case.fault)
            with pytest.raises(case.expected):
                await fetch(http, server.url_for(f"/{case.name}"))
            assert (await http.get(server.url_for("/ok"))).json() == {"ok": True}
            assert acquired(http) == 0


# --- timeouts -------------------------------------------------------------------------------


@contextlib.contextmanager
def unanswered_listener() -> Generator[str]:
    """A port whose accept queue is full: new connections wait in SYN_SENT."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    fillers: list[socket.socket] = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_connect_timeout_raises_connect_timeout_in_time(kind: str) -> None:
    with unanswered_listener() as url:
        async with make_client(kind, timeout=httpx2.Timeout(5.0, connect=0.3)) as http:
            with timed() as elapsed, pytest.raises(httpx2.ConnectTimeout):
                await http.get(url)
    assert 0.3 <= elapsed[0] < 0.3 + SLACK


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_a_silent_server_raises_read_timeout_in_time(
    server: LoopbackServer, kind: str
) -> None:
    server.route("GET", "/slow", json={}, fault=Stall(5, before_headers=True))
    async with make_client(kind, timeout=TIMEOUT) as http:
        with timed() as elapsed, pytest.raises(httpx2.ReadTimeout):
            await http.get(server.url_for("/slow"))
    assert 0.3 <= elapsed[0] < 0.3 + SLACK


async def a_large_body() -> AsyncIterator[bytes]:
    for _ in range(1024):
        yield bytes(65_536)


@pytest.mark.parametrize("streamed", [False, True], ids=["in-memory", "streamed"])
@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_an_upload_nobody_reads_raises_write_timeout_in_time(
    kind: str, streamed: bool
) -> None:
    content = a_large_body() if streamed else bytes(64 << 20)
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:  # never accepts
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        async with make_client(kind, timeout=httpx2.Timeout(5.0, write=0.3)) as http:
            with timed() as elapsed, pytest.raises(httpx2.WriteTimeout):
                await http.post(url, content=content)
    assert elapsed[0] < 0.3 + 2 * SLACK


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_no_free_connection_raises_pool_timeout_in_time(
    server: LoopbackServer, kind: str
) -> None:
    server.route("GET", "/held", handler=lambda request: Reply(body=iter([b"x"])))
    limits = httpx2.Limits(max_connections=1)
    async with make_client(kind, limits=limits, timeout=httpx2.Timeout(5.0, pool=0.3)) as http:
        async with http.stream("GET", server.url_for("/held")):
            with timed() as elapsed, pytest.raises(httpx2.PoolTimeout):
                await http.get(server.url_for("/held"))
        assert await fetch(http, server.url_for("/held")) == b"x"  # it came back
    assert 0.3 <= elapsed[0] < 0.3 + SLACK


# --- the pool after early closes and cancellation --------------------------------------------


async def test_a_half_read_body_closes_its_connection_instead_of_pooling_it(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/big", body=BODY * 20)
    async with AiohttpClient() as http:
        async with http.stream("GET", server.url_for("/big")) as response:
            async for _ in response.aiter_raw():
                break
        assert acquired(http) == 0
        await fetch(http, server.url_for("/big"))
        await fetch(http, server.url_for("/big"))
    first, second, third = (request.connection for request in server.requests)
    assert first != second == third  # a whole body lets its connection serve the next


async def test_closing_a_half_read_body_has_hung_up_when_aclose_returns(
    server: LoopbackServer,
) -> None:
    body = Endless(b"x" * 65_536, limit=100_000)
    server.route("GET", "/endless", body=body)
    async with AiohttpClient() as http:
        async with http.stream("GET", server.url_for("/endless")) as response:
            async for _ in response.aiter_raw():
                break
        # The loop is blocked on purpose: the hang-up must not wait for its next turn.
        assert body.closed.wait(5)


@pytest.mark.parametrize(
    "fault", [Stall(5, before_headers=True), Stall(5, after_bytes=10)], ids=["headers", "body"]
)
async def test_a_cancel_scope_leaves_no_connection_checked_out(
    server: LoopbackServer, fault: Fault
) -> None:
    server.route("GET", "/stall", body=BODY, fault=fault)
    server.route("GET", "/ok", text="ok")
    timeout = httpx2.Timeout(5.0, pool=0.5)
    async with AiohttpClient(limits=httpx2.Limits(max_connections=1), timeout=timeout) as http:
        with anyio.move_on_after(0.2) as scope:
            await fetch(http, server.url_for("/stall"))
        assert scope.cancelled_caught
        assert acquired(http) == 0
        assert await fetch(http, server.url_for("/ok")) == b"ok"


# --- bodies, headers and what aiohttp must not do ---------------------------------------------


async def test_each_event_arrives_as_its_own_chunk_when_it_is_sent(
    server: LoopbackServer,
) -> None:
    events = [{"data": str(n)} for n in range(5)]
    server.route("GET", "/sse", handler=lambda request: Reply(sse=iter(events), interval=0.1))
    async with AiohttpClient() as http, http.stream("GET", server.url_for("/sse")) as response:
        arrivals = [(time.monotonic(), chunk) async for chunk in response.aiter_bytes()]
    assert [chunk for _, chunk in arrivals] == [f"data: {n}\n\n".encode() for n in range(5)]
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(arrivals)]
    assert min(gaps) > 0.05


async def test_an_upload_leaves_chunk_by_chunk_before_the_next_is_made() -> None:
    first_arrived = asyncio.Event()
    received = bytearray()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while not received.endswith(b"0\r\n\r\n"):
            received.extend(await reader.read(65_536))
            if b"first" in received:
                first_arrived.set()
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        writer.close()

    async def body() -> AsyncIterator[bytes]:
        yield b"first"
        await asyncio.wait_for(first_arrived.wait(), 5)  # only once the server has it
        yield b"second"

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    async with server, AiohttpClient() as http:
        port = server.sockets[0].getsockname()[1]
        response = await http.post(f"http://127.0.0.1:{port}/", content=body())
    assert response.status_code == 204
    head, _, framed = bytes(received).partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert framed == b"5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n"


async def test_a_streamed_upload_with_a_content_length_is_sent_unframed(
    server: LoopbackServer,
) -> None:
    server.route("POST", "/up", status=204)

    async def body() -> AsyncIterator[bytes]:
        yield b"first"
        yield b"second"

    async with AiohttpClient() as http:
        await http.post(server.url_for("/up"), content=body(), headers={"Content-Length": "11"})
    (request,) = server.requests
    assert request.body == b"firstsecond"
    assert "transfer-encoding" not in request.headers


async def test_an_error_raised_by_the_upload_body_propagates_unchanged(
    server: LoopbackServer,
) -> None:
    server.route("POST", "/up", status=204)

    async def body() -> AsyncIterator[bytes]:
        yield b"first"
        raise LookupError("the source ran dry")

    async with AiohttpClient() as http:
        with pytest.raises(LookupError, match="ran dry"):
            await http.post(server.url_for("/up"), content=body())
        assert acquired(http) == 0


async def test_a_gzip_body_reaches_httpx2_compressed_and_is_decoded_there(
    server: LoopbackServer,
) -> None:
    text = "hello, compressed world " * 200
    server.route("GET", "/gz", text=text, gzip=True)
    async with AiohttpClient() as http:
        assert (await fetch(http, server.url_for("/gz")))[:2] == b"\x1f\x8b"
        response = await http.get(server.url_for("/gz"))
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == text


@pytest.mark.parametrize("kind", TRANSPORTS)
async def test_headers_travel_as_httpx2_sends_and_receives_them(
    server: LoopbackServer, kind: str
) -> None:
    server.route("GET", "/h", text="", headers=[("X-Dup", "a"), ("X-Dup", "b")])
    async with make_client(kind) as http:
        response = await http.get(server.url_for("/h"), headers={"X-Custom": "1"})
    assert (b"X-Dup", b"a") in response.headers.raw
    assert response.headers.get_list("x-dup") == ["a", "b"]
    assert (response.http_version, response.reason_phrase) == ("HTTP/1.1", "OK")
    sent = server.requests[-1].headers.raw
    assert sorted(sent) == sorted((k.decode(), v.decode()) for k, v in response.request.headers.raw)


async def test_redirects_and_cookies_are_left_to_httpx2(server: LoopbackServer) -> None:
    server.redirect("/old", "/new")
    server.route("GET", "/new", text="new", headers={"Set-Cookie": "session=1; Path=/"})
    async with AiohttpClient() as http:
        assert (await http.get(server.url_for("/old"))).status_code == 302
        assert server.requests[-1].path == "/old"
        followed = await http.get(server.url_for("/old"), follow_redirects=True)
        assert (followed.text, len(followed.history)) == ("new", 1)
        http.cookies.clear()
        await http.get(server.url_for("/new"))
    assert "cookie" not in server.requests[-1].headers


async def test_proxies_from_the_environment_are_ignored(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    server.route("GET", "/direct", text="direct")
    async with AiohttpClient() as http:
        assert (await http.get(server.url_for("/direct"))).text == "direct"


async def test_the_defaults_are_sdkcores_timeout_and_limits(server: LoopbackServer) -> None:
    server.route("GET", "/", text="")
    async with AiohttpClient() as http:
        assert http.timeout == DEFAULT_TIMEOUT
        await http.get(server.url)
        assert http.transport.connector is not None
        assert http.transport.connector.limit == DEFAULT_CONNECTION_LIMITS.max_connections


async def test_without_keepalive_each_response_closes_its_connection(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/", text="")
    async with AiohttpClient(limits=httpx2.Limits(max_keepalive_connections=0)) as http:
        for _ in range(3):
            await http.get(server.url)
    assert len({request.connection for request in server.requests}) == 3


def test_an_argument_that_picks_another_transport_raises_type_error() -> None:
    with pytest.raises(TypeError, match="proxy"):
        AiohttpClient(proxy="http://127.0.0.1:9")


def test_without_aiohttp_the_client_names_the_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)
    with pytest.raises(ImportError, match=r'pip install "sdkcore\[aiohttp\]"'):
        AiohttpClient()


def test_sdkcore_and_the_module_import_without_aiohttp() -> None:
    code = "import sys; sys.modules['aiohttp'] = None; import sdkcore, sdkcore._aiohttp"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_request_on_trio_raises_runtime_error_naming_asyncio() -> None:
    async def main() -> None:
        async with AiohttpClient() as http:
            await http.get("http://127.0.0.1:9/")

    with pytest.raises(RuntimeError, match="asyncio"):
        trio.run(main)


# --- sdkcore end to end ----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def acme(server: LoopbackServer, **kwargs: Any) -> AsyncGenerator[AsyncAcme]:
    async with AiohttpClient() as http, AsyncAcme(server.url, http_client=http, **kwargs) as sdk:
        yield sdk


async def test_sdkcore_retries_failures_and_dropped_connections_exactly(
    server: LoopbackServer,
) -> None:
    failing = server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(2))
    dropping = server.route("GET", "/things/t2", json={"id": "t2"}, fault=FailTimes(1, drop=True))
    async with acme(server) as sdk:
        failed = await sdk.things.with_raw_response.get("t1")
        dropped = await sdk.things.with_raw_response.get("t2")
    assert (failed.retries_taken, failing.calls) == (2, 3)
    assert (dropped.retries_taken, dropping.calls) == (1, 2)  # aiohttp resent nothing itself


async def test_sdkcore_bounds_a_stalled_call_by_its_timeout(server: LoopbackServer) -> None:
    server.route("GET", "/things/t1", json={}, fault=Stall(5, before_headers=True))
    async with acme(server, timeout=0.3, max_retries=0) as sdk:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await sdk.things.get("t1")
    assert elapsed[0] < 0.3 + SLACK


async def test_sdkcore_raises_status_errors_with_the_body(server: LoopbackServer) -> None:
    server.route("GET", "/things/t9", status=404, json={"error": {"message": "no t9"}})
    async with acme(server) as sdk:
        with pytest.raises(NotFoundError) as info:
            await sdk.things.get("t9")
    assert info.value.body == {"error": {"message": "no t9"}}


async def test_sdkcore_streams_typed_events(server: LoopbackServer) -> None:
    events = [{"data": f'{{"text": "{n}"}}'} for n in range(3)]
    server.route("GET", "/things/events", sse=events)
    async with acme(server) as sdk:
        stream = await sdk.things.events()
        chunks = [chunk async for chunk in stream]
    assert all(isinstance(chunk, Chunk) for chunk in chunks)
    assert [chunk.text for chunk in chunks] == ["0", "1", "2"]


async def test_sdkcore_resumes_a_cut_download(server: LoopbackServer, tmp_path: Path) -> None:
    @dataclass(frozen=True)
    class CutFirst(Fault):
        def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
            cut = CutAfter(50_000).shape(request, pieces)
            return cut if request.attempt == 1 else pieces

    route = server.route("GET", "/things/t1/content", body=BODY, ranges=True, fault=CutFirst())
    async with (
        acme(server) as sdk,
        sdk.things.with_streaming_response.content("t1") as response,
    ):
        await response.stream_to_file(tmp_path / "out.bin", chunk_size=1000)
    assert (tmp_path / "out.bin").read_bytes() == BODY
    assert route.requests[1].headers["range"] == "bytes=50000-"


async def test_sdkcore_bounds_a_decompressed_body(server: LoopbackServer) -> None:
    bomb = GzipBomb(64 << 20)
    server.route("GET", "/things/t1", body=bomb, headers={"Content-Encoding": "gzip"})
    async with acme(server, max_body_size=1 << 20) as sdk:
        with pytest.raises(BodyTooLargeError):
            await sdk.things.get("t1")
