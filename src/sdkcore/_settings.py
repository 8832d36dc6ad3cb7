"""A client's settings: what it was given, its base URL, and copies with changed settings.

``Settings`` is what ``BaseClient.__init__`` was given; ``base_url_parts`` checks and
splits the base URL; ``attempt_timeout`` reads the bound on one attempt.

``client.with_options(...)``: the same client again, a few settings changed, one pool.

A client remembers the arguments its class was called with (``BaseClient.__new__``),
so a copy is made by calling the class again with those arguments and the changed
ones: an SDK's own arguments (``api_key``) included, and nothing for an SDK author
to write. Settings of sdkcore's that the SDK's constructor does not take (say
``max_retry_after``) reach ``BaseClient.__init__`` through ``copying``, a context
variable that also hands over the connection pool to share.
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import httpx2

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry.trace import TracerProvider

    from ._context import Timing
    from ._hooks import Hooks
    from ._types import NotGiven, TimeoutTypes

__all__ = [
    "BASE_SETTINGS",
    "Copy",
    "Settings",
    "attempt_timeout",
    "base_url_parts",
    "copy_call",
    "copying",
    "merged",
]

#: The settings ``BaseClient.__init__`` takes, which a copy may change whatever the SDK takes.
BASE_SETTINGS: Final = frozenset(
    {
        "base_url",
        "timeout",
        "max_retries",
        "max_retry_after",
        "stream_idle_timeout",
        "max_body_size",
        "max_decompressed_size",
        "max_event_size",
        "default_headers",
        "default_query",
        "hooks",
        "tracer_provider",
        "_strict_response_validation",
        "_timing",
    }
)


@dataclass(frozen=True, slots=True)
class Copy:
    """What a client being copied hands to the new one's ``BaseClient.__init__``."""

    http_client: object
    settings: Mapping[str, Any] = field(default_factory=dict[str, Any])


#: Set while a copy's class is called; ``BaseClient.__init__`` takes it (once).
copying: Final[ContextVar[Copy | None]] = ContextVar("sdkcore_copying", default=None)


def copy_call(
    cls: type[Any],
    arguments: tuple[tuple[Any, ...], dict[str, Any]],
    changes: Mapping[str, Any],
) -> tuple[tuple[Any, ...], dict[str, Any], dict[str, Any]]:
    """The positional and keyword arguments to call ``cls`` with, and the base settings
    to apply that its constructor does not take.

    Raises ``TypeError`` naming a change that is neither.
    """
    signature = inspect.signature(cls.__init__)
    args, kwargs = arguments
    bound = signature.bind(None, *args, **kwargs)
    parameters = signature.parameters
    rest = next((p.name for p in parameters.values() if p.kind is p.VAR_KEYWORD), None)
    base: dict[str, Any] = {}
    named = {
        p.name for p in parameters.values() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    }
    for name, value in changes.items():
        if name in named:
            bound.arguments[name] = value
        elif rest is not None:
            bound.arguments[rest] = {**bound.arguments.get(rest, {}), name: value}
        elif name in BASE_SETTINGS:
            base[name] = value
        else:
            raise TypeError(f"{cls.__name__}.with_options() got an unexpected setting {name!r}")
    return bound.args[1:], bound.kwargs, base


def merged(
    name: str,
    current: Mapping[str, Any],
    replacement: Mapping[str, Any] | None,
    changes: Mapping[str, Any],
) -> dict[str, Any]:
    """``{name: ...}`` for a copy: ``changes[name]`` merged over ``current``, or over
    ``replacement`` (``set_default_headers=``) instead; ``{}`` when neither is given."""
    if replacement is None and name not in changes:
        return {}
    start = dict(current) if replacement is None else dict(replacement)
    return {name: {**start, **changes.get(name, {})}}


def base_url_parts(base_url: str | httpx2.URL) -> tuple[httpx2.URL, tuple[tuple[str, str], ...]]:
    """``base_url`` with a trailing slash and without its query, and the query's pairs.

    Paths join before the query (``https://h/openai?api-version=1`` and
    ``chat/completions`` give ``https://h/openai/chat/completions?api-version=1``).
    Raises ``ValueError`` unless it is an absolute http(s) URL.
    """
    try:
        url = httpx2.URL(base_url)
    except httpx2.InvalidURL as exc:
        raise ValueError(f"base_url {str(base_url)!r} is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(
            f"base_url must be an absolute http:// or https:// URL, got {str(base_url)!r}"
        )
    query = tuple(url.params.multi_items())
    path = url.raw_path.partition(b"?")[0]
    path = path if path.endswith(b"/") else path + b"/"
    return url.copy_with(raw_path=path, fragment=None), query


@dataclass(frozen=True, slots=True)
class Settings:
    """What ``BaseClient.__init__`` was given (a copy replaces some)."""

    base_url: str | httpx2.URL
    timeout: TimeoutTypes | NotGiven
    max_retries: int
    max_retry_after: float
    stream_idle_timeout: float | None
    max_body_size: int | None
    max_decompressed_size: int | None
    max_event_size: int | None
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    hooks: Hooks | None
    tracer_provider: TracerProvider | None
    strict_response_validation: bool
    timing: Timing | None


def attempt_timeout(timeout: TimeoutTypes) -> float | None:
    """The bound on one whole attempt: a number bounds it end to end, headers included.

    An ``httpx2.Timeout`` keeps httpx2's meaning (each connect, read, write and pool
    wait on its own), so a body that trickles within its read timeout is allowed.
    """
    if timeout is None or isinstance(timeout, httpx2.Timeout):
        return None
    return float(timeout)
