"""Pages: models of a listing's response bodies that know what the next page is.

A page class (``BasePage``) says where its items are (``_get_page_items``) and how the
next request differs from the listing's first one (``next_page_info``). A page parsed
from a response is bound to its call (``bound_page``, from the response layer), so it
can name its next request (``_next_page``, decided in ``_page_info``) for the fetching
shells of ``_pagination``, sync or async. The built-in rules are here, once: a single
page, cursors (``after``), offsets and RFC 8288 ``Link`` headers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import httpx2
import pydantic
from typing_extensions import TypeIs

from ._constants import REQUEST_ID_HEADER
from ._links import next_link
from ._models import BaseModel, construct_value
from ._page_info import (
    FIRST_TRAIL,
    NextPage,
    PageInfo,
    PaginationError,
    Trail,
    describe,
    encode_token,
    next_request,
)
from ._typing import is_json_object

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from ._context import CallContext
    from ._options import FinalRequestOptions

__all__ = [
    "BasePage",
    "CursorPage",
    "LinkPage",
    "OffsetPage",
    "PageOrigin",
    "SinglePage",
    "bound_page",
    "follow_from",
    "is_page",
    "items_of",
]

_T = TypeVar("_T")
_V = TypeVar("_V")


def _forgotten() -> None:
    return None


@dataclass(frozen=True, slots=True)
class PageOrigin:
    """Where a page came from: its call, its response, the listing's first request, the trail.

    A copy of a page shares it; a pickled page forgets it (it holds the client's call).
    """

    context: CallContext
    response: httpx2.Response
    first: FinalRequestOptions
    trail: Trail

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self

    def __reduce__(self) -> tuple[Callable[[], None], tuple[()]]:
        return _forgotten, ()


class BasePage(BaseModel, Generic[_T]):
    """One page of a listing: a model of its body that knows what the next page is.

    An SDK page class declares the body's fields and overrides ``_get_page_items``
    (this page's items) and ``next_page_info`` (``None`` on the last page). The rule is
    written once; ``BaseSyncPage`` and ``BaseAsyncPage`` add the fetching, sync and async.

    >>> page = client.things.list()
    >>> page.has_next_page(), page.continuation_token, page.request_id
    """

    def _get_page_items(self) -> list[_T]:
        """The items of this page; page classes override this."""
        raise NotImplementedError(f"{type(self).__name__} must override _get_page_items()")

    def next_page_info(self) -> PageInfo | None:
        """How the next page's request differs from the first one; ``None`` on the last page.

        Page classes override this. Raises ``PaginationError`` when the body says there
        is a next page but not how to reach it.

        >>> page.next_page_info()
        PageInfo(params={'after': 't_42'}, url=None, json=None)
        """
        raise NotImplementedError(f"{type(self).__name__} must override next_page_info()")

    def has_next_page(self) -> bool:
        """Whether there is a page after this one (an empty page may still point onwards).

        >>> while page.has_next_page():
        ...     page = page.get_next_page()
        """
        return self.next_page_info() is not None

    @property
    def continuation_token(self) -> str | None:
        """An opaque, URL-safe string naming the next page; ``None`` on the last page.

        Pass it as ``continuation_token=`` to the same listing, in any process, to go on
        there with nothing repeated or skipped.

        >>> token = page.continuation_token
        >>> rest = client.things.list(continuation_token=token)
        """
        info = self.next_page_info()
        return None if info is None else encode_token(info)

    @property
    def response(self) -> httpx2.Response:
        """The ``httpx2.Response`` this page was read from.

        Raises ``RuntimeError`` for a page built by hand rather than fetched.
        """
        return self._page_origin().response

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header of this page's response, or ``None``."""
        origin = self._origin()
        return None if origin is None else origin.response.headers.get(REQUEST_ID_HEADER)

    @classmethod
    def _body_fields(cls, body: object) -> object:
        """The body as this page's fields; a page whose body is a JSON array wraps it."""
        return body

    @pydantic.model_validator(mode="before")
    @classmethod
    def _fields_from_body(cls, data: Any) -> Any:
        return cls._body_fields(data)

    def __reduce__(self) -> tuple[Any, ...]:
        # A page class given its item type inside a function (as list methods do) is not
        # importable by name: pickle the generic class and its arguments instead.
        metadata = type(self).__pydantic_generic_metadata__
        if metadata["origin"] is None:
            return (_unpickled_page, (type(self), (), self.__getstate__()))
        return (_unpickled_page, (metadata["origin"], metadata["args"], self.__getstate__()))

    def _origin(self) -> PageOrigin | None:
        return _origin_of(self)

    def _page_origin(self) -> PageOrigin:
        origin = _origin_of(self)
        if origin is None:
            raise RuntimeError(
                f"This {type(self).__name__} was not fetched by a client, so it cannot fetch "
                "the pages after it: get pages from an SDK's list method (get_api_list)."
            )
        return origin

    def _next_page(self) -> NextPage:
        """The next page's request; ``RuntimeError`` on the last page, ``PaginationError``
        when the server points again to a page the listing fetched."""
        info = self.next_page_info()
        if info is None:
            raise RuntimeError(
                "There is no next page: check has_next_page() before calling get_next_page()."
            )
        origin = self._page_origin()
        trail = origin.trail.then(info)
        if trail is None:
            raise PaginationError(
                "The server pointed again to a page this listing had already fetched "
                f"({describe(info, origin.context.secrets)}); stopping instead of "
                "fetching it forever."
            )
        options = next_request(origin.first, info, origin=origin.response.request.url)
        return NextPage(options, origin.first, trail, encode_token(info))


#: Where a page keeps its origin: an instance attribute pydantic leaves alone (not a
#: field, kept out of dumps, reprs and ``==``).
_ORIGIN: Final = "_sdkcore_page_origin"


def _origin_of(page: BasePage[Any]) -> PageOrigin | None:
    origin = page.__dict__.get(_ORIGIN)
    return origin if isinstance(origin, PageOrigin) else None


def _unpickled_page(cls: Any, args: tuple[Any, ...], state: dict[Any, Any]) -> BasePage[Any]:
    concrete: type[BasePage[Any]] = cls[args[0] if len(args) == 1 else args] if args else cls
    page = concrete.__new__(concrete)
    page.__setstate__(state)
    return page


def is_page(value: object) -> TypeIs[BasePage[Any]]:
    """Whether ``value`` is a page (of any item type)."""
    return isinstance(value, BasePage)


def bound_page(
    target: object, value: object, context: CallContext, response: httpx2.Response
) -> object:
    """``value`` (a parsed body) bound to its call when it is a page, so it can fetch more.

    A body that did not fit a page model exactly is kept as sent in lenient mode; for a
    page target it is built into the page as far as it fits (an array body too).
    """
    page = value if is_page(value) else _built(target, value)
    if page is None:
        return value
    origin = PageOrigin(context, response, context.options, FIRST_TRAIL)
    object.__setattr__(page, _ORIGIN, origin)
    return page


def _built(target: object, value: object) -> BasePage[Any] | None:
    if not (isinstance(target, type) and issubclass(target, BasePage)):
        return None
    fields = target._body_fields(value)  # pyright: ignore[reportPrivateUsage]  # this module's hook
    built: object = construct_value(target, fields) if is_json_object(fields) else None
    return built if is_page(built) else None


def _is_array(value: object) -> TypeIs[list[object]]:
    return isinstance(value, list)


def follow_from(value: _V, step: NextPage) -> _V:
    """``value``, a fetched page, told its place in the listing (other values unchanged)."""
    origin = _origin_of(value) if is_page(value) else None
    if origin is not None:
        object.__setattr__(value, _ORIGIN, replace(origin, first=step.first, trail=step.trail))
    return value


def items_of(page: BasePage[_T]) -> list[_T]:
    """The items of ``page`` (its ``_get_page_items()``)."""
    return page._get_page_items()  # pyright: ignore[reportPrivateUsage]  # this module's hook


class _DataPage(BasePage[_T]):
    """A page whose items are the body's ``data`` list (empty when the body has none)."""

    data: list[_T] = pydantic.Field(default_factory=list)

    def _get_page_items(self) -> list[_T]:
        return self.data


class SinglePage(_DataPage[_T]):
    """The rule of a listing with a single page: the body's ``data`` list."""

    def next_page_info(self) -> PageInfo | None:
        """Always ``None``: there is no next page."""
        return None


class CursorPage(_DataPage[_T]):
    """The cursor rule: the next request adds ``after=<id of the last item>``.

    The listing ends when ``has_more`` is false or ``data`` is empty.
    """

    has_more: bool | None = None

    def next_page_info(self) -> PageInfo | None:
        """``after`` the last item's id; raises ``PaginationError`` when it has none."""
        if self.has_more is False or not self.data:
            return None
        return PageInfo(params={"after": _item_id(self.data[-1])})


def _item_id(item: object) -> object:
    found = item.get("id") if is_json_object(item) else getattr(item, "id", None)
    if found is None:
        raise PaginationError(
            "The page says there are more items, but its last item has no `id` to ask "
            "for the next page after (after=<id>)."
        )
    return found


class OffsetPage(_DataPage[_T]):
    """The offset rule: the next request's ``offset`` is this one's plus the items seen.

    The listing ends on an empty page, or once ``total`` (when the body has it) is reached.
    """

    total: int | None = None

    def next_page_info(self) -> PageInfo | None:
        """The next ``offset``; raises ``PaginationError`` when this one was not a number."""
        if not self.data:
            return None
        offset = self._sent_offset() + len(self.data)
        if self.total is not None and offset >= self.total:
            return None
        return PageInfo(params={"offset": offset})

    def _sent_offset(self) -> int:
        origin = self._origin()
        sent = None if origin is None else origin.response.request.url.params.get("offset")
        if sent is None:
            return 0
        try:
            return int(sent)
        except ValueError:
            raise PaginationError(f"This page's offset {sent!r} is not a whole number.") from None


class LinkPage(_DataPage[_T]):
    """The RFC 8288 rule: the body is a JSON array; the ``Link`` header's ``rel="next"``
    names the next page (absolute, or relative to this page's URL), as GitHub sends it."""

    @classmethod
    def _body_fields(cls, body: object) -> object:
        return {"data": body} if _is_array(body) else body

    def next_page_info(self) -> PageInfo | None:
        """The ``rel="next"`` URL, resolved; raises ``PaginationError`` when it is not a URL."""
        origin = self._origin()
        if origin is None:
            return None
        target = next_link(origin.response.headers.get_list("link"))
        if target is None:
            return None
        try:
            return PageInfo(url=origin.response.request.url.join(target))
        except httpx2.InvalidURL as exc:
            raise PaginationError(f"The Link header's next URL is not a valid URL: {exc}") from None
