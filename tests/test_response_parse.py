"""``parse()``: every row of the dispatch table, the cache, post_parser and the JSON rules.

Each test gets a real response from the loopback server through the public raw
wrapper, then parses it. Sync tests and their async twins sit together.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import httpx2
import pydantic
import pytest
from typing_extensions import TypeAliasType, TypedDict

from _sdk import Acme, AsyncAcme, Chunk, Thing
from sdkcore import (
    APIResponse,
    APIResponseValidationError,
    AsyncAPIResponse,
    AsyncStream,
    BaseModel,
    HttpxBinaryResponseContent,
    MissingStreamClassError,
    Stream,
    async_to_raw_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
)

if TYPE_CHECKING:
    from sdkcore._types import Headers, PostParser
    from sdkcore.testing import LoopbackServer


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    barks: int


Pet = Annotated[Cat | Dog, pydantic.Field(discriminator="kind")]
ThingList = TypeAliasType("ThingList", list[Thing])


class ThingDict(TypedDict):
    id: str
    size: int


class PlainModel(pydantic.BaseModel):
    id: str


class MyResponse(httpx2.Response):
    pass


def raw_get(
    client: Acme,
    path: str,
    cast_to: Any = object,
    *,
    stream: bool = False,
    stream_cls: Any = None,
    post_parser: PostParser | None = None,
) -> APIResponse[Any]:
    """``GET path`` through the public raw wrapper, as an SDK method would be wrapped."""

    def call(*, extra_headers: Headers | None = None) -> object:
        options = make_request_options(extra_headers=extra_headers)
        if post_parser is not None:
            options["post_parser"] = post_parser
        return client.get(
            path, cast_to=cast_to, options=options, stream=stream, stream_cls=stream_cls
        )

    return to_raw_response_wrapper(call)()


async def araw_get(
    client: AsyncAcme,
    path: str,
    cast_to: Any = object,
    *,
    stream: bool = False,
    stream_cls: Any = None,
    post_parser: PostParser | None = None,
) -> AsyncAPIResponse[Any]:
    """The async twin of ``raw_get``."""

    async def call(*, extra_headers: Headers | None = None) -> object:
        options = make_request_options(extra_headers=extra_headers)
        if post_parser is not None:
            options["post_parser"] = post_parser
        return await client.get(
            path, cast_to=cast_to, options=options, stream=stream, stream_cls=stream_cls
        )

    return await async_to_raw_response_wrapper(call)()


def files_in(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir()}


# --- the plain rows: (reply fields, target, expected value) -----------------------------------

PLAIN_ROWS: list[Any] = [
    pytest.param({"text": "anything"}, type(None), None, id="NoneType"),
    pytest.param({"text": "h\u00e9llo w\u00f6rld"}, str, "h\u00e9llo w\u00f6rld", id="str"),
    pytest.param({"body": b"\x00\xff\x10raw"}, bytes, b"\x00\xff\x10raw", id="bytes"),
    pytest.param({"text": "42"}, int, 42, id="int"),
    pytest.param({"text": " -7\n"}, int, -7, id="int-spaces"),
    pytest.param({"text": "2.5"}, float, 2.5, id="float"),
    pytest.param({"text": "true"}, bool, True, id="bool-true"),
    pytest.param({"text": " TRUE "}, bool, True, id="bool-TRUE-spaces"),
    pytest.param({"text": "True\n"}, bool, True, id="bool-True-newline"),
    pytest.param({"text": "yes"}, bool, False, id="bool-yes-is-false"),
    pytest.param({"text": "false"}, bool, False, id="bool-false"),
    pytest.param({"text": "1"}, bool, False, id="bool-1-is-false"),
    pytest.param(
        {"json": {"id": "t1", "name": "one"}}, Thing, Thing(id="t1", name="one"), id="model"
    ),
    pytest.param(
        {"json": [{"id": "a"}, {"id": "b"}]},
        list[Thing],
        [Thing(id="a"), Thing(id="b")],
        id="list-of-models",
    ),
    pytest.param({"json": {"a": 1, "b": 2}}, dict[str, int], {"a": 1, "b": 2}, id="dict"),
    pytest.param({"json": {"id": "u"}}, Union[Thing, int], Thing(id="u"), id="Union-model"),  # noqa: UP007  # typing.Union is its own row
    pytest.param({"json": 5}, Union[Thing, int], 5, id="Union-int"),  # noqa: UP007  # typing.Union is its own row
    pytest.param({"json": {"id": "p"}}, Thing | int, Thing(id="p"), id="pipe-union-model"),
    pytest.param({"json": 9}, Thing | int, 9, id="pipe-union-int"),
    pytest.param(
        {"json": {"kind": "dog", "barks": 3}}, Pet, Dog(kind="dog", barks=3), id="discriminated"
    ),
    pytest.param(
        {"json": {"kind": "cat", "lives": 9}}, Pet, Cat(kind="cat", lives=9), id="discriminated-2"
    ),
    pytest.param({"json": [{"id": "x"}]}, ThingList, [Thing(id="x")], id="TypeAliasType"),
    pytest.param(
        {"json": {"id": "d", "size": 3}}, ThingDict, {"id": "d", "size": 3}, id="TypedDict"
    ),
    pytest.param({"json": {"any": [1, None]}}, object, {"any": [1, None]}, id="object"),
    pytest.param({"json": [1, "two"]}, list, [1, "two"], id="bare-list"),
]


@pytest.mark.parametrize(("reply", "target", "expected"), PLAIN_ROWS)
def test_parse_builds_each_target_of_the_dispatch_table(
    server: LoopbackServer, client: Acme, reply: dict[str, Any], target: Any, expected: object
) -> None:
    server.route("GET", "/row", **reply)
    value = raw_get(client, "/row", target).parse()
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.anyio
@pytest.mark.parametrize(("reply", "target", "expected"), PLAIN_ROWS)
async def test_parse_builds_each_target_of_the_dispatch_table_async(
    server: LoopbackServer,
    async_client: AsyncAcme,
    reply: dict[str, Any],
    target: Any,
    expected: object,
) -> None:
    server.route("GET", "/row", **reply)
    value = await (await araw_get(async_client, "/row", target)).parse()
    assert value == expected
    assert type(value) is type(expected)


def test_parse_to_httpx_response_returns_the_wrapped_response(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/row", text="hi")
    response = raw_get(client, "/row", httpx2.Response)
    assert response.parse() is response.http_response
    assert response.parse().text == "hi"


@pytest.mark.anyio
async def test_parse_to_httpx_response_returns_the_wrapped_response_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/row", text="hi")
    response = await araw_get(async_client, "/row", httpx2.Response)
    assert await response.parse() is response.http_response


def test_parse_to_a_subclass_of_httpx_response_raises_value_error(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/row", text="hi")
    response = raw_get(client, "/row")
    with pytest.raises(ValueError, match=r"subclass of httpx2\.Response"):
        response.parse(to=MyResponse)


@pytest.mark.anyio
async def test_parse_to_a_subclass_of_httpx_response_raises_value_error_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/row", text="hi")
    response = await araw_get(async_client, "/row")
    with pytest.raises(ValueError, match=r"subclass of httpx2\.Response"):
        await response.parse(to=MyResponse)


def test_parse_to_a_plain_pydantic_model_raises_type_error_naming_sdkcore_base_model(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/row", json={"id": "t1"})
    response = raw_get(client, "/row")
    with pytest.raises(TypeError, match=r"sdkcore\.BaseModel"):
        response.parse(to=PlainModel)


@pytest.mark.anyio
async def test_parse_to_a_plain_pydantic_model_raises_type_error_naming_sdkcore_base_model_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/row", json={"id": "t1"})
    response = await araw_get(async_client, "/row")
    with pytest.raises(TypeError, match=r"sdkcore\.BaseModel"):
        await response.parse(to=PlainModel)


@pytest.mark.parametrize("target", [set[int], complex, Path, tuple[int, str]])
def test_parse_to_an_unsupported_target_raises_runtime_error_naming_the_supported_kinds(
    server: LoopbackServer, client: Acme, target: Any
) -> None:
    server.route("GET", "/row", json=[1])
    response = raw_get(client, "/row")
    with pytest.raises(
        RuntimeError, match=r"supported are:.*HttpxBinaryResponseContent.*TypedDict"
    ):
        response.parse(to=target)


@pytest.mark.anyio
async def test_parse_to_an_unsupported_target_raises_runtime_error_naming_the_supported_kinds_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/row", json=[1])
    response = await araw_get(async_client, "/row")
    with pytest.raises(RuntimeError, match="supported are:"):
        await response.parse(to=set[int])


# --- the stream row ------------------------------------------------------------------------

EVENTS = [{"data": {"text": "a"}}, {"data": {"text": "b"}}, {"data": "[DONE]"}]


def test_stream_call_parses_to_its_stream_cls(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = raw_get(client, "/events", Chunk, stream=True, stream_cls=Stream[Chunk])
    stream = response.parse()
    assert type(stream) is Stream
    assert [chunk.text for chunk in stream] == ["a", "b"]
    assert response.is_closed


@pytest.mark.anyio
async def test_stream_call_parses_to_its_stream_cls_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = await araw_get(
        async_client, "/events", Chunk, stream=True, stream_cls=AsyncStream[Chunk]
    )
    stream = await response.parse()
    assert type(stream) is AsyncStream
    assert [chunk.text async for chunk in stream] == ["a", "b"]
    assert response.is_closed


def test_stream_call_parses_to_a_stream_given_as_to(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = raw_get(client, "/events", object, stream=True)
    with response.parse(to=Stream[Chunk]) as stream:
        chunks = list(stream)
    assert chunks == [Chunk(text="a"), Chunk(text="b")]


@pytest.mark.anyio
async def test_stream_call_parses_to_a_stream_given_as_to_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = await araw_get(async_client, "/events", object, stream=True)
    async with await response.parse(to=AsyncStream[Chunk]) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks == [Chunk(text="a"), Chunk(text="b")]


def test_stream_call_parse_to_a_non_stream_type_raises_type_error(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = raw_get(client, "/events", Chunk, stream=True, stream_cls=Stream[Chunk])
    with pytest.raises(TypeError, match=r"Stream\[Chunk\]"):
        response.parse(to=Chunk)
    with pytest.raises(TypeError, match="type argument"):
        response.parse(to=Stream)  # no chunk type
    response.close()


@pytest.mark.anyio
async def test_stream_call_parse_to_a_non_stream_type_raises_type_error_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = await araw_get(
        async_client, "/events", Chunk, stream=True, stream_cls=AsyncStream[Chunk]
    )
    with pytest.raises(TypeError, match=r"Stream\[Chunk\]"):
        await response.parse(to=Chunk)
    await response.close()


def test_stream_call_without_any_stream_class_raises_missing_stream_class_error(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = raw_get(client, "/events", Chunk, stream=True)
    with pytest.raises(MissingStreamClassError, match="stream_cls"):
        response.parse()
    response.close()


@pytest.mark.anyio
async def test_stream_call_without_any_stream_class_raises_missing_stream_class_error_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    response = await araw_get(async_client, "/events", Chunk, stream=True)
    with pytest.raises(MissingStreamClassError, match="stream_cls"):
        await response.parse()
    await response.close()


def test_parsed_stream_call_without_stream_class_raises_and_releases_the_connection(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/events", sse=EVENTS)
    server.route("GET", "/next", json={"id": "n"})
    pool = httpx2.Client(limits=httpx2.Limits(max_connections=1), timeout=httpx2.Timeout(5, pool=1))
    with pool, Acme(server.url, http_client=pool) as client:
        with pytest.raises(MissingStreamClassError):
            client.get("/events", cast_to=Chunk, stream=True)
        assert client.get("/next", cast_to=Thing) == Thing(id="n")


def test_stream_call_uses_the_client_default_stream_class_with_cast_to_as_chunk_type(
    server: LoopbackServer,
) -> None:
    class StreamingAcme(Acme):
        _default_stream_cls = Stream

    server.route("GET", "/events", sse=EVENTS)
    with StreamingAcme(server.url) as client:
        stream = raw_get(client, "/events", Chunk, stream=True).parse()
        assert list(stream) == [Chunk(text="a"), Chunk(text="b")]


# --- HttpxBinaryResponseContent ---------------------------------------------------------------


def test_binary_content_offers_every_read_method(server: LoopbackServer, client: Acme) -> None:
    server.route(
        "GET",
        "/bin",
        body='{"k": "v\u00e9"}\nline2\r\n'.encode(),
        content_type="text/plain; charset=utf-8",
    )
    binary = raw_get(client, "/bin", HttpxBinaryResponseContent).parse()
    assert isinstance(binary, HttpxBinaryResponseContent)
    body = '{"k": "v\u00e9"}\nline2\r\n'.encode()
    assert binary.content == body
    assert binary.read() == body
    assert binary.text == body.decode()
    assert binary.encoding == "utf-8"
    assert binary.charset_encoding == "utf-8"
    assert b"".join(binary.iter_bytes(3)) == body
    assert "".join(binary.iter_text(4)) == body.decode()
    assert list(binary.iter_lines()) == ['{"k": "v\u00e9"}', "line2"]
    binary.close()
    binary.close()


def test_binary_content_json_decodes_the_body(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/bin", json={"k": [1, 2]})
    binary = raw_get(client, "/bin", HttpxBinaryResponseContent).parse()
    assert binary.json() == {"k": [1, 2]}


@pytest.mark.anyio
async def test_binary_content_offers_every_async_read_method(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    body = b"one\ntwo\n\x00\xff"
    server.route("GET", "/bin", body=body)
    binary = await (await araw_get(async_client, "/bin", HttpxBinaryResponseContent)).parse()
    assert await binary.aread() == body
    assert b"".join([part async for part in binary.aiter_bytes(2)]) == body
    assert [line async for line in binary.aiter_lines()] == ["one", "two", "\x00\ufffd"]
    assert "".join([part async for part in binary.aiter_text()]) == body.decode(errors="replace")
    await binary.aclose()
    await binary.aclose()


def test_binary_content_write_to_file_writes_the_body(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    body = bytes(range(256)) * 1000
    server.route("GET", "/bin", body=body)
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    raw_get(client, "/bin", HttpxBinaryResponseContent).parse().write_to_file(target)
    assert files_in(tmp_path) == {"out.bin": body}


@pytest.mark.anyio
async def test_binary_content_awrite_to_file_writes_the_body(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    body = bytes(range(256)) * 1000
    server.route("GET", "/bin", body=body)
    target = tmp_path / "out.bin"
    response = await araw_get(async_client, "/bin", HttpxBinaryResponseContent)
    await (await response.parse()).awrite_to_file(str(target))
    assert files_in(tmp_path) == {"out.bin": body}


# --- to=, the cache, post_parser, _request_id ---------------------------------------------------


def test_parse_to_overrides_the_declared_type(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "size": 3})
    response = client.things.with_raw_response.get("t1")
    assert response.parse(to=dict[str, object]) == {"id": "t1", "size": 3}
    assert response.parse(to=str) == '{"id": "t1", "size": 3}'
    assert response.parse() == Thing(id="t1", size=3)


@pytest.mark.anyio
async def test_parse_to_overrides_the_declared_type_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "size": 3})
    response = await async_client.things.with_raw_response.get("t1")
    assert await response.parse(to=dict[str, object]) == {"id": "t1", "size": 3}
    assert await response.parse() == Thing(id="t1", size=3)


def test_parse_caches_per_target_type(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    response = client.things.with_raw_response.get("t1")
    first = response.parse()
    assert response.parse() is first
    as_dict = response.parse(to=dict[str, object])
    assert response.parse(to=dict[str, object]) is as_dict
    assert as_dict is not first
    assert response.parse(to=list[Thing] | Thing) is response.parse(to=list[Thing] | Thing)


@pytest.mark.anyio
async def test_parse_caches_per_target_type_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    response = await async_client.things.with_raw_response.get("t1")
    first = await response.parse()
    assert await response.parse() is first
    as_dict = await response.parse(to=dict[str, object])
    assert await response.parse(to=dict[str, object]) is as_dict


def test_post_parser_applies_only_without_to(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "size": 3})
    response = client.things.with_raw_response.get("t1", post_parser=lambda thing: thing.size)
    assert response.parse() == 3
    assert response.parse(to=Thing) == Thing(id="t1", size=3)
    assert response.parse(to=dict[str, int | str]) == {"id": "t1", "size": 3}
    assert response.parse() == 3


def test_post_parser_applies_to_the_parsed_call_result(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "size": 3})
    assert client.things.get("t1", post_parser=lambda thing: thing.size * 2) == 6  # type: ignore[comparison-overlap]  # post_parser changes the type


@pytest.mark.anyio
async def test_post_parser_applies_only_without_to_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "size": 3})
    response = await async_client.things.with_raw_response.get(
        "t1", post_parser=lambda thing: thing.size
    )
    assert await response.parse(to=Thing) == Thing(id="t1", size=3)
    assert await response.parse() == 3
    assert await response.parse(to=Thing) == Thing(id="t1", size=3)


def test_models_carry_the_request_id(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, headers={"X-Request-Id": "req_42"})
    thing = client.things.get("t1")
    assert thing._request_id == "req_42"
    assert "req_42" not in repr(thing)
    assert thing.to_dict() == {"id": "t1"}
    assert client.things.with_raw_response.get("t1").parse(to=Thing)._request_id == "req_42"


def test_models_without_a_request_id_header_have_none(server: LoopbackServer, client: Acme) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    assert client.things.get("t1")._request_id is None


@pytest.mark.anyio
async def test_models_carry_the_request_id_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, headers={"x-request-id": "req_43"})
    thing = await async_client.things.get("t1")
    assert thing._request_id == "req_43"


# --- lenient and strict validation ---------------------------------------------------------


def test_lenient_mode_keeps_mistyped_missing_and_extra_fields_as_sent(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json={"id": 5, "size": "big", "new": [1]})
    thing = client.things.get("t1")
    assert thing.id == 5  # type: ignore[comparison-overlap]  # kept as sent
    assert thing.size == "big"  # type: ignore[comparison-overlap]  # kept as sent
    assert thing.new == [1]
    server.route("GET", "/things/t2", json={"name": "no id"})
    assert client.things.get("t2").to_dict() == {"name": "no id"}


@pytest.mark.anyio
async def test_lenient_mode_keeps_mistyped_missing_and_extra_fields_as_sent_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/things/t1", json={"id": 5, "new": True})
    thing = await async_client.things.get("t1")
    assert thing.to_dict() == {"id": 5, "new": True}


@pytest.mark.parametrize("body", [{"id": 5}, {"name": "no id"}, ["not", "an", "object"]])
def test_strict_mode_raises_validation_error_with_the_body_attached(
    server: LoopbackServer, body: object
) -> None:
    server.route("GET", "/things/t1", json=body)
    with Acme(server.url, _strict_response_validation=True) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            client.things.get("t1")
        assert caught.value.body == body
        assert caught.value.status_code == 200
        assert isinstance(caught.value.__cause__, pydantic.ValidationError)
        # The raw response stays usable: the error does not poison it.
        response = client.things.with_raw_response.get("t1")
        with pytest.raises(APIResponseValidationError):
            response.parse()
        assert response.json() == body


@pytest.mark.anyio
async def test_strict_mode_raises_validation_error_with_the_body_attached_async(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/things/t1", json={"id": 5})
    async with AsyncAcme(server.url, _strict_response_validation=True) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.things.get("t1")
        assert caught.value.body == {"id": 5}


def test_strict_mode_accepts_a_body_that_fits(server: LoopbackServer) -> None:
    server.route("GET", "/things/t1", json={"id": "t1", "size": 2, "extra": "kept"})
    with Acme(server.url, _strict_response_validation=True) as client:
        thing = client.things.get("t1")
    assert thing == Thing(id="t1", size=2, extra="kept")  # type: ignore[call-arg]  # extra field


# --- content types ---------------------------------------------------------------------------

JSON_MEDIA_TYPES = [
    "application/json",
    "APPLICATION/JSON",
    "Application/Json; charset=utf-8",
    "application/json;charset=UTF-8",
    "application/problem+json",
    "application/vnd.api+JSON; version=2",
]
NON_JSON_MEDIA_TYPES = [
    "text/json",
    "application/x-ndjson",
    "text/plain",
    "application/octet-stream",
]


@pytest.mark.parametrize("content_type", JSON_MEDIA_TYPES)
def test_json_media_type_is_recognised_case_insensitively_with_parameters(
    server: LoopbackServer, client: Acme, content_type: str
) -> None:
    server.route("GET", "/things/t1", body=b'{"id": "t1"}', content_type=content_type)
    assert client.things.get("t1") == Thing(id="t1")
    server.route("GET", "/things/bad", body=b"{not json", content_type=content_type)
    with pytest.raises(APIResponseValidationError, match="not valid JSON") as caught:
        client.things.get("bad")
    assert caught.value.body == "{not json"


@pytest.mark.anyio
@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "application/problem+json; a=b"])
async def test_json_media_type_with_invalid_json_raises_validation_error_async(
    server: LoopbackServer, async_client: AsyncAcme, content_type: str
) -> None:
    server.route("GET", "/things/bad", body=b"{not json", content_type=content_type)
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        await async_client.things.get("bad")


@pytest.mark.parametrize("content_type", NON_JSON_MEDIA_TYPES)
def test_non_json_media_type_is_still_tried_as_json(
    server: LoopbackServer, client: Acme, content_type: str
) -> None:
    server.route("GET", "/things/t1", body=b'{"id": "t1"}', content_type=content_type)
    assert client.things.get("t1") == Thing(id="t1")


@pytest.mark.parametrize("content_type", NON_JSON_MEDIA_TYPES)
def test_non_json_media_type_with_text_returns_the_text_in_lenient_mode(
    server: LoopbackServer, client: Acme, content_type: str
) -> None:
    server.route("GET", "/row", body=b"{not json", content_type=content_type)
    assert raw_get(client, "/row", Thing).parse() == "{not json"
    assert raw_get(client, "/row").parse(to=dict[str, int]) == "{not json"


@pytest.mark.anyio
async def test_non_json_media_type_with_text_returns_the_text_in_lenient_mode_async(
    server: LoopbackServer, async_client: AsyncAcme
) -> None:
    server.route("GET", "/row", body=b"plain words", content_type="text/json")
    assert await (await araw_get(async_client, "/row", Thing)).parse() == "plain words"


@pytest.mark.parametrize("content_type", ["text/json", "application/x-ndjson", "text/plain"])
def test_non_json_media_type_with_text_raises_in_strict_mode(
    server: LoopbackServer, content_type: str
) -> None:
    server.route("GET", "/things/t1", body=b"plain words", content_type=content_type)
    with (
        Acme(server.url, _strict_response_validation=True) as client,
        pytest.raises(APIResponseValidationError) as caught,
    ):
        client.things.get("t1")
    assert caught.value.body == "plain words"


@pytest.mark.anyio
async def test_non_json_media_type_with_text_raises_in_strict_mode_async(
    server: LoopbackServer,
) -> None:
    server.route("GET", "/things/t1", text="plain words")
    async with AsyncAcme(server.url, _strict_response_validation=True) as client:
        with pytest.raises(APIResponseValidationError):
            await client.things.get("t1")


def test_a_failed_parse_of_the_call_result_releases_the_connection(server: LoopbackServer) -> None:
    server.route("GET", "/things/bad", body=b"{", content_type="application/json")
    server.route("GET", "/things/ok", json={"id": "ok"})
    pool = httpx2.Client(limits=httpx2.Limits(max_connections=1), timeout=httpx2.Timeout(5, pool=1))
    with pool, Acme(server.url, http_client=pool) as client:
        for _ in range(3):
            with pytest.raises(APIResponseValidationError):
                client.things.get("bad")
        assert client.things.get("ok") == Thing(id="ok")
