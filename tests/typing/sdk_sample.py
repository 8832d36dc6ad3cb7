"""A small SDK on sdkcore, checked by mypy --strict and pyright strict: the public types hold.

Every wrapper keeps the wrapped method's parameters (``ParamSpec``) and gives its
response type; ``parse()`` gives the declared type and ``parse(to=X)`` gives ``X``.
A wrong call is marked ``# type: ignore[code]``: both checkers report an ignore
that suppresses nothing, so a wrapper that lost the parameters fails the check.
"""

from __future__ import annotations

from functools import cached_property
from typing import assert_type

from sdkcore import (
    APIResponse,
    AsyncAPIClient,
    AsyncAPIResource,
    AsyncAPIResponse,
    AsyncBinaryAPIResponse,
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
    async_to_custom_raw_response_wrapper,
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
    def get(
        self, thing_id: str, *, verbose: bool = False, extra_headers: Headers | None = None
    ) -> Thing:
        query = {"verbose": verbose}
        options = make_request_options(extra_headers=extra_headers, extra_query=query)
        return self._get(f"/things/{thing_id}", cast_to=Thing, options=options)

    def events(self, *, extra_headers: Headers | None = None) -> Stream[Chunk]:
        options = make_request_options(extra_headers=extra_headers)
        return self._get(
            "/events",
            cast_to=Stream[Chunk],
            options=options,
            stream=True,
            stream_cls=Stream[Chunk],
        )

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
        self.content = to_custom_streamed_response_wrapper(
            things.content, StreamedBinaryAPIResponse
        )


class AsyncThings(AsyncAPIResource):
    async def get(
        self, thing_id: str, *, verbose: bool = False, extra_headers: Headers | None = None
    ) -> Thing:
        query = {"verbose": verbose}
        options = make_request_options(extra_headers=extra_headers, extra_query=query)
        return await self._get(f"/things/{thing_id}", cast_to=Thing, options=options)

    async def events(self, *, extra_headers: Headers | None = None) -> AsyncStream[Chunk]:
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(
            "/events",
            cast_to=AsyncStream[Chunk],
            options=options,
            stream=True,
            stream_cls=AsyncStream[Chunk],
        )

    async def content(self, thing_id: str, *, extra_headers: Headers | None = None) -> bytes:
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(f"/things/{thing_id}/content", cast_to=bytes, options=options)

    @cached_property
    def with_raw_response(self) -> AsyncThingsWithRawResponse:
        return AsyncThingsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncThingsWithStreamingResponse:
        return AsyncThingsWithStreamingResponse(self)


class AsyncThingsWithRawResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.get = async_to_raw_response_wrapper(things.get)
        self.content = async_to_custom_raw_response_wrapper(things.content, AsyncBinaryAPIResponse)


class AsyncThingsWithStreamingResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.get = async_to_streamed_response_wrapper(things.get)
        self.content = async_to_custom_streamed_response_wrapper(
            things.content, AsyncStreamedBinaryAPIResponse
        )


def check_sync(client: SyncAPIClient) -> None:
    things = Things(client)
    assert_type(things.get("t1"), Thing)

    # to_raw_response_wrapper, and both parse overloads
    raw = things.with_raw_response.get("t1", verbose=True)
    assert_type(raw, APIResponse[Thing])
    assert_type(raw.parse(), Thing)
    assert_type(raw.parse(to=dict[str, object]), dict[str, object])
    assert_type(raw.parse(to=bytes), bytes)
    assert_type(raw.request_id, str | None)
    assert_type(raw.retries_taken, int)

    # to_custom_raw_response_wrapper
    binary = things.with_raw_response.content("t1")
    assert_type(binary, BinaryAPIResponse)
    assert_type(binary.parse(), bytes)

    # to_streamed_response_wrapper
    streaming = things.with_streaming_response.get("t1", verbose=False)
    assert_type(streaming, ResponseContextManager[APIResponse[Thing]])
    with streaming as response:
        assert_type(response, APIResponse[Thing])
        assert_type(response.parse(), Thing)

    # to_custom_streamed_response_wrapper
    streamed_binary = things.with_streaming_response.content("t1")
    assert_type(streamed_binary, ResponseContextManager[StreamedBinaryAPIResponse])
    with streamed_binary as download:
        assert_type(download, StreamedBinaryAPIResponse)

    # iterating a Stream[T] gives T
    for chunk in things.events():
        assert_type(chunk, Chunk)
    with things.events() as stream:
        assert_type(stream, Stream[Chunk])


def check_sync_wrappers_keep_the_parameters(things: Things) -> None:
    things.with_raw_response.get(123)  # type: ignore[arg-type]
    things.with_raw_response.get("t1", verbose="yes")  # type: ignore[arg-type]
    things.with_raw_response.get("t1", nonexistent=1)  # type: ignore[call-arg]
    things.with_raw_response.content(b"t1")  # type: ignore[arg-type]
    things.with_streaming_response.get()  # type: ignore[call-arg]
    things.with_streaming_response.content("t1", verbose=True)  # type: ignore[call-arg]


async def check_async(client: AsyncAPIClient) -> None:
    things = AsyncThings(client)
    assert_type(await things.get("t1"), Thing)

    # async_to_raw_response_wrapper, and both parse overloads
    raw = await things.with_raw_response.get("t1", verbose=True)
    assert_type(raw, AsyncAPIResponse[Thing])
    assert_type(await raw.parse(), Thing)
    assert_type(await raw.parse(to=dict[str, object]), dict[str, object])
    assert_type(raw.request_id, str | None)

    # async_to_custom_raw_response_wrapper
    binary = await things.with_raw_response.content("t1")
    assert_type(binary, AsyncBinaryAPIResponse)
    assert_type(await binary.parse(), bytes)

    # async_to_streamed_response_wrapper
    streaming = things.with_streaming_response.get("t1", verbose=False)
    assert_type(streaming, AsyncResponseContextManager[AsyncAPIResponse[Thing]])
    async with streaming as response:
        assert_type(response, AsyncAPIResponse[Thing])
        assert_type(await response.parse(), Thing)

    # async_to_custom_streamed_response_wrapper
    streamed_binary = things.with_streaming_response.content("t1")
    assert_type(streamed_binary, AsyncResponseContextManager[AsyncStreamedBinaryAPIResponse])
    async with streamed_binary as download:
        assert_type(download, AsyncStreamedBinaryAPIResponse)

    # iterating an AsyncStream[T] gives T
    async for chunk in await things.events():
        assert_type(chunk, Chunk)
    async with await things.events() as stream:
        assert_type(stream, AsyncStream[Chunk])


async def check_async_wrappers_keep_the_parameters(things: AsyncThings) -> None:
    await things.with_raw_response.get(123)  # type: ignore[arg-type]
    await things.with_raw_response.get("t1", nonexistent=1)  # type: ignore[call-arg]
    await things.with_raw_response.content("t1", verbose=True)  # type: ignore[call-arg]
    things.with_streaming_response.get(123)  # type: ignore[arg-type]
    things.with_streaming_response.content("t1", nonexistent=1)  # type: ignore[call-arg]
