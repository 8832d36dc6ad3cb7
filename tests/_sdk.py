"""A tiny SDK on sdkcore, the way an SDK author writes one: the tests drive it end to end.

``Acme`` / ``AsyncAcme`` have one resource, ``things``, with ``get`` (a model),
``content`` (bytes), ``export`` (JSON Lines, streamed) and ``events`` (SSE), each
also reachable through ``with_raw_response`` and ``with_streaming_response``.
Both clients record the backoff waits they were asked for instead of sleeping, and
authenticate with ``CANARY``, a key the suite checks never reaches a log line (conftest).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from sdkcore import (
    AsyncAPIClient,
    AsyncAPIResource,
    AsyncBinaryAPIResponse,
    AsyncJSONLDecoder,
    AsyncStream,
    AsyncStreamedBinaryAPIResponse,
    BaseModel,
    BinaryAPIResponse,
    JSONLDecoder,
    NotGiven,
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
from sdkcore._types import NOT_GIVEN, Headers, PostParser
from sdkcore.testing import RecordedWaits

#: The example SDK's API key: sent with every request, never shown in any log line.
CANARY = "sk-canary-acme-6c2f81d04e"


class Thing(BaseModel):
    id: str
    name: str | None = None
    size: int | None = None


class Chunk(BaseModel):
    text: str


class Things(SyncAPIResource):
    def get(
        self,
        thing_id: str,
        *,
        verbose: bool = False,
        extra_headers: Headers | None = None,
        post_parser: PostParser | NotGiven = NOT_GIVEN,
    ) -> Thing:
        """Fetch one thing."""
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query={"verbose": "true"} if verbose else None,
            post_parser=post_parser,
        )
        return self._get(f"/things/{thing_id}", cast_to=Thing, options=options)

    def content(self, thing_id: str, *, extra_headers: Headers | None = None) -> bytes:
        """Download the content of a thing."""
        options = make_request_options(extra_headers=extra_headers)
        return self._get(f"/things/{thing_id}/content", cast_to=bytes, options=options)

    def export(self, *, extra_headers: Headers | None = None) -> JSONLDecoder[Thing]:
        """Every thing, one JSON Lines row each, streamed."""
        options = make_request_options(extra_headers=extra_headers)
        return self._get(
            "/things/export", cast_to=JSONLDecoder[Thing], options=options, stream=True
        )

    def events(self, *, extra_headers: Headers | None = None) -> Stream[Chunk]:
        """Server-Sent Events about things."""
        options = make_request_options(extra_headers=extra_headers)
        return self._get(
            "/things/events",
            cast_to=Stream[Chunk],
            options=options,
            stream=True,
            stream_cls=Stream[Chunk],
        )

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
        self.export = to_raw_response_wrapper(things.export)


class ThingsWithStreamingResponse:
    def __init__(self, things: Things) -> None:
        self.get = to_streamed_response_wrapper(things.get)
        self.content = to_custom_streamed_response_wrapper(
            things.content, StreamedBinaryAPIResponse
        )
        self.export = to_streamed_response_wrapper(things.export)


class AsyncThings(AsyncAPIResource):
    async def get(
        self,
        thing_id: str,
        *,
        verbose: bool = False,
        extra_headers: Headers | None = None,
        post_parser: PostParser | NotGiven = NOT_GIVEN,
    ) -> Thing:
        """Fetch one thing."""
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query={"verbose": "true"} if verbose else None,
            post_parser=post_parser,
        )
        return await self._get(f"/things/{thing_id}", cast_to=Thing, options=options)

    async def content(self, thing_id: str, *, extra_headers: Headers | None = None) -> bytes:
        """Download the content of a thing."""
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(f"/things/{thing_id}/content", cast_to=bytes, options=options)

    async def export(self, *, extra_headers: Headers | None = None) -> AsyncJSONLDecoder[Thing]:
        """Every thing, one JSON Lines row each, streamed."""
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(
            "/things/export", cast_to=AsyncJSONLDecoder[Thing], options=options, stream=True
        )

    async def events(self, *, extra_headers: Headers | None = None) -> AsyncStream[Chunk]:
        """Server-Sent Events about things."""
        options = make_request_options(extra_headers=extra_headers)
        return await self._get(
            "/things/events",
            cast_to=AsyncStream[Chunk],
            options=options,
            stream=True,
            stream_cls=AsyncStream[Chunk],
        )

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
        self.export = async_to_raw_response_wrapper(things.export)


class AsyncThingsWithStreamingResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.get = async_to_streamed_response_wrapper(things.get)
        self.content = async_to_custom_streamed_response_wrapper(
            things.content, AsyncStreamedBinaryAPIResponse
        )
        self.export = async_to_streamed_response_wrapper(things.export)


class Acme(SyncAPIClient):
    """The sync client; ``sleeps`` lists the waits it was asked for (it never sleeps)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        self.waits = RecordedWaits()
        super().__init__(base_url, **{"_timing": self.waits.timing, **kwargs})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {CANARY}"}

    @property
    def sleeps(self) -> list[float]:
        return self.waits.seconds

    @cached_property
    def things(self) -> Things:
        return Things(self)


class AsyncAcme(AsyncAPIClient):
    """The async client; ``sleeps`` lists the waits it was asked for (it never sleeps)."""

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        self.waits = RecordedWaits()
        super().__init__(base_url, **{"_timing": self.waits.timing, **kwargs})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {CANARY}"}

    @property
    def sleeps(self) -> list[float]:
        return self.waits.seconds

    @cached_property
    def things(self) -> AsyncThings:
        return AsyncThings(self)
