"""One API call as a sans-I/O generator: the retry loop, written once.

``call_flow`` yields the I/O it needs (``Send``, ``ReadBody``, ``ReadErrorBody``,
``Close``, ``Sleep``) and receives the results, or the exception the I/O raised.
Everything it decides comes from the call's ``CallContext``; the sync and async
clients run the same flow and differ only in how they perform each action.
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
from ._retries import Retry

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

log = logging.getLogger("sdkcore")
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
    policy, clock, timeout, url = ctx.policy, ctx.timing.clock, ctx.attempt_timeout, ctx.secrets.url
    hooks = ctx.shared.hooks or _NO_HOOKS
    retries = 0
    while True:
        request = build_request(retries)
        if hooks.on_request is not None:
            yield RunHook(hooks.on_request, request, retries)
        # The deadline counts from the attempt's start, so slow headers use it up too.
        deadline = None if timeout is None else clock() + timeout
        _log_request(ctx, request)
        response = None
        try:
            response = yield from _send_following_redirects(ctx, request, deadline)
            if hooks.on_response is not None:
                yield RunHook(hooks.on_response, response, retries)
            if response.status_code < 400:
                if read_body:
                    yield ReadBody(response, deadline)
                log.debug(
                    "Response: %s %s %d", request.method, url(request.url), response.status_code
                )
                return response, retries
            decision = yield from _after_error_status(
                ctx, response, retries, deadline, build_request.replay_refusal
            )
        except TRANSPORT_ERRORS as exc:
            log.debug("Transport error: %s %s: %r", request.method, url(request.url), exc)
            outcome = policy.after_transport_error(
                retries, is_timeout=isinstance(exc, httpx2.TimeoutException)
            )
            error = transport_error(exc, request)
            error._secrets = ctx.secrets  # pyright: ignore[reportPrivateUsage]  # pickles redact these
            if not isinstance(outcome, Retry):
                raise error from exc
            _refuse_to_resend(error, build_request.replay_refusal)
            decision = outcome
        log.info("Retrying %s %s (%s)", request.method, url(request.url), decision)
        if hooks.on_retry is not None:
            yield RunHook(hooks.on_retry, response, retries)
        yield Sleep(decision.delay)
        retries += 1


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
        log.debug("Redirect: %s %s", next_request.method, ctx.secrets.url(next_request.url))
        request = next_request


def _keep_secrets_to_their_origin(
    ctx: CallContext, previous: httpx2.Request, following: httpx2.Request
) -> None:
    if _origin(following.url) == _origin(previous.url):
        return
    for name in list(following.headers):
        if name.lower() in ctx.secrets.headers:
            del following.headers[name]


def _origin(url: httpx2.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _after_error_status(
    ctx: CallContext,
    response: httpx2.Response,
    retries: int,
    deadline: float | None,
    refusal: str | None,
) -> Generator[Action, object, Retry]:
    content = yield ReadErrorBody(response, deadline)
    assert isinstance(content, bytes)
    decision = ctx.policy.after_status(retries, response.status_code, response.headers)
    log.debug("Error status %d: %s", response.status_code, decision)
    if isinstance(decision, Retry) and refusal is None:
        return decision
    error = ctx.status_error(response, content)
    if isinstance(decision, Retry):
        _refuse_to_resend(error, refusal)
    else:
        error.retry_after = decision.asked_delay
    raise error


def _log_request(ctx: CallContext, request: httpx2.Request) -> None:
    if log.isEnabledFor(logging.DEBUG):
        headers = ctx.secrets.redact_headers(request.headers.multi_items())
        log.debug(
            "Request: %s %s headers=%s", request.method, ctx.secrets.url(request.url), headers
        )


def run_sync(flow: Flow, perform: Callable[[Action], object]) -> tuple[httpx2.Response, int]:
    """Drive ``flow`` with a sync ``perform``; see ``run_async`` for the async driver."""
    try:
        action = next(flow)
        while True:
            try:
                result = perform(action)
            except Exception as exc:  # handed to the flow, which decides
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
            except Exception as exc:  # handed to the flow, which decides
                action = flow.throw(exc)
            else:
                action = flow.send(result)
    except StopIteration as stop:
        outcome: tuple[httpx2.Response, int] = stop.value  # the flow's declared return
        return outcome
    finally:
        flow.close()
