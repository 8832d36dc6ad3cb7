"""Listings that survive: retried next pages, continuation tokens, and servers that misbehave.

A continuation token resumes a listing in a new client with every item exactly once; a
failed next page raises carrying the token of that page; a server that repeats a
cursor or a link, or points to another origin, raises ``PaginationError`` at once.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import pytest

from _pages_sdk import AsyncThings, Catalogue, Things, ids
from _sdk import Acme, AsyncAcme
from sdkcore import (
    APITimeoutError,
    InternalServerError,
    PageInfo,
    PaginationError,
    SdkError,
)
from sdkcore._page_info import encode_token
from sdkcore.testing import Fail, OnAttempts, Reply, Stall

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, Iterator

    from sdkcore.testing import LoopbackServer, Request

pytestmark = pytest.mark.anyio


@pytest.fixture
def things(client: Acme) -> Things:
    return Things(client)


@pytest.fixture
def athings(async_client: AsyncAcme) -> AsyncThings:
    return AsyncThings(async_client)


async def _collect(items: AsyncIterable[Any], into: list[str]) -> None:
    async for item in items:
        into.append(item.id)


def _token_of(exc: BaseException) -> str | None:
    token: str | None = getattr(exc, "continuation_token", None)
    return token


# --- retried like any request, with the first call's options -------------------------------


def test_a_next_page_is_retried_on_503_with_the_first_calls_headers(
    server: LoopbackServer, client: Acme, things: Things
) -> None:
    Catalogue(7).serve(server, fault=OnAttempts(Fail(status=503), attempts={2}))
    listing = things.cursor(extra_headers={"X-Trace": "abc"})
    assert [thing.id for thing in listing] == ids(7)
    assert [request.query.get("after") for request in server.requests] == [
        None,
        "t00002",
        "t00002",
        "t00005",
    ]
    assert {request.headers.get("x-trace") for request in server.requests} == {"abc"}
    assert len(client.sleeps) == 1


async def test_a_next_page_is_retried_on_503_with_the_first_calls_headers_async(
    server: LoopbackServer, async_client: AsyncAcme, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server, fault=OnAttempts(Fail(status=503), attempts={2}))
    listing = athings.cursor(extra_headers={"X-Trace": "abc"})
    assert [thing.id async for thing in listing] == ids(7)
    assert len(server.requests) == 4
    assert {request.headers.get("x-trace") for request in server.requests} == {"abc"}
    assert len(async_client.sleeps) == 1


def test_next_pages_keep_the_first_calls_max_retries(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server, fault=OnAttempts(Fail(status=503), attempts=range(2, 99)))
    first = things.cursor(max_retries=1)
    with pytest.raises(InternalServerError) as caught:
        first.get_next_page()
    assert len(server.requests) == 3  # the first page, then page two and its one retry
    assert _token_of(caught.value) == first.continuation_token


async def test_next_pages_keep_the_first_calls_max_retries_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server, fault=OnAttempts(Fail(status=503), attempts=range(2, 99)))
    first = await athings.cursor(max_retries=1)
    with pytest.raises(InternalServerError) as caught:
        await first.get_next_page()
    assert len(server.requests) == 3
    assert _token_of(caught.value) == first.continuation_token


def test_next_pages_keep_the_first_calls_timeout(server: LoopbackServer, things: Things) -> None:
    Catalogue(7).serve(server, fault=OnAttempts(Stall(5, before_headers=True), attempts={2}))
    first = things.cursor(timeout=0.3, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as caught:
        first.get_next_page()
    assert time.monotonic() - started < 2.5
    assert _token_of(caught.value) == first.continuation_token


async def test_next_pages_keep_the_first_calls_timeout_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server, fault=OnAttempts(Stall(5, before_headers=True), attempts={2}))
    first = await athings.cursor(timeout=0.3, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await first.get_next_page()
    assert time.monotonic() - started < 2.5


# --- continuation tokens ----------------------------------------------------------------------


def _first_pages(pages: Iterator[Any], count: int) -> tuple[list[str], str]:
    seen: list[str] = []
    for page in pages:
        seen += [thing.id for thing in page.data]
        if len(seen) >= count:
            return seen, page.continuation_token
    raise AssertionError("the listing ended early")


def test_a_listing_resumed_from_a_token_in_a_new_client_has_every_item_exactly_once(
    server: LoopbackServer,
) -> None:
    Catalogue(10_000, page_size=100).serve(server)
    with Acme(server.url) as before:
        seen, token = _first_pages(Things(before).cursor().iter_pages(), 3_700)
    with Acme(server.url) as after:
        rest = [thing.id for thing in Things(after).cursor(continuation_token=token)]
    assert seen + rest == ids(10_000)
    assert len(server.requests) == 100


async def test_a_listing_resumed_from_a_token_in_a_new_client_has_every_item_exactly_once_async(
    server: LoopbackServer,
) -> None:
    Catalogue(10_000, page_size=100).serve(server)
    seen: list[str] = []
    async with AsyncAcme(server.url) as before:
        async for page in AsyncThings(before).cursor().iter_pages():
            seen += [thing.id for thing in page.data]
            if len(seen) >= 3_700:
                token = page.continuation_token
                break
    async with AsyncAcme(server.url) as after:
        rest = [thing.id async for thing in AsyncThings(after).cursor(continuation_token=token)]
    assert seen + rest == ids(10_000)
    assert len(server.requests) == 100


@pytest.mark.parametrize("kind", ["offset", "linked"])
def test_offset_and_link_listings_resume_from_a_token_too(
    server: LoopbackServer, things: Things, kind: str
) -> None:
    Catalogue(20, page_size=3).serve(server)
    seen, token = _first_pages(getattr(things, kind)().iter_pages(), 9)
    rest = [thing.id for thing in getattr(things, kind)(continuation_token=token)]
    assert seen + rest == ids(20)


def test_a_malformed_token_raises_before_any_request(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    with pytest.raises(PaginationError, match="not a continuation token"):
        things.cursor(continuation_token="v1.not*base64")
    assert server.requests == []


async def test_a_malformed_token_raises_before_any_request_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(7).serve(server)
    with pytest.raises(PaginationError, match="not a continuation token"):
        athings.cursor(continuation_token="v2.e30")
    assert server.requests == []


def test_a_token_naming_another_origin_is_refused_before_any_request(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server)
    token = encode_token(PageInfo(url="http://elsewhere.example/steal"))
    with pytest.raises(PaginationError, match="another origin"):
        things.linked(continuation_token=token)
    assert server.requests == []


def test_a_failed_next_page_carries_the_token_that_resumes_exactly_there(
    server: LoopbackServer, things: Things
) -> None:
    catalogue = Catalogue(20)
    catalogue.serve(server, fault=OnAttempts(Fail(status=500), attempts={4}))
    seen: list[str] = []
    with pytest.raises(InternalServerError) as caught:
        seen.extend(thing.id for thing in things.cursor(max_retries=0))
    assert seen == ids(9)
    token = _token_of(caught.value)
    assert token is not None
    assert any("continuation_token" in note for note in caught.value.__notes__)
    rest = [thing.id for thing in things.cursor(continuation_token=token)]
    assert seen + rest == ids(20)


async def test_a_failed_next_page_carries_the_token_that_resumes_exactly_there_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(20).serve(server, fault=OnAttempts(Fail(status=500), attempts={4}))
    seen: list[str] = []
    with pytest.raises(InternalServerError) as caught:
        await _collect(athings.cursor(max_retries=0), seen)
    token = _token_of(caught.value)
    rest = [thing.id async for thing in athings.cursor(continuation_token=token)]
    assert seen + rest == ids(20)


def test_the_first_page_of_a_resumed_listing_fails_carrying_its_token(
    server: LoopbackServer, things: Things
) -> None:
    Catalogue(7).serve(server, fault=Fail(status=500))
    token = encode_token(PageInfo(params={"after": "t00002"}))
    with pytest.raises(SdkError) as caught:
        things.cursor(continuation_token=token, max_retries=0)
    assert _token_of(caught.value) == token


# --- servers that lead a listing round in circles ---------------------------------------------


def _same_cursor(request: Request) -> Reply:
    return Reply(json={"data": [{"id": "loop"}], "has_more": True})


def test_a_server_repeating_its_cursor_raises_pagination_error_at_once(
    server: LoopbackServer, things: Things
) -> None:
    server.route("GET", "/cursor-things", handler=_same_cursor)
    started = time.monotonic()
    with pytest.raises(PaginationError, match="already fetched"):
        list(things.cursor())
    assert time.monotonic() - started < 2
    assert len(server.requests) == 2


async def test_a_server_repeating_its_cursor_raises_pagination_error_at_once_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    server.route("GET", "/cursor-things", handler=_same_cursor)
    with pytest.raises(PaginationError, match="already fetched"):
        _ = [thing async for thing in athings.cursor()]
    assert len(server.requests) == 2


def _same_link(request: Request) -> Reply:
    return Reply(json=[{"id": "x"}], headers={"Link": '</linked-things?page=2>; rel="next"'})


def test_a_server_repeating_its_link_raises_pagination_error_at_once(
    server: LoopbackServer, things: Things
) -> None:
    server.route("GET", "/linked-things", handler=_same_link)
    with pytest.raises(PaginationError, match=r"page=2"):
        list(things.linked())
    assert len(server.requests) == 2


async def test_a_server_repeating_its_link_raises_pagination_error_at_once_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    server.route("GET", "/linked-things", handler=_same_link)
    with pytest.raises(PaginationError):
        _ = [thing async for thing in athings.linked()]
    assert len(server.requests) == 2


def test_a_long_cycle_of_cursors_is_caught_within_a_few_times_its_length(
    server: LoopbackServer, things: Things
) -> None:
    cycle = 300  # longer than the trail's window of recent pages

    def answer(request: Request) -> Reply:
        after = int(request.query.get("after", "c-1").removeprefix("c"))
        return Reply(json={"data": [{"id": f"c{(after + 1) % cycle}"}], "has_more": True})

    server.route("GET", "/cursor-things", handler=answer)
    with pytest.raises(PaginationError):
        list(things.cursor())
    assert cycle < len(server.requests) <= 4 * cycle


def test_a_link_to_another_origin_is_refused_and_never_followed(
    server: LoopbackServer, things: Things
) -> None:
    link = '<http://127.0.0.1:9/linked-things?page=2>; rel="next"'
    server.route("GET", "/linked-things", json=[{"id": "a"}], headers={"Link": link})
    page = things.linked()
    with pytest.raises(PaginationError, match="another origin"):
        page.get_next_page()
    assert len(server.requests) == 1


# --- long runs of empty pages ------------------------------------------------------------------

# Twice the default recursion limit: a pager that recursed per page would overflow here
# (Azure's async pager does at about 500).
EMPTY_PAGES = 2_000


def _empty_until_the_end(request: Request) -> Reply:
    number = int(request.query.get("page", "0"))
    if number == EMPTY_PAGES:
        return Reply(json=[{"id": "last"}])
    return Reply(json=[], headers={"Link": f'<?page={number + 1}>; rel="next"'})


@pytest.mark.slow
def test_two_thousand_empty_pages_are_followed_without_recursion(
    server: LoopbackServer, things: Things
) -> None:
    server.route("GET", "/linked-things", handler=_empty_until_the_end)
    assert sys.getrecursionlimit() < EMPTY_PAGES  # following them by recursion would fail
    found = [thing.id for thing in things.linked()]
    assert found == ["last"]
    assert len(server.requests) == EMPTY_PAGES + 1


@pytest.mark.slow
async def test_two_thousand_empty_pages_are_followed_without_recursion_async(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    server.route("GET", "/linked-things", handler=_empty_until_the_end)
    found = [thing.id async for thing in athings.linked()]
    assert found == ["last"]
    assert len(server.requests) == EMPTY_PAGES + 1
