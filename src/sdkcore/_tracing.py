"""OpenTelemetry spans for every call and every attempt (the optional extra ``sdkcore[otel]``).

A call is one span named ``{METHOD}``, or ``{METHOD} {path_template}`` when the SDK
gave one (``make_request_options(path_template="/chat/completions")``); each attempt
is a CLIENT span under it with the HTTP semantic-convention attributes
(``http.request.method``, ``server.address``, ``server.port``, ``url.full`` with secret
query values redacted, ``http.response.status_code``, ``http.request.resend_count`` from
the first retry on, ``error.type``: the status for 4xx/5xx, else the exception's type),
and carries its W3C ``traceparent`` header (injected through OpenTelemetry's
propagator before the ``on_request`` hook runs, so a signing hook signs it too). The
call's span ends when the call does: once its body is read and parsed for a plain call
(a body that fails validation fails the span), when the stream ends for a stream
(exhausted, closed or failed, with ``sdkcore.stream.events`` and
``sdkcore.stream.time_to_first_event`` in seconds), when the file is written for a
download, when the body is read or closed for a streamed response. Resends of a stream
or a download (a retry before the first event, a reconnect, a resume) are attempts of
the call too. Failures set an error status and ``error.type``; an exception is never
recorded with its traceback, and no header or body goes into a span.

Whether a client traces is decided once, when it is made:

- ``tracer_provider=`` given to the client: traced through that provider (a
  ``NoOpTracerProvider`` turns tracing off);
- else the class attribute ``_tracing``: ``False`` never traces; ``True`` traces through
  the global provider even before one is set (spans flow once the application sets
  it); ``None`` (the default) traces when ``opentelemetry`` was already imported and the
  application has set a global tracer provider (``trace.set_tracer_provider``, or
  ``OTEL_PYTHON_TRACER_PROVIDER``) before making the client. Configure OpenTelemetry
  first, then make the client (or pass ``tracer_provider=``, or set ``_tracing = True``).

``opentelemetry`` is imported only when a client is made and tracing could be on: without
the extra, or without a configured provider, nothing is imported and calls pay nothing.
"""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Final, TypeVar

import httpx2

from ._constants import VERSION
from ._exceptions import APIError, APIStatusError
from ._logging import error_type

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Generator, Iterator, Mapping, MutableMapping
    from types import TracebackType

    from opentelemetry.trace import Span, Tracer, TracerProvider
    from opentelemetry.util.types import AttributeValue

    from ._options import FinalRequestOptions
    from ._secrets import Secrets

__all__ = ["CallTrace", "CallTracer", "call_span_owned", "parsing", "tracer_for"]

_A = TypeVar("_A")
_R = TypeVar("_R")

#: The environment variable that makes ``opentelemetry`` load a provider by itself.
_PROVIDER_VARIABLE: Final = "OTEL_PYTHON_TRACER_PROVIDER"
_SCHEMA_URL: Final = "https://opentelemetry.io/schemas/1.26.0"
_KNOWN_METHODS: Final = frozenset(
    {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}
)
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_DESCRIPTION_LENGTH: Final = 200


def tracer_for(
    provider: TracerProvider | None, setting: bool | None, secrets: Secrets
) -> CallTracer | None:
    """The client's tracer, or ``None`` when it does not trace (see the module's rule).

    >>> tracer_for(None, None, Secrets()) is None  # no provider configured
    True
    """
    if provider is None:
        if setting is False:
            return None
        provider = _global_provider(force=setting is True)
        if provider is None:
            return None
    from opentelemetry.trace import NoOpTracerProvider  # imported only when tracing may be on

    if isinstance(provider, NoOpTracerProvider):
        return None
    return CallTracer(provider, secrets)


def _global_provider(*, force: bool) -> TracerProvider | None:
    """The application's provider, without importing ``opentelemetry`` unless it may be set."""
    if not (force or "opentelemetry.trace" in sys.modules or _PROVIDER_VARIABLE in os.environ):
        return None  # nobody can have set a provider: leave opentelemetry unimported
    try:
        from opentelemetry import trace  # the optional extra, imported only here
    except ImportError:
        return None
    provider = trace.get_tracer_provider()
    if not force and isinstance(provider, trace.ProxyTracerProvider):
        return None  # no provider set yet: the default would only make no-op spans
    return provider


class CallTracer:
    """Starts the span of each call of one client; built once, when the client is made.

    >>> trace = CallTracer(provider, Secrets()).start(FinalRequestOptions(method="get", url="/"))
    """

    __slots__ = ("_api", "_propagate", "_tracer", "secrets")

    #: What the spans' URLs leave out.
    secrets: Secrets

    def __init__(self, provider: TracerProvider, secrets: Secrets) -> None:
        from opentelemetry import propagate, trace  # the optional extra, imported only here

        self._api = trace
        self._propagate = propagate
        self._tracer: Tracer = provider.get_tracer("sdkcore", VERSION, schema_url=_SCHEMA_URL)
        self.secrets = secrets

    def start(self, options: FinalRequestOptions) -> CallTrace:
        """The span of one call of ``options``, started now under the current span."""
        method = options.method.upper()
        template = options.path_template
        name = method if template is None else f"{method} {template}"
        attributes: dict[str, AttributeValue] = {"http.request.method": _method(method)}
        if template is not None:
            attributes["url.template"] = template
        span = self._tracer.start_span(name, attributes=attributes)
        return CallTrace(self, span, name)

    def attempt(self, parent: Span, name: str, request: httpx2.Request, retry: int) -> Span:
        """A CLIENT span for one attempt under ``parent``; retries count from 1."""
        url = request.url
        attributes: dict[str, AttributeValue] = {
            "http.request.method": _method(request.method),
            "server.address": url.host,
            "server.port": url.port or _DEFAULT_PORTS.get(url.scheme, 0),
            # The semantic conventions' spelling for credentials in a URL.
            "url.full": self.secrets.url(url, userinfo="REDACTED:REDACTED"),
        }
        if request.method not in _KNOWN_METHODS:
            attributes["http.request.method_original"] = request.method
        if retry:
            attributes["http.request.resend_count"] = retry
        context = self._api.set_span_in_context(parent)
        kind = self._api.SpanKind.CLIENT
        return self._tracer.start_span(name, context=context, kind=kind, attributes=attributes)

    def inject(self, span: Span, carrier: MutableMapping[str, str]) -> None:
        """Write ``span``'s ``traceparent`` (and the propagator's other fields) into ``carrier``."""
        self._propagate.inject(carrier, context=self._api.set_span_in_context(span))

    def fail(self, span: Span, error: BaseException | str) -> None:
        """Mark ``span`` failed: ``error.type`` and an error status."""
        kind = error if isinstance(error, str) else error_type(error)
        span.set_attribute("error.type", kind)
        description = None
        if isinstance(error, APIError):  # sdkcore's own words, with credentials scrubbed out
            description = error.message[:_DESCRIPTION_LENGTH]
        span.set_status(self._api.Status(self._api.StatusCode.ERROR, description))


def _method(method: str) -> str:
    return method if method in _KNOWN_METHODS else "_OTHER"


class CallTrace:
    """The span of one call. Attempts start under it; it ends once, when the call ends.

    Whoever finishes the call ends it: the parse of a call whose body the flow read
    (the client parses inside ``with trace:``, see ``parsing``), the body's end for a
    streamed response, and a stream or a download that ``claim`` it.

    >>> trace.end(error)  # idempotent: the first end counts
    """

    __slots__ = ("_body_end", "_claimed", "_ended", "_held", "_name", "_tracer", "span")

    #: The call's span (OpenTelemetry's), parent of every attempt's.
    span: Span

    def __init__(self, tracer: CallTracer, span: Span, name: str) -> None:
        self._tracer = tracer
        self._name = name
        self._claimed = False
        self._ended = False
        #: While the client parses the response, a body's end waits for the parse's outcome.
        self._held = False
        #: The body's end seen while held: ``True``, or the error it ended with.
        self._body_end: BaseException | bool = False
        self.span = span

    def attempt(
        self, request: httpx2.Request, retry: int, carrier: MutableMapping[str, str]
    ) -> Span:
        """Start the span of one attempt and put its ``traceparent`` into ``carrier``."""
        span = self._tracer.attempt(self.span, self._name, request, retry)
        self._tracer.inject(span, carrier)
        return span

    def end_attempt(self, span: Span, status: int | None, failure: str | None) -> None:
        """End an attempt's span with its status code and, when it failed, ``error.type``."""
        if status is not None:
            span.set_attribute("http.response.status_code", status)
        if failure is not None:
            self._tracer.fail(span, failure)
        span.end()

    def claim(self) -> None:
        """A stream or a download ends the span itself: the body's end no longer does."""
        self._claimed = True

    def end(
        self,
        error: BaseException | None = None,
        attributes: Mapping[str, AttributeValue] | None = None,
    ) -> None:
        """End the call's span (failed when ``error`` is given); later calls do nothing."""
        if self._ended:
            return
        self._ended = True
        if attributes:
            self.span.set_attributes(attributes)
        if isinstance(error, APIStatusError):
            self.span.set_attribute("http.response.status_code", error.status_code)
        if error is not None:
            self._tracer.fail(self.span, error)
        self.span.end()

    def around(
        self,
        flow: Generator[_A, object, tuple[httpx2.Response, _R]],
        *,
        read_body: bool,
        parse_follows: bool,
    ) -> Generator[_A, object, tuple[httpx2.Response, _R]]:
        """``flow`` with the span ended when it fails, else when the call is done: at once
        for a body read and returned raw, after the parse that follows (``parsing``) for a
        body read and parsed, when the body ends for one left unread."""
        try:
            response, result = yield from flow
        except BaseException as exc:
            self.end(exc)
            raise
        self.span.set_attribute("http.response.status_code", response.status_code)
        if not read_body:
            self._end_with_body(response)
        elif parse_follows:
            self._body_end = True
        else:
            self.end()
        return response, result

    def _end_with_body(self, response: httpx2.Response) -> None:
        stream = response.stream
        if isinstance(stream, httpx2.SyncByteStream):
            response.stream = _WatchedBody(stream, self)
        else:
            response.stream = _AsyncWatchedBody(stream, self)

    def body_ended(self, error: BaseException | None) -> None:
        """The response's body was read to its end, failed or was closed."""
        if self._held:
            self._body_end = error or True
        elif not self._claimed:
            self.end(error)

    def __enter__(self) -> None:
        self._held = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._held = False
        body_end = self._body_end
        if exc is not None:
            self.end(exc)
        elif body_end is not False and not self._claimed:
            self.end(None if body_end is True else body_end)


class _WatchedBody(httpx2.SyncByteStream):
    """A response body that ends the call's span when it is closed (or read to its end)."""

    def __init__(self, body: httpx2.SyncByteStream, trace: CallTrace) -> None:
        self._body = body
        self._trace = trace
        self._chunks: Iterator[bytes] = iter(())

    def __iter__(self) -> Iterator[bytes]:
        self._chunks = iter(self._body)
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except StopIteration:
            raise
        except Exception as exc:
            self._trace.body_ended(exc)
            raise

    def close(self) -> None:
        try:
            self._body.close()
        finally:
            self._trace.body_ended(None)


class _AsyncWatchedBody(httpx2.AsyncByteStream):
    """The async twin of ``_WatchedBody``; an iterator object, so nothing is left to finalise."""

    def __init__(self, body: httpx2.AsyncByteStream, trace: CallTrace) -> None:
        self._body = body
        self._trace = trace
        self._chunks: AsyncIterator[bytes] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        self._chunks = aiter(self._body)
        return self

    async def __anext__(self) -> bytes:
        assert self._chunks is not None
        try:
            return await anext(self._chunks)
        except StopAsyncIteration:
            raise
        except Exception as exc:
            self._trace.body_ended(exc)
            raise

    async def aclose(self) -> None:
        try:
            await self._body.aclose()
        finally:
            self._trace.body_ended(None)


def parsing(trace: CallTrace | None) -> AbstractContextManager[None]:
    """Hold the call's span open while the client parses its response: a body read to
    its end meanwhile ends it after the parse, failed if the parse raised.

    >>> with parsing(ctx.trace):
    ...     return api_response.parse()
    """
    return _UNTRACED if trace is None else trace


_UNTRACED: Final[AbstractContextManager[None]] = nullcontext()


@contextmanager
def call_span_owned(trace: CallTrace | None) -> Generator[None]:
    """The call's span ends when the block does, failed if it raised (a download).

    >>> with call_span_owned(ctx.trace):
    ...     write_the_file()
    """
    if trace is None:
        yield
        return
    trace.claim()
    try:
        yield
    except BaseException as exc:
        trace.end(exc)
        raise
    trace.end()
