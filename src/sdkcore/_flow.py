"""One API call as a sans-I/O generator: the retry loop, written once.

``call_flow`` yields the I/O it needs (``Send``, ``ReadBody``, ``ReadErrorBody``,
``Close``, ``Sleep``) and receives the results, or the exception the I/O raised.
The sync and async clients run the same flow and differ only in how they
perform each action.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import httpx2

from ._body import TRANSPORT_ERRORS, transport_error
from ._constants import STARTED_AT_EXTENSION
from ._exceptions import APIConnectionError, APIStatusError, redact_headers, scrub_secrets
from ._retries import Retry, RetryPolicy, Stop

if TYPE_CHECKING:
    from ._options import FinalRequestOptions

__all__ = [
    "Action",
    "Close",
    "FlowClient",
    "ReadBody",
    "ReadErrorBody",
    "Send",
    "Sleep",
    "call_flow",
    "decode_error_body",
    "status_error",
]

log = logging.getLogger("sdkcore")


@dataclass(slots=True)
class Send:
    """Send ``request``, returning the response with its body unread."""

    request: httpx2.Request


@dataclass(slots=True)
class ReadBody:
    """Read the whole body of ``response`` by ``deadline`` (``time.monotonic``)."""

    response: httpx2.Response
    deadline: float | None


@dataclass(slots=True)
class ReadErrorBody:
    """Read a bounded prefix of an error body, close the response, return the bytes."""

    response: httpx2.Response


@dataclass(slots=True)
class Close:
    """Close ``response`` unread."""

    response: httpx2.Response


@dataclass(slots=True)
class Sleep:
    """Wait ``seconds`` before the next attempt."""

    seconds: float


Action = Send | ReadBody | ReadErrorBody | Close | Sleep
Flow = Generator[Action, object, tuple[httpx2.Response, int]]


class FlowClient(Protocol):
    """What the flow needs from a client."""

    @property
    def secret_header_names(self) -> frozenset[str]: ...

    def build_request(
        self,
        options: FinalRequestOptions,
        *,
        retries_taken: int,
        idempotency_key: str | None,
        stream: bool,
    ) -> httpx2.Request: ...

    def retry_policy(self, options: FinalRequestOptions) -> RetryPolicy: ...

    def idempotency_key_for(self, options: FinalRequestOptions) -> str | None: ...

    def deadline_for(self, options: FinalRequestOptions) -> float | None: ...

    def redirect_request(self, response: httpx2.Response) -> httpx2.Request | None: ...

    def make_status_error(
        self, message: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError: ...


def decode_error_body(content: bytes) -> object | None:
    """An error body as JSON when it is JSON, else as text, ``None`` when empty."""
    if not content:
        return None
    try:
        decoded: object = json.loads(content)
    except ValueError:
        return content.decode("utf-8", errors="replace")
    return decoded


def call_flow(
    client: FlowClient, options: FinalRequestOptions, *, read_body: bool, stream: bool
) -> Flow:
    """Run one call to its final response; returns ``(response, retries_taken)``.

    Raises the ``APIStatusError`` subclass of a final error status, or
    ``APIConnectionError`` / ``APITimeoutError`` once retries run out.
    """
    policy = client.retry_policy(options)
    idempotency_key = client.idempotency_key_for(options)
    started_at = time.monotonic()
    retries = 0
    while True:
        request = client.build_request(
            options, retries_taken=retries, idempotency_key=idempotency_key, stream=stream
        )
        # The deadline counts from the attempt's start, so slow headers use it up too.
        deadline = client.deadline_for(options)
        _log_request(client, request)
        try:
            response = yield from _send_following_redirects(client, request)
            if response.status_code < 400:
                if read_body:
                    yield ReadBody(response, deadline)
                log.debug("Response: %s %s %d", request.method, request.url, response.status_code)
                response.extensions[STARTED_AT_EXTENSION] = started_at
                return response, retries
            decision = yield from _after_error_status(client, policy, response, retries)
        except TRANSPORT_ERRORS as exc:
            log.debug("Transport error: %s %s: %r", request.method, request.url, exc)
            timed_out = isinstance(exc, httpx2.TimeoutException)
            outcome = policy.after_transport_error(retries, is_timeout=timed_out)
            if isinstance(outcome, Stop):
                raise transport_error(exc, request) from exc
            decision = outcome
        log.info("Retrying %s %s (%s)", request.method, request.url, decision)
        yield Sleep(decision.delay)
        retries += 1


def _send_following_redirects(
    client: FlowClient, request: httpx2.Request
) -> Generator[Action, object, httpx2.Response]:
    history: list[httpx2.Response] = []
    while True:
        response = yield Send(request)
        assert isinstance(response, httpx2.Response)
        # httpx2 counts hops in `history` only when it follows redirects itself.
        response.history = list(history)
        try:
            next_request = client.redirect_request(response)
        except httpx2.TooManyRedirects as exc:
            yield Close(response)
            raise APIConnectionError(message=f"Redirect error: {exc}", request=request) from exc
        if next_request is None:
            return response
        yield Close(response)
        history.append(response)
        log.debug("Redirect: %s %s", next_request.method, next_request.url)
        request = next_request


def _after_error_status(
    client: FlowClient, policy: RetryPolicy, response: httpx2.Response, retries: int
) -> Generator[Action, object, Retry]:
    content = yield ReadErrorBody(response)
    assert isinstance(content, bytes)
    decision = policy.after_status(retries, response.status_code, response.headers)
    log.debug("Error status %d: %s", response.status_code, decision)
    if isinstance(decision, Retry):
        return decision
    error = status_error(client, response, content)
    error.retry_after = decision.asked_delay
    raise error


def status_error(client: FlowClient, response: httpx2.Response, content: bytes) -> APIStatusError:
    """The SDK's status error for ``response`` and the bytes of its body.

    A credential the server echoes back is scrubbed from the message.
    """
    body = decode_error_body(content)
    message = scrub_secrets(
        f"Error code: {response.status_code} - {body!r}",
        response.request.headers.multi_items(),
        client.secret_header_names,
    )
    return client.make_status_error(message, body=body, response=response)


def _log_request(client: FlowClient, request: httpx2.Request) -> None:
    if log.isEnabledFor(logging.DEBUG):
        headers = redact_headers(request.headers.multi_items(), client.secret_header_names)
        log.debug("Request: %s %s headers=%s", request.method, request.url, headers)


def run_sync(flow: Flow, perform: Callable[[Action], object]) -> tuple[httpx2.Response, int]:
    """Drive ``flow`` with a sync ``perform``; see ``AsyncAPIClient`` for the async driver."""
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
