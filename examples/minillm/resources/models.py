"""``client.models``: the models the server offers."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sdkcore import (
    NOT_GIVEN,
    AsyncAPIResource,
    AsyncPage,
    AsyncPaginator,
    Headers,
    Query,
    SyncAPIResource,
    SyncPage,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    path_template,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

from ..types import Model

if TYPE_CHECKING:
    from ._common import Timeout

__all__ = ["AsyncModels", "Models"]

_MODEL_PATH = "/models/{model}"


class Models(SyncAPIResource):
    """List and look up models.

    Example::

        for model in client.models.list():
            print(model.id)
    """

    def list(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPage[Model]:
        """Every model the server offers (``GET /models``), as a single page.

        Raises `sdkcore.APIStatusError` subclasses and `sdkcore.APIConnectionError`.
        """
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            path_template="/models",
        )
        return self._client.get_api_list(
            "/models", model=Model, page=SyncPage[Model], options=options
        )

    def retrieve(
        self,
        model: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Model:
        """One model by id (``GET /models/{model}``); an unknown id raises `NotFoundError`."""
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            path_template=_MODEL_PATH,
        )
        path = path_template(_MODEL_PATH, model=model)
        return self._get(path, cast_to=Model, options=options)

    @cached_property
    def with_raw_response(self) -> ModelsWithRawResponse:
        """The same methods, returning the read `sdkcore.APIResponse`."""
        return ModelsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ModelsWithStreamingResponse:
        """The same methods, returning a context manager of the unread response."""
        return ModelsWithStreamingResponse(self)


class AsyncModels(AsyncAPIResource):
    """The async twin of `Models`."""

    def list(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPaginator[Model, AsyncPage[Model]]:
        """Every model the server offers: ``await`` it for the page, or ``async for`` it."""
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            path_template="/models",
        )
        return self._client.get_api_list(
            "/models", model=Model, page=AsyncPage[Model], options=options
        )

    async def retrieve(
        self,
        model: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> Model:
        """One model by id (``GET /models/{model}``)."""
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            path_template=_MODEL_PATH,
        )
        path = path_template(_MODEL_PATH, model=model)
        return await self._get(path, cast_to=Model, options=options)

    @cached_property
    def with_raw_response(self) -> AsyncModelsWithRawResponse:
        """The same methods, returning the read `sdkcore.AsyncAPIResponse`."""
        return AsyncModelsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncModelsWithStreamingResponse:
        """The same methods, returning an async context manager of the unread response."""
        return AsyncModelsWithStreamingResponse(self)


class ModelsWithRawResponse:
    """`Models` methods that return `sdkcore.APIResponse`."""

    def __init__(self, models: Models) -> None:
        self.list = to_raw_response_wrapper(models.list)
        self.retrieve = to_raw_response_wrapper(models.retrieve)


class ModelsWithStreamingResponse:
    """`Models` methods that return `sdkcore.ResponseContextManager`."""

    def __init__(self, models: Models) -> None:
        self.list = to_streamed_response_wrapper(models.list)
        self.retrieve = to_streamed_response_wrapper(models.retrieve)


class AsyncModelsWithRawResponse:
    """`AsyncModels` methods that return `sdkcore.AsyncAPIResponse`."""

    def __init__(self, models: AsyncModels) -> None:
        self.list = async_to_raw_response_wrapper(models.list)
        self.retrieve = async_to_raw_response_wrapper(models.retrieve)


class AsyncModelsWithStreamingResponse:
    """`AsyncModels` methods that return `sdkcore.AsyncResponseContextManager`."""

    def __init__(self, models: AsyncModels) -> None:
        self.list = async_to_streamed_response_wrapper(models.list)
        self.retrieve = async_to_streamed_response_wrapper(models.retrieve)
