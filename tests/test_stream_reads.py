"""How typed streams read their bodies, against a real server on 127.0.0.1.

Streams read the transport's byte stream directly when there is nothing to decode,
interpret one event at a time as the caller asks, and (async, without an idle
timeout) let ``close()`` from another task close the response under a waiting read
instead of bounding every read with a cancel scope. These tests pin what those
shortcuts must keep: the response's own bookkeeping, compressed streams, transport
errors that name their request, items built only when asked for, and a read that
ends when another task closes the stream on a transport whose close does not end it.
"""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, ClassVar, TypeVar

import anyio
import httpx2
import pytest
from pydantic import model_validator

from sdkcore import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncAPIClient,
    AsyncStream,
    BaseModel,
    Stream,
    SyncAPIClient,
)
from sdkcore.testing import CutAfter, LoopbackServer, Reply, SSEEvent

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

pytestmark = pytest.mark.anyio

PATH = "/v1/events"


class Chunk(BaseModel):
    n: int


_M = TypeVar("_M", bound=BaseModel)


class Counted(BaseModel):
    """A chunk type that counts the items built, to see when they are built."""

    built: ClassVar[int] = 0
    n: int

    @model_validator(mode="after")
    def _count(self) -> Counted:
        type(self).built += 1
        return self


def body(count: int) -> bytes:
    events = [f"data: {json.dumps({'n': n})}\n\n".encode() for n in range(count)]
    return b"".join([*events, b"data: [DONE]\n\n"])


def events(count: int) -> list[SSEEvent]:
    return [{"data": {"n": n}} for n in range(count)]


@pytest.fixture
def api(server: LoopbackServer) -> Iterator[SyncAPIClient]:
    with SyncAPIClient(server.url, max_retries=0) as client:
        yield client


@pytest.fixture
async def async_api(server: LoopbackServer) -> AsyncIterator[AsyncAPIClient]:
    async with AsyncAPIClient(server.url, max_retries=0) as client:
        yield client


def open_stream(api: SyncAPIClient, stream_cls: type[Stream[_M]]) -> Stream[_M]:
    return api.get(PATH, cast_to=object, stream=True, stream_cls=stream_cls)


async def aopen_stream(api: AsyncAPIClient, stream_cls: type[AsyncStream[_M]]) -> AsyncStream[_M]:
    return await api.get(PATH, cast_to=object, stream=True, stream_cls=stream_cls)


def collect(stream: Stream[Chunk], got: list[int]) -> None:
    for chunk in stream:
        got.append(chunk.n)


async def acollect(stream: AsyncStream[Chunk], got: list[int]) -> None:
    async for chunk in stream:
        got.append(chunk.n)


# --- the response's bookkeeping ----------------------------------------------------------


def test_a_read_stream_leaves_its_response_consumed_closed_and_counted(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, body=body(3), content_type="text/event-stream")
    stream = open_stream(api, Stream[Chunk])
    assert [chunk.n for chunk in stream] == [0, 1, 2]
    response = stream.response
    assert (response.is_stream_consumed, response.is_closed) == (True, True)
    assert response.num_bytes_downloaded == len(body(3))


async def test_a_read_stream_leaves_its_response_consumed_closed_and_counted_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, body=body(3), content_type="text/event-stream")
    stream = await aopen_stream(async_api, AsyncStream[Chunk])
    assert [chunk.n async for chunk in stream] == [0, 1, 2]
    response = stream.response
    assert (response.is_stream_consumed, response.is_closed) == (True, True)
    assert response.num_bytes_downloaded == len(body(3))


def test_a_gzip_encoded_event_stream_is_decoded(server: LoopbackServer, api: SyncAPIClient) -> None:
    compressed = gzip.compress(body(4))
    headers = {"Content-Encoding": "gzip"}
    server.route("GET", PATH, body=compressed, content_type="text/event-stream", headers=headers)
    stream = open_stream(api, Stream[Chunk])
    assert [chunk.n for chunk in stream] == [0, 1, 2, 3]
    assert stream.response.num_bytes_downloaded == len(compressed)


async def test_a_gzip_encoded_event_stream_is_decoded_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    compressed = gzip.compress(body(4))
    headers = {"Content-Encoding": "gzip"}
    server.route("GET", PATH, body=compressed, content_type="text/event-stream", headers=headers)
    stream = await aopen_stream(async_api, AsyncStream[Chunk])
    assert [chunk.n async for chunk in stream] == [0, 1, 2, 3]
    assert stream.response.num_bytes_downloaded == len(compressed)


def test_a_cut_stream_raises_a_connection_error_whose_cause_names_the_request(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, sse=events(50), fault=CutAfter(200))
    stream = open_stream(api, Stream[Chunk])
    with pytest.raises(APIConnectionError) as caught:
        collect(stream, [])
    cause = caught.value.__cause__
    assert isinstance(cause, httpx2.TransportError)
    assert cause.request is stream.response.request


async def test_a_cut_stream_raises_a_connection_error_whose_cause_names_the_request_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, sse=events(50), fault=CutAfter(200))
    stream = await aopen_stream(async_api, AsyncStream[Chunk])
    with pytest.raises(APIConnectionError) as caught:
        await acollect(stream, [])
    cause = caught.value.__cause__
    assert isinstance(cause, httpx2.TransportError)
    assert cause.request is stream.response.request


# --- items are built when the caller asks for them ----------------------------------------


def test_the_items_of_one_chunk_are_built_one_at_a_time(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, body=body(100), content_type="text/event-stream")
    Counted.built = 0
    with open_stream(api, Stream[Counted]) as stream:
        assert next(stream).n == 0
        assert Counted.built == 1  # the other 99 events of the chunk wait undecoded
        assert next(stream).n == 1
        assert Counted.built == 2


async def test_the_items_of_one_chunk_are_built_one_at_a_time_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, body=body(100), content_type="text/event-stream")
    Counted.built = 0
    async with await aopen_stream(async_api, AsyncStream[Counted]) as stream:
        assert (await anext(stream)).n == 0
        assert Counted.built == 1
        assert (await anext(stream)).n == 1
        assert Counted.built == 2


def test_the_items_before_a_bad_event_in_the_same_chunk_come_first(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    sent = b'data: {"n": 0}\n\ndata: {"n": 1}\n\ndata: not json\n\ndata: {"n": 3}\n\n'
    server.route("GET", PATH, body=sent, content_type="text/event-stream")
    got: list[int] = []
    with pytest.raises(APIResponseValidationError):
        collect(open_stream(api, Stream[Chunk]), got)
    assert got == [0, 1]


async def test_the_items_before_a_bad_event_in_the_same_chunk_come_first_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    sent = b'data: {"n": 0}\n\ndata: {"n": 1}\n\ndata: not json\n\ndata: {"n": 3}\n\n'
    server.route("GET", PATH, body=sent, content_type="text/event-stream")
    got: list[int] = []
    with pytest.raises(APIResponseValidationError):
        await acollect(await aopen_stream(async_api, AsyncStream[Chunk]), got)
    assert got == [0, 1]


# --- close() from another task -----------------------------------------------------------


class _KeepsReading(httpx2.AsyncByteStream):
    """A body whose ``aclose()`` leaves a waiting read alone (some transports do)."""

    def __init__(self, inner: httpx2.AsyncByteStream) -> None:
        self._inner = inner

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        return  # the cancelled read unwinds the connection itself


class _LazyCloseTransport(httpx2.AsyncHTTPTransport):
    """httpx2's transport, its bodies wrapped in ``_KeepsReading``."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await super().handle_async_request(request)
        assert isinstance(response.stream, httpx2.AsyncByteStream)
        # Without httpx2's own extensions sdkcore cannot know that closing ends a read.
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_KeepsReading(response.stream),
            extensions={"http_version": b"HTTP/1.1"},
        )


async def test_aclose_from_another_task_ends_a_read_that_closing_does_not_end(
    server: LoopbackServer,
) -> None:
    server.route("GET", PATH, handler=lambda _: Reply(sse=events(2), interval=30))
    got: list[int] = []
    first = anyio.Event()
    async with (
        httpx2.AsyncClient(transport=_LazyCloseTransport()) as http,
        AsyncAPIClient(server.url, http_client=http, max_retries=0) as api,
    ):
        stream = await aopen_stream(api, AsyncStream[Chunk])

        async def consume() -> None:
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


# --- a subclass's own __next__ / __anext__ --------------------------------------------------


class Doubled(Stream[Chunk]):
    """A stream class whose ``__next__`` changes each item."""

    def __next__(self) -> Chunk:
        return Chunk(n=super().__next__().n * 2)


class AsyncDoubled(AsyncStream[Chunk]):
    """The async twin of ``Doubled``."""

    async def __anext__(self) -> Chunk:
        return Chunk(n=(await super().__anext__()).n * 2)


def test_a_loop_over_a_stream_subclass_calls_its_own_next(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("GET", PATH, body=body(3), content_type="text/event-stream")
    stream = open_stream(api, Doubled)
    assert [chunk.n for chunk in stream] == [0, 2, 4]
    assert stream.response.is_closed


async def test_a_loop_over_a_stream_subclass_calls_its_own_next_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("GET", PATH, body=body(3), content_type="text/event-stream")
    stream = await aopen_stream(async_api, AsyncDoubled)
    assert [chunk.n async for chunk in stream] == [0, 2, 4]
    assert stream.response.is_closed
