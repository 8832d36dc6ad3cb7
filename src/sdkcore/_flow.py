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
from typing import Protocol

import httpx2

from ._constants import STARTED_AT_EXTENSION
from ._exceptions import APIConnectionError, APIStatusError, APITimeoutError
from ._options import FinalRequestOptions
from ._retries import Retry, RetryPolicy, Stop

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
]

log = logging.getLogger("sdkcore")

#: The exceptions of httpx2 that mean "no complete response": retried, then mapped.
TRANSPORT_ERRORS = (httpx2.TransportError, httpx2.DecodingError)


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
        log.debug("Request: %s %s", request.method, request.url)
        try:
            response = yield from _send_following_redirects(client, request)
            if response.status_code < 400:
                if read_body:
                    yield ReadBody(response, client.deadline_for(options))
                log.debug("Response: %s %s %d", request.method, request.url, response.status_code)
                response.extensions[STARTED_AT_EXTENSION] = started_at
                return response, retries
            decision = yield from _after_error_status(client, policy, response, retries)
        except TRANSPORT_ERRORS as exc:
            timed_out = isinstance(exc, httpx2.TimeoutException)
            outcome = policy.after_transport_error(retries, is_timeout=timed_out)
            if isinstance(outcome, Stop):
                raise _transport_error(exc, request) from exc
            decision = outcome
        log.info("Retrying %s %s (%s)", request.method, request.url, decision)
        yield Sleep(decision.delay)
        retries += 1


def _send_following_redirects(
    client: FlowClient, request: httpx2.Request
) -> Generator[Action, object, httpx2.Response]:
    response = yield Send(request)
    assert isinstance(response, httpx2.Response)
    next_request = client.redirect_request(response)
    while next_request is not None:
        yield Close(response)
        log.debug("Redirect: %s %s", next_request.method, next_request.url)
        response = yield Send(next_request)
        assert isinstance(response, httpx2.Response)
        next_request = client.redirect_request(response)
    return response


def _after_error_status(
    client: FlowClient, policy: RetryPolicy, response: httpx2.Response, retries: int
) -> Generator[Action, object, Retry]:
    content = yield ReadErrorBody(response)
    assert isinstance(content, bytes)
    decision = policy.after_status(retries, response.status_code, response.headers)
    log.debug("Error status %d: %s", response.status_code, decision)
    if isinstance(decision, Retry):
        return decision
    body = decode_error_body(content)
    error = client.make_status_error(_status_message(response, body), body=body, response=response)
    error.retry_after = decision.asked_delay
    raise error


def _status_message(response: httpx2.Response, body: object | None) -> str:
    return f"Error code: {response.status_code} - {body!r}"


def _transport_error(exc: Exception, request: httpx2.Request) -> APIConnectionError:
    if isinstance(exc, httpx2.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(message=f"Connection error: {type(exc).__name__}: {exc}", request=request)


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
        return stop.value  # type: ignore[no-any-return]  # the flow's declared return
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
        return stop.value  # type: ignore[no-any-return]  # the flow's declared return
    finally:
        flow.close()
