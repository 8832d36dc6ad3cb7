"""``APIResponse`` / ``AsyncAPIResponse``: every property and every way to read the body."""

from __future__ import annotations

import datetime
import re
from contextlib import aclosing

import httpx2
import pytest

from _sdk import Acme, AsyncAcme, Thing
from sdkcore import (
    APIResponse,
    AsyncAPIResponse,
    BaseAPIResponse,
    CallContext,
    FinalRequestOptions,
    StreamAlreadyConsumed,
)
from sdkcore.testing import FailTimes, LoopbackServer

THING = {"id": "t1", "name": "one"}
HEADERS = {"X-Request-Id": "req_7", "X-Secret-Looking": "s3cr3t-value", "X-Ratelimit": "99"}
LINES_BODY = b"alpha\nbeta\r\ngamma\rdelta\n\nlast"
LINES = ["alpha", "beta", "gamma", "delta", "", "last"]
#: Closing an async body mid-way leaves httpcore2's ``PoolByteStream.__aiter__`` generator
#: to the garbage collector, which trio reports (upstream: pydantic/httpx2#1036).
HTTPCORE_ASYNCGEN_WARNING = (
    "ignore:Exception ignored in. <async_generator object PoolByteStream.__aiter__"
    ":pytest.PytestUnraisableExceptionWarning"
)


def one_connection_client(server: LoopbackServer) -> tuple[httpx2.Client, Acme]:
    """A client whose pool holds one connection: a leaked response blocks the next call."""
    pool = httpx2.Client(limits=httpx2.Limits(max_connections=1), timeout=httpx2.Timeout(5, pool=1))
    return pool, Acme(server.url, http_client=pool)


def one_connection_async_client(server: LoopbackServer) -> tuple[httpx2.AsyncClient, AsyncAcme]:
    pool = httpx2.AsyncClient(
        limits=httpx2.Limits(max_connections=1), timeout=httpx2.Timeout(5, pool=1)
    )
    return pool, AsyncAcme(server.url, http_client=pool)


# --- properties --------------------------------------------------------------------------------


def test_properties_read_from_the_wrapped_response(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json=THING, headers=HEADERS, status=203)
    response = client.things.with_raw_response.get("t1", verbose=True)
    assert isinstance(response, APIResponse)
    assert isinstance(response.http_response, httpx2.Response)
    assert response.status_code == 203
    assert response.headers["x-ratelimit"] == "99"
    assert response.headers is response.http_response.headers
    assert response.http_request is response.http_response.request
    assert response.http_request.method == "GET"
    assert response.method == "GET"
    assert response.url == httpx2.URL(server.url_for("/things/t1?verbose=true"))
    assert response.http_version == "HTTP/1.1"
    assert isinstance(response.elapsed, datetime.timedelta)
    assert response.elapsed > datetime.timedelta(0)
    assert response.is_closed  # a raw response is read eagerly
    assert response.retries_taken == 0
    assert response.request_id == "req_7"


@pytest.mark.anyio
async def test_properties_read_from_the_wrapped_response_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING, headers=HEADERS, status=203)
    response = await async_client.things.with_raw_response.get("t1", verbose=True)
    assert isinstance(response, AsyncAPIResponse)
    assert response.status_code == 203
    assert response.headers["x-ratelimit"] == "99"
    assert response.http_request is response.http_response.request
    assert response.method == "GET"
    assert response.url == httpx2.URL(server.url_for("/things/t1?verbose=true"))
    assert response.http_version == "HTTP/1.1"
    assert response.elapsed > datetime.timedelta(0)
    assert response.is_closed
    assert response.retries_taken == 0
    assert response.request_id == "req_7"


def test_request_id_is_none_without_the_header(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json=THING)
    assert client.things.with_raw_response.get("t1").request_id is None


@pytest.mark.anyio
async def test_request_id_is_none_without_the_header_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    assert (await async_client.things.with_raw_response.get("t1")).request_id is None


def test_retries_taken_counts_the_retries_before_the_response(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING, fault=FailTimes(2, status=503))
    response = client.things.with_raw_response.get("t1")
    assert response.retries_taken == 2
    assert response.parse() == Thing(**THING)
    assert len(client.sleeps) == 2


@pytest.mark.anyio
async def test_retries_taken_counts_the_retries_before_the_response_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING, fault=FailTimes(1, status=429))
    response = await async_client.things.with_raw_response.get("t1")
    assert response.retries_taken == 1


def test_streamed_response_is_open_until_read(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json=THING)
    with client.things.with_streaming_response.get("t1") as response:
        assert not response.is_closed
        # httpx2 knows the elapsed time only once the body has ended.
        with pytest.raises(RuntimeError, match="elapsed"):
            _ = response.elapsed
        response.read()
        assert response.is_closed
        assert response.elapsed > datetime.timedelta(0)


@pytest.mark.anyio
async def test_streamed_response_is_open_until_read_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert not response.is_closed
        await response.read()
        assert response.is_closed


def test_repr_shows_status_and_type_and_no_header_value(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING, headers=HEADERS)
    server.route("GET", "/things/t1/content", body=b"\x00\x01")
    response = client.things.with_raw_response.get("t1")
    assert repr(response) == "<APIResponse [200 OK] type=<class '_sdk.Thing'>>"
    assert re.fullmatch(r"<APIResponse \[200 OK\] type=<class '.*Thing'>>", repr(response))
    for value in HEADERS.values():
        assert value not in repr(response)
    binary = client.things.with_raw_response.content("t1")
    assert repr(binary) == "<BinaryAPIResponse [200 OK] type=<class 'bytes'>>"


@pytest.mark.anyio
async def test_repr_shows_status_and_type_and_no_header_value_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING, headers=HEADERS, status=201)
    response = await async_client.things.with_raw_response.get("t1")
    assert repr(response) == "<AsyncAPIResponse [201 Created] type=<class '_sdk.Thing'>>"
    for value in HEADERS.values():
        assert value not in repr(response)


# --- read, text, json -------------------------------------------------------------------------


def test_read_text_and_json_return_the_body(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "name": "caf\u00e9"})
    response = client.things.with_raw_response.get("t1")
    body = b'{"id": "t1", "name": "caf\\u00e9"}'
    assert response.read() == body
    assert response.read() == body  # again, from memory
    assert response.text() == body.decode()
    assert response.json() == {"id": "t1", "name": "caf\u00e9"}


@pytest.mark.anyio
async def test_read_text_and_json_return_the_body_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    response = await async_client.things.with_raw_response.get("t1")
    assert await response.read() == b'{"id": "t1"}'
    assert await response.read() == b'{"id": "t1"}'
    assert await response.text() == '{"id": "t1"}'
    assert await response.json() == {"id": "t1"}


def test_text_and_json_read_a_streamed_body_on_demand(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json=THING)
    with client.things.with_streaming_response.get("t1") as response:
        assert response.json() == THING
    with client.things.with_streaming_response.get("t1") as response:
        assert response.text() == '{"id": "t1", "name": "one"}'


@pytest.mark.anyio
async def test_text_and_json_read_a_streamed_body_on_demand_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert await response.json() == THING
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert await response.text() == '{"id": "t1", "name": "one"}'


# --- close ---------------------------------------------------------------------------------


def test_close_is_idempotent_and_returns_the_connection_to_the_pool(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/things/t1", body=[b'{"id": ', b'"t1"}'])  # streamed, chunked
    pool, client = one_connection_client(server)
    with pool, client:
        for _ in range(3):
            with client.things.with_streaming_response.get("t1") as response:
                assert not response.is_closed
                response.close()
                response.close()
                assert response.is_closed
        # Unread and closed by hand, then by the context manager: the pool is free.
        response = client.things.with_streaming_response.get("t1").__enter__()
        response.close()
        assert client.things.get("t1") == Thing(id="t1")


def test_leaving_the_streaming_context_unread_returns_the_connection(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/things/t1", json=THING)
    pool, client = one_connection_client(server)
    with pool, client:
        for _ in range(3):
            with client.things.with_streaming_response.get("t1") as response:
                assert response.status_code == 200
        assert client.things.get("t1") == Thing(**THING)


@pytest.mark.anyio
async def test_close_is_idempotent_and_returns_the_connection_to_the_pool_async(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/things/t1", body=[b'{"id": ', b'"t1"}'])
    pool, client = one_connection_async_client(server)
    async with pool, client:
        for _ in range(3):
            async with client.things.with_streaming_response.get("t1") as response:
                await response.close()
                await response.close()
                assert response.is_closed
        assert await client.things.get("t1") == Thing(id="t1")


# --- iterators -------------------------------------------------------------------------------


def test_iter_bytes_yields_the_body_in_chunks_of_the_given_size(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", body=b"0123456789")
    with client.things.with_streaming_response.get("t1") as response:
        assert list(response.iter_bytes(4)) == [b"0123", b"4567", b"89"]
    with client.things.with_streaming_response.get("t1") as response:
        assert b"".join(response.iter_bytes()) == b"0123456789"


@pytest.mark.anyio
async def test_iter_bytes_yields_the_body_in_chunks_of_the_given_size_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", body=b"0123456789")
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert [chunk async for chunk in response.iter_bytes(4)] == [b"0123", b"4567", b"89"]


def test_iter_text_decodes_the_body(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", text="h\u00e9llo w\u00f6rld")
    with client.things.with_streaming_response.get("t1") as response:
        parts = list(response.iter_text(3))
    assert "".join(parts) == "h\u00e9llo w\u00f6rld"
    assert all(len(part) <= 3 for part in parts[:-1])


@pytest.mark.anyio
async def test_iter_text_decodes_the_body_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", text="h\u00e9llo w\u00f6rld")
    async with async_client.things.with_streaming_response.get("t1") as response:
        text = "".join([part async for part in response.iter_text()])
    assert text == "h\u00e9llo w\u00f6rld"


def test_iter_lines_yields_lines_without_their_endings(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", body=[LINES_BODY[:8], LINES_BODY[8:13], LINES_BODY[13:]])
    with client.things.with_streaming_response.get("t1") as response:
        assert list(response.iter_lines()) == LINES


@pytest.mark.anyio
async def test_iter_lines_yields_lines_without_their_endings_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", body=[LINES_BODY[:8], LINES_BODY[8:13], LINES_BODY[13:]])
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert [line async for line in response.iter_lines()] == LINES


def test_iterating_a_read_body_yields_it_from_memory(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", body=LINES_BODY)
    response = client.things.with_raw_response.get("t1")
    assert b"".join(response.iter_bytes()) == LINES_BODY
    assert list(response.iter_lines()) == LINES
    assert response.read() == LINES_BODY  # iterating a read body does not consume it


@pytest.mark.anyio
async def test_iterating_a_read_body_yields_it_from_memory_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", body=LINES_BODY)
    response = await async_client.things.with_raw_response.get("t1")
    assert [line async for line in response.iter_lines()] == LINES
    assert await response.read() == LINES_BODY


@pytest.mark.parametrize("iterate", ["iter_bytes", "iter_text", "iter_lines"])
def test_read_after_iteration_raises_stream_already_consumed(
    server: LoopbackServer, client: Acme, iterate: str
) -> None:
    server.route("GET", "/things/t1", json=THING)
    with client.things.with_streaming_response.get("t1") as response:
        assert list(getattr(response, iterate)())
        with pytest.raises(StreamAlreadyConsumed, match=r"read\(\) or parse\(\) before iterating"):
            response.read()
        for method in (response.text, response.json, response.parse):
            with pytest.raises(StreamAlreadyConsumed):
                method()


def test_read_after_a_partial_iteration_raises_stream_already_consumed(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", body=b"x" * 100_000)
    with client.things.with_streaming_response.get("t1") as response:
        chunks = response.iter_bytes(10)
        assert next(chunks) == b"x" * 10
        with pytest.raises(StreamAlreadyConsumed, match="keep the chunks"):
            response.read()
        chunks.close()


def test_read_after_iterating_the_raw_httpx_response_raises_stream_already_consumed(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    with client.things.with_streaming_response.get("t1") as response:
        assert b"".join(response.http_response.iter_bytes())
        with pytest.raises(StreamAlreadyConsumed):
            response.read()


@pytest.mark.anyio
@pytest.mark.parametrize("iterate", ["iter_bytes", "iter_text", "iter_lines"])
async def test_read_after_iteration_raises_stream_already_consumed_async(
    server: LoopbackServer, async_client: AsyncAcme, iterate: str
) -> None:
    server.route("GET", "/things/t1", json=THING)
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert [part async for part in getattr(response, iterate)()]
        with pytest.raises(StreamAlreadyConsumed, match=r"read\(\) or parse\(\) before iterating"):
            await response.read()
        for method in (response.text, response.json, response.parse):
            with pytest.raises(StreamAlreadyConsumed):
                await method()


@pytest.mark.anyio
@pytest.mark.filterwarnings(HTTPCORE_ASYNCGEN_WARNING)
async def test_read_after_a_partial_iteration_raises_stream_already_consumed_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", body=b"x" * 100_000)
    async with async_client.things.with_streaming_response.get("t1") as response:
        async with aclosing(response.iter_bytes(10)) as chunks:
            assert await anext(chunks) == b"x" * 10
        with pytest.raises(StreamAlreadyConsumed):
            await response.read()


def test_an_api_response_can_be_built_around_any_httpx_response(server: LoopbackServer) -> None:
    server.route("GET", "/things/t1", json=THING, headers={"x-request-id": "r9"})
    with httpx2.Client() as http:
        raw = http.get(server.url_for("/things/t1"))
    options = FinalRequestOptions(method="get", url="/things/t1")
    response = APIResponse(raw=raw, cast_to=Thing, context=CallContext.standalone(options))
    assert response.retries_taken == 0
    assert response.http_response is raw
    assert response.parse() == Thing(**THING)
    assert response.parse()._request_id == "r9"
    base = BaseAPIResponse(raw=raw, cast_to=bytes, retries_taken=3)
    assert (base.status_code, base.retries_taken) == (200, 3)
    assert repr(base) == "<BaseAPIResponse [200 OK] type=<class 'bytes'>>"
