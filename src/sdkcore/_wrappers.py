"""Raw and streaming access to any SDK method, by wrapping it.

An SDK method takes ``extra_headers``; a wrapper adds a sentinel header there
(on a copy) that asks the client for an ``APIResponse`` instead of the parsed
object. The client decodes and removes it before sending.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from ._constants import OVERRIDE_CAST_TO_HEADER, RAW_RESPONSE_HEADER
from ._options import ReturnMode, response_class_token
from ._response import (
    APIResponse,
    AsyncAPIResponse,
    AsyncResponseContextManager,
    BaseAPIResponse,
    ResponseContextManager,
)
from ._typing import extract_type_arg

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Coroutine, Generator

__all__ = [
    "async_to_custom_raw_response_wrapper",
    "async_to_custom_streamed_response_wrapper",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "extract_response_type",
    "to_custom_raw_response_wrapper",
    "to_custom_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
]

P = ParamSpec("P")
R = TypeVar("R")
_APIResponseT = TypeVar("_APIResponseT", bound=APIResponse[Any])
_AsyncAPIResponseT = TypeVar("_AsyncAPIResponseT", bound=AsyncAPIResponse[Any])
_ResponseT = TypeVar("_ResponseT", bound=BaseAPIResponse[Any])
_T = TypeVar("_T")


class _Deferred(Generic[_T]):
    """An awaitable that makes its coroutine only when awaited.

    A streaming context manager that is never entered then leaves no un-awaited
    coroutine behind (which Python reports as a ``RuntimeWarning``).
    """

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Coroutine[Any, Any, _T]]) -> None:
        self._make = make

    def __await__(self) -> Generator[Any, None, _T]:
        return self._make().__await__()


def _with_mode(
    kwargs: dict[str, Any], mode: ReturnMode, response_cls: type[Any] | None = None
) -> dict[str, Any]:
    """A copy of ``kwargs`` whose ``extra_headers`` (also a copy) ask for ``mode``."""
    headers: dict[str, Any] = dict(kwargs.get("extra_headers") or {})
    headers[RAW_RESPONSE_HEADER] = mode.value
    if response_cls is not None:
        headers[OVERRIDE_CAST_TO_HEADER] = response_class_token(response_cls)
    return {**kwargs, "extra_headers": headers}


#: The classes the plain wrappers check for, typed with ``Any`` (the response's ``R`` is
#: the wrapped method's; ``isinstance`` cannot check it).
_SYNC_RESPONSE: type[APIResponse[Any]] = APIResponse
_ASYNC_RESPONSE: type[AsyncAPIResponse[Any]] = AsyncAPIResponse


def _checked(result: object, expected: type[_ResponseT]) -> _ResponseT:
    if not isinstance(result, expected):
        raise TypeError(
            f"Expected the wrapped method to return {expected.__name__}, got "
            f"{type(result).__name__}: does it pass `extra_headers` on to the client?"
        )
    return result


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Make ``func`` return the read ``APIResponse[R]`` instead of ``R``.

    >>> self.with_raw_response.get = to_raw_response_wrapper(things.get)
    """

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        return _checked(func(*args, **_with_mode(kwargs, ReturnMode.RAW)), _SYNC_RESPONSE)

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Make the async ``func`` return the read ``AsyncAPIResponse[R]``."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        result = await func(*args, **_with_mode(kwargs, ReturnMode.RAW))
        return _checked(result, _ASYNC_RESPONSE)

    return wrapped


def to_streamed_response_wrapper(
    func: Callable[P, R],
) -> Callable[P, ResponseContextManager[APIResponse[R]]]:
    """Make ``func`` return a context manager of the unread ``APIResponse[R]``.

    >>> with things.with_streaming_response.get("t1") as response:
    ...     print(response.headers)
    """

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[APIResponse[R]]:
        call_kwargs = _with_mode(kwargs, ReturnMode.STREAMED)
        return ResponseContextManager(lambda: _checked(func(*args, **call_kwargs), _SYNC_RESPONSE))

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[R]]]:
    """Make the async ``func`` return an async context manager of the unread response."""

    @functools.wraps(func)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[AsyncAPIResponse[R]]:
        call_kwargs = _with_mode(kwargs, ReturnMode.STREAMED)

        async def request() -> AsyncAPIResponse[R]:
            return _checked(await func(*args, **call_kwargs), _ASYNC_RESPONSE)

        return AsyncResponseContextManager(_Deferred(request))

    return wrapped


def to_custom_raw_response_wrapper(
    func: Callable[P, object], response_cls: type[_APIResponseT]
) -> Callable[P, _APIResponseT]:
    """Like ``to_raw_response_wrapper``, answering with ``response_cls``.

    >>> content = to_custom_raw_response_wrapper(files.content, BinaryAPIResponse)
    """

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> _APIResponseT:
        result = func(*args, **_with_mode(kwargs, ReturnMode.RAW, response_cls))
        return _checked(result, response_cls)

    return wrapped


def async_to_custom_raw_response_wrapper(
    func: Callable[P, Awaitable[object]], response_cls: type[_AsyncAPIResponseT]
) -> Callable[P, Awaitable[_AsyncAPIResponseT]]:
    """The async twin of ``to_custom_raw_response_wrapper``."""

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> _AsyncAPIResponseT:
        result = await func(*args, **_with_mode(kwargs, ReturnMode.RAW, response_cls))
        return _checked(result, response_cls)

    return wrapped


def to_custom_streamed_response_wrapper(
    func: Callable[P, object], response_cls: type[_APIResponseT]
) -> Callable[P, ResponseContextManager[_APIResponseT]]:
    """Like ``to_streamed_response_wrapper``, answering with ``response_cls``.

    >>> with files.with_streaming_response.content("f1") as response:
    ...     response.stream_to_file("out.bin")
    """

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[_APIResponseT]:
        call_kwargs = _with_mode(kwargs, ReturnMode.STREAMED, response_cls)
        return ResponseContextManager(lambda: _checked(func(*args, **call_kwargs), response_cls))

    return wrapped


def async_to_custom_streamed_response_wrapper(
    func: Callable[P, Awaitable[object]], response_cls: type[_AsyncAPIResponseT]
) -> Callable[P, AsyncResponseContextManager[_AsyncAPIResponseT]]:
    """The async twin of ``to_custom_streamed_response_wrapper``."""

    @functools.wraps(func)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[_AsyncAPIResponseT]:
        call_kwargs = _with_mode(kwargs, ReturnMode.STREAMED, response_cls)

        async def request() -> _AsyncAPIResponseT:
            return _checked(await func(*args, **call_kwargs), response_cls)

        return AsyncResponseContextManager(_Deferred(request))

    return wrapped


def extract_response_type(typ: type[BaseAPIResponse[Any]]) -> type:
    """The ``R`` of ``APIResponse[R]``, ``AsyncAPIResponse[R]`` or a concrete subclass.

    Raises ``TypeError`` for a class with no type argument.

    >>> extract_response_type(BinaryAPIResponse)
    <class 'bytes'>
    """
    found: type = extract_type_arg(typ, (BaseAPIResponse,), what="APIResponse")
    return found
