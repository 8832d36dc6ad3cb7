"""Fetching one page of a listing through its call; the page classes are in ``_pagination``.

``fetch_page`` / ``afetch_page`` make the call a ``NextPage`` names (``ctx.shared.call`` or
``acall``: a whole call, retries included) and tell the page its place in the listing;
a failed fetch raises the client's error carrying the ``continuation_token`` of the page
that failed, so the listing resumes exactly there. ``start_listing`` builds a listing's
first request from an SDK method's arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from ._exceptions import SdkError
from ._options import FinalRequestOptions, ReturnMode
from ._page_info import listing_start
from ._pages import follow_from, is_page

if TYPE_CHECKING:
    import httpx2

    from ._context import AsyncCall, SyncCall
    from ._options import RequestOptions
    from ._page_info import NextPage

__all__ = ["afetch_page", "fetch_page", "page_class", "start_listing"]

_P = TypeVar("_P")

_SYNC_ONLY = "This page was fetched by an async client: use `await page.get_next_page()`."
_ASYNC_ONLY = "This page was fetched by a sync client: use `page.get_next_page()`."


def start_listing(
    method: str,
    path: str,
    body: object | None,
    options: RequestOptions | None,
    continuation_token: str | None,
    origin: httpx2.URL,
) -> NextPage:
    """The first request of the listing at ``path`` (or of its continuation at a token).

    ``origin`` is the URL of ``path``: a token's URL must be on its origin. Raises
    ``PaginationError`` for a malformed token, before anything is sent.
    """
    first = FinalRequestOptions.build(method, path, body=body, options=options or {})
    return listing_start(first, continuation_token, origin=origin)


def page_class(page: type[_P], model: object) -> type[_P]:
    """``page`` with ``model`` items: ``SyncCursorPage`` becomes ``SyncCursorPage[model]``.

    A page class that already has its item type is returned as it is.
    """
    metadata: dict[str, Any] = getattr(page, "__pydantic_generic_metadata__", {})
    if not metadata.get("parameters"):
        return page
    parametrized: object = page.__class_getitem__(model)  # type: ignore[attr-defined]  # pydantic's
    if isinstance(parametrized, type) and issubclass(parametrized, page):
        return parametrized
    raise TypeError(f"{page.__name__} cannot take {model!r} as its item type")


def _carry_token(exc: SdkError, token: str | None) -> None:
    """Let ``exc`` say where to resume: the token of the page whose fetch failed."""
    if token is None:
        return
    exc.continuation_token = token
    exc.add_note(f"Resume the listing at this page with continuation_token={token!r}")


def _as_page(value: _P, step: NextPage) -> _P:
    # A list method's first call may have asked for the raw response; next pages never do.
    parsed = step.options.return_mode is ReturnMode.PARSED
    if parsed and not is_page(value):
        raise TypeError(
            f"A page request parsed to {type(value).__name__}, not a page: a post_parser "
            "on a list method must return the page."
        )
    return follow_from(value, step)


def fetch_page(call: SyncCall | None, page_cls: type[_P], step: NextPage) -> _P:
    """Fetch the page ``step`` names, as ``page_cls`` (sync clients).

    Raises the client's errors, carrying the ``continuation_token`` of that page.
    """
    if call is None:
        raise RuntimeError(_SYNC_ONLY)
    try:
        fetched: _P = call(page_cls, step.options)
    except SdkError as exc:
        _carry_token(exc, step.token)
        raise
    return _as_page(fetched, step)


async def afetch_page(call: AsyncCall | None, page_cls: type[_P], step: NextPage) -> _P:
    """Fetch the page ``step`` names, as ``page_cls`` (async clients); see ``fetch_page``."""
    if call is None:
        raise RuntimeError(_ASYNC_ONLY)
    try:
        fetched: _P = await call(page_cls, step.options)
    except SdkError as exc:
        _carry_token(exc, step.token)
        raise
    return _as_page(fetched, step)
