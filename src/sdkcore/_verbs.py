"""``client.get/post/put/patch/delete``: one HTTP method bound to a client, typed once.

Each verb is an object whose overloaded ``__call__`` says what a call returns: the
``cast_to`` type, or with ``stream=True`` and a ``stream_cls`` that stream class.
The five verbs of a client share one signature, so it is written once here for
sync clients and once for async ones, and every verb builds its
``FinalRequestOptions`` the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from ._options import FinalRequestOptions
from ._streaming import AsyncStream, Stream

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from ._multipart import RequestFiles
    from ._options import RequestOptions

__all__ = ["AsyncVerb", "SyncVerb"]

ResponseT = TypeVar("ResponseT")
_StreamT = TypeVar("_StreamT", bound=Stream[Any])
_AsyncStreamT = TypeVar("_AsyncStreamT", bound=AsyncStream[Any])


class SyncVerb:
    """``client.post(path, *, cast_to, body=None, files=None, options=None, stream=False, ...)``.

    Returns the parsed ``cast_to`` (or, through the response wrappers, an
    ``APIResponse``); with ``stream=True`` and ``stream_cls=Stream[Chunk]`` a
    ``Stream[Chunk]``. With ``files=`` the body goes out as ``multipart/form-data``,
    its fields flattened, each file streamed from disk. Raises what
    ``SyncAPIClient.request`` raises.

    >>> thing = client.get("/things/t1", cast_to=Thing)
    >>> stream = client.post("/chat", cast_to=Chunk, body=b, stream=True, stream_cls=Stream[Chunk])
    """

    __slots__ = ("_method", "_request")

    def __init__(self, method: str, request: Callable[..., Any]) -> None:
        self._method = method
        self._request = request

    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: Literal[False] = False,
        stream_cls: None = None,
    ) -> ResponseT: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[object],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool,
        stream_cls: None = None,
    ) -> ResponseT: ...
    @overload
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool,
        stream_cls: type[_StreamT],
    ) -> ResponseT | _StreamT: ...
    def __call__(
        self,
        path: str,
        *,
        cast_to: type[Any],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> Any:
        final = FinalRequestOptions.build(
            self._method, path, body=body, files=files, options=options or {}
        )
        return self._request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._method.upper()}>"


class AsyncVerb:
    """The async twin of ``SyncVerb``: ``await client.get(path, *, cast_to, ...)``.

    >>> thing = await client.get("/things/t1", cast_to=Thing)
    """

    __slots__ = ("_method", "_request")

    def __init__(self, method: str, request: Callable[..., Awaitable[Any]]) -> None:
        self._method = method
        self._request = request

    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: Literal[False] = False,
        stream_cls: None = None,
    ) -> ResponseT: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[object],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: Literal[True],
        stream_cls: type[_AsyncStreamT],
    ) -> _AsyncStreamT: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool,
        stream_cls: None = None,
    ) -> ResponseT: ...
    @overload
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool,
        stream_cls: type[_AsyncStreamT],
    ) -> ResponseT | _AsyncStreamT: ...
    async def __call__(
        self,
        path: str,
        *,
        cast_to: type[Any],
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> Any:
        final = FinalRequestOptions.build(
            self._method, path, body=body, files=files, options=options or {}
        )
        return await self._request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._method.upper()}>"
