"""Pages against a real server: every kind iterates every item, fetched as iteration reaches it.

The listings are those of ``_pages_sdk`` (an SDK resource per client), answered by its
``Catalogue``; the server's recorded requests show what was fetched and when.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from _pages_sdk import AsyncThings, Catalogue, Thing, Things, ids
from sdkcore import (
    APIResponse,
    AsyncAPIResponse,
    AsyncCursorPage,
    AsyncLinkPage,
    AsyncPage,
    CallContext,
    SyncCursorPage,
    SyncLinkPage,
    SyncPage,
)
from sdkcore._base_client import BaseClient
from sdkcore._pages import PageOrigin
from sdkcore.testing import Reply

if TYPE_CHECKING:
    from _sdk import Acme, AsyncAcme
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

KINDS = ["cursor", "offset", "linked", "search"]
COUNTS = [0, 2, 7]  # no item, one page, three pages (three a page)


@pytest.fixture
def things(client: Acme) -> Things:
    return Things(client)


@pytest.fixture
def athings(async_client: AsyncAcme) -> AsyncThings:
    return AsyncThings(async_client)


def _listing(things: Things, kind: str) -> Any:
    return things.search("q") if kind == "search" else getattr(things, kind)()


def _alisting(things: AsyncThings, kind: str) -> Any:
    return things.search("q") if kind == "search" else getattr(things, kind)()


def _pages_of(count: int) -> int:
    return max(1, math.ceil(count / 3))


@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_page_kind_lists_every_item_with_one_request_per_page(
    server: LoopbackServer, things: Things, kind: str, count: int
) -> None:
    Catalogue(count).serve(server)
    found = [thing.id for thing in _listing(things, kind)]
    assert found == ids(count)
    assert len(server.requests) == _pages_of(count)


@pytest.mark.parametrize("count", COUNTS)
@pytest.mark.parametrize("kind", KINDS)
async def test_every_page_kind_lists_every_item_with_one_request_per_page_async(
    server: LoopbackServer, athings: AsyncThings, kind: str, count: int
) -> None:
    Catalogue(count).serve(server)
    found = [thing.id async for thing in _alisting(athings, kind)]
    assert found == ids(count)
    assert len(server.requests) == _pages_of(count)


def test_a_single_page_listing_makes_one_request(server: LoopbackServer, things: Things) -> None:
    Catalogue(7).serve(server)
    page = things.single()
    assert isinstance(page, SyncPage)
    assert [thing.id for thing in page] == ids(7)
    assert not page.has_next_page()
    assert page.continuation_token is None
    assert len(server.requests) == 1


async def test_a_single_page_listing_makes_one_request_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    page = await athings.single()
    assert isinstance(page, AsyncPage)
    assert [thing.id async for thing in page] == ids(7)
    assert not page.has_next_page()
    assert len(server.requests) == 1


def test_items_are_typed_models_of_the_listing(server: LoopbackServer, things: Things) -> None:
    Catalogue(4).serve(server)
    page = things.cursor()
    assert isinstance(page, SyncCursorPage)
    assert all(isinstance(thing, Thing) for thing in page)
    assert page.data[1].n == 1


def test_a_page_is_fetched_only_when_iteration_reaches_it(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    page = things.cursor()
    assert len(server.requests) == 1
    items = iter(page)
    assert [next(items).id for _ in range(3)] == ids(3)
    assert len(server.requests) == 1
    assert next(items).id == ids(4)[-1]
    assert len(server.requests) == 2


async def test_a_page_is_fetched_only_when_iteration_reaches_it_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    listing = athings.cursor()
    assert server.requests == []  # the paginator fetches nothing until used
    items = aiter(listing)
    assert [(await anext(items)).id for _ in range(3)] == ids(3)
    assert len(server.requests) == 1
    assert (await anext(items)).id == ids(4)[-1]
    assert len(server.requests) == 2


def test_breaking_out_early_fetches_no_further_page(server: LoopbackServer, things: Things) -> None:
    Catalogue(30).serve(server)
    for thing in things.cursor():
        if thing.id == ids(5)[-1]:
            break
    assert len(server.requests) == 2


async def test_breaking_out_early_fetches_no_further_page_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(30).serve(server)
    async for thing in athings.cursor():
        if thing.id == ids(5)[-1]:
            break
    assert len(server.requests) == 2


def test_iter_pages_starts_with_the_page_itself_and_walks_to_the_last(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    first = things.cursor()
    pages = list(first.iter_pages())
    assert pages[0] is first
    assert [len(page.data) for page in pages] == [3, 3, 1]
    assert [page.has_next_page() for page in pages] == [True, True, False]
    assert [page.request_id for page in pages] == ["req-1", "req-2", "req-3"]
    assert pages[1].response.request.url.params["after"] == "t00002"


async def test_iter_pages_starts_with_the_page_itself_and_walks_to_the_last_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    first = await athings.cursor()
    pages = [page async for page in first.iter_pages()]
    assert pages[0] is first
    assert [len(page.data) for page in pages] == [3, 3, 1]
    assert [page.request_id for page in pages] == ["req-1", "req-2", "req-3"]


def test_get_next_page_on_the_last_page_says_to_check_has_next_page(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(4).serve(server)
    last = things.cursor().get_next_page()
    assert not last.has_next_page()
    with pytest.raises(RuntimeError, match=r"has_next_page\(\)"):
        last.get_next_page()
    assert len(server.requests) == 2


async def test_get_next_page_on_the_last_page_says_to_check_has_next_page_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(4).serve(server)
    last = await (await athings.cursor()).get_next_page()
    with pytest.raises(RuntimeError, match=r"has_next_page\(\)"):
        await last.get_next_page()
    assert len(server.requests) == 2


def test_a_page_knows_its_response_and_request_id(server: LoopbackServer, things: Things) -> None:
    Catalogue(4).serve(server)
    page = things.linked()
    assert isinstance(page.response, httpx2.Response)
    assert page.response.headers["link"] == '<?page=2>; rel="next"'
    assert page.request_id == "req-1"
    assert page.get_next_page().request_id == "req-2"


def test_next_pages_keep_the_first_calls_headers_and_query(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    listing = things.cursor(extra_headers={"X-Trace": "abc"}, extra_query={"limit": "3"})
    assert len(list(listing)) == 7
    assert [request.headers.get("x-trace") for request in server.requests] == ["abc"] * 3
    assert [request.query for request in server.requests] == [
        {"limit": "3"},
        {"limit": "3", "after": "t00002"},
        {"limit": "3", "after": "t00005"},
    ]


async def test_next_pages_keep_the_first_calls_headers_and_query_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    listing = athings.cursor(extra_headers={"X-Trace": "abc"}, extra_query={"limit": "3"})
    assert len([thing async for thing in listing]) == 7
    assert [request.headers.get("x-trace") for request in server.requests] == ["abc"] * 3
    assert server.requests[2].query == {"limit": "3", "after": "t00005"}


def test_a_post_listing_merges_the_next_cursor_into_the_first_body(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    assert [thing.id for thing in things.search("dogs")] == ids(7)
    assert [request.json() for request in server.requests] == [
        {"query": "dogs"},
        {"query": "dogs", "cursor": "t00002"},
        {"query": "dogs", "cursor": "t00005"},
    ]
    keys = {request.headers["idempotency-key"] for request in server.requests}
    assert len(keys) == 3  # each page is a call of its own


async def test_a_post_listing_merges_the_next_cursor_into_the_first_body_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    assert [thing.id async for thing in athings.search("dogs")] == ids(7)
    assert server.requests[2].json() == {"query": "dogs", "cursor": "t00005"}
    assert {request.method for request in server.requests} == {"POST"}


def test_an_offset_listing_without_total_ends_on_an_empty_page(
    server: LoopbackServer, things: Things
) -> None:
    everything = Catalogue(6).things

    def answer(request: Any) -> Reply:
        start = int(request.query.get("offset", "0"))
        return Reply(json={"data": everything[start : start + 3]})

    server.route("GET", "/offset-things", handler=answer)
    assert [thing.id for thing in things.offset()] == ids(6)
    assert [request.query.get("offset") for request in server.requests] == [None, "3", "6"]


def test_a_link_listing_follows_absolute_links_on_its_origin(
    server: LoopbackServer, things: Things
) -> None:
    def answer(request: Any) -> Reply:
        number = int(request.query.get("page", "1"))
        link = f'<{server.url_for("/linked-things")}?page={number + 1}>; rel="next"'
        rels = f'{link}, <{server.url_for("/linked-things")}?page=9>; rel="last"'
        return Reply(json=[{"id": f"p{number}"}], headers={"Link": rels} if number < 3 else {})

    server.route("GET", "/linked-things", handler=answer)
    assert [thing.id for thing in things.linked()] == ["p1", "p2", "p3"]


def test_a_link_page_whose_items_do_not_fit_is_still_a_page_in_lenient_mode(
    server: LoopbackServer, things: Things
) -> None:
    def answer(request: Any) -> Reply:
        if request.query.get("page") == "2":
            return Reply(json=[{"id": "x"}])
        return Reply(json=[{"id": 5}], headers={"Link": '</linked-things?page=2>; rel="next"'})

    server.route("GET", "/linked-things", handler=answer)
    page = things.linked()
    assert isinstance(page, SyncLinkPage)
    assert [thing.id for thing in page] == [5, "x"]


def test_the_raw_view_of_a_list_parses_into_a_page_that_goes_on(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    response = things.with_raw_response.cursor(extra_headers={"X-Trace": "abc"})
    assert isinstance(response, APIResponse)
    assert response.request_id == "req-1"
    page = response.parse()
    assert isinstance(page, SyncCursorPage)
    assert response.parse() is page
    assert [thing.id for thing in page] == ids(7)
    assert [request.headers.get("x-trace") for request in server.requests] == ["abc"] * 3


async def test_the_raw_view_of_a_list_parses_into_a_page_that_goes_on_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    response = await athings.with_raw_response.cursor()
    assert isinstance(response, AsyncAPIResponse)
    page = await response.parse()
    assert isinstance(page, AsyncCursorPage)
    assert [thing.id async for thing in page] == ids(7)
    assert len(server.requests) == 3


def test_the_raw_view_of_a_link_list_follows_the_links(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(5).serve(server)
    page = things.with_raw_response.linked().parse()
    assert [thing.id for thing in page] == ids(5)


async def test_the_raw_view_of_a_link_list_follows_the_links_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(5).serve(server)
    page = await (await athings.with_raw_response.linked()).parse()
    assert isinstance(page, AsyncLinkPage)
    assert [thing.id async for thing in page] == ids(5)


def test_the_streamed_view_of_a_list_parses_into_a_page_that_goes_on(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    with things.with_streaming_response.cursor() as response:
        assert not response.is_closed
        page = response.parse()
    assert response.is_closed
    assert [thing.id for thing in page] == ids(7)


async def test_the_streamed_view_of_a_list_parses_into_a_page_that_goes_on_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    async with athings.with_streaming_response.cursor() as response:
        page = await response.parse()
    assert response.is_closed
    assert [thing.id async for thing in page] == ids(7)


def test_an_async_page_refuses_plain_iteration() -> None:
    page = AsyncCursorPage[Thing](data=[Thing(id="a")])
    with pytest.raises(TypeError, match="async for"):
        iter(page)


def test_pages_hold_their_call_context_and_never_the_client(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    page = things.cursor().get_next_page()
    origin = page.__dict__["_sdkcore_page_origin"]
    assert isinstance(origin, PageOrigin)
    assert isinstance(origin.context, CallContext)
    held = [getattr(origin, f.name) for f in dataclasses.fields(origin)]
    held += [
        getattr(origin.context.shared, f.name) for f in dataclasses.fields(origin.context.shared)
    ]
    assert not any(isinstance(value, BaseClient) for value in held)


def test_a_fetched_page_copies_with_its_call_and_pickles_without_it(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    page = things.cursor()
    copied = copy.deepcopy(page)
    assert [thing.id for thing in copied] == ids(7)
    restored = pickle.loads(pickle.dumps(page))
    assert restored.data == page.data
    assert restored.continuation_token == page.continuation_token
    with pytest.raises(RuntimeError, match="not fetched by a client"):
        restored.get_next_page()
