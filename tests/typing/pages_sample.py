"""A listing resource on sdkcore, checked by mypy --strict and pyright strict: pages stay typed.

``get_api_list`` gives the page class asked for (sync) or an ``AsyncPaginator`` of it
(async); iterating gives the item type; the raw and streaming wrappers of a list method
give responses whose ``parse()`` is that page. A wrong call is marked
``# type: ignore[code]``: both checkers report an ignore that suppresses nothing.
"""

from __future__ import annotations

from functools import cached_property
from typing import TypeVar, assert_type

from sdkcore import (
    APIResponse,
    AsyncAPIClient,
    AsyncAPIResource,
    AsyncAPIResponse,
    AsyncCursorPage,
    AsyncLinkPage,
    AsyncPageIterator,
    AsyncPaginator,
    AsyncResponseContextManager,
    BaseAsyncPage,
    BaseModel,
    BasePage,
    BaseSyncPage,
    Headers,
    PageInfo,
    ResponseContextManager,
    SyncAPIClient,
    SyncAPIResource,
    SyncCursorPage,
    SyncLinkPage,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

T = TypeVar("T")


class Thing(BaseModel):
    id: str


class TokenPage(BasePage[T]):
    """An SDK's own rule, written once for both clients."""

    items: list[T]
    next_token: str | None = None

    def _get_page_items(self) -> list[T]:
        return self.items

    def next_page_info(self) -> PageInfo | None:
        return None if self.next_token is None else PageInfo(params={"token": self.next_token})


class SyncTokenPage(BaseSyncPage[T], TokenPage[T]):
    pass


class AsyncTokenPage(BaseAsyncPage[T], TokenPage[T]):
    pass


class Things(SyncAPIResource):
    def list(
        self, *, limit: int = 20, extra_headers: Headers | None = None
    ) -> SyncCursorPage[Thing]:
        options = make_request_options(extra_headers=extra_headers, extra_query={"limit": limit})
        return self._client.get_api_list(
            "/things", model=Thing, page=SyncCursorPage[Thing], options=options
        )

    def issues(self, *, extra_headers: Headers | None = None) -> SyncLinkPage[Thing]:
        options = make_request_options(extra_headers=extra_headers)
        return self._client.get_api_list(
            "/issues", model=Thing, page=SyncLinkPage[Thing], options=options
        )

    def tokens(self, *, extra_headers: Headers | None = None) -> SyncTokenPage[Thing]:
        options = make_request_options(extra_headers=extra_headers)
        return self._client.get_api_list(
            "/tokens", model=Thing, page=SyncTokenPage[Thing], options=options
        )

    @cached_property
    def with_raw_response(self) -> ThingsWithRawResponse:
        return ThingsWithRawResponse(self)


class ThingsWithRawResponse:
    def __init__(self, things: Things) -> None:
        self.list = to_raw_response_wrapper(things.list)
        self.streamed_list = to_streamed_response_wrapper(things.list)


class AsyncThings(AsyncAPIResource):
    def list(
        self, *, limit: int = 20, extra_headers: Headers | None = None
    ) -> AsyncPaginator[Thing, AsyncCursorPage[Thing]]:
        options = make_request_options(extra_headers=extra_headers, extra_query={"limit": limit})
        return self._client.get_api_list(
            "/things", model=Thing, page=AsyncCursorPage[Thing], options=options
        )

    def tokens(
        self, *, extra_headers: Headers | None = None
    ) -> AsyncPaginator[Thing, AsyncTokenPage[Thing]]:
        options = make_request_options(extra_headers=extra_headers)
        return self._client.get_api_list(
            "/tokens", model=Thing, page=AsyncTokenPage[Thing], options=options
        )

    @cached_property
    def with_raw_response(self) -> AsyncThingsWithRawResponse:
        return AsyncThingsWithRawResponse(self)


class AsyncThingsWithRawResponse:
    def __init__(self, things: AsyncThings) -> None:
        self.list = async_to_raw_response_wrapper(things.list)
        self.streamed_list = async_to_streamed_response_wrapper(things.list)


def check_sync(client: SyncAPIClient) -> None:
    page = client.get_api_list("/things", model=Thing, page=SyncCursorPage[Thing])
    assert_type(page, SyncCursorPage[Thing])
    for thing in page:
        assert_type(thing, Thing)
    for each in page.iter_pages():
        assert_type(each, SyncCursorPage[Thing])
    assert_type(page.get_next_page(), SyncCursorPage[Thing])
    assert_type(page.has_next_page(), bool)
    assert_type(page.next_page_info(), PageInfo | None)
    assert_type(page.continuation_token, str | None)
    assert_type(page.request_id, str | None)
    assert_type(page.data, list[Thing])

    things = Things(client)
    assert_type(things.list(limit=5), SyncCursorPage[Thing])
    assert_type(things.issues().get_next_page(), SyncLinkPage[Thing])
    for token_page in things.tokens().iter_pages():
        assert_type(token_page, SyncTokenPage[Thing])

    raw = things.with_raw_response.list(limit=5)
    assert_type(raw, APIResponse[SyncCursorPage[Thing]])
    assert_type(raw.parse(), SyncCursorPage[Thing])
    streamed = things.with_raw_response.streamed_list()
    assert_type(streamed, ResponseContextManager[APIResponse[SyncCursorPage[Thing]]])
    things.with_raw_response.list(limit="5")  # type: ignore[arg-type]


async def check_async(client: AsyncAPIClient) -> None:
    listing = client.get_api_list("/things", model=Thing, page=AsyncCursorPage[Thing])
    assert_type(listing, AsyncPaginator[Thing, AsyncCursorPage[Thing]])
    assert_type(await listing, AsyncCursorPage[Thing])
    async for thing in listing:
        assert_type(thing, Thing)
    assert_type(listing.iter_pages(prefetch=1), AsyncPageIterator[AsyncCursorPage[Thing]])
    async with listing.iter_pages(prefetch=1) as pages:
        async for each in pages:
            assert_type(each, AsyncCursorPage[Thing])

    page = await listing
    async for item in page:
        assert_type(item, Thing)
    assert_type(await page.get_next_page(), AsyncCursorPage[Thing])
    async for same in page.iter_pages():
        assert_type(same, AsyncCursorPage[Thing])

    links = client.get_api_list("/issues", model=Thing, page=AsyncLinkPage[Thing])
    assert_type(await links, AsyncLinkPage[Thing])

    things = AsyncThings(client)
    async for thing in things.list(limit=5):
        assert_type(thing, Thing)
    assert_type(await things.tokens(), AsyncTokenPage[Thing])

    raw = await things.with_raw_response.list(limit=5)
    assert_type(raw, AsyncAPIResponse[AsyncCursorPage[Thing]])
    assert_type(await raw.parse(), AsyncCursorPage[Thing])
    streamed = things.with_raw_response.streamed_list()
    assert_type(streamed, AsyncResponseContextManager[AsyncAPIResponse[AsyncCursorPage[Thing]]])
    await things.with_raw_response.list(limit="5")  # type: ignore[arg-type]
