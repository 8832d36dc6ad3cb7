"""``AsyncPaginator.iter_pages(prefetch=n)``: ``n`` pages fetched ahead in a task group, never more.

Leaving the ``async with`` (a ``break``, an error, a cancellation) cancels the fetching
ahead and leaves no connection lent out of the pool; a fetch that failed ahead is
raised when the iteration reaches its page.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from _pages_sdk import AsyncThings, Catalogue, ids
from _pool import lent_out
from sdkcore import InternalServerError
from sdkcore.testing import Fail, OnAttempts, Stall

if TYPE_CHECKING:
    from _sdk import AsyncAcme
    from sdkcore import AsyncPageIterator
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

PAGES = 6


@pytest.fixture
def athings(async_client: AsyncAcme) -> AsyncThings:
    return AsyncThings(async_client)


async def _settled_count(server: LoopbackServer, expected: int) -> int:
    """The server's request count once it reached ``expected`` and stayed a moment."""
    for _ in range(600):
        if len(server.requests) >= expected:
            break
        await anyio.sleep(0.005)
    await anyio.sleep(0.05)  # time enough for one fetch too many to show
    return len(server.requests)


async def _first_ids(pages: AsyncPageIterator[Any], into: list[str]) -> None:
    async with pages:
        async for page in pages:
            into.append(page.data[0].id)


@pytest.mark.parametrize("prefetch", [1, 2])
async def test_prefetch_fetches_exactly_that_many_pages_ahead(
    server: LoopbackServer, athings: AsyncThings, prefetch: int
) -> None:
    Catalogue(3 * PAGES).serve(server)
    counts: list[int] = []
    async with athings.cursor().iter_pages(prefetch=prefetch) as pages:
        async for _page in pages:
            expected = min(len(counts) + 1 + prefetch, PAGES)
            counts.append(await _settled_count(server, expected))
    assert counts == [min(n + prefetch, PAGES) for n in range(1, PAGES + 1)]


async def test_without_prefetch_each_page_is_fetched_when_reached(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(3 * PAGES).serve(server)
    counts = [await _settled_count(server, 0) async for _page in athings.cursor().iter_pages()]
    assert counts == list(range(1, PAGES + 1))


async def test_prefetched_pages_arrive_in_order_with_every_item(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(40).serve(server)
    found: list[str] = []
    async with athings.cursor().iter_pages(prefetch=3) as pages:
        async for page in pages:
            found += [thing.id for thing in page.data]
    assert found == ids(40)


async def test_breaking_out_cancels_the_fetch_ahead_and_returns_its_connection(
    server: LoopbackServer, async_client: AsyncAcme, athings: AsyncThings
) -> None:
    Catalogue(3 * PAGES).serve(server, fault=OnAttempts(Stall(10, before_headers=True), {2}))
    started = time.monotonic()
    async with athings.cursor().iter_pages(prefetch=1) as pages:
        async for _page in pages:
            await _settled_count(server, 2)  # the second page is on its way, and stalls
            break
    assert time.monotonic() - started < 3
    assert len(server.requests) == 2
    assert lent_out(async_client._client) == 0


async def test_cancellation_cancels_the_fetch_ahead_and_returns_its_connection(
    server: LoopbackServer, async_client: AsyncAcme, athings: AsyncThings
) -> None:
    Catalogue(3 * PAGES).serve(server, fault=OnAttempts(Stall(10, before_headers=True), {2}))
    handled: list[int] = []
    with anyio.move_on_after(0.5) as scope:
        async with athings.cursor().iter_pages(prefetch=1) as pages:
            async for page in pages:
                handled.append(len(page.data))
                await anyio.sleep(5)  # handling the page takes longer than we wait
    assert scope.cancelled_caught
    assert handled == [3]
    assert lent_out(async_client._client) == 0


async def test_a_fetch_that_failed_ahead_is_raised_when_iteration_reaches_its_page(
    server: LoopbackServer, athings: AsyncThings
) -> None:
    Catalogue(3 * PAGES).serve(server, fault=OnAttempts(Fail(status=500), {3}))
    reached: list[str] = []
    with pytest.raises(InternalServerError) as caught:
        await _first_ids(athings.cursor(max_retries=0).iter_pages(prefetch=2), reached)
    assert reached == ["t00000", "t00003"]
    assert getattr(caught.value, "continuation_token", None) is not None


async def test_prefetch_outside_async_with_says_how_to_use_it(athings: AsyncThings) -> None:
    pages = athings.cursor().iter_pages(prefetch=1)
    with pytest.raises(RuntimeError, match="async with"):
        await anext(pages)


async def test_prefetch_refuses_a_negative_count(athings: AsyncThings) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        athings.cursor().iter_pages(prefetch=-1)
