"""The page classes SDKs return, sync and async, and the async walk through a listing.

``_pages`` decides what the next page is; ``BaseSyncPage`` and ``BaseAsyncPage`` are the
thin shells that fetch it (through ``_page_fetch``), and each built-in page is a rule of
``_pages`` with one of them. ``AsyncPaginator`` is what an async list method returns at
once; ``AsyncPageIterator`` walks the pages, one at a time or ``prefetch`` ahead in a
task group.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

import anyio

from ._page_fetch import afetch_page, fetch_page, page_class
from ._pages import BasePage, CursorPage, LinkPage, OffsetPage, SinglePage, items_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
    from typing import Self

    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from ._context import AsyncCall, SyncCall
    from ._page_info import NextPage

__all__ = [
    "AsyncCursorPage",
    "AsyncLinkPage",
    "AsyncOffsetPage",
    "AsyncPage",
    "AsyncPageIterator",
    "AsyncPaginator",
    "BaseAsyncPage",
    "BaseSyncPage",
    "SyncCursorPage",
    "SyncLinkPage",
    "SyncOffsetPage",
    "SyncPage",
    "async_listing",
    "sync_listing",
]

_T = TypeVar("_T")
_P = TypeVar("_P")
_AsyncPageT = TypeVar("_AsyncPageT", bound="BaseAsyncPage[Any]")


class BaseSyncPage(BasePage[_T]):
    """A page of a sync client: ``get_next_page()``, ``iter_pages()``, ``for item in page``.

    An SDK's own page gets it by adding this base to its rule (a ``BasePage`` subclass).

    >>> class SyncTokenPage(BaseSyncPage[T], TokenPage[T]):
    ...     pass
    """

    def get_next_page(self) -> Self:
        """The next page, fetched now (and retried like any call).

        Raises ``RuntimeError`` when there is none (check ``has_next_page()`` first),
        ``PaginationError`` when the server points again to a page it sent, and the
        client's errors, carrying the ``continuation_token`` of the page that failed.

        >>> if page.has_next_page():
        ...     page = page.get_next_page()
        """
        step = self._next_page()
        return fetch_page(self._page_origin().context.shared.call, type(self), step)

    def iter_pages(self) -> Iterator[Self]:
        """This page, then each next page, fetched as the iteration reaches it.

        >>> for page in client.things.list().iter_pages():
        ...     print(len(page.data), page.request_id)
        """
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[_T]:  # type: ignore[override]  # items, not (field, value) pairs
        for page in self.iter_pages():
            yield from page._get_page_items()


class BaseAsyncPage(BasePage[_T]):
    """A page of an async client: ``await get_next_page()``, ``iter_pages()``, ``async for``.

    >>> class AsyncTokenPage(BaseAsyncPage[T], TokenPage[T]):
    ...     pass
    """

    async def get_next_page(self) -> Self:
        """The next page, fetched now; raises as ``BaseSyncPage.get_next_page``.

        >>> if page.has_next_page():
        ...     page = await page.get_next_page()
        """
        step = self._next_page()
        return await afetch_page(self._page_origin().context.shared.acall, type(self), step)

    def iter_pages(self) -> AsyncPageIterator[Self]:
        """This page, then each next page, fetched as the iteration reaches it.

        >>> async for page in first.iter_pages():
        ...     print(len(page.data))
        """
        return AsyncPageIterator(_given(self))

    def __aiter__(self) -> AsyncIterator[_T]:
        return _AsyncItems(self.iter_pages())

    def __iter__(self) -> NoReturn:
        # pydantic's model iteration would yield (field, value) pairs: a silent mistake here.
        raise TypeError(f"{type(self).__name__} is an async page: iterate it with `async for`.")


def _given(page: _P) -> Callable[[], Awaitable[_P]]:
    async def given() -> _P:
        return page

    return given


class SyncPage(BaseSyncPage[_T], SinglePage[_T]):
    """A listing of one page: the body's ``data`` list.

    >>> things = list(client.get_api_list("/things", model=Thing, page=SyncPage[Thing]))
    """


class AsyncPage(BaseAsyncPage[_T], SinglePage[_T]):
    """The async twin of ``SyncPage``.

    >>> things = [t async for t in client.get_api_list("/t", model=Thing, page=AsyncPage[Thing])]
    """


class SyncCursorPage(BaseSyncPage[_T], CursorPage[_T]):
    """``data`` and ``has_more``; the next request adds ``after=<id of the last item>``.

    >>> for thing in client.get_api_list("/things", model=Thing, page=SyncCursorPage[Thing]):
    ...     print(thing.id)
    """


class AsyncCursorPage(BaseAsyncPage[_T], CursorPage[_T]):
    """The async twin of ``SyncCursorPage``.

    >>> async for thing in client.get_api_list("/t", model=Thing, page=AsyncCursorPage[Thing]):
    ...     print(thing.id)
    """


class SyncOffsetPage(BaseSyncPage[_T], OffsetPage[_T]):
    """``data`` and an optional ``total``; the next request sets ``offset`` past the items seen.

    >>> page = client.get_api_list("/things", model=Thing, page=SyncOffsetPage[Thing])
    """


class AsyncOffsetPage(BaseAsyncPage[_T], OffsetPage[_T]):
    """The async twin of ``SyncOffsetPage``.

    >>> page = await client.get_api_list("/things", model=Thing, page=AsyncOffsetPage[Thing])
    """


class SyncLinkPage(BaseSyncPage[_T], LinkPage[_T]):
    """A JSON array body; the next page is the ``Link`` header's ``rel="next"`` (RFC 8288).

    >>> issues = client.get_api_list("/repos/o/r/issues", model=Issue, page=SyncLinkPage[Issue])
    """


class AsyncLinkPage(BaseAsyncPage[_T], LinkPage[_T]):
    """The async twin of ``SyncLinkPage``.

    >>> pages = client.get_api_list("/issues", model=Issue, page=AsyncLinkPage[Issue])
    """


@dataclass(frozen=True, slots=True)
class _Failed:
    """A fetch that failed ahead of the caller, raised when the caller reaches it."""

    error: Exception


class AsyncPageIterator(Generic[_AsyncPageT]):
    """The pages of a listing, fetched as ``async for`` reaches them, or ``prefetch`` ahead.

    With ``prefetch=n`` the next ``n`` pages are fetched in a task group while you handle
    the current one: use it in ``async with``, whose end (a ``break``, an error, a
    cancellation) cancels what is being fetched. Raises ``ValueError`` for ``prefetch < 0``.

    >>> async with client.things.list().iter_pages(prefetch=1) as pages:
    ...     async for page in pages:
    ...         await store(page.data)
    """

    def __init__(self, first: Callable[[], Awaitable[_AsyncPageT]], *, prefetch: int = 0) -> None:
        if prefetch < 0:
            raise ValueError(
                f"prefetch is how many pages to fetch ahead (0 or more), got {prefetch}"
            )
        self._first = first
        self._prefetch = prefetch
        self._current: _AsyncPageT | None = None
        self._finished = False
        self._scope: AsyncExitStack | None = None
        self._ahead: MemoryObjectReceiveStream[_AsyncPageT | _Failed] | None = None

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _AsyncPageT:
        if self._prefetch:
            return await self._next_fetched_ahead()
        if self._finished:
            raise StopAsyncIteration
        page = await self._after(self._current)
        if page is None:
            self._finished = True
            raise StopAsyncIteration
        self._current = page
        return page

    async def __aenter__(self) -> Self:
        if self._prefetch and self._scope is None:
            scope = AsyncExitStack()
            try:
                group = await scope.enter_async_context(anyio.create_task_group())
                send, receive = anyio.create_memory_object_stream[_AsyncPageT | _Failed](
                    self._prefetch - 1
                )
                scope.push_async_callback(receive.aclose)
                scope.callback(group.cancel_scope.cancel)  # runs first on the way out
                group.start_soon(self._fetch_ahead, send)
            except BaseException:
                await scope.aclose()
                raise
            self._scope, self._ahead = scope, receive
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        scope, self._scope = self._scope, None
        if scope is not None:
            # The fetching ahead is cancelled first, so the task group ends at once with
            # nothing of its own to raise; the body's exception is not shown to it (it
            # would come out wrapped in an ExceptionGroup) and goes on as it is.
            await scope.aclose()

    async def _after(self, page: _AsyncPageT | None) -> _AsyncPageT | None:
        """The page after ``page`` (the first one after ``None``), or ``None`` at the end."""
        if page is None:
            return await self._first()
        if not page.has_next_page():
            return None
        return await page.get_next_page()

    async def _next_fetched_ahead(self) -> _AsyncPageT:
        if self._ahead is None:
            raise RuntimeError(
                f"iter_pages(prefetch={self._prefetch}) fetches ahead in a task group: use it "
                f"as `async with paginator.iter_pages(prefetch={self._prefetch}) as pages:` "
                "and iterate `pages` inside."
            )
        try:
            outcome = await self._ahead.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None
        if isinstance(outcome, _Failed):
            raise outcome.error
        return outcome

    async def _fetch_ahead(self, send: MemoryObjectSendStream[_AsyncPageT | _Failed]) -> None:
        async with send:
            page: _AsyncPageT | None = None
            while True:
                try:
                    page = await self._after(page)
                except Exception as exc:  # raised to the caller when it reaches this page
                    await send.send(_Failed(exc))
                    return
                if page is None:
                    return
                # Waits while ``prefetch`` pages are ready and unclaimed: never further ahead.
                await send.send(page)


class _AsyncItems(Generic[_T]):
    """Every item of the pages an iterator yields, one page held at a time."""

    def __init__(self, pages: AsyncIterator[BasePage[_T]]) -> None:
        self._pages = pages
        self._items: list[_T] = []
        self._index = 0

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> _T:
        while self._index >= len(self._items):
            page = await anext(self._pages)
            self._items, self._index = items_of(page), 0
        item = self._items[self._index]
        self._index += 1
        return item


class AsyncPaginator(Generic[_T, _AsyncPageT]):
    """What an async list method returns at once: ``await`` it for the first page, or
    ``async for`` it for every item; each use makes the listing's requests anew.

    >>> first = await client.things.list()
    >>> async for thing in client.things.list():
    ...     print(thing.id)
    """

    def __init__(self, first_page: Callable[[], Awaitable[_AsyncPageT]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, Any, _AsyncPageT]:
        return self._first_page().__await__()

    def __aiter__(self) -> AsyncIterator[_T]:
        return _AsyncItems(self.iter_pages())

    def iter_pages(self, prefetch: int = 0) -> AsyncPageIterator[_AsyncPageT]:
        """The listing's pages; with ``prefetch=n``, ``n`` fetched ahead (use ``async with``).

        >>> async for page in client.things.list().iter_pages():
        ...     print(page.request_id)
        """
        return AsyncPageIterator(self._first_page, prefetch=prefetch)


def sync_listing(call: SyncCall, page: type[_P], model: object, start: NextPage) -> _P:
    """The first page of a listing, fetched (``page`` given ``model`` items if it has none)."""
    return fetch_page(call, page_class(page, model), start)


def async_listing(
    call: AsyncCall, page: type[_AsyncPageT], model: type[_T], start: NextPage
) -> AsyncPaginator[_T, _AsyncPageT]:
    """The paginator of a listing; nothing is fetched until it is awaited or iterated."""
    cls = page_class(page, model)
    return AsyncPaginator(lambda: afetch_page(call, cls, start))
