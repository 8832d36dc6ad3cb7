"""One API call as a sans-I/O generator: the retry loop, written once.

``call_flow`` yields the I/O it needs (``Send``, ``ReadBody``, ``ReadErrorBody``,
``Close``, ``Sleep``) and receives the results, or the exception the I/O raised.
Everything it decides comes from the call's ``CallContext``; the sync and async
clients run the same flow and differ only in how they perform each action. Each
attempt is watched from before its ``on_request`` hook to its outcome
(``watch_attempt``: its span and its DEBUG line), and a traced call's span ends
with the flow (``CallTrace.around``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

import httpx2

from ._body import TRANSPORT_ERRORS, transport_error
from ._exceptions import APIConnectionError, APIError
from ._hooks import Hooks
from ._logging import http_log, retry_log, watch_attempt
from ._options import ReturnMode
from ._retries import Retry, Stop
from ._secrets import same_origin

if TYPE_CHECKING:
    from ._context import CallContext

__all__ = [
    "Action",
    "Close",
    "ReadBody",
    "ReadErrorBody",
    "RunHook",
    "Send",
    "Sleep",
    "call_flow",
    "run_async",
    "run_sync",
]

_NO_HOOKS: Final = Hooks()


@dataclass(slots=True)
class Send:
    """Send ``request``, returning the response with its body unread, by ``deadline``."""

    request: httpx2.Request
    deadline: float | None


@dataclass(slots=True)
class ReadBody:
    """Read the whole body of ``response`` by ``deadline`` (on the call's clock)."""

    response: httpx2.Response
    deadline: float | None


@dataclass(slots=True)
class ReadErrorBody:
    """Read a bounded prefix of an error body by ``deadline``, close the response, return it."""

    response: httpx2.Response
    deadline: float | None


@dataclass(slots=True)
class Close:
    """Close ``response`` unread."""

    response: httpx2.Response


@dataclass(slots=True)
class Sleep:
    """Wait ``seconds`` before the next attempt."""

    seconds: float


@dataclass(slots=True)
class RunHook:
    """Call the user's ``hook(subject, attempt)`` (awaited when it is async)."""

    hook: Callable[..., object]
    subject: object
    attempt: int


Action = Send | ReadBody | ReadErrorBody | Close | Sleep | RunHook
Flow = Generator[Action, object, tuple[httpx2.Response, int]]


class RequestBuilder(Protocol):
    """Builds the request of one attempt (``retries_taken`` so far)."""

    @property
    def replay_refusal(self) -> str | None:
        """Why the body cannot be sent again (then no retry), else ``None``."""
        ...

    def __call__(self, retries_taken: int, /) -> httpx2.Request: ...


def call_flow(ctx: CallContext, build_request: RequestBuilder, *, read_body: bool) -> Flow:
    """Run one call to its final response; returns ``(response, retries_taken)``.

    Raises the ``APIStatusError`` subclass of a final error status, or
    ``APIConnectionError`` / ``APITimeoutError`` once retries run out.
    """
    flow = _retry_loop(ctx, build_request, read_body=read_body)
    if ctx.trace is None:
        return flow
    parse_follows = ctx.options.return_mode is ReturnMode.PARSED
    return ctx.trace.around(flow, read_body=read_body, parse_follows=parse_follows)


@dataclass(slots=True)
class _Again:
    """An attempt that failed and is retried: after ``response`` (if any) or ``error``."""

    decision: Retry
    response: httpx2.Response | None
    error: Exception | None


def _retry_loop(ctx: CallContext, build_request: RequestBuilder, *, read_body: bool) -> Flow:
    hooks = ctx.shared.hooks or _NO_HOOKS
    retries = 0
    while True:
        request = build_request(retries)
        # Before the hook runs: a signing hook signs the traceparent too.
        watch = watch_attempt(ctx, request, request.headers)
        try:
            outcome = yield from _attempt(ctx, request, retries, hooks, build_request, read_body)
        except BaseException as exc:
            if watch is not None:
                watch.end(None, exc)
            raise
        if isinstance(outcome, httpx2.Response):
            if watch is not None:
                watch.end(outcome, None)
            return outcome, retries
        if watch is not None:
            watch.end(outcome.response, outcome.error)
        retry_log.info(
            "Retrying %s %s (%s)", request.method, ctx.secrets.url(request.url), outcome.decision
        )
        if hooks.on_retry is not None:
            yield RunHook(hooks.on_retry, outcome.response, retries)
        yield Sleep(outcome.decision.delay)
        retries += 1


def _attempt(
    ctx: CallContext,
    request: httpx2.Request,
    retries: int,
    hooks: Hooks,
    build_request: RequestBuilder,
    read_body: bool,
) -> Generator[Action, object, httpx2.Response | _Again]:
    """One attempt: its final response, or how it is retried; raises when it is not."""
    if hooks.on_request is not None:
        yield RunHook(hooks.on_request, request, retries)
    # The deadline counts from the attempt's start, so slow headers use it up too.
    timeout = ctx.attempt_timeout
    deadline = None if timeout is None else ctx.timing.clock() + timeout
    response = None
    try:
        response = yield from _send_following_redirects(ctx, request, deadline)
        if hooks.on_response is not None:
            yield RunHook(hooks.on_response, response, retries)
        if response.status_code < 400:
            if read_body:
                yield ReadBody(response, deadline)
            return response
        decision = yield from _after_error_status(
            ctx, request, response, retries, deadline, build_request.replay_refusal
        )
        return _Again(decision, response, None)
    except TRANSPORT_ERRORS as exc:
        decision = _after_transport_error(ctx, request, exc, retries, build_request.replay_refusal)
        return _Again(decision, response, exc)


def _after_transport_error(
    ctx: CallContext, request: httpx2.Request, exc: Exception, retries: int, refusal: str | None
) -> Retry:
    """The retry after a transport error; raises its ``APIConnectionError`` when there is none."""
    outcome = ctx.policy.after_transport_error(
        retries, is_timeout=isinstance(exc, httpx2.TimeoutException)
    )
    error = transport_error(exc, request, ctx.secrets)
    if not isinstance(outcome, Retry):
        _log_stop(ctx, request, outcome)
        raise error from exc
    _refuse_to_resend(error, refusal)
    return outcome


def _log_stop(ctx: CallContext, request: httpx2.Request, decision: Stop) -> None:
    if retry_log.isEnabledFor(logging.DEBUG):
        url = ctx.secrets.url(request.url)
        retry_log.debug("Not retrying %s %s (%s)", request.method, url, decision)


def _refuse_to_resend(error: APIError, refusal: str | None) -> None:
    """Raise ``error`` instead of retrying when the body cannot be sent again."""
    if refusal is None:
        return
    error.message = f"{error.message} Not retried: {refusal}"
    error.args = (error.message,)
    raise error


def _send_following_redirects(
    ctx: CallContext, request: httpx2.Request, deadline: float | None
) -> Generator[Action, object, httpx2.Response]:
    history: list[httpx2.Response] = []
    while True:
        response = yield Send(request, deadline)
        assert isinstance(response, httpx2.Response)
        # httpx2 counts hops in `history` only when it follows redirects itself.
        response.history = list(history)
        next_request = response.next_request if ctx.shared.follow_redirects else None
        if next_request is None:
            return response
        yield Close(response)
        if len(history) >= ctx.shared.max_redirects:
            message = f"Redirect error: exceeded max_redirects={ctx.shared.max_redirects}."
            raise APIConnectionError(message=message, request=request)
        history.append(response)
        _keep_secrets_to_their_origin(ctx, response.request, next_request)
        http_log.debug("Redirect: %s %s", next_request.method, ctx.secrets.url(next_request.url))
        request = next_request


def _keep_secrets_to_their_origin(
    ctx: CallContext, previous: httpx2.Request, following: httpx2.Request
) -> None:
    if same_origin(following.url, previous.url):
        return
    for name in list(following.headers):
        if name.lower() in ctx.secrets.headers:
            del following.headers[name]


def _after_error_status(
    ctx: CallContext,
    request: httpx2.Request,
    response: httpx2.Response,
    retries: int,
    deadline: float | None,
    refusal: str | None,
) -> Generator[Action, object, Retry]:
    content = yield ReadErrorBody(response, deadline)
    assert isinstance(content, bytes)
    decision = ctx.policy.after_status(retries, response.status_code, response.headers)
    if isinstance(decision, Retry) and refusal is None:
        return decision
    error = ctx.status_error(response, content)
    if isinstance(decision, Retry):
        _refuse_to_resend(error, refusal)
    else:
        _log_stop(ctx, request, decision)
        error.retry_after = decision.asked_delay
    raise error


def run_sync(flow: Flow, perform: Callable[[Action], object]) -> tuple[httpx2.Response, int]:
    """Drive ``flow`` with a sync ``perform``; see ``run_async`` for the async driver."""
    try:
        action = next(flow)
        while True:
            try:
                result = perform(action)
            except BaseException as exc:  # handed to the flow, which decides (and records it)
                action = flow.throw(exc)
            else:
                action = flow.send(result)
    except StopIteration as stop:
        outcome: tuple[httpx2.Response, int] = stop.value  # the flow's declared return
        return outcome
    finally:
        flow.close()


async def run_async(
    flow: Flow, perform: Callable[[Action], Awaitable[object]]
) -> tuple[httpx2.Response, int]:
    """Drive ``flow`` with an async ``perform``: the twin of ``run_sync``."""
    try:
        action = next(flow)
        while True:
            try:
                result = await perform(action)
            except BaseException as exc:  # handed to the flow, which decides (and records it)
                action = flow.throw(exc)
            else:
                action = flow.send(result)
    except StopIteration as stop:
        outcome: tuple[httpx2.Response, int] = stop.value  # the flow's declared return
        return outcome
    finally:
        flow.close()
