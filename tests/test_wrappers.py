"""The eight response wrappers and ``extract_response_type``, through the example SDK."""

from __future__ import annotations

import gc
import inspect
import time
from typing import TYPE_CHECKING, Any

import pytest

from _sdk import Acme, AsyncAcme, AsyncThings, Thing, Things
from sdkcore import (
    OVERRIDE_CAST_TO_HEADER,
    RAW_RESPONSE_HEADER,
    APIResponse,
    AsyncAPIResponse,
    AsyncBinaryAPIResponse,
    AsyncResponseContextManager,
    AsyncStreamedBinaryAPIResponse,
    BinaryAPIResponse,
    ResponseContextManager,
    StreamedBinaryAPIResponse,
    async_to_custom_raw_response_wrapper,
    async_to_custom_streamed_response_wrapper,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    extract_response_type,
    to_custom_raw_response_wrapper,
    to_custom_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from sdkcore.testing import Stall

if TYPE_CHECKING:
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

THING = {"id": "t1", "name": "one"}
SENTINELS = {RAW_RESPONSE_HEADER.lower(), OVERRIDE_CAST_TO_HEADER.lower()}


class TaggedResponse(APIResponse[bytes]):
    """An SDK's own response class."""

    def tag(self) -> str:
        return f"tagged:{self.read().decode()}"


class AsyncTaggedResponse(AsyncAPIResponse[bytes]):
    async def tag(self) -> str:
        return f"tagged:{(await self.read()).decode()}"


def sent_headers(server: LoopbackServer) -> list[set[str]]:
    return [set(request.headers) for request in server.requests]


def assert_no_sentinel_reached_the_server(server: LoopbackServer) -> None:
    assert server.requests
    for names in sent_headers(server):
        assert not names & SENTINELS
        assert not any(name.startswith("x-sdkcore") for name in names)


# --- signature, name and docstring ---------------------------------------------------------


def sync_wrapped(things: Things) -> list[tuple[Any, Any]]:
    return [
        (things.get, to_raw_response_wrapper(things.get)),
        (things.get, to_streamed_response_wrapper(things.get)),
        (things.content, to_custom_raw_response_wrapper(things.content, BinaryAPIResponse)),
        (
            things.content,
            to_custom_streamed_response_wrapper(things.content, StreamedBinaryAPIResponse),
        ),
    ]


def async_wrapped(things: AsyncThings) -> list[tuple[Any, Any]]:
    return [
        (things.get, async_to_raw_response_wrapper(things.get)),
        (things.get, async_to_streamed_response_wrapper(things.get)),
        (
            things.content,
            async_to_custom_raw_response_wrapper(things.content, AsyncBinaryAPIResponse),
        ),
        (
            things.content,
            async_to_custom_streamed_response_wrapper(
                things.content, AsyncStreamedBinaryAPIResponse
            ),
        ),
    ]


def test_sync_wrappers_keep_signature_name_and_docstring(client: Acme) -> None:
    for func, wrapped in sync_wrapped(client.things):
        assert inspect.signature(wrapped) == inspect.signature(func)
        assert wrapped.__name__ == func.__name__
        assert wrapped.__qualname__ == func.__qualname__
        assert wrapped.__doc__ == func.__doc__
        assert wrapped.__wrapped__ == func


@pytest.mark.anyio
async def test_async_wrappers_keep_signature_name_and_docstring(async_client: AsyncAcme) -> None:
    for func, wrapped in async_wrapped(async_client.things):
        assert inspect.signature(wrapped) == inspect.signature(func)
        assert wrapped.__name__ == func.__name__
        assert wrapped.__doc__ == func.__doc__
        assert wrapped.__wrapped__ == func


@pytest.mark.anyio
async def test_raw_wrapper_of_an_async_method_stays_a_coroutine_function(
    async_client: AsyncAcme,
) -> None:
    raw = async_to_raw_response_wrapper(async_client.things.get)
    assert inspect.iscoroutinefunction(raw)
    streamed = async_to_streamed_response_wrapper(async_client.things.get)
    assert not inspect.iscoroutinefunction(streamed)  # returns an async context manager


# --- the sentinel headers --------------------------------------------------------------------


def test_sync_wrappers_never_send_the_sentinel_headers_nor_mutate_extra_headers(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    server.route("GET", "/things/t1/content", body=b"bytes")
    mine = {"X-Mine": "kept"}
    things = client.things
    things.with_raw_response.get("t1", extra_headers=mine)
    things.with_raw_response.content("t1", extra_headers=mine)
    with things.with_streaming_response.get("t1", extra_headers=mine):
        pass
    with things.with_streaming_response.content("t1", extra_headers=mine):
        pass
    assert mine == {"X-Mine": "kept"}
    assert len(server.requests) == 4
    assert all(request.headers["x-mine"] == "kept" for request in server.requests)
    assert_no_sentinel_reached_the_server(server)


@pytest.mark.anyio
async def test_async_wrappers_never_send_the_sentinel_headers_nor_mutate_extra_headers(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    server.route("GET", "/things/t1/content", body=b"bytes")
    mine = {"X-Mine": "kept"}
    things = async_client.things
    await things.with_raw_response.get("t1", extra_headers=mine)
    await things.with_raw_response.content("t1", extra_headers=mine)
    async with things.with_streaming_response.get("t1", extra_headers=mine):
        pass
    async with things.with_streaming_response.content("t1", extra_headers=mine):
        pass
    assert mine == {"X-Mine": "kept"}
    assert len(server.requests) == 4
    assert all(request.headers["x-mine"] == "kept" for request in server.requests)
    assert_no_sentinel_reached_the_server(server)


def test_sentinels_are_stripped_whatever_their_case(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json=THING)
    response = client.things.get(
        "t1",
        extra_headers={RAW_RESPONSE_HEADER.upper(): "raw"},  # as a hand-written SDK might
    )
    assert isinstance(response, APIResponse)
    assert_no_sentinel_reached_the_server(server)


# --- raw: read eagerly ------------------------------------------------------------------------


def test_raw_wrapper_returns_a_read_api_response(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json=THING)
    response = client.things.with_raw_response.get("t1")
    assert type(response) is APIResponse
    assert response.is_closed
    assert response.http_response.content == b'{"id": "t1", "name": "one"}'
    assert response.parse() == Thing(**THING)


@pytest.mark.anyio
async def test_raw_wrapper_returns_a_read_api_response_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    response = await async_client.things.with_raw_response.get("t1")
    assert type(response) is AsyncAPIResponse
    assert response.is_closed
    assert await response.parse() == Thing(**THING)


def test_raw_wrapper_returns_the_response_whatever_the_declared_type(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1/content", body=b"\x00\x01")
    response = to_raw_response_wrapper(client.things.content)("t1")
    assert type(response) is APIResponse
    assert response.parse() == b"\x00\x01"


# --- streaming: sent on enter, closed on exit, body not read ----------------------------------


def test_streaming_wrapper_sends_on_enter_and_closes_on_exit(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING, fault=Stall(5, after_bytes=4))
    manager = client.things.with_streaming_response.get("t1")
    assert isinstance(manager, ResponseContextManager)
    assert server.requests == []  # nothing sent yet
    started = time.monotonic()
    with manager as response:
        assert time.monotonic() - started < 2  # the stalled body was not waited for
        assert len(server.requests) == 1
        assert type(response) is APIResponse
        assert not response.is_closed
        assert not response.http_response.is_stream_consumed
    assert response.is_closed


def test_streaming_wrapper_reads_the_body_when_asked(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", body=[b'{"id"', b': "t1"}'])
    with client.things.with_streaming_response.get("t1") as response:
        assert response.parse() == Thing(id="t1")
        assert response.parse() is response.parse()


def test_streaming_wrapper_closes_the_response_when_the_block_raises(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    with pytest.raises(KeyError), client.things.with_streaming_response.get("t1") as response:
        raise KeyError("boom")
    assert response.is_closed


@pytest.mark.anyio
async def test_streaming_wrapper_sends_on_enter_and_closes_on_exit_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING, fault=Stall(5, after_bytes=4))
    manager = async_client.things.with_streaming_response.get("t1")
    assert isinstance(manager, AsyncResponseContextManager)
    assert server.requests == []
    started = time.monotonic()
    async with manager as response:
        assert time.monotonic() - started < 2
        assert len(server.requests) == 1
        assert type(response) is AsyncAPIResponse
        assert not response.is_closed
    assert response.is_closed


@pytest.mark.anyio
async def test_streaming_wrapper_reads_the_body_when_asked_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", body=[b'{"id"', b': "t1"}'])
    async with async_client.things.with_streaming_response.get("t1") as response:
        assert await response.parse() == Thing(id="t1")


@pytest.mark.anyio
async def test_an_async_streaming_manager_never_entered_sends_nothing_and_warns_nothing(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    manager = async_client.things.with_streaming_response.get("t1")
    del manager
    gc.collect()  # an un-awaited coroutine would warn here, failing the test
    assert server.requests == []


# --- custom response classes -------------------------------------------------------------------


def test_custom_raw_wrapper_answers_with_the_response_class(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1/content", body=b"\x00\x01")
    response = client.things.with_raw_response.content("t1")
    assert type(response) is BinaryAPIResponse
    assert response.is_closed
    assert response.parse() == b"\x00\x01"
    tagged = to_custom_raw_response_wrapper(client.things.content, TaggedResponse)("t1")
    assert type(tagged) is TaggedResponse
    assert tagged.tag() == "tagged:\x00\x01"
    assert_no_sentinel_reached_the_server(server)


def test_custom_streamed_wrapper_answers_with_the_unread_response_class(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1/content", body=b"abc")
    with client.things.with_streaming_response.content("t1") as response:
        assert type(response) is StreamedBinaryAPIResponse
        assert not response.is_closed
        assert response.read() == b"abc"
    manager = to_custom_streamed_response_wrapper(client.things.content, TaggedResponse)("t1")
    with manager as tagged:
        assert type(tagged) is TaggedResponse
        assert not tagged.is_closed
        assert tagged.tag() == "tagged:abc"
    assert tagged.is_closed
    assert_no_sentinel_reached_the_server(server)


@pytest.mark.anyio
async def test_custom_raw_wrapper_answers_with_the_response_class_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1/content", body=b"\x00\x01")
    response = await async_client.things.with_raw_response.content("t1")
    assert type(response) is AsyncBinaryAPIResponse
    assert await response.parse() == b"\x00\x01"
    wrapped = async_to_custom_raw_response_wrapper(async_client.things.content, AsyncTaggedResponse)
    tagged = await wrapped("t1")
    assert type(tagged) is AsyncTaggedResponse
    assert await tagged.tag() == "tagged:\x00\x01"


@pytest.mark.anyio
async def test_custom_streamed_wrapper_answers_with_the_unread_response_class_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1/content", body=b"abc")
    async with async_client.things.with_streaming_response.content("t1") as response:
        assert type(response) is AsyncStreamedBinaryAPIResponse
        assert not response.is_closed
        assert await response.read() == b"abc"
    assert response.is_closed
    assert_no_sentinel_reached_the_server(server)


def test_wrapping_a_method_that_drops_extra_headers_raises_type_error(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)

    def forgetful(thing_id: str, **_: object) -> Thing:
        return client.things.get(thing_id)

    with pytest.raises(TypeError, match="extra_headers"):
        to_raw_response_wrapper(forgetful)("t1")


# --- extract_response_type ---------------------------------------------------------------------


class Untyped(APIResponse):  # type: ignore[type-arg]  # no type argument, on purpose
    pass


@pytest.mark.parametrize(
    ("response_type", "expected"),
    [
        (APIResponse[Thing], Thing),
        (AsyncAPIResponse[Thing], Thing),
        (APIResponse[list[Thing]], list[Thing]),
        (BinaryAPIResponse, bytes),
        (AsyncBinaryAPIResponse, bytes),
        (StreamedBinaryAPIResponse, bytes),
        (AsyncStreamedBinaryAPIResponse, bytes),
        (TaggedResponse, bytes),
    ],
)
def test_extract_response_type_returns_the_type_argument(
    response_type: Any, expected: object
) -> None:
    assert extract_response_type(response_type) == expected


@pytest.mark.parametrize("response_type", [APIResponse, AsyncAPIResponse, Untyped])
def test_extract_response_type_of_a_class_without_type_argument_raises_type_error(
    response_type: Any,
) -> None:
    with pytest.raises(TypeError, match="type argument"):
        extract_response_type(response_type)


# --- the context managers and resources, used directly ----------------------------------------


def test_response_context_manager_defers_the_request_to_enter_and_closes_on_exit(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    manager = ResponseContextManager(
        lambda: client.things.with_streaming_response.get("t1").__enter__()
    )
    assert server.requests == []
    with manager as response:
        assert len(server.requests) == 1
        assert not response.is_closed
    assert response.is_closed


@pytest.mark.anyio
async def test_async_response_context_manager_awaits_on_enter_and_closes_on_exit(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)

    async def request() -> AsyncAPIResponse[Thing]:
        return await async_client.things.with_streaming_response.get("t1").__aenter__()

    manager = AsyncResponseContextManager(request())
    assert server.requests == []
    async with manager as response:
        assert len(server.requests) == 1
        assert not response.is_closed
    assert response.is_closed


def test_resource_shortcuts_send_each_method_through_the_client(
    server: LoopbackServer, client: Acme
) -> None:
    resource = Things(client)
    assert resource._client is client
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        server.route(method, "/things/t1", json={"id": method.lower()})
    calls = {
        "GET": resource._get("/things/t1", cast_to=Thing),
        "POST": resource._post("/things/t1", cast_to=Thing, body={"a": 1}),
        "PUT": resource._put("/things/t1", cast_to=Thing, body={"a": 1}),
        "PATCH": resource._patch("/things/t1", cast_to=Thing, body={"a": 1}),
        "DELETE": resource._delete("/things/t1", cast_to=Thing),
    }
    assert {method: thing.id for method, thing in calls.items()} == {
        method: method.lower() for method in calls
    }
    assert [request.method for request in server.requests] == list(calls)
    assert [request.json() for request in server.requests[1:4]] == [{"a": 1}] * 3


@pytest.mark.anyio
async def test_async_resource_shortcuts_send_each_method_through_the_client(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    resource = AsyncThings(async_client)
    assert resource._client is async_client
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        server.route(method, "/things/t1", json={"id": method.lower()})
    assert (await resource._get("/things/t1", cast_to=Thing)).id == "get"
    assert (await resource._post("/things/t1", cast_to=Thing, body={})).id == "post"
    assert (await resource._put("/things/t1", cast_to=Thing, body={})).id == "put"
    assert (await resource._patch("/things/t1", cast_to=Thing, body={})).id == "patch"
    assert (await resource._delete("/things/t1", cast_to=Thing)).id == "delete"


# --- a custom response class decides what parse() returns ------------------------------------


class AsDict(APIResponse[dict[str, object]]):
    """A user's response class: the body as a plain dict, whatever the method declared."""


class AsyncAsDict(AsyncAPIResponse[dict[str, object]]):
    """The async twin of ``AsDict``."""


def test_a_custom_raw_response_class_parses_to_its_own_type_not_the_methods(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    binary = to_custom_raw_response_wrapper(client.things.get, BinaryAPIResponse)("t1")
    assert type(binary) is BinaryAPIResponse
    assert binary.parse() == b'{"id": "t1", "name": "one"}'
    as_dict = to_custom_raw_response_wrapper(client.things.get, AsDict)("t1")
    assert as_dict.parse() == THING
    assert type(as_dict.parse()) is dict
    assert client.things.get("t1") == Thing(**THING)  # the plain call still parses as declared


def test_a_custom_streamed_response_class_parses_to_its_own_type_not_the_methods(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    with to_custom_streamed_response_wrapper(client.things.get, AsDict)("t1") as response:
        assert response.parse() == THING
    with to_custom_streamed_response_wrapper(client.things.get, StreamedBinaryAPIResponse)(
        "t1"
    ) as streamed:
        assert streamed.parse() == b'{"id": "t1", "name": "one"}'


async def test_a_custom_raw_response_class_parses_to_its_own_type_not_the_methods_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    wrapped = async_to_custom_raw_response_wrapper(async_client.things.get, AsyncBinaryAPIResponse)
    binary = await wrapped("t1")
    assert await binary.parse() == b'{"id": "t1", "name": "one"}'
    as_dict = await async_to_custom_raw_response_wrapper(async_client.things.get, AsyncAsDict)("t1")
    assert await as_dict.parse() == THING


async def test_a_custom_streamed_response_class_parses_to_its_own_type_not_the_methods_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json=THING)
    manager = async_to_custom_streamed_response_wrapper(async_client.things.get, AsyncAsDict)
    async with manager("t1") as response:
        assert await response.parse() == THING


def test_the_response_class_is_not_kept_anywhere_after_the_call(
    server: LoopbackServer, client: Acme
) -> None:
    from sdkcore import _options

    server.route("GET", "/things/t1", json=THING)
    for _ in range(3):

        class Fresh(APIResponse[dict[str, object]]):
            pass

        assert to_custom_raw_response_wrapper(client.things.get, Fresh)("t1").parse() == THING
    assert _options.response_class_slot.get() is None
    assert not [name for name in vars(_options) if "registry" in name.lower()]


def test_the_override_header_sent_by_hand_is_refused_with_advice(client: Acme) -> None:
    with pytest.raises(TypeError, match="custom response wrappers"):
        client.things.get("t1", extra_headers={OVERRIDE_CAST_TO_HEADER: "BinaryAPIResponse"})


@pytest.mark.parametrize("value", [True, 1, b"raw", "sideways"])
def test_a_sentinel_header_with_a_wrong_value_raises_a_clear_type_error(
    client: Acme, value: object
) -> None:
    with pytest.raises(TypeError, match=RAW_RESPONSE_HEADER):
        client.things.get("t1", extra_headers={RAW_RESPONSE_HEADER: value})  # type: ignore[dict-item]


def test_a_header_value_that_is_not_text_raises_a_clear_type_error(client: Acme) -> None:
    with pytest.raises(TypeError, match="'X-Count' has a int value"):
        client.things.get("t1", extra_headers={"X-Count": 3})  # type: ignore[dict-item]


# --- a method without extra_headers is refused when wrapped --------------------------------------


def test_wrapping_a_method_without_extra_headers_says_what_to_add() -> None:
    def rigid(thing_id: str) -> Thing:
        raise AssertionError("never called")

    for wrap in (
        to_raw_response_wrapper,
        to_streamed_response_wrapper,
        async_to_raw_response_wrapper,
        async_to_streamed_response_wrapper,
    ):
        with pytest.raises(TypeError, match=r"add `extra_headers: Headers \| None = None`"):
            wrap(rigid)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="make_request_options"):
        to_custom_raw_response_wrapper(rigid, BinaryAPIResponse)
