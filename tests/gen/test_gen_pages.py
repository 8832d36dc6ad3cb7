"""List endpoints of generated SDKs return sdkcore's pages and iterate every item."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

import sdkcore
from sdkcore.testing import Reply

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from sdkcore.testing import LoopbackServer, Request

pytestmark = pytest.mark.anyio

THINGS = [{"id": f"t{index}"} for index in range(5)]


def _cursor(request: Request) -> Reply:
    after = request.query.get("after")
    start = 0 if after is None else [thing["id"] for thing in THINGS].index(after) + 1
    data = THINGS[start : start + 2]
    return Reply(json={"object": "list", "data": data, "has_more": start + 2 < len(THINGS)})


def _offset(request: Request) -> Reply:
    offset = int(request.query.get("offset", "0"))
    return Reply(json={"data": THINGS[offset : offset + 2], "total": len(THINGS)})


def _linked(request: Request) -> Reply:
    page = int(request.query.get("page", "1"))
    headers = {"Link": f'</linked-things?page={page + 1}>; rel="next"'} if page < 3 else {}
    return Reply(json=THINGS[(page - 1) * 2 : page * 2], headers=headers)


def test_a_cursor_list_follows_after_across_pages(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/cursor-things", handler=_cursor)
    with lists.Pages(base_url=server.url) as client:
        page = client.cursor_things.list(limit=2)
        assert isinstance(page, sdkcore.SyncCursorPage)
        assert [thing.id for thing in page] == [thing["id"] for thing in THINGS]
        assert type(page.data[0]).__name__ == "Thing"
    assert [request.query for request in server.requests] == [
        {"limit": "2"},
        {"limit": "2", "after": "t1"},
        {"limit": "2", "after": "t3"},
    ]


async def test_a_cursor_list_follows_after_across_pages_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/cursor-things", handler=_cursor)
    async with lists.AsyncPages(base_url=server.url) as client:
        ids = [thing.id async for thing in client.cursor_things.list()]
        first = await client.cursor_things.list()
    assert ids == [thing["id"] for thing in THINGS]
    assert isinstance(first, sdkcore.AsyncCursorPage)


def test_an_offset_list_moves_its_offset_by_the_items_seen(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/offset-things", handler=_offset)
    with lists.Pages(base_url=server.url) as client:
        assert [thing.id for thing in client.offset_things.list()] == [
            thing["id"] for thing in THINGS
        ]
    assert [request.query.get("offset") for request in server.requests] == [None, "2", "4"]


def test_a_data_list_without_cursors_is_one_page(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/plain-things", json={"object": "list", "data": THINGS[:3]})
    with lists.Pages(base_url=server.url) as client:
        page = client.plain_things.list()
        assert isinstance(page, sdkcore.SyncPage)
        assert [thing.id for thing in page] == ["t0", "t1", "t2"]
    assert len(server.requests) == 1


async def test_a_link_header_list_follows_rel_next_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/linked-things", handler=_linked)
    async with lists.AsyncPages(base_url=server.url) as client:
        ids = [thing.id async for thing in client.linked_things.list()]
    assert ids == [thing["id"] for thing in THINGS]


def test_the_raw_view_of_a_list_parses_into_a_page_that_goes_on(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/cursor-things", handler=_cursor)
    with lists.Pages(base_url=server.url) as client:
        response = client.cursor_things.with_raw_response.list()
        assert isinstance(response, sdkcore.APIResponse)
        page = response.parse()
        assert [thing.id for thing in page] == [thing["id"] for thing in THINGS]


async def test_the_raw_view_of_a_list_parses_into_a_page_that_goes_on_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    lists = sdk("pages.yaml")
    server.route("GET", "/cursor-things", handler=_cursor)
    async with lists.AsyncPages(base_url=server.url) as client:
        response = await client.cursor_things.with_raw_response.list(limit=2)
        assert isinstance(response, sdkcore.AsyncAPIResponse)
        page = await response.parse()
        assert isinstance(page, sdkcore.AsyncCursorPage)
        assert [thing.id async for thing in page] == [thing["id"] for thing in THINGS]
