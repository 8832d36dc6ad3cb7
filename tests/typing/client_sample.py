"""The request methods' overloads, streams as iterators and custom response classes, pinned.

Checked by mypy --strict and pyright strict (``make types``): ``client.get(..., stream=True,
stream_cls=Stream[Chunk])`` is a ``Stream[Chunk]``, without it the ``cast_to`` type;
``next(stream)`` / ``await anext(stream)`` give the chunk type; a custom response class
parses to its own type argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import assert_type

from sdkcore import (
    APIResponse,
    AsyncAPIClient,
    AsyncAPIResponse,
    AsyncStream,
    BaseModel,
    BinaryAPIResponse,
    FinalRequestOptions,
    Headers,
    Stream,
    SyncAPIClient,
    make_request_options,
    to_custom_raw_response_wrapper,
)


class Thing(BaseModel):
    id: str


class Chunk(BaseModel):
    text: str


class AsDict(APIResponse[dict[str, object]]):
    """A user's response class."""


def check_sync_verbs(client: SyncAPIClient, flag: bool) -> None:
    assert_type(client.get("/t", cast_to=Thing), Thing)
    assert_type(client.post("/t", cast_to=Thing, body={"a": 1}), Thing)
    assert_type(client.put("/t", cast_to=Thing, files={"file": b"x"}), Thing)
    assert_type(client.patch("/t", cast_to=dict[str, object]), dict[str, object])
    assert_type(client.delete("/t", cast_to=Thing, stream=False), Thing)
    streamed = client.post("/t", cast_to=Chunk, stream=True, stream_cls=Stream[Chunk])
    assert_type(streamed, Stream[Chunk])
    assert_type(client.get("/t", cast_to=Chunk, stream=flag), Chunk)
    either = client.post("/t", cast_to=Thing, stream=flag, stream_cls=Stream[Chunk])
    assert_type(either, Thing | Stream[Chunk])
    options = FinalRequestOptions(method="get", url="/t")
    assert_type(client.request(Thing, options), Thing)
    assert_type(
        client.request(Chunk, options, stream=True, stream_cls=Stream[Chunk]), Stream[Chunk]
    )
    client.get("/t", cast_to=Thing, stream=True, stream_cls=list[Chunk])  # type: ignore[type-var]


async def check_async_verbs(client: AsyncAPIClient, flag: bool) -> None:
    assert_type(await client.get("/t", cast_to=Thing), Thing)
    assert_type(await client.post("/t", cast_to=Thing, files=[("f", b"x")]), Thing)
    streamed = await client.get("/t", cast_to=Chunk, stream=True, stream_cls=AsyncStream[Chunk])
    assert_type(streamed, AsyncStream[Chunk])
    either = await client.post("/t", cast_to=Thing, stream=flag, stream_cls=AsyncStream[Chunk])
    assert_type(either, Thing | AsyncStream[Chunk])


def check_stream_iterator(stream: Stream[Chunk]) -> None:
    assert_type(next(stream), Chunk)
    assert_type(stream.__next__(), Chunk)
    for chunk in stream:
        assert_type(chunk, Chunk)


async def check_async_stream_iterator(stream: AsyncStream[Chunk]) -> None:
    assert_type(await anext(stream), Chunk)
    assert_type(await stream.__anext__(), Chunk)
    async for chunk in stream:
        assert_type(chunk, Chunk)


def get_thing(client: SyncAPIClient, *, extra_headers: Headers | None = None) -> Thing:
    options = make_request_options(extra_headers=extra_headers)
    return client.get("/t", cast_to=Thing, options=options)


def check_custom_response_classes(client: SyncAPIClient) -> None:
    binary = to_custom_raw_response_wrapper(get_thing, BinaryAPIResponse)(client)
    assert_type(binary, BinaryAPIResponse)
    assert_type(binary.parse(), bytes)
    as_dict = to_custom_raw_response_wrapper(get_thing, AsDict)(client)
    assert_type(as_dict.parse(), dict[str, object])


def check_async_response_type(response: AsyncAPIResponse[Thing]) -> None:
    assert_type(response.request_id, str | None)


def check_transform(params: dict[str, object], value: object) -> None:
    from sdkcore import transform

    assert_type(transform(params, dict[str, object]), Mapping[str, object])
    assert_type(transform(value, object), object)
