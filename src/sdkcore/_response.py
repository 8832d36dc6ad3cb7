"""Raw and streamed responses: ``APIResponse``, ``AsyncAPIResponse`` and their context managers.

What to build from a response (the parse target, the cache, ``post_parser``,
``_request_id``) is decided in ``BaseAPIResponse``; the sync and async classes
only read the body. A response sees its call only through the ``CallContext``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, get_origin, overload

from typing_extensions import TypeIs

from ._body import aread_bounded, body_limit, map_transport_errors, read_bounded, unwound
from ._constants import REQUEST_ID_HEADER
from ._context import CallContext
from ._exceptions import APIResponseValidationError, MissingStreamClassError, StreamAlreadyConsumed
from ._jsonl import AsyncJSONLDecoder, JSONLDecoder
from ._models import BaseModel
from ._pages import bound_page
from ._parsing import is_json_media_type, json_or_text, parse_body
from ._streaming import AsyncStream, Stream
from ._types import NotGiven
from ._typing import extract_type_arg

if TYPE_CHECKING:
    import datetime
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

    import httpx2

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "BaseAPIResponse",
    "ResponseContextManager",
    "is_jsonl_target",
]

R = TypeVar("R")
_T = TypeVar("_T")
_APIResponseT = TypeVar("_APIResponseT", bound="APIResponse[Any]")
_AsyncAPIResponseT = TypeVar("_AsyncAPIResponseT", bound="AsyncAPIResponse[Any]")

_MISSING: Final = object()
_POST_PARSED: Final = object()
_CONSUMED_MESSAGE: Final = (
    "The body was already streamed through an iterator, so it cannot be read again. "
    "Call read() or parse() before iterating, or keep the chunks while iterating."
)


class BaseAPIResponse(Generic[R]):
    """One HTTP response of an API call, with what the call declared about it."""

    http_response: httpx2.Response
    retries_taken: int

    def __init__(
        self,
        *,
        raw: httpx2.Response,
        cast_to: type[R],
        context: CallContext | None = None,
        stream: bool = False,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None = None,
        retries_taken: int = 0,
    ) -> None:
        self.http_response = raw
        self.retries_taken = retries_taken
        self._cast_to = cast_to
        self._context = context if context is not None else CallContext.standalone()
        self._stream = stream
        self._stream_cls = stream_cls
        self._parsed: dict[object, object] = {}
        self._iterated = False

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header, or ``None``."""
        return self.headers.get(REQUEST_ID_HEADER)

    @property
    def headers(self) -> httpx2.Headers:
        """The response headers."""
        return self.http_response.headers

    @property
    def http_request(self) -> httpx2.Request:
        """The request that was sent (its last attempt)."""
        return self.http_response.request

    @property
    def status_code(self) -> int:
        """The HTTP status code."""
        return self.http_response.status_code

    @property
    def url(self) -> httpx2.URL:
        """The URL of the request."""
        return self.http_response.url

    @property
    def method(self) -> str:
        """The HTTP method of the request."""
        return self.http_request.method

    @property
    def http_version(self) -> str:
        """The HTTP version of the response, e.g. ``HTTP/1.1``."""
        return self.http_response.http_version

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to the end of the body.

        Raises ``RuntimeError`` (from httpx2) while a streamed body is still open.
        """
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        """Whether the body was read to the end or the response was closed."""
        return self.http_response.is_closed

    def __repr__(self) -> str:
        response = self.http_response
        return (
            f"<{type(self).__name__} [{response.status_code} {response.reason_phrase}] "
            f"type={self._cast_to!r}>"
        )

    def _cache_key(self, to: object) -> object:
        """The cache key of a parse: the target, set apart when ``post_parser`` applies.

        ``parse()`` runs the call's ``post_parser`` and ``parse(to=cast_to)`` does
        not, so the two must not share a cached result.
        """
        if to is not None:
            return to
        if isinstance(self._context.options.post_parser, NotGiven):
            return self._cast_to
        return (_POST_PARSED, self._cast_to)

    def _cached(self, key: object) -> object:
        try:
            return self._parsed.get(key, _MISSING)
        except TypeError:  # an unhashable annotation cannot be a cache key
            return _MISSING

    def _remember(self, key: object, value: object) -> None:
        try:
            self._parsed[key] = value
        except TypeError:
            return

    def _needs_body(self, target: object) -> bool:
        """Whether building ``target`` needs the whole body read first."""
        if is_jsonl_target(target):
            return False
        # A JSON answer to a stream call is read, to be reported with its body.
        return not self._stream or self._is_json()

    def _is_json(self) -> bool:
        return is_json_media_type(self.headers.get("content-type", ""))

    def _build(self, to: Any, key: object) -> Any:
        """The parse result for ``to`` (the body is read when ``_needs_body`` said so)."""
        target = to if to is not None else self._cast_to
        if is_jsonl_target(target):
            value = self._jsonl_object(target)
        elif self._stream:
            value = self._stream_object(to)
        else:
            parsed = parse_body(target, self.http_response, strict=self._context.strict)
            value = self._finish(to, parsed)
        self._remember(key, value)
        return value

    def _stream_object(self, to: Any) -> Any:
        """Build the stream for a ``stream=True`` call (``to`` overrides the class)."""
        cls = to if to is not None else self._stream_cls or self._context.shared.default_stream_cls
        if cls is None:
            raise MissingStreamClassError()
        origin = get_origin(cls) or cls
        if not _is_stream_class(origin):
            raise TypeError(
                f"A streamed response parses to a Stream or AsyncStream subclass with "
                f"a chunk type (e.g. Stream[Chunk]); got {cls!r}."
            )
        if self._is_json():
            raise APIResponseValidationError(
                self.http_response,
                json_or_text(self.http_response),
                message="A stream call was answered with JSON instead of an event stream "
                "(text/event-stream); the body is attached.",
            )
        if to is not None:
            chunk_type = extract_type_arg(to, (Stream, AsyncStream), what="Stream")
        else:
            chunk_type = _chunk_type_or(cls, self._cast_to)
        return origin(
            cast_to=chunk_type,
            response=self.http_response,
            context=self._context,
            retries_taken=self.retries_taken,
        )

    def _jsonl_object(self, target: Any) -> Any:
        """Build the JSON Lines decoder a ``JSONLDecoder[T]`` target asks for."""
        line_type = extract_type_arg(target, (JSONLDecoder, AsyncJSONLDecoder), what="JSONLDecoder")
        return get_origin(target)(
            line_type=line_type, response=self.http_response, strict=self._context.strict
        )

    def _finish(self, to: Any, value: object) -> object:
        # A page learns its call here, so that it can fetch the pages after it.
        target = to if to is not None else self._cast_to
        value = bound_page(target, value, self._context, self.http_response)
        post_parser = self._context.options.post_parser
        if to is None and not isinstance(post_parser, NotGiven):
            value = post_parser(value)
        if isinstance(value, BaseModel):
            value._request_id = self.headers.get(REQUEST_ID_HEADER)  # pyright: ignore[reportPrivateUsage]  # ours to set
        return value

    def _check_not_consumed(self) -> None:
        # For a body not read yet: iterated through our iterators or through
        # ``http_response`` directly.
        if self._iterated or self.http_response.is_stream_consumed:
            raise StreamAlreadyConsumed(_CONSUMED_MESSAGE)


def is_jsonl_target(target: object) -> bool:
    """Whether ``target`` is ``JSONLDecoder[T]`` / ``AsyncJSONLDecoder[T]``."""
    origin = get_origin(target)
    return isinstance(origin, type) and issubclass(origin, (JSONLDecoder, AsyncJSONLDecoder))


def _is_stream_class(cls: object) -> TypeIs[type[Stream[Any]] | type[AsyncStream[Any]]]:
    return isinstance(cls, type) and issubclass(cls, (Stream, AsyncStream))


def _chunk_type_or(stream_cls: Any, default: Any) -> Any:
    try:
        return extract_type_arg(stream_cls, (Stream, AsyncStream), what="Stream")
    except TypeError:
        return default


class APIResponse(BaseAPIResponse[R]):
    """A response whose body you read when you want, as bytes, text, JSON or ``R``.

    >>> response = client.things.with_raw_response.get("t1")
    >>> response.request_id, response.headers["x-ratelimit-remaining"]
    >>> thing = response.parse()
    """

    @overload
    def parse(self, *, to: type[_T]) -> _T: ...
    @overload
    def parse(self) -> R: ...
    def parse(self, *, to: type[_T] | None = None) -> R | _T:
        """The body as ``to`` or, without it, as the type the call declared.

        A second call with the same target returns the same object. Raises
        ``APIResponseValidationError`` (see the JSON rules), ``TypeError`` for a
        plain pydantic model, ``RuntimeError`` for an unsupported target.

        >>> response.parse(to=dict[str, object])
        """
        key = self._cache_key(to)
        cached = self._cached(key)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]  # cached under the same target
        if self._needs_body(to if to is not None else self._cast_to):
            self.read()
        built: R | _T = self._build(to, key)  # built for this very target
        return built

    def read(self) -> bytes:
        """The whole body, read once (within the client's ``max_body_size``).

        Raises ``StreamAlreadyConsumed`` after the body was iterated.
        """
        response = self.http_response
        if hasattr(response, "_content"):  # read already: no I/O, no limit to check
            return response.content
        self._check_not_consumed()
        with map_transport_errors(self.http_request, self._context.secrets):
            return read_bounded(response, body_limit(response, self._context.limits))

    def text(self) -> str:
        """The body decoded as text."""
        self.read()
        return self.http_response.text

    def json(self) -> object:
        """The body decoded as JSON."""
        self.read()
        return self.http_response.json()

    def close(self) -> None:
        """Release the connection. Safe to call more than once."""
        self.http_response.close()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Iterate the decoded body; transport failures raise ``APIConnectionError``."""
        self._iterated = True
        with map_transport_errors(self.http_request, self._context.secrets):
            yield from self.http_response.iter_bytes(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """Iterate the body as text."""
        self._iterated = True
        with map_transport_errors(self.http_request, self._context.secrets):
            yield from self.http_response.iter_text(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """Iterate the body line by line, without the line endings."""
        self._iterated = True
        with map_transport_errors(self.http_request, self._context.secrets):
            yield from self.http_response.iter_lines()


class AsyncAPIResponse(BaseAPIResponse[R]):
    """The async twin of ``APIResponse``: every method is a coroutine or async iterator.

    >>> response = await client.things.with_raw_response.get("t1")
    >>> thing = await response.parse()
    """

    @overload
    async def parse(self, *, to: type[_T]) -> _T: ...
    @overload
    async def parse(self) -> R: ...
    async def parse(self, *, to: type[_T] | None = None) -> R | _T:
        """The body as ``to`` or as the declared type; see ``APIResponse.parse``."""
        key = self._cache_key(to)
        cached = self._cached(key)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]  # cached under the same target
        if self._needs_body(to if to is not None else self._cast_to):
            await self.read()
        built: R | _T = self._build(to, key)  # built for this very target
        return built

    async def read(self) -> bytes:
        """The whole body, read once; see ``APIResponse.read``."""
        response = self.http_response
        if hasattr(response, "_content"):  # read already: no I/O, no limit to check
            return response.content
        self._check_not_consumed()
        with map_transport_errors(self.http_request, self._context.secrets):
            return await aread_bounded(response, body_limit(response, self._context.limits))

    async def text(self) -> str:
        """The body decoded as text."""
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        """The body decoded as JSON."""
        await self.read()
        return self.http_response.json()

    async def close(self) -> None:
        """Release the connection. Safe to call more than once."""
        await self.http_response.aclose()

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """Iterate the decoded body; transport failures raise ``APIConnectionError``."""
        self._iterated = True
        with map_transport_errors(self.http_request, self._context.secrets):
            async with unwound(
                self.http_response, self.http_response.aiter_bytes(chunk_size)
            ) as parts:
                async for chunk in parts:
                    yield chunk

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """Iterate the body as text."""
        self._iterated = True
        with map_transport_errors(self.http_request, self._context.secrets):
            async with unwound(
                self.http_response, self.http_response.aiter_text(chunk_size)
            ) as parts:
                async for chunk in parts:
                    yield chunk

    async def iter_lines(self) -> AsyncIterator[str]:
        """Iterate the body line by line, without the line endings."""
        self._iterated = True
        with map_transport_errors(self.http_request, self._context.secrets):
            async with unwound(self.http_response, self.http_response.aiter_lines()) as parts:
                async for line in parts:
                    yield line


class ResponseContextManager(Generic[_APIResponseT]):
    """Sends the request on ``__enter__`` and closes the response on ``__exit__``.

    >>> with client.things.with_streaming_response.get("t1") as response:
    ...     for line in response.iter_lines():
    ...         print(line)
    """

    def __init__(self, request_func: Callable[[], _APIResponseT]) -> None:
        self._request_func = request_func
        self._response: _APIResponseT | None = None

    def __enter__(self) -> _APIResponseT:
        self._response = self._request_func()
        return self._response

    def __exit__(self, *exc_info: object) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[_AsyncAPIResponseT]):
    """Awaits the request on ``__aenter__`` and closes the response on ``__aexit__``.

    >>> async with client.things.with_streaming_response.get("t1") as response:
    ...     async for line in response.iter_lines():
    ...         print(line)
    """

    def __init__(self, api_request: Awaitable[_AsyncAPIResponseT]) -> None:
        self._api_request = api_request
        self._response: _AsyncAPIResponseT | None = None

    async def __aenter__(self) -> _AsyncAPIResponseT:
        self._response = await self._api_request
        return self._response

    async def __aexit__(self, *exc_info: object) -> None:
        if self._response is not None:
            await self._response.close()
