"""Raw and streaming access to any SDK method, by wrapping it.

An SDK method takes ``extra_headers`` and passes them on to the client; a wrapper
adds a sentinel header there (on a copy) that asks the client for an
``APIResponse`` instead of the parsed object. The client decodes and removes it
before sending. A custom wrapper's response class travels beside the call, in
``response_class_slot``, for as long as the wrapped method runs.

A method without an ``extra_headers`` parameter cannot be wrapped: the wrapper
refuses it when it is made, naming the parameter to add.
"""

from __future__ import annotations

import functools
import inspect
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from ._constants import OVERRIDE_CAST_TO_HEADER, RAW_RESPONSE_HEADER
from ._options import ReturnMode, response_class_slot
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
        # Only a mark: the class itself waits in ``response_class_slot``.
        headers[OVERRIDE_CAST_TO_HEADER] = response_cls.__qualname__
    return {**kwargs, "extra_headers": headers}


@contextmanager
def _answering_with(response_cls: type[Any] | None) -> Generator[None]:
    """Offer ``response_cls`` to the request the wrapped method makes."""
    if response_cls is None:
        yield
        return
    token = response_class_slot.set(response_cls)
    try:
        yield
    finally:
        response_class_slot.reset(token)


def _require_extra_headers(func: Callable[..., object]) -> None:
    """Refuse, when the wrapper is made, a method the wrappers cannot reach the client through."""
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):  # no signature to read (some builtins): trust it
        return
    takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    if "extra_headers" not in parameters and not takes_kwargs:
        name = getattr(func, "__qualname__", repr(func))
        raise TypeError(
            f"{name} has no `extra_headers` parameter, so a response wrapper cannot ask the "
            "client for the raw response: add `extra_headers: Headers | None = None` and pass "
            "it on through `make_request_options(extra_headers=extra_headers)`."
        )


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


def _call(
    func: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    mode: ReturnMode,
    expected: type[_ResponseT],
    response_cls: type[Any] | None = None,
) -> _ResponseT:
    with _answering_with(response_cls):
        return _checked(func(*args, **_with_mode(kwargs, mode, response_cls)), expected)


async def _acall(
    func: Callable[..., Awaitable[object]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    mode: ReturnMode,
    expected: type[_ResponseT],
    response_cls: type[Any] | None = None,
) -> _ResponseT:
    with _answering_with(response_cls):
        return _checked(await func(*args, **_with_mode(kwargs, mode, response_cls)), expected)


def to_raw_response_wrapper(func: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """Make ``func`` return the read ``APIResponse[R]`` instead of ``R``.

    ``func`` must take ``extra_headers`` and pass it on to the client; a method
    without it is refused with a ``TypeError`` when the wrapper is made.

    >>> self.with_raw_response.get = to_raw_response_wrapper(things.get)
    """
    _require_extra_headers(func)

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        return _call(func, args, kwargs, ReturnMode.RAW, _SYNC_RESPONSE)

    return wrapped


def async_to_raw_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[AsyncAPIResponse[R]]]:
    """Make the async ``func`` return the read ``AsyncAPIResponse[R]``.

    ``func`` must take ``extra_headers``; see ``to_raw_response_wrapper``.
    """
    _require_extra_headers(func)

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> AsyncAPIResponse[R]:
        return await _acall(func, args, kwargs, ReturnMode.RAW, _ASYNC_RESPONSE)

    return wrapped


def to_streamed_response_wrapper(
    func: Callable[P, R],
) -> Callable[P, ResponseContextManager[APIResponse[R]]]:
    """Make ``func`` return a context manager of the unread ``APIResponse[R]``.

    ``func`` must take ``extra_headers``; see ``to_raw_response_wrapper``.

    >>> with things.with_streaming_response.get("t1") as response:
    ...     print(response.headers)
    """
    _require_extra_headers(func)

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[APIResponse[R]]:
        return ResponseContextManager(
            lambda: _call(func, args, kwargs, ReturnMode.STREAMED, _SYNC_RESPONSE)
        )

    return wrapped


def async_to_streamed_response_wrapper(
    func: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContextManager[AsyncAPIResponse[R]]]:
    """Make the async ``func`` return an async context manager of the unread response.

    ``func`` must take ``extra_headers``; see ``to_raw_response_wrapper``.
    """
    _require_extra_headers(func)

    @functools.wraps(func)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[AsyncAPIResponse[R]]:
        return AsyncResponseContextManager(
            _Deferred(lambda: _acall(func, args, kwargs, ReturnMode.STREAMED, _ASYNC_RESPONSE))
        )

    return wrapped


def to_custom_raw_response_wrapper(
    func: Callable[P, object], response_cls: type[_APIResponseT]
) -> Callable[P, _APIResponseT]:
    """Like ``to_raw_response_wrapper``, answering with ``response_cls``.

    The call's declared type becomes ``extract_response_type(response_cls)``: ``parse()``
    on a ``BinaryAPIResponse`` gives ``bytes`` whatever the method declared.

    >>> content = to_custom_raw_response_wrapper(files.content, BinaryAPIResponse)
    """
    _require_extra_headers(func)

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> _APIResponseT:
        return _call(func, args, kwargs, ReturnMode.RAW, response_cls, response_cls)

    return wrapped


def async_to_custom_raw_response_wrapper(
    func: Callable[P, Awaitable[object]], response_cls: type[_AsyncAPIResponseT]
) -> Callable[P, Awaitable[_AsyncAPIResponseT]]:
    """The async twin of ``to_custom_raw_response_wrapper``."""
    _require_extra_headers(func)

    @functools.wraps(func)
    async def wrapped(*args: P.args, **kwargs: P.kwargs) -> _AsyncAPIResponseT:
        return await _acall(func, args, kwargs, ReturnMode.RAW, response_cls, response_cls)

    return wrapped


def to_custom_streamed_response_wrapper(
    func: Callable[P, object], response_cls: type[_APIResponseT]
) -> Callable[P, ResponseContextManager[_APIResponseT]]:
    """Like ``to_streamed_response_wrapper``, answering with ``response_cls``.

    The call's declared type becomes ``extract_response_type(response_cls)``.

    >>> with files.with_streaming_response.content("f1") as response:
    ...     response.stream_to_file("out.bin")
    """
    _require_extra_headers(func)

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseContextManager[_APIResponseT]:
        return ResponseContextManager(
            lambda: _call(func, args, kwargs, ReturnMode.STREAMED, response_cls, response_cls)
        )

    return wrapped


def async_to_custom_streamed_response_wrapper(
    func: Callable[P, Awaitable[object]], response_cls: type[_AsyncAPIResponseT]
) -> Callable[P, AsyncResponseContextManager[_AsyncAPIResponseT]]:
    """The async twin of ``to_custom_streamed_response_wrapper``."""
    _require_extra_headers(func)

    @functools.wraps(func)
    def wrapped(
        *args: P.args, **kwargs: P.kwargs
    ) -> AsyncResponseContextManager[_AsyncAPIResponseT]:
        return AsyncResponseContextManager(
            _Deferred(
                lambda: _acall(func, args, kwargs, ReturnMode.STREAMED, response_cls, response_cls)
            )
        )

    return wrapped


def extract_response_type(typ: type[BaseAPIResponse[Any]]) -> type:
    """The ``R`` of ``APIResponse[R]``, ``AsyncAPIResponse[R]`` or a concrete subclass.

    Raises ``TypeError`` for a class with no type argument.

    >>> extract_response_type(BinaryAPIResponse)
    <class 'bytes'>
    """
    found: type = extract_type_arg(typ, (BaseAPIResponse,), what="APIResponse")
    return found
