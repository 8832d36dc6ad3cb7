"""Typed streams (CONTRACT section 3, ``Stream[T]``), against a real server on 127.0.0.1.

What events mean (items, ``[DONE]``, error events, keep-alives, bad data), what the
stream tells about itself, when it closes its response and gives the connection
back, and which stream class a call builds; sync and async (asyncio and trio).
"""

from __future__ import annotations

import inspect
import itertools
import time
from contextlib import ExitStack
from typing import TYPE_CHECKING, ClassVar

import anyio
import httpx2
import pytest

from sdkcore import (
    RAW_RESPONSE_HEADER,
    APIConnectionError,
    APIError,
    APIResponse,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncAPIClient,
    AsyncStream,
    AuthenticationError,
    BadRequestError,
    BaseModel,
    InternalServerError,
    MissingStreamClassError,
    NotFoundError,
    RateLimitError,
    Stream,
    SyncAPIClient,
    make_request_options,
)
from sdkcore.testing import (
    CutAfter,
    FailTimes,
    LoopbackServer,
    RecordedWaits,
    Reply,
    Request,
    SSEEvent,
    Stall,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from sdkcore import RequestOptions
    from sdkcore.testing import Handler

pytestmark = pytest.mark.anyio

PATH = "/v1/events"
PING_PATH = "/v1/ping"


class Chunk(BaseModel):
    n: int
    text: str | None = None


class ChunkStream(Stream[Chunk]):
    """An SDK's own stream class, with its chunk type fixed."""


class AsyncChunkStream(AsyncStream[Chunk]):
    """The async twin of ``ChunkStream``."""


def item(n: int, **fields: object) -> SSEEvent:
    return {"data": {"n": n, **fields}}


ITEMS: list[SSEEvent] = [item(0), item(1), item(2), {"data": "[DONE]"}]
FIRST_EVENT = b'data: {"n": 0}\n\n'


def endless(interval: float = 0.01) -> Handler:
    """Numbered events every ``interval`` seconds until the client leaves."""

    def handler(request: Request) -> Reply:
        return Reply(sse=(item(n) for n in itertools.count()), interval=interval)

    return handler


def one_then_silence(request: Request) -> Reply:
    """One event, then nothing for 30 s (the server notices when the client leaves)."""
    return Reply(sse=[item(0), item(1)], interval=30)


# --- clients --------------------------------------------------------------------------------


@pytest.fixture
def api(server: LoopbackServer) -> Iterator[SyncAPIClient]:
    with SyncAPIClient(server.url, max_retries=0) as client:
        yield client


@pytest.fixture
async def async_api(server: LoopbackServer) -> AsyncIterator[AsyncAPIClient]:
    async with AsyncAPIClient(server.url, max_retries=0) as client:
        yield client


# A pool of one connection, and a short pool timeout (the client's timeout is sent with
# each request, so it is the one that counts): a leaked stream fails the next call fast.
ONE_CONNECTION = httpx2.Limits(max_connections=1)
SHORT_POOL_WAIT = httpx2.Timeout(5.0, pool=0.5)


@pytest.fixture
def pool_api(server: LoopbackServer) -> Iterator[SyncAPIClient]:
    """A client whose httpx2 client has exactly one connection."""
    server.route("GET", PING_PATH, json={"n": 99})
    with (
        httpx2.Client(limits=ONE_CONNECTION) as http,
        SyncAPIClient(
            server.url, http_client=http, timeout=SHORT_POOL_WAIT, max_retries=0
        ) as client,
    ):
        yield client


@pytest.fixture
async def pool_async_api(server: LoopbackServer) -> AsyncIterator[AsyncAPIClient]:
    """The async twin of ``pool_api``."""
    server.route("GET", PING_PATH, json={"n": 99})
    async with (
        httpx2.AsyncClient(limits=ONE_CONNECTION) as http,
        AsyncAPIClient(
            server.url, http_client=http, timeout=SHORT_POOL_WAIT, max_retries=0
        ) as client,
    ):
        yield client


def open_stream(
    api: SyncAPIClient,
    options: RequestOptions | None = None,
    stream_cls: type[Stream[Chunk]] = Stream[Chunk],
) -> Stream[Chunk]:
    return api.get(PATH, cast_to=Chunk, options=options, stream=True, stream_cls=stream_cls)


async def aopen_stream(
    api: AsyncAPIClient,
    options: RequestOptions | None = None,
    stream_cls: type[AsyncStream[Chunk]] = AsyncStream[Chunk],
) -> AsyncStream[Chunk]:
    return await api.get(PATH, cast_to=Chunk, options=options, stream=True, stream_cls=stream_cls)


def numbers(stream: Stream[Chunk]) -> list[int]:
    return [chunk.n for chunk in stream]


async def anumbers(stream: AsyncStream[Chunk]) -> list[int]:
    return [chunk.n async for chunk in stream]


def collect(stream: Stream[Chunk], got: list[int]) -> None:
    """Append each item's number to ``got``, so that a test sees them after an error."""
    for chunk in stream:
        got.append(chunk.n)


async def acollect(stream: AsyncStream[Chunk], got: list[int]) -> None:
    async for chunk in stream:
        got.append(chunk.n)


def ping(api: SyncAPIClient) -> int:
    return api.get(PING_PATH, cast_to=Chunk).n


async def aping(api: AsyncAPIClient) -> int:
    return (await api.get(PING_PATH, cast_to=Chunk)).n


# --- items, [DONE] and what the stream tells ------------------------------------------------


def test_a_stream_yields_one_typed_item_per_event_and_tells_about_its_response(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS, headers={"x-request-id": "req-7"})
    stream = open_stream(api)
    assert stream.request_id == "req-7"
    assert stream.response.status_code == 200
    assert stream.retries_taken == 0
    chunks = list(stream)
    assert chunks == [Chunk(n=0), Chunk(n=1), Chunk(n=2)]
    assert stream.response.is_closed


async def test_a_stream_yields_one_typed_item_per_event_and_tells_about_its_response_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS, headers={"x-request-id": "req-7"})
    stream = await aopen_stream(async_api)
    assert stream.request_id == "req-7"
    assert stream.response.status_code == 200
    assert stream.retries_taken == 0
    assert [chunk async for chunk in stream] == [Chunk(n=0), Chunk(n=1), Chunk(n=2)]
    assert stream.response.is_closed


def test_retries_taken_counts_the_retries_of_the_call(server: LoopbackServer) -> None:
    server.route("GET", PATH, sse=ITEMS, fault=FailTimes(1, status=503))
    timing = RecordedWaits().timing
    with (
        SyncAPIClient(server.url, max_retries=1, _timing=timing) as api,
        open_stream(api) as stream,
    ):
        assert numbers(stream) == [0, 1, 2]
    assert stream.retries_taken == 1


def test_done_ends_the_stream_as_the_whole_data_value(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    events: list[SSEEvent] = [
        item(0, text="[DONE]"),
        'data: {"n": 1, "text": "[DONE]"}\n\n',
        {"event": "done", "data": "[DONE]"},
        item(2),
    ]
    server.route("GET", PATH, sse=events)
    stream = open_stream(api)
    assert [(chunk.n, chunk.text) for chunk in stream] == [(0, "[DONE]"), (1, "[DONE]")]
    assert stream.response.is_closed


async def test_done_ends_the_stream_as_the_whole_data_value_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=[item(0, text="[DONE]"), {"data": "[DONE]"}, item(1)])
    stream = await aopen_stream(async_api)
    assert await anumbers(stream) == [0]
    assert stream.response.is_closed


@pytest.mark.parametrize(
    "event",
    ["data: [DONE] \n\n", "data:  [DONE]\n\n", "data: [DONE]\ndata: more\n\n", "data: [done]\n\n"],
    ids=["trailing space", "two leading spaces", "two data lines", "lower case"],
)
def test_data_that_only_contains_done_is_not_the_end_but_invalid_json(
    server: LoopbackServer, api: SyncAPIClient, event: str
) -> None:
    server.route("GET", PATH, sse=[item(0), event, item(1)])
    got: list[int] = []
    stream = open_stream(api)
    with pytest.raises(APIResponseValidationError) as caught:
        collect(stream, got)
    assert got == [0]
    assert caught.value.body == event.removeprefix("data: ").replace("\ndata: ", "\n").rstrip("\n")
    assert stream.response.is_closed


# --- error events ---------------------------------------------------------------------------

ERROR_EVENTS: dict[str, tuple[SSEEvent, type[APIError], object]] = {
    "rate_limit type": (
        {"data": {"error": {"type": "rate_limit_error", "message": "slow down"}}},
        RateLimitError,
        {"type": "rate_limit_error", "message": "slow down"},
    ),
    "overloaded type": (
        {"data": {"error": {"type": "overloaded_error"}}},
        InternalServerError,
        {"type": "overloaded_error"},
    ),
    "status 400": (
        {"data": {"error": {"status": 400, "message": "bad"}}},
        BadRequestError,
        {"status": 400, "message": "bad"},
    ),
    "code 404": ({"data": {"error": {"code": 404}}}, NotFoundError, {"code": 404}),
    "code 401": ({"data": {"error": {"code": 401}}}, AuthenticationError, {"code": 401}),
    "no status": ({"data": {"error": {"message": "boom"}}}, APIError, {"message": "boom"}),
    "text member": ({"data": {"error": "plain text"}}, APIError, "plain text"),
    "escaped key": ('data: {"\\u0065rror": {"code": 429}}\n\n', RateLimitError, {"code": 429}),
    "event: error with a member": (
        {"event": "error", "data": {"type": "error", "error": {"type": "overloaded_error"}}},
        InternalServerError,
        {"type": "overloaded_error"},
    ),
    "event: error without a member": (
        {"event": "error", "data": {"message": "no member"}},
        APIError,
        {"message": "no member"},
    ),
    "event: error with text": (
        {"event": "error", "data": "upstream failed"},
        APIError,
        "upstream failed",
    ),
}


@pytest.mark.parametrize(
    ("event", "error_cls", "body"), ERROR_EVENTS.values(), ids=ERROR_EVENTS.keys()
)
def test_an_error_event_raises_the_error_class_of_its_status_with_the_member_as_body(
    server: LoopbackServer,
    api: SyncAPIClient,
    event: SSEEvent,
    error_cls: type[APIError],
    body: object,
) -> None:
    server.route("GET", PATH, sse=[item(0), event, item(1)])
    got: list[int] = []
    stream = open_stream(api)
    with pytest.raises(APIError) as caught:
        collect(stream, got)
    assert type(caught.value) is error_cls
    assert caught.value.body == body
    assert got == [0]
    assert stream.response.is_closed


@pytest.mark.parametrize(
    ("event", "error_cls", "status"),
    [
        ({"data": {"error": {"type": "rate_limit_error"}}}, RateLimitError, 429),
        ({"event": "error", "data": {"error": {"status": 502}}}, InternalServerError, 502),
    ],
)
async def test_an_error_event_raises_the_error_class_of_its_status_async(
    server: LoopbackServer,
    async_api: AsyncAPIClient,
    event: SSEEvent,
    error_cls: type[APIStatusError],
    status: int,
) -> None:
    server.route("GET", PATH, sse=[item(0), event, item(1)])
    got: list[int] = []
    stream = await aopen_stream(async_api)
    with pytest.raises(error_cls) as caught:
        await acollect(stream, got)
    assert caught.value.status_code == status
    assert got == [0]
    assert stream.response.is_closed


def test_a_null_error_member_is_no_error(server: LoopbackServer, api: SyncAPIClient) -> None:
    server.route("GET", PATH, sse=[{"data": {"n": 0, "error": None}}, item(1)])
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]


def test_keepalive_and_ping_events_never_reach_the_caller_or_the_parser(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    events: list[SSEEvent] = [
        ": a comment\n\n",
        {"event": "ping", "data": "not json"},
        item(0),
        {"event": "keep-alive", "data": '{"error": {"type": "overloaded_error"}}'},
        {"event": "keepalive", "data": "<3"},
        {"event": "heartbeat", "data": "{"},
        {"comment": "ping", "data": {"n": 1}},
        {"data": "[DONE]"},
    ]
    server.route("GET", PATH, sse=events)
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]


async def test_keepalive_and_ping_events_never_reach_the_caller_or_the_parser_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    events: list[SSEEvent] = [{"event": "ping", "data": "{"}, item(0), ": ping\n\n", item(1)]
    server.route("GET", PATH, sse=events)
    async with await aopen_stream(async_api) as stream:
        assert await anumbers(stream) == [0, 1]


def test_data_that_is_not_json_raises_a_validation_error(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=[item(0), {"data": "hello"}, item(1)])
    got: list[int] = []
    stream = open_stream(api)
    with pytest.raises(APIResponseValidationError) as caught:
        collect(stream, got)
    assert (got, caught.value.body) == ([0], "hello")
    assert stream.response.is_closed


async def test_data_that_is_not_json_raises_a_validation_error_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=[{"data": "{'n': 1}"}])
    stream = await aopen_stream(async_api)
    with pytest.raises(APIResponseValidationError):
        await anumbers(stream)
    assert stream.response.is_closed


# --- transport errors -----------------------------------------------------------------------


def test_a_cut_connection_mid_stream_raises_api_connection_error(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS, fault=CutAfter(len(FIRST_EVENT) + 5))
    got: list[int] = []
    stream = open_stream(api)
    with pytest.raises(APIConnectionError) as caught:
        collect(stream, got)
    assert type(caught.value) is APIConnectionError
    assert isinstance(caught.value.__cause__, httpx2.TransportError)
    assert got == [0]
    assert stream.response.is_closed


async def test_a_cut_connection_mid_stream_raises_api_connection_error_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS, fault=CutAfter(len(FIRST_EVENT), reset=True))
    got: list[int] = []
    stream = await aopen_stream(async_api)
    with pytest.raises(APIConnectionError):
        await acollect(stream, got)
    assert got == [0]
    assert stream.response.is_closed


def test_a_read_timeout_mid_stream_raises_api_timeout_error(server: LoopbackServer) -> None:
    server.route("GET", PATH, sse=ITEMS, fault=Stall(30, after_bytes=len(FIRST_EVENT)))
    got: list[int] = []
    with SyncAPIClient(server.url, timeout=httpx2.Timeout(5.0, read=0.2)) as api:
        stream = open_stream(api)
        with pytest.raises(APITimeoutError):
            collect(stream, got)
    assert got == [0]
    assert stream.response.is_closed


async def test_a_read_timeout_mid_stream_raises_api_timeout_error_async(
    server: LoopbackServer,
) -> None:
    server.route("GET", PATH, sse=ITEMS, fault=Stall(30, after_bytes=len(FIRST_EVENT)))
    got: list[int] = []
    async with AsyncAPIClient(server.url, timeout=httpx2.Timeout(5.0, read=0.2)) as api:
        stream = await aopen_stream(api)
        with pytest.raises(APITimeoutError):
            await acollect(stream, got)
    assert got == [0]
    assert stream.response.is_closed


# --- closing, and giving the connection back ------------------------------------------------


def test_an_open_stream_holds_the_only_connection(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    # The control for the tests below: a leaked stream fails the next request fast.
    server.route("GET", PATH, handler=endless())
    with open_stream(pool_api) as stream:
        items = iter(stream)
        next(items)
        with pytest.raises(APITimeoutError):
            ping(pool_api)
    assert ping(pool_api) == 99


def test_breaking_out_of_a_stream_returns_its_connection(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    stream = open_stream(pool_api)
    for chunk in stream:
        if chunk.n == 2:
            break
    assert stream.response.is_closed
    assert ping(pool_api) == 99


def test_breaking_out_inside_with_returns_the_connection(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    with open_stream(pool_api) as stream:
        for _ in stream:
            break
    assert stream.response.is_closed
    assert ping(pool_api) == 99


def test_an_exception_in_the_loop_returns_the_connection(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    stream = open_stream(pool_api)

    def fail_in_the_loop() -> None:
        for chunk in stream:
            raise ZeroDivisionError(chunk.n)

    with pytest.raises(ZeroDivisionError):
        fail_in_the_loop()
    assert stream.response.is_closed
    assert ping(pool_api) == 99


def test_close_in_the_loop_ends_it_and_a_closed_stream_yields_nothing(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    stream = open_stream(pool_api)
    got = []
    for chunk in stream:
        got.append(chunk.n)
        stream.close()
        stream.close()  # twice is fine
    assert got == [0]
    assert list(stream) == []
    assert ping(pool_api) == 99


def test_an_exhausted_stream_yields_nothing_more(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    stream = open_stream(api)
    assert numbers(stream) == [0, 1, 2]
    assert numbers(stream) == []


async def test_breaking_out_inside_async_with_returns_the_connection(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    async with await aopen_stream(pool_async_api) as stream:
        async for _ in stream:
            break
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


async def test_an_exception_in_the_loop_inside_async_with_returns_the_connection(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    stream = await aopen_stream(pool_async_api)

    async def fail_in_the_loop() -> None:
        async with stream:
            async for chunk in stream:
                raise ZeroDivisionError(chunk.n)

    with pytest.raises(ZeroDivisionError):
        await fail_in_the_loop()
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


async def test_a_plain_break_returns_the_connection_once_the_generator_is_finalised(
    server: LoopbackServer, pool_async_api: AsyncAPIClient, anyio_backend: str
) -> None:
    # The loop's async generator is finalised by the event loop's hook: asyncio does
    # it quietly; trio does it too, but warns that the generator was left unclosed
    # (use `async with stream` or `aclose()` there).
    server.route("GET", PATH, handler=endless())
    stream = await aopen_stream(pool_async_api)
    with ExitStack() as stack:
        if anyio_backend == "trio":
            stack.enter_context(pytest.warns(ResourceWarning, match="aclosing"))
        async for _ in stream:
            break
    assert await aping(pool_async_api) == 99
    assert stream.response.is_closed


async def test_aclose_from_another_task_ends_the_loop_quietly(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, handler=one_then_silence)
    stream = await aopen_stream(pool_async_api)
    got: list[int] = []
    first = anyio.Event()

    async def consume() -> None:
        async with stream:
            async for chunk in stream:
                got.append(chunk.n)
                first.set()

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(consume)
            await first.wait()
            await anyio.sleep(0.05)  # the consumer now waits on the silent server
            await stream.aclose()
    assert got == [0]
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


async def test_aclose_from_another_task_while_the_consumer_is_busy(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    stream = await aopen_stream(pool_async_api)
    got: list[int] = []
    first, closed = anyio.Event(), anyio.Event()

    async def consume() -> None:
        async for chunk in stream:
            got.append(chunk.n)
            first.set()
            await closed.wait()

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(consume)
            await first.wait()
            await stream.close()
            closed.set()
    assert got == [0]
    assert await aping(pool_async_api) == 99


async def test_cancelling_the_consumer_closes_the_response_and_propagates(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, handler=one_then_silence)
    stream = await aopen_stream(pool_async_api)
    got: list[int] = []
    finished = False
    with anyio.move_on_after(0.2) as scope:
        async for chunk in stream:
            got.append(chunk.n)
        finished = True
    assert scope.cancelled_caught
    assert (got, finished) == ([0], False)
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


def test_async_close_and_aclose_are_both_coroutines() -> None:
    assert inspect.iscoroutinefunction(AsyncStream.close)
    assert inspect.iscoroutinefunction(AsyncStream.aclose)


# --- which stream class a call builds -------------------------------------------------------


def test_a_stream_subclass_with_its_chunk_type_is_a_stream_cls(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    stream = api.get(PATH, cast_to=object, stream=True, stream_cls=ChunkStream)
    assert type(stream) is ChunkStream
    assert list(stream) == [Chunk(n=0), Chunk(n=1), Chunk(n=2)]


async def test_a_stream_subclass_with_its_chunk_type_is_a_stream_cls_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    stream = await async_api.get(PATH, cast_to=object, stream=True, stream_cls=AsyncChunkStream)
    assert type(stream) is AsyncChunkStream
    assert [chunk async for chunk in stream] == [Chunk(n=0), Chunk(n=1), Chunk(n=2)]


class StreamingClient(SyncAPIClient):
    _default_stream_cls: ClassVar[type[object] | None] = Stream


class ChunkStreamingClient(SyncAPIClient):
    _default_stream_cls: ClassVar[type[object] | None] = ChunkStream


class AsyncStreamingClient(AsyncAPIClient):
    _default_stream_cls: ClassVar[type[object] | None] = AsyncStream


def test_the_clients_default_stream_cls_streams_the_calls_cast_to(
    server: LoopbackServer,
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    with StreamingClient(server.url) as api:
        stream = api.get(PATH, cast_to=Chunk, stream=True)
        assert type(stream) is Stream
        assert list(stream) == [Chunk(n=0), Chunk(n=1), Chunk(n=2)]


def test_a_default_stream_cls_with_a_chunk_type_keeps_it(server: LoopbackServer) -> None:
    server.route("GET", PATH, sse=ITEMS)
    with ChunkStreamingClient(server.url) as api:
        stream = api.get(PATH, cast_to=object, stream=True)
        assert type(stream) is ChunkStream
        assert numbers(stream) == [0, 1, 2]


async def test_the_clients_default_stream_cls_streams_the_calls_cast_to_async(
    server: LoopbackServer,
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    async with AsyncStreamingClient(server.url) as api:
        stream = await api.get(PATH, cast_to=Chunk, stream=True)
        assert type(stream) is AsyncStream
        assert await anumbers(stream) == [0, 1, 2]


def test_a_stream_call_without_a_stream_class_raises(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    with pytest.raises(MissingStreamClassError):
        api.get(PATH, cast_to=Chunk, stream=True)


def test_a_streamed_response_parses_to_a_stream_subclass_only(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    options = make_request_options(extra_headers={RAW_RESPONSE_HEADER: "stream"})
    response = api.get(PATH, cast_to=Chunk, options=options, stream=True)
    assert isinstance(response, APIResponse)
    with pytest.raises(TypeError, match="Stream"):
        response.parse(to=dict)
    stream = response.parse(to=ChunkStream)
    assert type(stream) is ChunkStream
    assert numbers(stream) == [0, 1, 2]
    assert response.is_closed


def test_a_stream_with_slow_events_delivers_each_as_it_arrives(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS, interval=0.1)
    arrivals = []
    started = time.monotonic()
    for _ in open_stream(api):
        arrivals.append(time.monotonic() - started)
    assert arrivals[0] < 0.1 <= arrivals[1] < arrivals[2]


# --- Stream is an iterator, AsyncStream an async iterator ---------------------------------------


def test_next_gives_the_first_item_and_a_for_loop_goes_on_from_the_second(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    stream = open_stream(pool_api)
    first = next(stream)
    assert first.n == 0
    assert [chunk.n for chunk in stream] == [1, 2]
    with pytest.raises(StopIteration):
        next(stream)
    assert stream.response.is_closed
    assert ping(pool_api) == 99  # the connection went back to the pool


async def test_anext_gives_the_first_item_and_async_for_goes_on_from_the_second(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=ITEMS)
    stream = await aopen_stream(pool_async_api)
    first = await anext(stream)
    second = await stream.__anext__()
    assert (first.n, second.n) == (0, 1)
    assert [chunk.n async for chunk in stream] == [2]
    with pytest.raises(StopAsyncIteration):
        await anext(stream)
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


def test_an_error_while_iterating_with_next_releases_the_connection(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=[item(0), {"data": "not json"}])
    stream = open_stream(pool_api)
    assert next(stream).n == 0
    with pytest.raises(APIResponseValidationError):
        next(stream)
    assert stream.response.is_closed
    with pytest.raises(StopIteration):
        next(stream)
    assert ping(pool_api) == 99


async def test_an_error_while_iterating_with_anext_releases_the_connection(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=[item(0), {"data": "not json"}])
    stream = await aopen_stream(pool_async_api)
    assert (await anext(stream)).n == 0
    with pytest.raises(APIResponseValidationError):
        await anext(stream)
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


def test_a_stream_abandoned_after_next_inside_with_is_released(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    with open_stream(pool_api) as stream:
        assert next(stream).n == 0
    assert stream.response.is_closed
    assert ping(pool_api) == 99


async def test_a_stream_abandoned_after_anext_inside_async_with_is_released(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    async with await aopen_stream(pool_async_api) as stream:
        assert (await anext(stream)).n == 0
    assert stream.response.is_closed
    assert await aping(pool_async_api) == 99


def test_close_after_next_releases_the_connection(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, handler=endless())
    stream = open_stream(pool_api)
    next(stream)
    stream.close()
    assert ping(pool_api) == 99
    with pytest.raises(StopIteration):
        next(stream)


# --- a stream call asks for an event stream ------------------------------------------------------


def test_a_stream_call_asks_for_an_event_stream_unless_the_caller_chose(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    route = server.route("GET", PATH, sse=ITEMS)
    numbers(open_stream(api))
    numbers(open_stream(api, {"headers": {"Accept": "text/plain, text/event-stream"}}))
    assert [r.headers["accept"] for r in route.requests] == [
        "text/event-stream",
        "text/plain, text/event-stream",
    ]


async def test_a_stream_call_asks_for_an_event_stream_unless_the_caller_chose_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    route = server.route("GET", PATH, sse=ITEMS)
    await anumbers(await aopen_stream(async_api))
    assert route.requests[0].headers["accept"] == "text/event-stream"


def test_a_json_answer_to_a_stream_call_raises_with_the_body(
    server: LoopbackServer, pool_api: SyncAPIClient
) -> None:
    server.route("GET", PATH, json={"object": "list", "data": [1, 2]})
    with pytest.raises(APIResponseValidationError) as info:
        open_stream(pool_api)
    assert info.value.body == {"object": "list", "data": [1, 2]}
    assert "text/event-stream" in str(info.value)
    assert ping(pool_api) == 99


async def test_a_json_answer_to_a_stream_call_raises_with_the_body_async(
    server: LoopbackServer, pool_async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, json={"object": "list", "data": [1, 2]})
    with pytest.raises(APIResponseValidationError) as info:
        await aopen_stream(pool_async_api)
    assert info.value.body == {"object": "list", "data": [1, 2]}
    assert await aping(pool_async_api) == 99


# --- an SDK's own status errors apply inside streams too ----------------------------------------


class QuotaError(APIStatusError):
    """An SDK's own error class for 429s."""


class OwnErrors(SyncAPIClient):
    def _make_status_error(
        self, err_msg: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        if response.status_code == 429:
            return QuotaError(f"quota: {err_msg}", response=response, body=body)
        return super()._make_status_error(err_msg, body=body, response=response)


class AsyncOwnErrors(AsyncAPIClient):
    def _make_status_error(
        self, err_msg: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        if response.status_code == 429:
            return QuotaError(f"quota: {err_msg}", response=response, body=body)
        return super()._make_status_error(err_msg, body=body, response=response)


RATE_LIMITED_EVENT: SSEEvent = {"data": {"error": {"message": "slow down", "status": 429}}}


def test_an_error_event_is_built_by_the_sdks_make_status_error(server: LoopbackServer) -> None:
    server.route("GET", PATH, sse=[item(0), RATE_LIMITED_EVENT])
    with OwnErrors(server.url, max_retries=0) as api, open_stream(api) as stream:
        assert next(stream).n == 0
        with pytest.raises(QuotaError) as info:
            next(stream)
    assert info.value.status_code == 429
    assert info.value.body == {"message": "slow down", "status": 429}
    assert str(info.value).startswith("quota: An error event arrived in the stream: slow down")


async def test_an_error_event_is_built_by_the_sdks_make_status_error_async(
    server: LoopbackServer,
) -> None:
    server.route("GET", PATH, sse=[item(0), RATE_LIMITED_EVENT])
    async with AsyncOwnErrors(server.url, max_retries=0) as api:
        stream = await aopen_stream(api)
        assert (await anext(stream)).n == 0
        with pytest.raises(QuotaError):
            await anext(stream)
