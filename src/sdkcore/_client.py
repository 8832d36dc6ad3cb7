"""The clients SDKs subclass: ``SyncAPIClient`` and ``AsyncAPIClient``.

``BaseClient`` (in ``_base_client``) holds the configuration and builds requests;
the retry loop is ``call_flow`` (sans-I/O); these two clients only perform its
actions, with blocking or async I/O.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Self, TypeVar

import anyio
import httpx2

from ._base_client import BaseClient
from ._body import aread_bounded, map_transport_errors, read_bounded
from ._constants import DEFAULT_CONNECTION_LIMITS, MAX_ERROR_BODY_SIZE
from ._exceptions import BodyTooLargeError
from ._flow import (
    Action,
    Close,
    ReadBody,
    ReadErrorBody,
    Send,
    Sleep,
    call_flow,
    run_async,
    run_sync,
    status_error,
)
from ._options import FinalRequestOptions, RequestOptions, ReturnMode
from ._response import APIResponse, AsyncAPIResponse

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from ._streaming import AsyncStream, Stream

__all__ = ["AsyncAPIClient", "SyncAPIClient"]

ResponseT = TypeVar("ResponseT")


class SyncAPIClient(BaseClient[httpx2.Client]):
    """The client a sync SDK subclasses.

    >>> class Acme(SyncAPIClient):
    ...     @property
    ...     def auth_headers(self) -> dict[str, str]:
    ...         return {"Authorization": f"Bearer {self.api_key}"}
    """

    def _create_http_client(self) -> httpx2.Client:
        return httpx2.Client(timeout=httpx2.Timeout(self.timeout), limits=DEFAULT_CONNECTION_LIMITS)

    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> ResponseT:
        """Send ``options`` (with retries) and return the parsed, raw or streamed result.

        Raises ``APIStatusError`` subclasses, ``APIConnectionError``, ``APITimeoutError``.
        """
        flow = call_flow(self, options, read_body=self._read_body(stream, options), stream=stream)
        response, retries = run_sync(flow, self._perform)
        response_cls: type[APIResponse[ResponseT]] = options.response_cls or APIResponse
        api_response = response_cls(
            raw=response,
            cast_to=cast_to,
            client=self,
            stream=stream,
            stream_cls=stream_cls,
            options=options,
            retries_taken=retries,
        )
        if options.return_mode is not ReturnMode.PARSED:
            return api_response  # type: ignore[return-value]  # the wrappers ask for the response
        try:
            return api_response.parse()
        except BaseException:
            response.close()
            raise

    def _perform(self, action: Action) -> object:
        match action:
            case Send(request):
                return self._client.send(request, stream=True, follow_redirects=False)
            case ReadBody(response, deadline):
                return read_bounded(response, limit=self._max_body_size, deadline=deadline)
            case ReadErrorBody(response):
                return self._read_error_body(response)
            case Close(response):
                response.close()
            case Sleep(seconds):
                self._sleep(seconds)
        return None

    def _read_error_body(self, response: httpx2.Response) -> bytes:
        try:
            return read_bounded(response, limit=MAX_ERROR_BODY_SIZE)
        except BodyTooLargeError:
            return b""

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def resend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        """Send ``request`` once more with ``headers`` added, body unread (no retries).

        Raises the status error of a 4xx/5xx answer, ``APIConnectionError`` or
        ``APITimeoutError``.
        """
        again = self._again(request, headers)
        with map_transport_errors(again):
            response = self._client.send(again, stream=True, follow_redirects=False)
            if response.status_code < 400:
                return response
            content = self._read_error_body(response)
        raise status_error(self, response, content)

    def pause(self, seconds: float) -> None:
        """Wait ``seconds`` before another attempt."""
        self._sleep(seconds)

    def get(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> ResponseT:
        """``GET path``; see ``request``."""
        final = FinalRequestOptions.build("get", path, body=body, options=options or {})
        return self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def post(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> ResponseT:
        """``POST path`` with a JSON ``body``; see ``request``."""
        final = FinalRequestOptions.build("post", path, body=body, options=options or {})
        return self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def put(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> ResponseT:
        """``PUT path`` with a JSON ``body``; see ``request``."""
        final = FinalRequestOptions.build("put", path, body=body, options=options or {})
        return self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def patch(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> ResponseT:
        """``PATCH path`` with a JSON ``body``; see ``request``."""
        final = FinalRequestOptions.build("patch", path, body=body, options=options or {})
        return self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def delete(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | None = None,
    ) -> ResponseT:
        """``DELETE path``; see ``request``."""
        final = FinalRequestOptions.build("delete", path, body=body, options=options or {})
        return self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    def close(self) -> None:
        """Close the connection pool, unless the ``http_client`` was passed in. Idempotent."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient[httpx2.AsyncClient]):
    """The client an async SDK subclasses; the same flow as ``SyncAPIClient``.

    >>> class AsyncAcme(AsyncAPIClient):
    ...     @property
    ...     def auth_headers(self) -> dict[str, str]:
    ...         return {"Authorization": f"Bearer {self.api_key}"}
    """

    def _create_http_client(self) -> httpx2.AsyncClient:
        timeout = httpx2.Timeout(self.timeout)
        return httpx2.AsyncClient(timeout=timeout, limits=DEFAULT_CONNECTION_LIMITS)

    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> ResponseT:
        """Send ``options`` (with retries) and return the parsed, raw or streamed result.

        Raises ``APIStatusError`` subclasses, ``APIConnectionError``, ``APITimeoutError``.
        """
        flow = call_flow(self, options, read_body=self._read_body(stream, options), stream=stream)
        response, retries = await run_async(flow, self._perform)
        response_cls: type[AsyncAPIResponse[ResponseT]] = options.response_cls or AsyncAPIResponse
        api_response = response_cls(
            raw=response,
            cast_to=cast_to,
            client=self,
            stream=stream,
            stream_cls=stream_cls,
            options=options,
            retries_taken=retries,
        )
        if options.return_mode is not ReturnMode.PARSED:
            return api_response  # type: ignore[return-value]  # the wrappers ask for the response
        try:
            return await api_response.parse()
        except BaseException:
            with anyio.CancelScope(shield=True):
                await response.aclose()
            raise

    async def _perform(self, action: Action) -> object:
        match action:
            case Send(request):
                return await self._client.send(request, stream=True, follow_redirects=False)
            case ReadBody(response, deadline):
                return await aread_bounded(response, limit=self._max_body_size, deadline=deadline)
            case ReadErrorBody(response):
                return await self._read_error_body(response)
            case Close(response):
                await response.aclose()
            case Sleep(seconds):
                await self._sleep(seconds)
        return None

    async def _read_error_body(self, response: httpx2.Response) -> bytes:
        try:
            return await aread_bounded(response, limit=MAX_ERROR_BODY_SIZE)
        except BodyTooLargeError:
            return b""

    async def _sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)

    async def aresend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        """Send ``request`` once more with ``headers`` added; see ``SyncAPIClient.resend``."""
        again = self._again(request, headers)
        with map_transport_errors(again):
            response = await self._client.send(again, stream=True, follow_redirects=False)
            if response.status_code < 400:
                return response
            content = await self._read_error_body(response)
        raise status_error(self, response, content)

    async def apause(self, seconds: float) -> None:
        """Wait ``seconds`` before another attempt."""
        await self._sleep(seconds)

    async def get(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> ResponseT:
        """``GET path``; see ``request``."""
        final = FinalRequestOptions.build("get", path, body=body, options=options or {})
        return await self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    async def post(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> ResponseT:
        """``POST path`` with a JSON ``body``; see ``request``."""
        final = FinalRequestOptions.build("post", path, body=body, options=options or {})
        return await self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    async def put(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> ResponseT:
        """``PUT path`` with a JSON ``body``; see ``request``."""
        final = FinalRequestOptions.build("put", path, body=body, options=options or {})
        return await self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    async def patch(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> ResponseT:
        """``PATCH path`` with a JSON ``body``; see ``request``."""
        final = FinalRequestOptions.build("patch", path, body=body, options=options or {})
        return await self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    async def delete(
        self,
        path: str,
        *,
        cast_to: type[ResponseT],
        body: object | None = None,
        options: RequestOptions | None = None,
        stream: bool = False,
        stream_cls: type[AsyncStream[Any]] | None = None,
    ) -> ResponseT:
        """``DELETE path``; see ``request``."""
        final = FinalRequestOptions.build("delete", path, body=body, options=options or {})
        return await self.request(cast_to, final, stream=stream, stream_cls=stream_cls)

    async def close(self) -> None:
        """Close the connection pool, unless the ``http_client`` was passed in. Idempotent."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
