"""Sentinels, type aliases and the protocol through which responses see their client."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    Protocol,
    TypeAlias,
    TypeVar,
    final,
    runtime_checkable,
)

import httpx2

if TYPE_CHECKING:
    from ._exceptions import APIStatusError
    from ._options import FinalRequestOptions
    from ._retries import RetryPolicy

__all__ = [
    "NOT_GIVEN",
    "AsyncResender",
    "Body",
    "Headers",
    "NotGiven",
    "Omit",
    "PostParser",
    "ProgressCallback",
    "Query",
    "Resender",
    "ResponseClient",
    "TimeoutTypes",
]

T = TypeVar("T")


@final
class NotGiven:
    """Marks an argument the caller left out, where ``None`` is a meaningful value.

    >>> client.get("/things", cast_to=Thing, options={"timeout": NOT_GIVEN})
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@final
class Omit:
    """A header value that removes a default header from one request.

    >>> client.get("/things", cast_to=Thing, options={"headers": {"Accept": Omit()}})
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "Omit()"


TimeoutTypes: TypeAlias = float | httpx2.Timeout | None
Headers: TypeAlias = Mapping[str, "str | Omit"]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = object
PostParser: TypeAlias = Callable[[Any], Any]
#: ``progress(bytes_done, total)``; ``total`` is ``None`` when the size is unknown.
ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]


class ResponseClient(Protocol):
    """What a response or a stream needs from the client that made it.

    The response layer sees the client only through this protocol, so it never
    imports the client module.
    """

    @property
    def strict_response_validation(self) -> bool:
        """Whether bodies are validated against their declared type."""
        ...

    @property
    def secret_header_names(self) -> frozenset[str]:
        """Lower-case names of the headers whose values are never shown."""
        ...

    @property
    def max_event_size(self) -> int | None:
        """The largest Server-Sent Event a typed stream buffers, or ``None`` for no limit."""
        ...

    @property
    def max_body_size(self) -> int | None:
        """The most bytes ``read()``/``parse()`` hold in memory, or ``None`` for no limit."""
        ...

    @property
    def default_stream_cls(self) -> type[Any] | None:
        """The stream class used for ``stream=True`` calls that name none."""
        ...

    def make_status_error(
        self, message: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        """Build the status error for ``response`` (SDKs customise it)."""
        ...

    def retry_policy_for(self, max_retries: int | None = None) -> RetryPolicy:
        """The client's retry policy (``max_retries`` overrides the client's)."""
        ...

    def idle_timeout_for(self, options: FinalRequestOptions) -> float | None:
        """The stream idle timeout of one call: its own, else the client's."""
        ...


@runtime_checkable
class Resender(Protocol):
    """A sync client that can send a request again (stream retries, reconnects, resumes)."""

    def resend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        """Send ``request`` once more with ``headers`` added; the body is left unread.

        Raises the API's status error for a 4xx/5xx answer and ``APIConnectionError`` /
        ``APITimeoutError`` for transport failures.
        """
        ...

    def pause(self, seconds: float) -> None:
        """Wait before the next attempt."""
        ...


@runtime_checkable
class AsyncResender(Protocol):
    """The async twin of ``Resender``."""

    async def aresend(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Response:
        """Send ``request`` once more with ``headers`` added; see ``Resender.resend``."""
        ...

    async def apause(self, seconds: float) -> None:
        """Wait before the next attempt."""
        ...
