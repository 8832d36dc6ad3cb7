"""Timeouts against a server that stalls, drips or never answers: every case ends in
``APITimeoutError`` within its bound, measured here.

A float timeout bounds each attempt end to end; an ``httpx2.Timeout`` keeps its
per-operation meaning. Retries are off (``max_retries=0``) wherever a bound is measured.
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from _pool import lent_out
from sdkcore import (
    APIConnectionError,
    APITimeoutError,
    AsyncAPIClient,
    AsyncStream,
    Stream,
    SyncAPIClient,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_streamed_response_wrapper,
)
from sdkcore.testing import Drip, RecordedWaits, Reply, Request, Stall, TrickleHeaders

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sdkcore._types import TimeoutTypes
    from sdkcore.testing import LoopbackServer

#: Slack for thread scheduling and socket set-up on a loaded 2-core machine.
SLACK = 0.5


class Client(SyncAPIClient):
    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


class AsyncClient(AsyncAPIClient):
    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def fetch(
    client: SyncAPIClient,
    path: str,
    *,
    call_timeout: TimeoutTypes | None = None,
    extra_headers: dict[str, str] | None = None,
) -> object:
    options = make_request_options(extra_headers=extra_headers)
    if call_timeout is not None:
        options["timeout"] = call_timeout
    return client.get(path, cast_to=str, options=options)


async def afetch(
    client: AsyncAPIClient,
    path: str,
    *,
    call_timeout: TimeoutTypes | None = None,
    extra_headers: dict[str, str] | None = None,
) -> object:
    options = make_request_options(extra_headers=extra_headers)
    if call_timeout is not None:
        options["timeout"] = call_timeout
    return await client.get(path, cast_to=str, options=options)


streamed_fetch = to_streamed_response_wrapper(fetch)
astreamed_fetch = async_to_streamed_response_wrapper(afetch)


class Elapsed:
    seconds = 0.0


@contextlib.contextmanager
def timed() -> Iterator[Elapsed]:
    elapsed = Elapsed()
    started = time.monotonic()
    try:
        yield elapsed
    finally:
        elapsed.seconds = time.monotonic() - started


# --- a server that stalls ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fault", "body"),
    [
        ("before headers", Stall(10, before_headers=True), b"x" * 10),
        ("mid body, Content-Length", Stall(10, after_bytes=100), b"x" * 1000),
        ("mid body, chunked", Stall(10, after_bytes=100), iter([b"x" * 500, b"y" * 500])),
    ],
)
def test_a_stalled_server_ends_in_api_timeout_error_within_the_read_timeout(
    loopback_server: LoopbackServer, name: str, fault: Stall, body: object
) -> None:
    loopback_server.route("GET", "/slow", body=body, fault=fault)  # type: ignore[arg-type]  # bytes or an iterable
    with (
        Client(loopback_server.url, timeout=0.3, max_retries=0) as client,
        timed() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/slow")
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK, name


@pytest.mark.anyio
@pytest.mark.parametrize(
    "fault", [Stall(10, before_headers=True), Stall(10, after_bytes=100)], ids=["head", "body"]
)
async def test_a_stalled_server_ends_in_api_timeout_error_within_the_read_timeout_async(
    loopback_server: LoopbackServer, fault: Stall
) -> None:
    loopback_server.route("GET", "/slow", body=b"x" * 1000, fault=fault)
    async with AsyncClient(loopback_server.url, timeout=0.3, max_retries=0) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await afetch(client, "/slow")
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


def test_each_retry_of_a_stalled_server_gets_its_own_timeout(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/slow", json={}, fault=Stall(10, before_headers=True))
    with (
        Client(loopback_server.url, timeout=0.2, max_retries=2) as client,
        timed() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/slow")
    assert route.calls == 3
    assert 0.6 <= elapsed.seconds < 0.6 + SLACK


# --- a server that drips ---------------------------------------------------------------------


def test_a_server_dripping_one_byte_a_second_ends_within_the_read_timeout(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/drip", text="x" * 60, fault=Drip(1.0))
    with (
        Client(loopback_server.url, timeout=httpx2.Timeout(5, read=0.4), max_retries=0) as client,
        timed() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/drip")
    assert 0.4 <= elapsed.seconds < 0.4 + SLACK


@pytest.mark.anyio
async def test_a_server_dripping_one_byte_a_second_ends_within_the_read_timeout_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/drip", text="x" * 60, fault=Drip(1.0))
    async with AsyncClient(loopback_server.url, timeout=0.4, max_retries=0) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await afetch(client, "/drip")
    assert 0.4 <= elapsed.seconds < 0.4 + SLACK


def test_a_float_timeout_bounds_a_trickled_body_end_to_end(loopback_server: LoopbackServer) -> None:
    # 100 bytes, one every 200 ms: each read is quick, the whole body would take 20 s.
    loopback_server.route("GET", "/trickle", text="x" * 100, fault=Drip(0.2))
    with (
        Client(loopback_server.url, timeout=1.5, max_retries=0) as client,
        timed() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/trickle")
    assert 1.5 <= elapsed.seconds < 1.5 + SLACK


@pytest.mark.anyio
async def test_a_float_timeout_bounds_a_trickled_body_end_to_end_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/trickle", text="x" * 100, fault=Drip(0.1))
    async with AsyncClient(loopback_server.url, max_retries=0) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await afetch(client, "/trickle", call_timeout=0.8)
    assert 0.8 <= elapsed.seconds < 0.8 + SLACK


def test_the_end_to_end_bound_counts_from_the_start_of_the_attempt(
    loopback_server: LoopbackServer,
) -> None:
    # Headers after 0.6 s, then a trickle: the 1 s budget is shared by both.
    loopback_server.route(
        "GET", "/late", text="x" * 100, faults=[Stall(0.6, before_headers=True), Drip(0.1)]
    )
    with (
        Client(loopback_server.url, timeout=1.0, max_retries=0) as client,
        timed() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/late")
    assert 1.0 <= elapsed.seconds < 1.0 + SLACK


def test_an_httpx2_timeout_keeps_its_per_operation_meaning(loopback_server: LoopbackServer) -> None:
    # Every read is within 0.5 s, the whole body takes about 1 s: allowed.
    loopback_server.route("GET", "/trickle", text="0123456789", fault=Drip(0.1))
    with Client(loopback_server.url, timeout=httpx2.Timeout(0.5), max_retries=0) as client:
        with timed() as elapsed:
            assert fetch(client, "/trickle") == "0123456789"
        assert elapsed.seconds >= 0.8
        with pytest.raises(APITimeoutError):
            fetch(client, "/trickle", call_timeout=0.5)


@pytest.mark.anyio
async def test_an_httpx2_timeout_keeps_its_per_operation_meaning_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/trickle", text="0123456789", fault=Drip(0.1))
    async with AsyncClient(loopback_server.url, timeout=0.5, max_retries=0) as client:
        assert await afetch(client, "/trickle", call_timeout=httpx2.Timeout(0.5)) == "0123456789"
        with pytest.raises(APITimeoutError):
            await afetch(client, "/trickle")


def test_a_per_call_timeout_overrides_the_clients(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/slow", json={}, fault=Stall(0.6, before_headers=True))
    with Client(loopback_server.url, timeout=30.0, max_retries=0) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            fetch(client, "/slow", call_timeout=0.2)
        assert elapsed.seconds < 0.2 + SLACK
    with Client(loopback_server.url, timeout=0.2, max_retries=0) as client:
        assert fetch(client, "/slow", call_timeout=httpx2.Timeout(3.0)) == "{}"


# --- streamed bodies: a stall while the caller reads --------------------------------------------


def test_a_stall_while_iterating_a_streamed_body_raises_api_timeout_error(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route(
        "GET", "/s", body=iter([b"a" * 100, b"b" * 100]), fault=Stall(10, after_bytes=100)
    )
    with (
        Client(loopback_server.url, timeout=0.3, max_retries=0) as client,
        streamed_fetch(client, "/s") as response,
    ):
        chunks = response.iter_bytes()
        assert next(chunks) == b"a" * 100
        with timed() as elapsed, pytest.raises(APITimeoutError):
            next(chunks)
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


@pytest.mark.anyio
async def test_a_stall_while_iterating_a_streamed_body_raises_api_timeout_error_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/s", body=b"x" * 1000, fault=Stall(10, after_bytes=100))
    async with (
        AsyncClient(loopback_server.url, timeout=0.3, max_retries=0) as client,
        astreamed_fetch(client, "/s") as response,
    ):
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await response.read()
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


def test_a_stalled_event_stream_raises_api_timeout_error(loopback_server: LoopbackServer) -> None:
    events = [{"data": {"n": 1}}, {"data": {"n": 2}}]
    loopback_server.route("GET", "/sse", sse=events, fault=Stall(10, after_bytes=5))
    with Client(loopback_server.url, timeout=0.3, max_retries=0) as client:
        stream = client.get("/sse", cast_to=dict, stream=True, stream_cls=Stream[dict])
        with stream, timed() as elapsed, pytest.raises(APITimeoutError):
            list(stream)
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


@pytest.mark.anyio
async def test_a_dripping_event_stream_raises_api_timeout_error_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/sse", sse=[{"data": "x" * 50}], fault=Drip(1.0))
    async with AsyncClient(loopback_server.url, timeout=0.3, max_retries=0) as client:
        stream = await client.get("/sse", cast_to=str, stream=True, stream_cls=AsyncStream[str])
        async with stream:
            with timed() as elapsed, pytest.raises(APITimeoutError):
                async for _ in stream:
                    pass
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


# --- connect, write and pool timeouts -------------------------------------------------------------


@contextlib.contextmanager
def unanswered_listener() -> Iterator[str]:
    """A port whose accept queue is full: new connections wait in SYN_SENT."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_connect_timeout_raises_api_timeout_error() -> None:
    timeout = httpx2.Timeout(5.0, connect=0.3)
    with (
        unanswered_listener() as url,
        Client(url, timeout=timeout, max_retries=0) as client,
        timed() as elapsed,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/")
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


@pytest.mark.anyio
async def test_a_connect_timeout_raises_api_timeout_error_async() -> None:
    with unanswered_listener() as url:
        async with AsyncClient(url, timeout=httpx2.Timeout(5.0, connect=0.3), max_retries=0) as c:
            with timed() as elapsed, pytest.raises(APITimeoutError):
                await afetch(c, "/")
    assert 0.3 <= elapsed.seconds < 0.3 + SLACK


def test_a_refused_connection_raises_api_connection_error_after_retries() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with Client(url, max_retries=2) as client, pytest.raises(APIConnectionError) as info:
        fetch(client, "/")
    assert not isinstance(info.value, APITimeoutError)
    assert isinstance(info.value.__cause__, httpx2.ConnectError)


def test_a_write_timeout_raises_api_timeout_error() -> None:
    # Nobody reads: the socket buffers fill and the upload stalls.
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        timeout = httpx2.Timeout(5.0, write=0.3)
        with (
            Client(url, timeout=timeout, max_retries=0) as client,
            timed() as elapsed,
            pytest.raises(APITimeoutError),
        ):
            client.post("/", cast_to=str, body={"blob": "x" * (64 << 20)})
    assert elapsed.seconds < 0.3 + 2 * SLACK


def one_chunk(request: Request) -> Reply:
    return Reply(body=iter([b"x"]))


def test_a_pool_timeout_raises_api_timeout_error(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/s", handler=one_chunk)
    http = httpx2.Client(limits=httpx2.Limits(max_connections=1))
    timeout = httpx2.Timeout(5.0, pool=0.3)
    with http, Client(loopback_server.url, http_client=http, timeout=timeout, max_retries=0) as c:
        with (
            streamed_fetch(c, "/s"),
            timed() as elapsed,
            pytest.raises(APITimeoutError),
        ):
            fetch(c, "/s")
        assert 0.3 <= elapsed.seconds < 0.3 + SLACK
        assert fetch(c, "/s") == "x"  # the connection came back


@pytest.mark.anyio
async def test_a_pool_timeout_raises_api_timeout_error_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/s", handler=one_chunk)
    http = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1))
    timeout = httpx2.Timeout(5.0, pool=0.3)
    async with (
        http,
        AsyncClient(loopback_server.url, http_client=http, timeout=timeout, max_retries=0) as c,
    ):
        async with astreamed_fetch(c, "/s"):
            with timed() as elapsed, pytest.raises(APITimeoutError):
                await afetch(c, "/s", extra_headers={"x": "1"})
        assert 0.3 <= elapsed.seconds < 0.3 + SLACK
        assert await afetch(c, "/s") == "x"


def test_default_timeout_is_ten_minutes_with_a_five_second_connect() -> None:
    with Client("http://127.0.0.1:9") as client:
        timeout: Any = client.timeout
        assert timeout == httpx2.Timeout(600.0, connect=5.0)


# --- trickled headers: the bound holds in sync code too ------------------------------------------

#: A head of about 150 bytes, a byte every 50 ms: about 7.5 s if nothing bounds it.
TRICKLE = TrickleHeaders(0.05)


def test_trickled_headers_cannot_hold_a_sync_call_past_its_timeout(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/head", json={"ok": True}, fault=TRICKLE)
    loopback_server.route("GET", "/ok", text="ok")
    with Client(loopback_server.url, max_retries=0) as client:
        options = make_request_options(timeout=1.5)
        with timed() as elapsed, pytest.raises(APITimeoutError):
            client.get("/head", cast_to=str, options=options)
        assert 1.5 <= elapsed.seconds < 1.5 + SLACK
        assert lent_out(client._client) == 0  # the half-read connection was dropped
        assert fetch(client, "/ok") == "ok"


@pytest.mark.anyio
async def test_trickled_headers_cannot_hold_an_async_call_past_its_timeout(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/head", json={"ok": True}, fault=TRICKLE)
    loopback_server.route("GET", "/ok", text="ok")
    async with AsyncClient(loopback_server.url, max_retries=0) as client:
        options = make_request_options(timeout=1.5)
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await client.get("/head", cast_to=str, options=options)
        assert 1.5 <= elapsed.seconds < 1.5 + SLACK
        assert lent_out(client._client) == 0
        assert await afetch(client, "/ok") == "ok"


def test_trickled_headers_of_a_streams_first_response_end_at_the_timeout(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/events", sse=[{"data": {"n": 1}}], fault=TRICKLE)
    with Client(loopback_server.url, max_retries=0, timeout=1.0) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            client.get("/events", cast_to=dict, stream=True, stream_cls=Stream[dict])
        assert elapsed.seconds < 1.0 + SLACK


@pytest.mark.anyio
async def test_trickled_headers_of_a_streams_first_response_end_at_the_timeout_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/events", sse=[{"data": {"n": 1}}], fault=TRICKLE)
    async with AsyncClient(loopback_server.url, max_retries=0, timeout=1.0) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            await client.get("/events", cast_to=dict, stream=True, stream_cls=AsyncStream[dict])
        assert elapsed.seconds < 1.0 + SLACK


def test_each_retried_attempt_is_bounded_by_the_timeout_on_its_own(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/head", json={"ok": True}, fault=TRICKLE)
    with Client(loopback_server.url, max_retries=1, timeout=0.8) as client:
        with timed() as elapsed, pytest.raises(APITimeoutError):
            fetch(client, "/head")
        assert 1.6 <= elapsed.seconds < 1.6 + 2 * SLACK
    assert route.calls == 2


def test_an_injected_sync_client_is_bounded_by_the_timeout_too(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/head", json={"ok": True}, fault=TRICKLE)
    with (
        httpx2.Client() as http,
        Client(loopback_server.url, max_retries=0, http_client=http) as client,
    ):
        with timed() as elapsed, pytest.raises(APITimeoutError):
            fetch(client, "/head", call_timeout=1.0)
        assert elapsed.seconds < 1.0 + SLACK
        assert lent_out(http) == 0
