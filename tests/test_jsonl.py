"""JSON Lines bodies: ``JSONLDecoder[T]`` / ``AsyncJSONLDecoder[T]`` as parse targets, streamed."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from _sdk import Acme, AsyncAcme, Thing
from sdkcore import (
    APIResponseValidationError,
    AsyncJSONLDecoder,
    JSONLDecoder,
    SSEDecodeError,
)
from sdkcore.testing import Stall

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sdkcore.testing import LoopbackServer

ROWS = [{"id": "a", "size": 1}, {"id": "b", "name": "bee"}, {"id": "c", "extra": [1]}]
BODY = b'{"id": "a", "size": 1}\n\n{"id": "b", "name": "bee"}\r\n{"id": "c", "extra": [1]}'
#: Split in the middle of lines and of a CRLF.
PARTS = [BODY[:5], BODY[5:30], BODY[30:51], BODY[51:52], BODY[52:]]
#: Abandoning an async body mid-way leaves httpcore2's ``PoolByteStream.__aiter__`` to the
#: garbage collector, which trio reports (upstream: pydantic/httpx2#1036).
HTTPCORE_ASYNCGEN_WARNING = (
    "ignore:Exception ignored in. <async_generator object PoolByteStream.__aiter__"
    ":pytest.PytestUnraisableExceptionWarning"
)


class EndlessLine:
    """A body of one line that never ends, counting the pieces the server pulled."""

    def __init__(self, piece: int = 64 * 1024, pieces: int = 4096) -> None:
        self.piece = b"x" * piece
        self.limit = pieces
        self.pulled = 0
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield b'{"id": "'
            for _ in range(self.limit):
                self.pulled += 1
                yield self.piece
        finally:
            self.closed.set()

    def pulled_bytes_after_close(self) -> int:
        assert self.closed.wait(5), "the server kept sending the endless line"
        return self.pulled * len(self.piece)


def test_parse_to_jsonl_decoder_yields_one_typed_item_per_line(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", body=PARTS)
    with client.things.with_streaming_response.get("t1") as response:
        decoder = response.parse(to=JSONLDecoder[Thing])
        assert isinstance(decoder, JSONLDecoder)
        items = list(decoder)
    assert all(type(item) is Thing for item in items)
    assert [item.to_dict() for item in items] == ROWS
    assert response.is_closed


@pytest.mark.anyio
async def test_parse_to_jsonl_decoder_yields_one_typed_item_per_line_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", body=PARTS)
    async with async_client.things.with_streaming_response.get("t1") as response:
        decoder = await response.parse(to=AsyncJSONLDecoder[Thing])
        assert isinstance(decoder, AsyncJSONLDecoder)
        items = [item async for item in decoder]
    assert all(type(item) is Thing for item in items)
    assert [item.to_dict() for item in items] == ROWS
    assert response.is_closed


def test_sdk_method_declaring_a_jsonl_decoder_returns_it(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/export", body=BODY, content_type="application/x-ndjson")
    with client.things.export() as rows:
        assert [row.id for row in rows] == ["a", "b", "c"]


@pytest.mark.anyio
async def test_sdk_method_declaring_a_jsonl_decoder_returns_it_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/export", body=BODY, content_type="application/x-ndjson")
    async with await async_client.things.export() as rows:
        assert [row.id async for row in rows] == ["a", "b", "c"]


def test_jsonl_parse_is_checked_before_the_stream_row(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/export", body=BODY)
    with client.things.with_streaming_response.export() as response:
        rows = response.parse()  # a stream=True call without stream class
        assert [row.id for row in rows] == ["a", "b", "c"]


def test_jsonl_decoder_over_a_read_body_iterates_it_from_memory(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", body=BODY)
    response = client.things.with_raw_response.get("t1")
    assert [row.id for row in response.parse(to=JSONLDecoder[Thing])] == ["a", "b", "c"]


def test_jsonl_items_arrive_before_the_body_ends(server: LoopbackServer, client: Acme) -> None:
    first_line = len(b'{"id": "a", "size": 1}\n')
    server.route("GET", "/things/export", body=BODY, fault=Stall(10, after_bytes=first_line))
    started = time.monotonic()
    with client.things.export() as rows:
        first = next(iter(rows))
    assert first.id == "a"
    assert time.monotonic() - started < 3  # did not wait for the stalled rest


@pytest.mark.anyio
@pytest.mark.filterwarnings(HTTPCORE_ASYNCGEN_WARNING)
async def test_jsonl_items_arrive_before_the_body_ends_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    first_line = len(b'{"id": "a", "size": 1}\n')
    server.route("GET", "/things/export", body=BODY, fault=Stall(10, after_bytes=first_line))
    started = time.monotonic()
    async with await async_client.things.export() as rows:
        async for row in rows:
            assert row.id == "a"
            break
    assert time.monotonic() - started < 3


def test_a_line_over_max_line_size_raises_without_reading_the_rest(
    server: LoopbackServer, client: Acme
) -> None:
    endless = EndlessLine()
    server.route("GET", "/things/export", body=endless)
    with (
        pytest.raises(SSEDecodeError, match="max_line_size=1048576"),
        client.things.export() as rows,
    ):
        list(rows)
    # The decoder gave up after about 1 MiB; socket buffers may hold a few more.
    assert endless.pulled_bytes_after_close() < 32 * (1 << 20)


@pytest.mark.anyio
@pytest.mark.filterwarnings(HTTPCORE_ASYNCGEN_WARNING)
async def test_a_line_over_max_line_size_raises_without_reading_the_rest_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    endless = EndlessLine()
    server.route("GET", "/things/export", body=endless)
    async with await async_client.things.export() as rows:
        with pytest.raises(SSEDecodeError, match="max_line_size"):
            _ = [row async for row in rows]
    assert endless.pulled_bytes_after_close() < 32 * (1 << 20)


def test_a_jsonl_decoder_built_by_hand_takes_its_own_line_limit(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", body=BODY)
    with client.things.with_streaming_response.get("t1") as response:
        rows = JSONLDecoder(line_type=Thing, response=response.http_response, max_line_size=10)
        with pytest.raises(SSEDecodeError, match="max_line_size=10"):
            list(rows)


def test_a_line_that_is_not_json_raises_validation_error(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/export", body=b'{"id": "a"}\nnot json\n{"id": "c"}\n')
    with client.things.export() as rows:
        iterator = iter(rows)
        assert next(iterator).id == "a"
        with pytest.raises(APIResponseValidationError, match="not json"):
            next(iterator)


def test_jsonl_lines_follow_strict_mode(server: LoopbackServer) -> None:
    server.route("GET", "/things/export", body=b'{"id": "a"}\n{"id": 5}\n')
    with Acme(server.url) as lenient, lenient.things.export() as rows:
        assert [row.id for row in rows] == ["a", 5]
    with (
        Acme(server.url, _strict_response_validation=True) as strict,
        strict.things.export() as rows,
    ):
        iterator = iter(rows)
        assert next(iterator).id == "a"
        with pytest.raises(APIResponseValidationError):
            next(iterator)
