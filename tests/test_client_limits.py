"""Limits that keep a hostile body out of memory: ``max_body_size`` for ``parse()`` /
``read()`` (decompressed bytes count, so a gzip bomb is stopped) and the SSE event size
for an endless line. Each ends promptly in its typed error and frees the connection.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import tracemalloc
import zlib
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from _pool import lent_out
from sdkcore import (
    APIResponse,
    AsyncAPIClient,
    AsyncStream,
    BadRequestError,
    BodyTooLargeError,
    SSEDecodeError,
    Stream,
    SyncAPIClient,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from sdkcore.testing import RecordedWaits, Reply

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sdkcore._types import Headers
    from sdkcore.testing import LoopbackServer, Request

KIB = 1024
MIB = 1024 * KIB


class Client(SyncAPIClient):
    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


class AsyncClient(AsyncAPIClient):
    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def fetch(client: SyncAPIClient, path: str, *, extra_headers: Headers | None = None) -> object:
    return client.get(
        path, cast_to=bytes, options=make_request_options(extra_headers=extra_headers)
    )


async def afetch(
    client: AsyncAPIClient, path: str, *, extra_headers: Headers | None = None
) -> object:
    options = make_request_options(extra_headers=extra_headers)
    return await client.get(path, cast_to=bytes, options=options)


raw_fetch = to_raw_response_wrapper(fetch)
streamed_fetch = to_streamed_response_wrapper(fetch)
astreamed_fetch = async_to_streamed_response_wrapper(afetch)


def endless(request: Request) -> Reply:
    """A chunked body that never ends."""

    def chunks() -> Iterator[bytes]:
        while True:
            yield b"x" * (64 * KIB)

    return Reply(body=chunks())


def endless_sse_line(request: Request) -> Reply:
    """One SSE ``data:`` line that never ends."""

    def chunks() -> Iterator[bytes]:
        yield b"data: "
        while True:
            yield b"y" * (64 * KIB)

    return Reply(sse=chunks())


def endless_sse_event(request: Request) -> Reply:
    """Short lines forever, never the blank line that ends the event."""

    def chunks() -> Iterator[bytes]:
        while True:
            yield b"data: z\n" * 8192

    return Reply(sse=chunks())


def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MIB)
    return b"".join([*(compressor.compress(block) for _ in range(size // MIB)), compressor.flush()])


BOMB = gzip_bomb(64 * MIB)  # about 64 KiB on the wire


# --- max_body_size ----------------------------------------------------------------------------


def test_parse_of_a_body_over_max_body_size_raises_naming_the_limit_and_the_fix(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/big", body=b"x" * 10_001)
    with (
        Client(loopback_server.url, max_body_size=10_000) as client,
        pytest.raises(BodyTooLargeError) as info,
    ):
        fetch(client, "/big")
    message = str(info.value)
    assert "max_body_size=10000" in message
    assert "`max_body_size=`" in message
    assert "with_streaming_response" in message
    assert route.calls == 1  # not a transport failure: not retried


def test_a_body_of_exactly_max_body_size_is_read(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/big", body=b"x" * 10_000)
    with Client(loopback_server.url, max_body_size=10_000) as client:
        assert fetch(client, "/big") == b"x" * 10_000


def test_max_body_size_none_lifts_the_limit(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/big", body=b"x" * (3 * MIB))
    with Client(loopback_server.url, max_body_size=None) as client:
        assert client.max_body_size is None
        assert fetch(client, "/big") == b"x" * (3 * MIB)


def test_the_default_max_body_size_is_256_mib() -> None:
    with Client("http://127.0.0.1:9") as client:
        assert client.max_body_size == 256 * MIB


def test_an_endless_body_stops_at_the_limit_and_frees_the_connection(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/endless", handler=endless)
    with (
        httpx2.Client() as http,
        Client(loopback_server.url, max_body_size=MIB, http_client=http) as client,
    ):
        started = time.monotonic()
        with pytest.raises(BodyTooLargeError):
            fetch(client, "/endless")
        assert time.monotonic() - started < 1.0
        assert lent_out(http) == 0


@pytest.mark.anyio
async def test_an_endless_body_stops_at_the_limit_and_frees_the_connection_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/endless", handler=endless)
    async with (
        httpx2.AsyncClient() as http,
        AsyncClient(loopback_server.url, max_body_size=MIB, http_client=http) as client,
    ):
        started = time.monotonic()
        with pytest.raises(BodyTooLargeError):
            await afetch(client, "/endless")
        assert time.monotonic() - started < 1.0
        assert lent_out(http) == 0


def test_a_raw_response_is_read_within_the_limit_too(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/endless", handler=endless)
    with (
        Client(loopback_server.url, max_body_size=MIB) as client,
        pytest.raises(BodyTooLargeError),
    ):
        raw_fetch(client, "/endless")


def test_a_streamed_response_read_is_bounded_but_iteration_is_not(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/endless", handler=endless)
    with Client(loopback_server.url, max_body_size=MIB) as client:
        with streamed_fetch(client, "/endless") as response:
            with pytest.raises(BodyTooLargeError):
                response.read()
            assert response.is_closed
        with streamed_fetch(client, "/endless") as response:
            seen = 0
            for chunk in response.iter_bytes():
                seen += len(chunk)
                if seen > 4 * MIB:
                    break
        assert isinstance(response, APIResponse)
        assert response.is_closed


@pytest.mark.anyio
async def test_a_streamed_response_read_is_bounded_async(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/endless", handler=endless)
    async with (
        AsyncClient(loopback_server.url, max_body_size=MIB) as client,
        astreamed_fetch(client, "/endless") as response,
    ):
        with pytest.raises(BodyTooLargeError):
            await response.read()
        assert response.is_closed


def test_a_gzip_bomb_is_stopped_by_its_decompressed_size(loopback_server: LoopbackServer) -> None:
    assert len(BOMB) < MIB < 64 * MIB
    loopback_server.route("GET", "/bomb", body=BOMB, headers={"Content-Encoding": "gzip"})
    with Client(loopback_server.url, max_body_size=MIB) as client:
        tracemalloc.start()
        try:
            started = time.monotonic()
            with pytest.raises(BodyTooLargeError):
                fetch(client, "/bomb")
            elapsed = time.monotonic() - started
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 16 * MIB


@pytest.mark.anyio
async def test_a_gzip_bomb_is_stopped_by_its_decompressed_size_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/bomb", body=BOMB, headers={"Content-Encoding": "gzip"})
    async with AsyncClient(loopback_server.url, max_body_size=MIB) as client:
        with pytest.raises(BodyTooLargeError):
            await afetch(client, "/bomb")


def test_a_gzipped_body_within_the_limit_is_read_decompressed(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/small", text="hello " * 1000, gzip=True)
    with Client(loopback_server.url, max_body_size=6000) as client:
        assert fetch(client, "/small") == b"hello " * 1000


def test_an_endless_error_body_still_raises_the_status_error_promptly(
    loopback_server: LoopbackServer,
) -> None:
    def endless_error(request: Request) -> Reply:
        return Reply(status=400, body=endless(request).body)

    loopback_server.route("GET", "/bad", handler=endless_error)
    with httpx2.Client() as http, Client(loopback_server.url, http_client=http) as client:
        started = time.monotonic()
        with pytest.raises(BadRequestError) as info:
            fetch(client, "/bad")
        assert time.monotonic() - started < 1.0
        assert info.value.body is None  # too large to keep
        assert lent_out(http) == 0


# --- SSE event size ----------------------------------------------------------------------------


@pytest.mark.parametrize("handler", [endless_sse_line, endless_sse_event], ids=["line", "event"])
def test_an_endless_sse_event_raises_sse_decode_error_naming_the_limit(
    loopback_server: LoopbackServer, handler: Any
) -> None:
    loopback_server.route("GET", "/sse", handler=handler)
    with httpx2.Client() as http, Client(loopback_server.url, http_client=http) as client:
        stream = client.get("/sse", cast_to=str, stream=True, stream_cls=Stream[str])
        started = time.monotonic()
        with stream, pytest.raises(SSEDecodeError) as info:
            list(stream)
        assert time.monotonic() - started < 2.0
        assert "1048576" in str(info.value)
        assert stream.response.is_closed
        assert lent_out(http) == 0


def big_event(request: Request) -> Reply:
    """One 2 MiB event, then the end."""
    return Reply(sse=[{"data": {"blob": "x" * 2_097_152}}, "data: [DONE]\n\n"])


def test_the_client_max_event_size_sets_the_typed_stream_limit(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/big", handler=big_event)
    with Client(loopback_server.url, max_event_size=None) as client:
        stream = client.get("/big", cast_to=dict, stream=True, stream_cls=Stream[dict])
        with stream:
            assert [len(item["blob"]) for item in stream] == [2_097_152]
    with Client(loopback_server.url, max_event_size=1000) as client:
        stream = client.get("/big", cast_to=dict, stream=True, stream_cls=Stream[dict])
        with stream, pytest.raises(SSEDecodeError) as info:
            list(stream)
        assert "max_event_size=1000" in str(info.value)
        assert "client's max_event_size=" in str(info.value)


@pytest.mark.anyio
async def test_an_endless_sse_line_raises_sse_decode_error_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/sse", handler=endless_sse_line)
    async with (
        httpx2.AsyncClient() as http,
        AsyncClient(loopback_server.url, http_client=http) as client,
    ):
        stream = await client.get("/sse", cast_to=str, stream=True, stream_cls=AsyncStream[str])
        started = time.monotonic()
        async with stream:
            with pytest.raises(SSEDecodeError):
                async for _ in stream:
                    pass
        assert time.monotonic() - started < 2.0
        assert lent_out(http) == 0


# --- a decompression bomb with the default settings ------------------------------------------

BOMB_CLIENT = textwrap.dedent(
    """
    import sys
    from sdkcore import BodyTooLargeError, SyncAPIClient

    def kib(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1])

    with SyncAPIClient(sys.argv[1], max_retries=0) as client:
        client.get("/warm", cast_to=dict)
        open("/proc/self/clear_refs", "w").write("5")
        before = kib("VmRSS:")
        try:
            client.get("/bomb", cast_to=dict)
        except BodyTooLargeError as exc:
            print("raised", "max_decompressed_size" in str(exc), kib("VmHWM:") - before)
    """
)


@pytest.mark.slow
def test_a_1_gib_gzip_bomb_grows_memory_under_100_mib_with_the_default_limits() -> None:
    from sdkcore.testing import LoopbackServer, Reply

    with LoopbackServer() as server:
        server.route("GET", "/warm", json={})
        server.route("GET", "/bomb", Reply.gzip_bomb(1 << 30, content_type="application/json"))
        done = subprocess.run(
            [sys.executable, "-c", BOMB_CLIENT, server.url],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    raised, names_the_limit, grown_kib = done.stdout.split()
    assert (raised, names_the_limit) == ("raised", "True")
    assert int(grown_kib) < 100 * 1024


def test_the_default_bound_for_compressed_bodies_is_64_mib() -> None:
    with Client("http://127.0.0.1:9") as client:
        assert client.max_decompressed_size == 64 * MIB
        assert client.max_body_size == 256 * MIB


def test_an_uncompressed_body_over_the_compressed_bound_is_still_read(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/big", body=b"x" * (3 * MIB))
    with Client(loopback_server.url, max_decompressed_size=MIB) as client:
        assert fetch(client, "/big") == b"x" * (3 * MIB)


def test_a_compressed_body_is_bounded_by_max_decompressed_size_which_can_be_raised(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route(
        "GET", "/bomb", body=gzip_bomb(4 * MIB), headers={"Content-Encoding": "gzip"}
    )
    with (
        Client(loopback_server.url, max_decompressed_size=MIB) as client,
        pytest.raises(BodyTooLargeError, match="max_decompressed_size=1048576"),
    ):
        fetch(client, "/bomb")
    with Client(loopback_server.url, max_decompressed_size=8 * MIB) as client:
        assert fetch(client, "/bomb") == bytes(4 * MIB)
