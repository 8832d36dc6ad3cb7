"""``Hooks``: code of the SDK's user that runs at each attempt of every call.

``on_request(request, attempt)`` runs before an attempt is sent (it may add headers,
to sign the request), ``on_response(response, attempt)`` when its response headers
arrived (any status), and ``on_retry(response_or_none, attempt)`` before the wait
that precedes the next attempt, with the attempt that failed and its response
(``None`` when it ended without one). Attempts are counted from 0. An exception a
hook raises propagates unchanged. On an async client a hook may be a plain or an
async callable.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeAlias

import httpx2

__all__ = ["Hooks", "RequestHook", "ResponseHook", "RetryHook", "call_hook", "call_hook_async"]

#: ``on_request(request, attempt)``, plain or (on async clients) async.
RequestHook: TypeAlias = Callable[[httpx2.Request, int], "object | Awaitable[object]"]
#: ``on_response(response, attempt)``.
ResponseHook: TypeAlias = Callable[[httpx2.Response, int], "object | Awaitable[object]"]
#: ``on_retry(response_or_none, attempt)``.
RetryHook: TypeAlias = Callable[["httpx2.Response | None", int], "object | Awaitable[object]"]


@dataclass(frozen=True, slots=True)
class Hooks:
    """Callables run at each attempt of every call of a client.

    >>> def sign(request: httpx2.Request, attempt: int) -> None:
    ...     request.headers["X-Signature"] = signature_of(request)
    >>> client = Acme(api_key="k", hooks=Hooks(on_request=sign))
    """

    on_request: RequestHook | None = None
    on_response: ResponseHook | None = None
    on_retry: RetryHook | None = None


def call_hook(hook: Callable[..., object], *args: object) -> None:
    """Run a hook of a sync client; an async one is refused with a ``TypeError``."""
    result = hook(*args)
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()
        raise TypeError(f"{hook!r} is async: a sync client runs plain callables as hooks")


async def call_hook_async(hook: Callable[..., object], *args: object) -> None:
    """Run a hook of an async client, plain or async."""
    result = hook(*args)
    if inspect.isawaitable(result):
        await result
