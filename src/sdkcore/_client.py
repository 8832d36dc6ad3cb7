"""The clients SDKs subclass: ``SyncAPIClient`` and ``AsyncAPIClient``.

``BaseClient`` (in ``_base_client``) holds the configuration, builds requests and
the call context; the retry loop is ``call_flow`` (sans-I/O); these two clients
only perform its actions, with blocking or async I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, overload

import anyio
import httpx2

from ._attempts import Upload
from ._base_client import BaseClient
from ._body import (
    aread_bounded,
    body_limit,
    fixed_limit,
    map_transport_errors,
    read_bounded,
)
from ._constants import DEFAULT_CONNECTION_LIMITS, MAX_ERROR_BODY_SIZE
from ._exceptions import BodyTooLargeError
from ._flow import (
    Action,
    Close,
    ReadBody,
    ReadErrorBody,
    RunHook,
    Send,
    Sleep,
    call_flow,
    run_async,
    run_sync,
)
from ._hooks import call_hook, call_hook_async
from ._options import FinalRequestOptions, ReturnMode
from ._page_fetch import start_listing
from ._pagination import async_listing, sync_listing
from ._response import APIResponse, AsyncAPIResponse, BaseAPIResponse
from ._streaming import AsyncStream, Stream
from ._tracing import parsing
from ._transport import attempt_deadline, bound_by_deadlines
from ._verbs import AsyncVerb, SyncVerb
from ._wrappers import extract_response_type

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from ._context import AsyncCall, AsyncResend, CallContext, SyncCall, SyncResend
    from ._multipart import MultipartForm
    from ._options import RequestOptions
    from ._pagination import AsyncPaginator, BaseAsyncPage, BaseSyncPage
    from ._types import ProgressCallback

__all__ = ["AsyncAPIClient", "SyncAPIClient"]

ResponseT = TypeVar("ResponseT")
_StreamT = TypeVar("_StreamT", bound=Stream[Any])
_AsyncStreamT = TypeVar("_AsyncStreamT", bound=AsyncStream[Any])
_ItemT = TypeVar("_ItemT")
_SyncPageT = TypeVar("_SyncPageT", bound="BaseSyncPage[Any]")
_AsyncPageT = TypeVar("_AsyncPageT", bound="BaseAsyncPage[Any]")
_SENT_LATE = "The call's deadline passed before the response headers arrived."
_VERBS = ("get", "post", "put", "patch", "delete")


def _call_shape(options: FinalRequestOptions, cast_to: Any) -> tuple[Any, type[Any] | None]:
    """The call's declared type and response class: a custom wrapper's class decides both."""
    response_cls = options.response_cls
    if response_cls is None:
        return cast_to, None
    return extract_response_type(response_cls), response_cls


#: The actions whose I/O the call's deadline bounds.
_TIMED = (Send, ReadBody, ReadErrorBody)
#: Error bodies are read for their message only: a bounded prefix.
_ERROR_BODY_LIMIT = fixed_limit(MAX_ERROR_BODY_SIZE)


class SyncAPIClient(BaseClient[httpx2.Client]):
    """The client a sync SDK subclasses.

    ``get``, ``post``, ``put``, ``patch`` and ``delete`` send one call each (see
    ``SyncVerb``); ``request`` sends prepared ``FinalRequestOptions``.

    >>> class Acme(SyncAPIClient):
    ...     @property
    ...     def auth_headers(self) -> dict[str, str]:
    ...         return {"Authorization": f"Bearer {self.api_key}"}
    """

    get: SyncVerb
    post: SyncVerb
    put: SyncVerb
    patch: SyncVerb
    delete: SyncVerb

    def _bind_verbs(self) -> None:
        for method in _VERBS:
            setattr(self, method, SyncVerb(method, self.request))

    def _create_http_client(self) -> httpx2.Client:
        timeout = httpx2.Timeout(self._timeout)
        return httpx2.Client(timeout=timeout, limits=DEFAULT_CONNECTION_LIMITS)

    def _adopt_http_client(self, client: httpx2.Client) -> httpx2.Client:
        # Blocking reads cannot be cancelled: the transport itself ends each wait at
        # the attempt's deadline (inert outside sdkcore's calls, so safe on a shared client).
        return bound_by_deadlines(client)

    def _sync_resend(self) -> SyncResend:
        return self._resend

    def _sync_call(self) -> SyncCall:
        return self.request

    def _upload(self, form: MultipartForm, progress: ProgressCallback | None) -> Upload:
        return Upload(form, lambda: form.iter_chunks(progress))

    @overload
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[False] = False,
        stream_cls: None = None,
    ) -> ResponseT: ...
    @overload
    def request(
        self,
        cast_to: type[object],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...
    @overload
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool,
        stream_cls: type[_StreamT] | None = None,
    ) -> ResponseT | _StreamT: ...
    def request(
        self,
        cast_to: type[Any],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> Any:
        """Send ``options`` (with retries) and return the parsed, raw or streamed result.

        Raises ``APIStatusError`` subclasses, ``APIConnectionError``, ``APITimeoutError``.
        """
        target, response_cls = _call_shape(options, cast_to)
        ctx = self._call_context(options)
        build = self._request_builder(ctx, cast_to=target, stream=stream)
        flow = call_flow(ctx, build, read_body=self._reads_body(stream, options))
        try:
            response, retries = run_sync(flow, lambda action: self._perform(ctx, action))
        finally:
            if build.upload is not None:
                build.upload.close()
        api_response = (response_cls or APIResponse)(
            raw=response,
            cast_to=target,
            context=ctx,
            stream=stream,
            stream_cls=stream_cls,
            retries_taken=retries,
        )
        if options.return_mode is not ReturnMode.PARSED:
            return api_response
        try:
            with parsing(ctx.trace):
                return api_response.parse()
        except BaseException:
            response.close()
            raise

    def get_api_list(
        self,
        path: str,
        *,
        model: type[_ItemT],
        page: type[_SyncPageT],
        body: object | None = None,
        options: RequestOptions | None = None,
        method: str = "get",
        continuation_token: str | None = None,
    ) -> _SyncPageT:
        """The first page of the listing at ``path`` (or at a page's ``continuation_token``).

        Raises ``PaginationError`` for a malformed token, and what ``request`` raises.

        >>> page = client.get_api_list("/things", model=Thing, page=SyncCursorPage[Thing])
        """
        start = start_listing(method, path, body, options, continuation_token, self._url_for(path))
        return sync_listing(self.request, page, model, start)

    def _perform(self, ctx: CallContext, action: Action) -> object:
        if isinstance(action, _TIMED):
            clock = ctx.timing.clock
            if action.deadline is None:
                return self._perform_timed(ctx, action, clock)
            # The transport ends each socket wait at the deadline it finds here (what
            # deadline_scope does, without a generator-based context manager per action).
            token = attempt_deadline.set((action.deadline, clock))
            try:
                return self._perform_timed(ctx, action, clock)
            finally:
                attempt_deadline.reset(token)
        match action:
            case Close(response):
                response.close()
            case Sleep(seconds):
                ctx.timing.sleep(seconds)
            case RunHook(hook, subject, attempt):
                call_hook(hook, subject, attempt)
        return None

    def _perform_timed(
        self, ctx: CallContext, action: Send | ReadBody | ReadErrorBody, clock: Callable[[], float]
    ) -> object:
        match action:
            case Send(request):
                return self._client.send(request, stream=True, follow_redirects=False)
            case ReadBody(response, deadline):
                limit = body_limit(response, ctx.limits)
                return read_bounded(response, limit, deadline=deadline, clock=clock)
            case ReadErrorBody(response):
                return self._read_error_body(response)

    def _read_error_body(self, response: httpx2.Response) -> bytes:
        try:
            return read_bounded(response, _ERROR_BODY_LIMIT)
        except BodyTooLargeError:
            return b""

    def _resend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        again = self._again(request, headers)
        with map_transport_errors(again, self._context.secrets):
            response = self._client.send(again, stream=True, follow_redirects=False)
            if response.status_code < 400:
                return response
            content = self._read_error_body(response)
        raise self._context.status_error(response, content)

    def close(self) -> None:
        """Close the connection pool, unless the ``http_client`` was passed in. Idempotent."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncAPIClient(BaseClient[httpx2.AsyncClient]):
    """The client an async SDK subclasses; the same flow as ``SyncAPIClient``.

    >>> class AsyncAcme(AsyncAPIClient):
    ...     @property
    ...     def auth_headers(self) -> dict[str, str]:
    ...         return {"Authorization": f"Bearer {self.api_key}"}
    """

    get: AsyncVerb
    post: AsyncVerb
    put: AsyncVerb
    patch: AsyncVerb
    delete: AsyncVerb

    def _bind_verbs(self) -> None:
        for method in _VERBS:
            setattr(self, method, AsyncVerb(method, self.request))

    def _create_http_client(self) -> httpx2.AsyncClient:
        timeout = httpx2.Timeout(self._timeout)
        return httpx2.AsyncClient(timeout=timeout, limits=DEFAULT_CONNECTION_LIMITS)

    def _async_resend(self) -> AsyncResend:
        return self._resend

    def _async_call(self) -> AsyncCall:
        return self.request

    def _upload(self, form: MultipartForm, progress: ProgressCallback | None) -> Upload:
        return Upload(form, lambda: form.aiter_chunks(progress))

    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[False] = False,
        stream_cls: None = None,
    ) -> ResponseT: ...
    @overload
    async def request(
        self,
        cast_to: type[object],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_AsyncStreamT],
    ) -> _AsyncStreamT: ...
    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> ResponseT | _AsyncStreamT: ...
    async def request(
        self,
        cast_to: type[Any],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> Any:
        """Send ``options`` (with retries) and return the parsed, raw or streamed result.

        Raises ``APIStatusError`` subclasses, ``APIConnectionError``, ``APITimeoutError``.
        """
        target, response_cls = _call_shape(options, cast_to)
        ctx = self._call_context(options)
        build = self._request_builder(ctx, cast_to=target, stream=stream)
        flow = call_flow(ctx, build, read_body=self._reads_body(stream, options))
        try:
            response, retries = await run_async(flow, lambda action: self._perform(ctx, action))
        finally:
            if build.upload is not None:
                with anyio.CancelScope(shield=True):
                    await build.upload.aclose()
        api_response: BaseAPIResponse[Any] = (response_cls or AsyncAPIResponse)(
            raw=response,
            cast_to=target,
            context=ctx,
            stream=stream,
            stream_cls=stream_cls,
            retries_taken=retries,
        )
        if options.return_mode is not ReturnMode.PARSED:
            return api_response
        assert isinstance(api_response, AsyncAPIResponse)
        try:
            with parsing(ctx.trace):
                return await api_response.parse()
        except BaseException:
            with anyio.CancelScope(shield=True):
                await response.aclose()
            raise

    def get_api_list(
        self,
        path: str,
        *,
        model: type[_ItemT],
        page: type[_AsyncPageT],
        body: object | None = None,
        options: RequestOptions | None = None,
        method: str = "get",
        continuation_token: str | None = None,
    ) -> AsyncPaginator[_ItemT, _AsyncPageT]:
        """The listing at ``path``: ``await`` it for the first page, ``async for`` every item.

        >>> async for thing in client.get_api_list("/t", model=Thing, page=AsyncPage[Thing]):
        ...     print(thing.id)
        """
        start = start_listing(method, path, body, options, continuation_token, self._url_for(path))
        return async_listing(self.request, page, model, start)

    async def _perform(self, ctx: CallContext, action: Action) -> object:
        clock = ctx.timing.clock
        match action:
            case Send(request, deadline):
                return await self._send(request, deadline, clock)
            case ReadBody(response, deadline):
                limit = body_limit(response, ctx.limits)
                return await aread_bounded(response, limit, deadline=deadline, clock=clock)
            case ReadErrorBody(response, deadline):
                return await self._read_error_body(response, deadline, clock)
            case Close(response):
                await response.aclose()
            case Sleep(seconds):
                await ctx.timing.async_sleep(seconds)
            case RunHook(hook, subject, attempt):
                await call_hook_async(hook, subject, attempt)
        return None

    async def _send(
        self, request: httpx2.Request, deadline: float | None, clock: Callable[[], float]
    ) -> httpx2.Response:
        if deadline is None:
            return await self._client.send(request, stream=True, follow_redirects=False)
        # A hard bound: cancelled inside the socket read, httpcore2 drops the connection.
        with anyio.move_on_after(deadline - clock()):
            return await self._client.send(request, stream=True, follow_redirects=False)
        raise httpx2.ReadTimeout(_SENT_LATE, request=request)

    async def _read_error_body(
        self,
        response: httpx2.Response,
        deadline: float | None = None,
        clock: Callable[[], float] | None = None,
    ) -> bytes:
        try:
            return await aread_bounded(response, _ERROR_BODY_LIMIT, deadline=deadline, clock=clock)
        except BodyTooLargeError:
            return b""

    async def _resend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        again = self._again(request, headers)
        with map_transport_errors(again, self._context.secrets):
            response = await self._client.send(again, stream=True, follow_redirects=False)
            if response.status_code < 400:
                return response
            content = await self._read_error_body(response)
        raise self._context.status_error(response, content)

    async def close(self) -> None:
        """Close the connection pool, unless the ``http_client`` was passed in. Idempotent."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
