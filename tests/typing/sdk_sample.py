"""A small SDK on sdkcore, checked by mypy --strict and pyright: the public types hold."""

from __future__ import annotations

from functools import cached_property

from typing_extensions import assert_type

from sdkcore import (
    APIResponse,
    AsyncAPIClient,
    AsyncAPIResource,
    AsyncAPIResponse,
    AsyncResponseContextManager,
    AsyncStream,
    AsyncStreamedBinaryAPIResponse,
    BaseModel,
    BinaryAPIResponse,
    Headers,
    ResponseContextManager,
    Stream,
    StreamedBinaryAPIResponse,
    SyncAPIClient,
    SyncAPIResource,
    async_to_custom_streamed_response_wrapper,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_custom_raw_response_wrapper,
    to_custom_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)


class Thing(BaseModel):
    id: str


class Chunk(BaseModel):
    text: str


class Things(SyncAPIResource):
    def get(self, thing_id: str, *, verbose: bool = False, extra_headers: Headers | None = None) -> Thing:
        options = make_request_options(extra_headers=extra_headers, extra_query={"verbose": verbose})
        return self._get(f"/things/{thing_id}", cast_to=Thing, options=options)

    def events(self, *, extra_headers: Headers | None = None) -> Stream[Chunk]:
        options = make_request_options(extra_headers=extra_headers)
        return self._get("/events", cast_to=Stream[Chunk], options=options, stream=True,
                         stream_cls=Stream[Chunk])

    def content(self, thing_id: str, *, extra_headers: Headers | None = None) -> bytes:
        options = make_request_options(extra_headers=extra_headers)
        return self._get(f"/things/{thing_id}/content", cast_to=bytes, options=options)

    @cached_property
    def with_raw_response(self) -> ThingsWithRawResponse:
        return ThingsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ThingsWithStreamingResponse:
        return ThingsWithStreamingResponse(self)


class ThingsWithRawResponse:
    def __init__(self, things: Things) -> None:
        self.get = to_raw_response_wrapper(things.get)
        self.content = to_custom_raw_response_wrapper(things.content, BinaryAPIResponse)


class ThingsWithStreamingResponse:
    def __init__(self, things: Things) -> None:
        self.get = to_streamed_response_wrapper(things.get)
        self.content = to_custom_streamed_response_wrapper(things.content, StreamedBinaryAPIResponse)


class AsyncThings(AsyncAPIResource):
    async def get(self, thing_id: str, *, extra_headers: Headers | None = None) -> Thing:
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(f"/things/{thing_id}", cast_to=Thing, options=options)

    async def events(self, *, extra_headers: Headers | None = None) -> AsyncStream[Chunk]:
        options = make_request_options(extra_headers=extra_headers)
        return await self._get("/events", cast_to=AsyncStream[Chunk], options=options,
                               stream=True, stream_cls=AsyncStream[Chunk])

    async def content(self, thing_id: str, *, extra_headers: Headers | None = None) -> bytes:
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(f"/things/{thing_id}/content", cast_to=bytes, options=options)


def check_sync(client: SyncAPIClient) -> None:
    things = Things(client)
    assert_type(things.get("t1"), Thing)
    raw = things.with_raw_response.get("t1", verbose=True)
    assert_type(raw, APIResponse[Thing])
    assert_type(raw.parse(), Thing)
    assert_type(raw.parse(to=dict[str, object]), dict[str, object])
    assert_type(raw.request_id, str | None)
    assert_type(raw.retries_taken, int)
    assert_type(things.with_raw_response.content("t1"), BinaryAPIResponse)
    streaming = things.with_streaming_response.get("t1")
    assert_type(streaming, ResponseContextManager[APIResponse[Thing]])
    with streaming as response:
        assert_type(response, APIResponse[Thing])
    with things.with_streaming_response.content("t1") as binary:
        assert_type(binary, StreamedBinaryAPIResponse)
    for chunk in things.events():
        assert_type(chunk, Chunk)


async def check_async(client: AsyncAPIClient) -> None:
    things = AsyncThings(client)
    assert_type(await things.get("t1"), Thing)
    raw = await async_to_raw_response_wrapper(things.get)("t1")
    assert_type(raw, AsyncAPIResponse[Thing])
    assert_type(await raw.parse(), Thing)
    streaming = async_to_streamed_response_wrapper(things.get)("t1")
    assert_type(streaming, AsyncResponseContextManager[AsyncAPIResponse[Thing]])
    binary = async_to_custom_streamed_response_wrapper(
        things.content, AsyncStreamedBinaryAPIResponse
    )("t1")
    async with binary as response:
        assert_type(response, AsyncStreamedBinaryAPIResponse)
    async for chunk in await things.events():
        assert_type(chunk, Chunk)
