"""Listings the way an SDK author writes them on sdkcore, and the server side of each.

``Things`` / ``AsyncThings`` are resources with one list method per page kind (cursor,
offset, link, single page, and a POST search whose own page class asks for the next
page through the JSON body), each also reachable through ``with_raw_response`` and
``with_streaming_response``. ``Catalogue`` answers those listings over ``count`` items,
``page_size`` at a time, as a well-behaved API would.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic

from sdkcore import (
    AsyncAPIResource,
    AsyncCursorPage,
    AsyncLinkPage,
    AsyncOffsetPage,
    AsyncPage,
    AsyncPaginator,
    BaseAsyncPage,
    BaseModel,
    BasePage,
    BaseSyncPage,
    PageInfo,
    SyncAPIResource,
    SyncCursorPage,
    SyncLinkPage,
    SyncOffsetPage,
    SyncPage,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from sdkcore._types import NOT_GIVEN, Headers, NotGiven, Query, TimeoutTypes
from sdkcore.testing import Reply

if TYPE_CHECKING:
    from sdkcore import RequestOptions
    from sdkcore.testing import Fault, LoopbackServer, Request

T = TypeVar("T")


class Thing(BaseModel):
    id: str
    n: int | None = None


class SearchPage(BasePage[T]):
    """A POST listing's rule, written once: the next page's cursor goes in the JSON body."""

    results: list[T] = pydantic.Field(default_factory=list)
    next_cursor: str | None = None

    def _get_page_items(self) -> list[T]:
        return self.results

    def next_page_info(self) -> PageInfo | None:
        return None if self.next_cursor is None else PageInfo(json={"cursor": self.next_cursor})


class SyncSearchPage(BaseSyncPage[T], SearchPage[T]):
    pass


class AsyncSearchPage(BaseAsyncPage[T], SearchPage[T]):
    pass


def _options(
    extra_headers: Headers | None,
    extra_query: Query | None,
    timeout: TimeoutTypes | NotGiven,
    max_retries: int | NotGiven,
) -> RequestOptions:
    return make_request_options(
        extra_headers=extra_headers,
        extra_query=extra_query,
        timeout=timeout,
        max_retries=max_retries,
    )


class Things(SyncAPIResource):
    def cursor(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        continuation_token: str | None = None,
    ) -> SyncCursorPage[Thing]:
        """Things, a cursor (``after``) at a time."""
        return self._client.get_api_list(
            "/cursor-things",
            model=Thing,
            page=SyncCursorPage[Thing],
            options=_options(extra_headers, extra_query, timeout, max_retries),
            continuation_token=continuation_token,
        )

    def offset(
        self, *, extra_headers: Headers | None = None, continuation_token: str | None = None
    ) -> SyncOffsetPage[Thing]:
        """Things, an offset at a time."""
        options = make_request_options(
            extra_headers=extra_headers, continuation_token=continuation_token
        )
        return self._client.get_api_list(
            "/offset-things", model=Thing, page=SyncOffsetPage[Thing], options=options
        )

    def linked(
        self, *, extra_headers: Headers | None = None, continuation_token: str | None = None
    ) -> SyncLinkPage[Thing]:
        """Things, following the ``Link`` header."""
        return self._client.get_api_list(
            "/linked-things",
            model=Thing,
            page=SyncLinkPage[Thing],
            options=make_request_options(extra_headers=extra_headers),
            continuation_token=continuation_token,
        )

    def single(self, *, extra_headers: Headers | None = None) -> SyncPage[Thing]:
        """All things, on one page."""
        options = make_request_options(extra_headers=extra_headers)
        return self._client.get_api_list(
            "/plain-things", model=Thing, page=SyncPage[Thing], options=options
        )

    def search(self, query: str, *, extra_headers: Headers | None = None) -> SyncSearchPage[Thing]:
        """Things matching ``query``, through a POST listing."""
        return self._client.get_api_list(
            "/search-things",
            model=Thing,
            page=SyncSearchPage[Thing],
            body={"query": query},
            options=make_request_options(extra_headers=extra_headers),
            method="post",
        )

    @cached_property
    def with_raw_response(self) -> ThingsWithRawResponse:
        return ThingsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ThingsWithStreamingResponse:
        return ThingsWithStreamingResponse(self)


class ThingsWithRawResponse:
    def __init__(self, things: Things) -> None:
        self.cursor = to_raw_response_wrapper(things.cursor)
        self.linked = to_raw_response_wrapper(things.linked)


class ThingsWithStreamingResponse:
    def __init__(self, things: Things) -> None:
        self.cursor = to_streamed_response_wrapper(things.cursor)


class AsyncThings(AsyncAPIResource):
    def cursor(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        continuation_token: str | None = None,
    ) -> AsyncPaginator[Thing, AsyncCursorPage[Thing]]:
        """Things, a cursor (``after``) at a time."""
        return self._client.get_api_list(
            "/cursor-things",
            model=Thing,
            page=AsyncCursorPage[Thing],
            options=_options(extra_headers, extra_query, timeout, max_retries),
            continuation_token=continuation_token,
        )

    def offset(
        self, *, extra_headers: Headers | None = None, continuation_token: str | None = None
    ) -> AsyncPaginator[Thing, AsyncOffsetPage[Thing]]:
        """Things, an offset at a time."""
        options = make_request_options(
            extra_headers=extra_headers, continuation_token=continuation_token
        )
        return self._client.get_api_list(
            "/offset-things", model=Thing, page=AsyncOffsetPage[Thing], options=options
        )

    def linked(
        self, *, extra_headers: Headers | None = None, continuation_token: str | None = None
    ) -> AsyncPaginator[Thing, AsyncLinkPage[Thing]]:
        """Things, following the ``Link`` header."""
        return self._client.get_api_list(
            "/linked-things",
            model=Thing,
            page=AsyncLinkPage[Thing],
            options=make_request_options(extra_headers=extra_headers),
            continuation_token=continuation_token,
        )

    def single(
        self, *, extra_headers: Headers | None = None
    ) -> AsyncPaginator[Thing, AsyncPage[Thing]]:
        """All things, on one page."""
        options = make_request_options(extra_headers=extra_headers)
        return self._client.get_api_list(
            "/plain-things", model=Thing, page=AsyncPage[Thing], options=options
        )

    def search(
        self, query: str, *, extra_headers: Headers | None = None
    ) -> AsyncPaginator[Thing, AsyncSearchPage[Thing]]:
        """Things matching ``query``, through a POST listing."""
        return self._client.get_api_list(
            "/search-things",
            model=Thing,
            page=AsyncSearchPage[Thing],
            body={"query": query},
            options=make_request_options(extra_headers=extra_headers),
            method="post",
        )

    @cached_property
    def with_raw_response(self) -> AsyncThingsWithRawResponse:
        return AsyncThingsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncThingsWithStreamingResponse:
        return AsyncThingsWithStreamingResponse(self)


class AsyncThingsWithRawResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.cursor = async_to_raw_response_wrapper(things.cursor)
        self.linked = async_to_raw_response_wrapper(things.linked)


class AsyncThingsWithStreamingResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.cursor = async_to_streamed_response_wrapper(things.cursor)


def ids(count: int) -> list[str]:
    """The ids of a catalogue of ``count`` things, in listing order."""
    return [f"t{index:05d}" for index in range(count)]


class Catalogue:
    """The server side of every listing above, over ``count`` things, ``page_size`` a page.

    ``serve(server)`` declares the routes; each answer carries ``x-request-id: req-<n>``,
    ``n`` counting the catalogue's answers from 1.
    """

    def __init__(self, count: int, page_size: int = 3) -> None:
        self.things = [{"id": thing_id, "n": n} for n, thing_id in enumerate(ids(count))]
        self.page_size = page_size
        self.answered = 0

    def serve(self, server: LoopbackServer, *, fault: Fault | None = None) -> Catalogue:
        """Answer every listing on ``server``; ``fault`` applies to each route's hits."""
        server.route("GET", "/cursor-things", handler=self.cursor, fault=fault)
        server.route("GET", "/offset-things", handler=self.offset, fault=fault)
        server.route("GET", "/linked-things", handler=self.linked, fault=fault)
        server.route("GET", "/plain-things", handler=self.single, fault=fault)
        server.route("POST", "/search-things", handler=self.search, fault=fault)
        return self

    def _reply(self, json: object, headers: dict[str, str] | None = None) -> Reply:
        self.answered += 1
        return Reply(json=json, headers={"x-request-id": f"req-{self.answered}", **(headers or {})})

    def _start_after(self, after: str | None) -> int:
        return 0 if after is None else [t["id"] for t in self.things].index(after) + 1

    def cursor(self, request: Request) -> Reply:
        start = self._start_after(request.query.get("after"))
        end = start + self.page_size
        return self._reply({"data": self.things[start:end], "has_more": end < len(self.things)})

    def offset(self, request: Request) -> Reply:
        start = int(request.query.get("offset", "0"))
        page = self.things[start : start + self.page_size]
        return self._reply({"data": page, "total": len(self.things)})

    def linked(self, request: Request) -> Reply:
        number = int(request.query.get("page", "1"))
        start = (number - 1) * self.page_size
        more = start + self.page_size < len(self.things)
        headers = {"Link": f'<?page={number + 1}>; rel="next"'} if more else {}
        return self._reply(self.things[start : start + self.page_size], headers)

    def single(self, request: Request) -> Reply:
        return self._reply({"object": "list", "data": self.things})

    def search(self, request: Request) -> Reply:
        body: Any = request.json()
        start = self._start_after(body.get("cursor"))
        page = self.things[start : start + self.page_size]
        more = start + self.page_size < len(self.things)
        return self._reply({"results": page, "next_cursor": page[-1]["id"] if more else None})
