"""``client.with_options(...)``: the same client again, a few settings changed, one pool.

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

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["BASE_SETTINGS", "Copy", "copy_call", "copying"]

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
