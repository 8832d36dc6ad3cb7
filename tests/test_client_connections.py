"""Every path gives its connection back to the pool, redirects keep secrets at home, and
failures while a caller reads a body surface as sdkcore errors, never httpx2's.

The pool is inspected through httpcore2 (``lent_out``); where that is not enough, a
client with ``max_connections=1`` and a short pool timeout shows the next request works.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from typing import TYPE_CHECKING, Any

import anyio
import httpx2
import pytest
import trio

from _pool import lent_out
from sdkcore import (
    APIConnectionError,
    APIResponse,
    APIResponseValidationError,
    APITimeoutError,
    AsyncAPIClient,
    AsyncStream,
    InternalServerError,
    NotFoundError,
    SdkError,
    Stream,
    SyncAPIClient,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from sdkcore.testing import (
    BadChunked,
    CutAfter,
    CutMidHeaders,
    DropAfterEvents,
    FailTimes,
    Fault,
    FaultRate,
    RecordedWaits,
    Reply,
    Rotate,
    Stall,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator

    from sdkcore._types import Headers
    from sdkcore.testing import LoopbackServer, Request

SECRET = "sk-canary-0123456789"
#: A fault that needs no timeout to notice ends well within this (seconds).
QUICK = 1.0
POOL_TIMEOUT = httpx2.Timeout(5.0, pool=0.5)


class Client(SyncAPIClient):
    _secret_headers = frozenset({"Authorization", "X-Api-Key", "X-Session-Token"})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {SECRET}", "X-Api-Key": SECRET}

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


class AsyncClient(AsyncAPIClient):
    _secret_headers = frozenset({"Authorization", "X-Api-Key", "X-Session-Token"})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {SECRET}", "X-Api-Key": SECRET}

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def fetch(
    client: SyncAPIClient,
    path: str,
    *,
    cast_to: Any = object,
    extra_headers: Headers | None = None,
    call_timeout: float | None = None,
) -> Any:
    options = make_request_options(extra_headers=extra_headers)
    if call_timeout is not None:
        options["timeout"] = call_timeout
    return client.get(path, cast_to=cast_to, options=options)


async def afetch(
    client: AsyncAPIClient,
    path: str,
    *,
    cast_to: Any = object,
    extra_headers: Headers | None = None,
    call_timeout: float | None = None,
) -> Any:
    options = make_request_options(extra_headers=extra_headers)
    if call_timeout is not None:
        options["timeout"] = call_timeout
    return await client.get(path, cast_to=cast_to, options=options)


raw_fetch = to_raw_response_wrapper(fetch)
araw_fetch = async_to_raw_response_wrapper(afetch)
streamed_fetch = to_streamed_response_wrapper(fetch)
astreamed_fetch = async_to_streamed_response_wrapper(afetch)


@contextlib.contextmanager
def one_connection_client(
    server: LoopbackServer, **kwargs: Any
) -> Iterator[tuple[Client, httpx2.Client]]:
    """A client whose pool holds a single connection: a leak shows as a pool timeout."""
    http = httpx2.Client(limits=httpx2.Limits(max_connections=1))
    with http, Client(server.url, http_client=http, timeout=POOL_TIMEOUT, **kwargs) as client:
        yield client, http


@contextlib.asynccontextmanager
async def async_one_connection_client(
    server: LoopbackServer, **kwargs: Any
) -> AsyncIterator[tuple[AsyncClient, httpx2.AsyncClient]]:
    http = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1))
    async with (
        http,
        AsyncClient(server.url, http_client=http, timeout=POOL_TIMEOUT, **kwargs) as client,
    ):
        yield client, http


@pytest.fixture
def abandoned_generators_warn_on_trio(anyio_backend: str) -> Iterator[None]:
    """A plain ``break`` out of ``async for`` leaves the async generator to the event
    loop's finaliser (PEP 533): asyncio runs it quietly, trio runs it and warns that
    it was not closed. The connection is returned either way; on trio, close
    iterators with ``async with`` or ``contextlib.aclosing`` to avoid the warning."""
    with contextlib.ExitStack() as stack:
        if anyio_backend == "trio":
            stack.enter_context(pytest.warns(ResourceWarning))
        yield


def ticking(request: Request) -> Reply:
    """Server-Sent Events every 20 ms, forever."""

    def events() -> Iterator[dict[str, object]]:
        n = 0
        while True:
            n += 1
            yield {"data": {"n": n}}

    return Reply(sse=events(), interval=0.02)


def endless_body(request: Request) -> Reply:
    def chunks() -> Iterator[bytes]:
        while True:
            yield b"x" * 1024

    return Reply(body=chunks(), interval=0.01)


# --- every path returns its connection --------------------------------------------------------


def test_a_parse_error_returns_the_connection(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/bad-json", body=b"{not json", content_type="application/json")
    loopback_server.route("GET", "/ok", json={"ok": True})
    with one_connection_client(loopback_server) as (client, http):
        with pytest.raises(APIResponseValidationError):
            fetch(client, "/bad-json")
        assert lent_out(http) == 0
        assert fetch(client, "/ok") == {"ok": True}


@pytest.mark.anyio
async def test_a_parse_error_returns_the_connection_async(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/bad-json", body=b"[1,", content_type="application/json")
    async with async_one_connection_client(loopback_server) as (client, http):
        with pytest.raises(APIResponseValidationError):
            await afetch(client, "/bad-json")
        assert lent_out(http) == 0


def test_status_errors_return_the_connection(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/gone", status=404, json={"error": "gone"})
    loopback_server.route("GET", "/down", json={}, fault=FailTimes(99, status=503))
    with one_connection_client(loopback_server) as (client, http):
        with pytest.raises(NotFoundError):
            fetch(client, "/gone")
        with pytest.raises(InternalServerError):
            fetch(client, "/down")
        assert lent_out(http) == 0


def test_breaking_out_of_a_stream_returns_the_connection(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/events", handler=ticking)
    with one_connection_client(loopback_server) as (client, http):
        stream = client.get("/events", cast_to=dict, stream=True, stream_cls=Stream[dict])
        for item in stream:
            if item["n"] == 3:
                break
        assert lent_out(http) == 0
        assert stream.response.is_closed


@pytest.mark.anyio
async def test_breaking_out_of_a_stream_returns_the_connection_async(
    loopback_server: LoopbackServer, abandoned_generators_warn_on_trio: None
) -> None:
    loopback_server.route("GET", "/events", handler=ticking)
    async with async_one_connection_client(loopback_server) as (client, http):
        stream = await client.get(
            "/events", cast_to=dict, stream=True, stream_cls=AsyncStream[dict]
        )
        async for item in stream:
            if item["n"] == 3:
                break
        gc.collect()
        await anyio.sleep(0.01)
        assert lent_out(http) == 0


def test_leaving_a_streaming_response_block_early_returns_the_connection(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/endless", handler=endless_body)
    with one_connection_client(loopback_server) as (client, http):
        with streamed_fetch(client, "/endless") as response:
            for _ in response.iter_bytes():
                break
        assert lent_out(http) == 0


def test_an_exception_inside_a_streaming_response_block_returns_the_connection(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/endless", handler=endless_body)
    with one_connection_client(loopback_server) as (client, http):

        def read_with_a_bug() -> None:
            with streamed_fetch(client, "/endless") as response:
                assert response.status_code == 200
                raise KeyError("the caller's own bug")

        with pytest.raises(KeyError):
            read_with_a_bug()
        assert lent_out(http) == 0


@pytest.mark.anyio
async def test_leaving_a_streaming_response_block_early_returns_the_connection_async(
    loopback_server: LoopbackServer, abandoned_generators_warn_on_trio: None
) -> None:
    loopback_server.route("GET", "/endless", handler=endless_body)
    async with async_one_connection_client(loopback_server) as (client, http):
        async with astreamed_fetch(client, "/endless") as response:
            async for _ in response.iter_bytes():
                break
        gc.collect()
        await anyio.sleep(0.01)
        assert lent_out(http) == 0


@pytest.mark.anyio
async def test_an_exception_inside_a_streaming_response_block_returns_the_connection_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/endless", handler=endless_body)
    async with async_one_connection_client(loopback_server) as (client, http):
        with pytest.raises(KeyError):
            async with astreamed_fetch(client, "/endless"):
                raise KeyError("the caller's own bug")
        assert lent_out(http) == 0


# --- async cancellation -------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    "fault",
    [Stall(10, before_headers=True), Stall(10, after_bytes=10)],
    ids=["waiting-for-headers", "reading-the-body"],
)
async def test_a_cancel_scope_mid_request_returns_the_connection(
    loopback_server: LoopbackServer, fault: Fault
) -> None:
    loopback_server.route("GET", "/slow", body=b"x" * 100, fault=fault)
    loopback_server.route("GET", "/ok", json={"ok": True})
    async with async_one_connection_client(loopback_server) as (client, http):
        with anyio.move_on_after(0.2) as scope:
            await afetch(client, "/slow")
        assert scope.cancelled_caught
        assert lent_out(http) == 0
        assert await afetch(client, "/ok") == {"ok": True}


@pytest.mark.anyio
async def test_a_cancel_scope_during_a_backoff_wait_leaves_nothing_open(
    loopback_server: LoopbackServer,
) -> None:
    fault = FailTimes(9, status=503, headers={"retry-after": "30"})
    loopback_server.route("GET", "/busy", json={}, fault=fault)
    http = httpx2.AsyncClient(limits=httpx2.Limits(max_connections=1))
    async with http, AsyncAPIClient(loopback_server.url, http_client=http) as client:
        with anyio.move_on_after(0.2) as scope:
            await afetch(client, "/busy")
        assert scope.cancelled_caught
        assert lent_out(http) == 0


@pytest.mark.anyio
async def test_a_cancel_scope_while_iterating_a_stream_returns_the_connection(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/events", handler=ticking)
    async with async_one_connection_client(loopback_server) as (client, http):
        stream = await client.get(
            "/events", cast_to=dict, stream=True, stream_cls=AsyncStream[dict]
        )
        seen: list[object] = []
        with anyio.move_on_after(0.2):
            async for item in stream:
                seen.append(item)
        assert seen
        assert lent_out(http) == 0


@contextlib.asynccontextmanager
async def native_timeout(anyio_backend: str, seconds: float) -> AsyncIterator[None]:
    """The event loop's own timeout, not anyio's: ``asyncio.timeout`` or ``trio.fail_after``.

    Either raises ``TimeoutError`` when it expires (trio's ``TooSlowError`` becomes one).
    """
    if anyio_backend == "trio":
        try:
            with trio.fail_after(seconds):
                yield
        except trio.TooSlowError as exc:
            raise TimeoutError from exc
    else:
        async with asyncio.timeout(seconds):
            yield


@pytest.mark.anyio
async def test_the_event_loops_own_timeout_mid_body_returns_the_connection(
    loopback_server: LoopbackServer, anyio_backend: str
) -> None:
    loopback_server.route("GET", "/slow", body=b"x" * 100, fault=Stall(10, after_bytes=10))
    loopback_server.route("GET", "/ok", json={"ok": True})
    async with async_one_connection_client(loopback_server) as (client, http):
        with pytest.raises(TimeoutError):
            async with native_timeout(anyio_backend, 0.2):
                await afetch(client, "/slow")
        assert lent_out(http) == 0
        async with native_timeout(anyio_backend, 2):
            assert await afetch(client, "/ok") == {"ok": True}


# --- errors while a caller reads the body ---------------------------------------------------------


READ_FAULTS = [
    pytest.param(b"x" * 5000, CutAfter(1000), id="cut-content-length"),
    pytest.param([b"x" * 1000] * 5, CutAfter(1000), id="cut-chunked"),
    pytest.param([b"x" * 1000] * 5, CutAfter(1000, reset=True), id="reset-chunked"),
    pytest.param(b"x" * 5000, BadChunked(), id="bad-chunked"),
]


def _body(spec: bytes | list[bytes]) -> Callable[[Request], Reply]:
    def handler(request: Request) -> Reply:
        return Reply(body=spec if isinstance(spec, bytes) else iter(spec))

    return handler


READERS: dict[str, Callable[[APIResponse[Any]], object]] = {
    "iter_bytes": lambda response: list(response.iter_bytes()),
    "iter_text": lambda response: list(response.iter_text()),
    "iter_lines": lambda response: list(response.iter_lines()),
    "read": lambda response: response.read(),
}


@pytest.mark.parametrize(("body", "fault"), READ_FAULTS)
@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_failure_while_the_caller_reads_raises_api_connection_error(
    loopback_server: LoopbackServer, body: bytes | list[bytes], fault: Fault, reader: str
) -> None:
    loopback_server.route("GET", "/b", handler=_body(body), fault=fault)
    with one_connection_client(loopback_server) as (client, http):
        started = time.monotonic()
        with streamed_fetch(client, "/b") as response, pytest.raises(APIConnectionError) as info:
            READERS[reader](response)
        assert time.monotonic() - started < QUICK
        assert isinstance(info.value.__cause__, httpx2.HTTPError)
        assert lent_out(http) == 0


@pytest.mark.anyio
@pytest.mark.parametrize(("body", "fault"), READ_FAULTS)
async def test_a_failure_while_the_caller_reads_raises_api_connection_error_async(
    loopback_server: LoopbackServer, body: bytes | list[bytes], fault: Fault
) -> None:
    loopback_server.route("GET", "/b", handler=_body(body), fault=fault)
    async with async_one_connection_client(loopback_server) as (client, http):
        with anyio.fail_after(QUICK):
            async with astreamed_fetch(client, "/b") as response:
                with pytest.raises(APIConnectionError):
                    async for _ in response.iter_bytes():
                        pass
        assert lent_out(http) == 0


def test_a_stream_dropped_mid_way_raises_api_connection_error(
    loopback_server: LoopbackServer,
) -> None:
    events = [{"data": {"n": n}} for n in range(5)]
    loopback_server.route("GET", "/events", sse=events, fault=DropAfterEvents(2))
    with one_connection_client(loopback_server) as (client, http):
        stream = client.get("/events", cast_to=dict, stream=True, stream_cls=Stream[dict])
        seen: list[object] = []
        with pytest.raises(APIConnectionError):
            seen.extend(stream)
        assert seen == [{"n": 0}, {"n": 1}]
        assert lent_out(http) == 0


def test_a_body_cut_before_a_parse_raises_api_connection_error_after_retries(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/b", json={"a": "x" * 5000}, fault=CutAfter(100))
    with one_connection_client(loopback_server, max_retries=1) as (client, http):
        started = time.monotonic()
        with pytest.raises(APIConnectionError):
            fetch(client, "/b")
        assert time.monotonic() - started < QUICK
        assert route.calls == 2
        assert lent_out(http) == 0


def test_headers_cut_midway_raise_api_connection_error(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/h", json={}, fault=CutMidHeaders())
    with one_connection_client(loopback_server, max_retries=0) as (client, http):
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            fetch(client, "/h")
        assert time.monotonic() - started < QUICK
        assert isinstance(info.value.__cause__, httpx2.RemoteProtocolError)
        assert lent_out(http) == 0


# --- hundreds of faults, then a healthy request ------------------------------------------------


MIXED_FAULTS = FaultRate(
    0.3,
    Rotate(
        CutMidHeaders(),
        CutAfter(50),
        CutAfter(50, reset=True),
        BadChunked(),
        FailTimes(10**9, drop=True),
        FailTimes(10**9, status=503),
        FailTimes(10**9, status=404),
        Stall(5, after_bytes=10),
    ),
    seed=500,
)


def install_faulty_routes(server: LoopbackServer) -> None:
    def chunked(request: Request) -> Reply:
        return Reply(body=iter([b'{"chunk": ', b'"y"}']), content_type="application/json")

    def events(request: Request) -> Reply:
        return Reply(sse=iter([{"data": {"n": 1}}, {"data": {"n": 2}}]))

    server.route("GET", "/json", json={"data": "x" * 200}, fault=MIXED_FAULTS)
    server.route("POST", "/json", handler=chunked, fault=MIXED_FAULTS)
    server.route("GET", "/events", handler=events, fault=MIXED_FAULTS)
    server.route("GET", "/ok", json={"ok": True})


def one_faulty_call(client: Client, kind: int) -> object:
    if kind == 0:
        return fetch(client, "/json", call_timeout=0.1)
    if kind == 1:
        return client.post("/json", cast_to=object, body={}, options={"timeout": 0.1})
    if kind == 2:
        with streamed_fetch(client, "/json", call_timeout=0.1) as response:
            return next(response.iter_bytes(), b"")
    stream = client.get(
        "/events", cast_to=dict, stream=True, stream_cls=Stream[dict], options={"timeout": 0.1}
    )
    return list(stream)


@pytest.mark.slow
def test_after_500_faulty_requests_no_connection_is_lent_out(
    loopback_server: LoopbackServer,
) -> None:
    install_faulty_routes(loopback_server)
    outcomes: dict[str, int] = {}
    with one_connection_client(loopback_server, max_retries=1) as (client, http):
        for n in range(500):
            try:
                one_faulty_call(client, n % 4)
                outcome = "ok"
            except SdkError as exc:
                outcome = type(exc).__name__
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert lent_out(http) == 0
        started = time.monotonic()
        assert fetch(client, "/ok") == {"ok": True}
        assert time.monotonic() - started < 0.5
    assert sum(outcomes.values()) == 500
    assert outcomes["ok"] > 300
    assert len(outcomes) > 2  # several kinds of typed errors were met


async def one_faulty_call_async(client: AsyncClient, kind: int) -> object:
    if kind == 0:
        return await afetch(client, "/json", call_timeout=0.1)
    if kind == 1:
        return await client.post("/json", cast_to=object, body={}, options={"timeout": 0.1})
    if kind == 2:
        async with astreamed_fetch(client, "/json", call_timeout=0.1) as response:
            return await response.read()
    stream = await client.get(
        "/events", cast_to=dict, stream=True, stream_cls=AsyncStream[dict], options={"timeout": 0.1}
    )
    return [item async for item in stream]


@pytest.mark.slow
@pytest.mark.anyio
async def test_after_500_faulty_requests_no_connection_is_lent_out_async(
    loopback_server: LoopbackServer,
) -> None:
    install_faulty_routes(loopback_server)
    outcomes: dict[str, int] = {}
    async with async_one_connection_client(loopback_server, max_retries=1) as (client, http):
        for n in range(500):
            try:
                await one_faulty_call_async(client, n % 4)
                outcome = "ok"
            except SdkError as exc:
                outcome = type(exc).__name__
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        assert lent_out(http) == 0
        with anyio.fail_after(0.5):
            assert await afetch(client, "/ok") == {"ok": True}
    assert sum(outcomes.values()) == 500
    assert outcomes["ok"] > 300
    assert len(outcomes) > 2  # several kinds of typed errors were met: the faults happened
    attempts = len(loopback_server.requests) - 1  # the last one is the healthy /ok
    assert attempts > 500  # failed attempts were retried


# --- redirects -----------------------------------------------------------------------------------


def test_redirects_are_not_followed_by_default(loopback_server: LoopbackServer) -> None:
    loopback_server.redirect("/old", "/new")
    target = loopback_server.route("GET", "/new", json={"moved": True})
    with Client(loopback_server.url) as client:
        response = raw_fetch(client, "/old")
        assert isinstance(response, APIResponse)
        assert response.status_code == 302
        assert response.headers["location"] == "/new"
    assert target.calls == 0


def test_a_same_origin_redirect_keeps_the_credentials(loopback_server: LoopbackServer) -> None:
    loopback_server.redirect("/old", "/new", status=307)
    target = loopback_server.route("GET", "/new", json={"moved": True})
    with (
        httpx2.Client(follow_redirects=True) as http,
        Client(loopback_server.url, http_client=http) as c,
    ):
        response = raw_fetch(c, "/old")
        assert response.parse() == {"moved": True}
        assert [r.status_code for r in response.http_response.history] == [307]
    [request] = target.requests
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert request.headers["x-api-key"] == SECRET


def test_a_cross_origin_redirect_never_carries_a_secret(
    loopback_server: LoopbackServer, loopback_server_factory: Callable[[], LoopbackServer]
) -> None:
    other = loopback_server_factory()
    loopback_server.redirect("/old", other.url_for("/new"))
    target = other.route("GET", "/new", json={"moved": True})
    headers = {"X-Session-Token": SECRET, "X-Trace": "kept"}
    with (
        httpx2.Client(follow_redirects=True) as http,
        Client(loopback_server.url, http_client=http) as c,
    ):
        assert fetch(c, "/old", extra_headers=headers) == {"moved": True}
    [request] = target.requests
    assert request.headers["x-trace"] == "kept"
    assert SECRET not in str(request.headers.raw)
    for name in ("authorization", "x-api-key", "x-session-token"):
        assert name not in request.headers


@pytest.mark.anyio
async def test_a_cross_origin_redirect_never_carries_a_secret_async(
    loopback_server: LoopbackServer, loopback_server_factory: Callable[[], LoopbackServer]
) -> None:
    other = loopback_server_factory()
    loopback_server.redirect("/old", other.url_for("/hop"), status=308)
    other.redirect("/hop", other.url_for("/new"), status=307)
    target = other.route("POST", "/new", json={"moved": True})
    async with (
        httpx2.AsyncClient(follow_redirects=True) as http,
        AsyncClient(loopback_server.url, http_client=http) as client,
    ):
        response = await client.post("/old", cast_to=object, body={"keep": "body"})
        assert response == {"moved": True}
    [request] = target.requests
    assert request.json() == {"keep": "body"}
    assert SECRET not in str(request.headers.raw)


def test_a_redirect_loop_ends_in_api_connection_error(loopback_server: LoopbackServer) -> None:
    loopback_server.redirect("/loop", "/loop")
    http = httpx2.Client(
        follow_redirects=True, max_redirects=5, limits=httpx2.Limits(max_connections=1)
    )
    with http, Client(loopback_server.url, http_client=http) as client:
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            fetch(client, "/loop")
        assert time.monotonic() - started < 1.0
        assert "max_redirects=5" in str(info.value)
        assert lent_out(http) == 0
    assert len(loopback_server.requests) == 6  # not retried


@pytest.mark.anyio
async def test_a_redirect_loop_ends_in_api_connection_error_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.redirect("/loop", "/loop")
    async with (
        httpx2.AsyncClient(follow_redirects=True, max_redirects=3) as http,
        AsyncClient(loopback_server.url, http_client=http) as client,
    ):
        with pytest.raises(APIConnectionError):
            await afetch(client, "/loop")
        assert lent_out(http) == 0
    assert len(loopback_server.requests) == 4


def test_a_timeout_bound_covers_the_redirect_hops(loopback_server: LoopbackServer) -> None:
    loopback_server.redirect("/old", "/new")
    loopback_server.route("GET", "/new", json={}, fault=Stall(10, before_headers=True))
    with (
        httpx2.Client(follow_redirects=True) as http,
        Client(loopback_server.url, http_client=http, max_retries=0, timeout=0.3) as client,
        pytest.raises(APITimeoutError),
    ):
        fetch(client, "/old")
