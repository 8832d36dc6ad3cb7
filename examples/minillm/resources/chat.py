"""``client.chat.completions``: chat completions, whole or streamed as typed chunks."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Literal, overload

from sdkcore import (
    NOT_GIVEN,
    AsyncAPIResource,
    AsyncStream,
    Headers,
    NotGiven,
    Query,
    Stream,
    SyncAPIResource,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

from ..types import ChatCompletion, ChatCompletionChunk
from ._common import given

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..types import ChatCompletionMessageParam, StreamOptions
    from ._common import Body, Timeout

__all__ = ["AsyncChat", "AsyncCompletions", "Chat", "Completions"]


def completion_body(
    *,
    messages: Iterable[ChatCompletionMessageParam],
    model: str,
    stream: bool | NotGiven,
    max_tokens: int | NotGiven,
    temperature: float | NotGiven,
    stream_options: StreamOptions | NotGiven,
) -> dict[str, object]:
    """The JSON body of ``POST /chat/completions``; arguments left out are not sent."""
    return given(
        model=model,
        messages=list(messages),
        stream=stream,
        max_tokens=max_tokens,
        temperature=temperature,
        stream_options=stream_options,
    )


class Completions(SyncAPIResource):
    """Create chat completions.

    Example::

        stream = client.chat.completions.create(model="minillm-1", messages=msgs, stream=True)
        for chunk in stream:
            print(chunk.text, end="")
    """

    @overload
    def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: Literal[False] | NotGiven = NOT_GIVEN,
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ChatCompletion: ...
    @overload
    def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: Literal[True],
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Stream[ChatCompletionChunk]: ...
    @overload
    def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: bool,
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ChatCompletion | Stream[ChatCompletionChunk]: ...
    def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: bool | NotGiven = NOT_GIVEN,
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> ChatCompletion | Stream[ChatCompletionChunk]:
        """A reply to `messages` (``POST /chat/completions``).

        Without `stream` the whole `ChatCompletion`; with ``stream=True`` a
        `Stream` of `ChatCompletionChunk`, one per token, ended by ``[DONE]``.
        Raises `sdkcore.APIStatusError` subclasses and `sdkcore.APIConnectionError`
        (also while iterating, when the stream breaks).
        """
        body = completion_body(
            messages=messages,
            model=model,
            stream=stream,
            max_tokens=max_tokens,
            temperature=temperature,
            stream_options=stream_options,
        )
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            path_template="/chat/completions",
        )
        return self._post(
            "/chat/completions",
            cast_to=ChatCompletion,
            body=body,
            options=options,
            stream=stream is True,
            stream_cls=Stream[ChatCompletionChunk],
        )

    @cached_property
    def with_raw_response(self) -> CompletionsWithRawResponse:
        """The same methods, returning the read `sdkcore.APIResponse`."""
        return CompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CompletionsWithStreamingResponse:
        """The same methods, returning a context manager of the unread response."""
        return CompletionsWithStreamingResponse(self)


class AsyncCompletions(AsyncAPIResource):
    """The async twin of `Completions`: ``stream=True`` gives an `AsyncStream`."""

    @overload
    async def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: Literal[False] | NotGiven = NOT_GIVEN,
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> ChatCompletion: ...
    @overload
    async def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: Literal[True],
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> AsyncStream[ChatCompletionChunk]: ...
    @overload
    async def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: bool,
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]: ...
    async def create(
        self,
        *,
        messages: Iterable[ChatCompletionMessageParam],
        model: str,
        stream: bool | NotGiven = NOT_GIVEN,
        max_tokens: int | NotGiven = NOT_GIVEN,
        temperature: float | NotGiven = NOT_GIVEN,
        stream_options: StreamOptions | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> ChatCompletion | AsyncStream[ChatCompletionChunk]:
        """A reply to `messages`; see `Completions.create`."""
        body = completion_body(
            messages=messages,
            model=model,
            stream=stream,
            max_tokens=max_tokens,
            temperature=temperature,
            stream_options=stream_options,
        )
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            path_template="/chat/completions",
        )
        return await self._post(
            "/chat/completions",
            cast_to=ChatCompletion,
            body=body,
            options=options,
            stream=stream is True,
            stream_cls=AsyncStream[ChatCompletionChunk],
        )

    @cached_property
    def with_raw_response(self) -> AsyncCompletionsWithRawResponse:
        """The same methods, returning the read `sdkcore.AsyncAPIResponse`."""
        return AsyncCompletionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCompletionsWithStreamingResponse:
        """The same methods, returning an async context manager of the unread response."""
        return AsyncCompletionsWithStreamingResponse(self)


class CompletionsWithRawResponse:
    """`Completions` methods that return `sdkcore.APIResponse`."""

    def __init__(self, completions: Completions) -> None:
        self.create = to_raw_response_wrapper(completions.create)


class CompletionsWithStreamingResponse:
    """`Completions` methods that return `sdkcore.ResponseContextManager`."""

    def __init__(self, completions: Completions) -> None:
        self.create = to_streamed_response_wrapper(completions.create)


class AsyncCompletionsWithRawResponse:
    """`AsyncCompletions` methods that return `sdkcore.AsyncAPIResponse`."""

    def __init__(self, completions: AsyncCompletions) -> None:
        self.create = async_to_raw_response_wrapper(completions.create)


class AsyncCompletionsWithStreamingResponse:
    """`AsyncCompletions` methods that return `sdkcore.AsyncResponseContextManager`."""

    def __init__(self, completions: AsyncCompletions) -> None:
        self.create = async_to_streamed_response_wrapper(completions.create)


class Chat(SyncAPIResource):
    """``client.chat``: the chat API (``client.chat.completions``)."""

    @cached_property
    def completions(self) -> Completions:
        """Chat completions."""
        return Completions(self._client)

    @cached_property
    def with_raw_response(self) -> ChatWithRawResponse:
        """``client.chat.with_raw_response.completions.create(...)``."""
        return ChatWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ChatWithStreamingResponse:
        """``client.chat.with_streaming_response.completions.create(...)``."""
        return ChatWithStreamingResponse(self)


class AsyncChat(AsyncAPIResource):
    """The async twin of `Chat`."""

    @cached_property
    def completions(self) -> AsyncCompletions:
        """Chat completions."""
        return AsyncCompletions(self._client)

    @cached_property
    def with_raw_response(self) -> AsyncChatWithRawResponse:
        """``client.chat.with_raw_response.completions.create(...)``."""
        return AsyncChatWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncChatWithStreamingResponse:
        """``client.chat.with_streaming_response.completions.create(...)``."""
        return AsyncChatWithStreamingResponse(self)


class ChatWithRawResponse:
    """`Chat` with raw-response sub-resources."""

    def __init__(self, chat: Chat) -> None:
        self.completions = chat.completions.with_raw_response


class ChatWithStreamingResponse:
    """`Chat` with streaming-response sub-resources."""

    def __init__(self, chat: Chat) -> None:
        self.completions = chat.completions.with_streaming_response


class AsyncChatWithRawResponse:
    """`AsyncChat` with raw-response sub-resources."""

    def __init__(self, chat: AsyncChat) -> None:
        self.completions = chat.completions.with_raw_response


class AsyncChatWithStreamingResponse:
    """`AsyncChat` with streaming-response sub-resources."""

    def __init__(self, chat: AsyncChat) -> None:
        self.completions = chat.completions.with_streaming_response
