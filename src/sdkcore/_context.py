"""The call context: everything one API call needs below the client, built once.

The client answers every question about a call when the call starts (which retry
policy, which limits, which idle timeout, which secrets, how to build a status
error, how to send a request again) and hands the answers down as one immutable
``CallContext``. The flow, the response, the stream, the page and the download read
it; none of them holds the client or asks it anything.

``ClientContext`` is the part that is the same for every call of one client (built
when the client is made); ``CallContext`` adds what one call's options decide.
``Timing`` is where time and randomness come from, so tests substitute a clock,
a sleep and a random source instead of overriding private methods.
"""

from __future__ import annotations

import itertools
import json
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import anyio

from ._constants import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_DECOMPRESSED_SIZE,
    DEFAULT_MAX_EVENT_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
)
from ._exceptions import APIStatusError, status_error_class
from ._logging import watch_attempt
from ._options import FinalRequestOptions
from ._retries import RetryPolicy
from ._secrets import Secrets
from ._types import NotGiven

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Mapping
    from typing import TypeAlias

    import httpx2

    from ._hooks import Hooks
    from ._tracing import CallTrace, CallTracer

    #: Send a request once more with headers added, body unread, no retries; raises the
    #: call's status error for a 4xx/5xx answer.
    SyncResend: TypeAlias = Callable[[httpx2.Request, Mapping[str, str]], httpx2.Response]
    AsyncResend: TypeAlias = Callable[
        [httpx2.Request, Mapping[str, str]], Awaitable[httpx2.Response]
    ]
    #: Make a whole call (with retries) of ``options``, parsed to ``cast_to``: what a page
    #: uses to fetch the next one. ``client.request`` of the client that made the call.
    SyncCall: TypeAlias = Callable[[Any, FinalRequestOptions], Any]
    AsyncCall: TypeAlias = Callable[[Any, FinalRequestOptions], Awaitable[Any]]

__all__ = [
    "BodyLimits",
    "CallContext",
    "ClientContext",
    "StatusErrorFactory",
    "Timing",
    "decode_error_body",
]


def _async_sleep(seconds: float) -> Awaitable[None]:
    return anyio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class Timing:
    """Where a client takes its time, its waits and its randomness from.

    ``clock`` measures durations (deadlines, idle timeouts, time to first event),
    ``wall_clock`` reads HTTP dates in ``Retry-After``, ``sleep`` / ``async_sleep``
    wait before a retry, and ``random`` draws the backoff jitter. Tests pass their
    own (``sdkcore.testing.RecordedWaits`` records waits instead of sleeping).

    >>> client = Acme(api_key="k", _timing=Timing(sleep=lambda seconds: None))
    """

    clock: Callable[[], float] = time.monotonic
    wall_clock: Callable[[], float] = time.time
    sleep: Callable[[float], object] = time.sleep
    async_sleep: Callable[[float], Awaitable[object]] = _async_sleep
    random: Callable[[], float] = random.random


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """The sizes a client holds in memory; ``None`` lifts a limit."""

    max_body_size: int | None = DEFAULT_MAX_BODY_SIZE
    max_decompressed_size: int | None = DEFAULT_MAX_DECOMPRESSED_SIZE
    max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE


class StatusErrorFactory(Protocol):
    """Builds the error for a 4xx/5xx answer: a client's ``_make_status_error``."""

    def __call__(
        self, err_msg: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError: ...


def _default_status_error(
    err_msg: str, *, body: object | None, response: httpx2.Response
) -> APIStatusError:
    return status_error_class(response.status_code)(err_msg, response=response, body=body)


def decode_error_body(content: bytes) -> object | None:
    """An error body as JSON when it is JSON, else as text, ``None`` when empty.

    >>> decode_error_body(b'{"error": "x"}'), decode_error_body(b"oops")
    ({'error': 'x'}, 'oops')
    """
    if not content:
        return None
    try:
        decoded: object = json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")
    return decoded


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientContext:
    """What every call of one client shares; built when the client is made."""

    timing: Timing = field(default_factory=Timing)
    secrets: Secrets = field(default_factory=Secrets)
    limits: BodyLimits = field(default_factory=BodyLimits)
    strict: bool = False
    max_retries: int = DEFAULT_MAX_RETRIES
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    stream_idle_timeout: float | None = None
    default_stream_cls: type[Any] | None = None
    make_status_error: StatusErrorFactory = _default_status_error
    #: How to send a request again: set by sync clients (``aresend``: by async ones).
    resend: SyncResend | None = None
    aresend: AsyncResend | None = None
    #: How to make another call of the same client (a page's next page): sync or async.
    call: SyncCall | None = None
    acall: AsyncCall | None = None
    hooks: Hooks | None = None
    follow_redirects: bool = False
    max_redirects: int = 20
    #: Starts each call's span; ``None`` when the client does not trace (decided once).
    tracer: CallTracer | None = None

    def status_error(self, response: httpx2.Response, content: bytes) -> APIStatusError:
        """The SDK's error for a 4xx/5xx ``response`` with the bytes of its body.

        A credential the server echoes back is scrubbed from the message.
        """
        body = decode_error_body(content)
        message = self.secrets.scrub(
            f"Error code: {response.status_code} - {body!r}", response.request
        )
        return self.build_status_error(message, body=body, response=response)

    def build_status_error(
        self, message: str, *, body: object, response: httpx2.Response
    ) -> APIStatusError:
        """The SDK's ``_make_status_error``, the error carrying this client's secret names
        (which its pickle leaves out)."""
        error = self.make_status_error(message, body=body, response=response)
        error._secrets = self.secrets  # pyright: ignore[reportPrivateUsage]  # pickles redact these
        return error

    def start(self, options: FinalRequestOptions, *, attempt_timeout: float | None) -> CallContext:
        """The context of one call of ``options``, its clock started now."""
        max_retries = options.max_retries
        idle = options.stream_idle_timeout
        return CallContext(
            shared=self,
            options=options,
            policy=RetryPolicy(
                max_retries=self.max_retries if isinstance(max_retries, NotGiven) else max_retries,
                max_retry_after=self.max_retry_after,
                rng=self.timing.random,
                clock=self.timing.wall_clock,
            ),
            attempt_timeout=attempt_timeout,
            idle_timeout=self.stream_idle_timeout if isinstance(idle, NotGiven) else idle,
            started_at=self.timing.clock(),
            trace=None if self.tracer is None else self.tracer.start(options),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CallContext:
    """One call: its options and everything decided about it when it started.

    ``started_at`` (``Timing.clock``) is when the call began: the first attempt's
    request is sent right after, so streams measure ``time_to_first_event`` from it.
    ``trace`` is the call's span when the client traces.
    """

    shared: ClientContext
    options: FinalRequestOptions
    policy: RetryPolicy
    attempt_timeout: float | None
    idle_timeout: float | None
    started_at: float
    trace: CallTrace | None = None
    #: Numbers the call's attempts, resends of streams and downloads included (from 0).
    attempts: Iterator[int] = field(default_factory=itertools.count)

    @classmethod
    def standalone(cls, options: FinalRequestOptions | None = None) -> CallContext:
        """A context with every default, for a response built around any httpx2 response."""
        final = options or FinalRequestOptions(method="get", url="/")
        return ClientContext().start(final, attempt_timeout=None)

    @property
    def timing(self) -> Timing:
        """The client's clock, sleeps and random source."""
        return self.shared.timing

    @property
    def secrets(self) -> Secrets:
        """The header and query names whose values are never shown."""
        return self.shared.secrets

    @property
    def limits(self) -> BodyLimits:
        """The sizes held in memory."""
        return self.shared.limits

    @property
    def strict(self) -> bool:
        """Whether bodies are validated against their declared types."""
        return self.shared.strict

    def status_error(self, response: httpx2.Response, content: bytes) -> APIStatusError:
        """The SDK's error for a 4xx/5xx ``response``; see ``ClientContext.status_error``."""
        return self.shared.status_error(response, content)

    def resend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        """Send ``request`` again with ``headers`` added (sync clients)."""
        if self.shared.resend is None:
            raise RuntimeError("this call was made by an async client: use the async methods")
        added = dict(headers)
        watch = watch_attempt(self, request, added)
        if watch is None:
            return self.shared.resend(request, added)
        try:
            response = self.shared.resend(request, added)
        except BaseException as exc:
            watch.end(None, exc)
            raise
        watch.end(response, None)
        return response

    async def aresend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        """Send ``request`` again with ``headers`` added (async clients)."""
        if self.shared.aresend is None:
            raise RuntimeError("this call was made by a sync client: use the sync methods")
        added = dict(headers)
        watch = watch_attempt(self, request, added)
        if watch is None:
            return await self.shared.aresend(request, added)
        try:
            response = await self.shared.aresend(request, added)
        except BaseException as exc:
            watch.end(None, exc)
            raise
        watch.end(response, None)
        return response
