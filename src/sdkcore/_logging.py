"""sdkcore's log lines: one logger per concern under ``sdkcore``, and the switch to see them.

Loggers (children of ``sdkcore``, so ``logging.getLogger("sdkcore")`` covers them all):

- ``sdkcore.http``: one DEBUG line per attempt, when it ended: method, URL, status or
  error type, elapsed milliseconds, retry number and the request headers, e.g.
  ``GET https://h/v1/things?key=<redacted> 200 in 12.3 ms (retry 0) headers={...}``;
  and a DEBUG line per redirect followed.
- ``sdkcore.retry``: an INFO line before each retry's wait
  (``Retrying GET https://h/v1/things (retry in 0.50s)``), a DEBUG line when a failed
  attempt is not retried, and why.
- ``sdkcore.stream``: INFO when a stream is retried or reconnects, DEBUG when it ends.
- ``sdkcore.download``: INFO when a cut download is resumed or restarted.

``AttemptWatch`` follows one attempt from before it is sent to its outcome, for its DEBUG
line and (when the client traces) its span; ``error_type`` names a failure the same way
in both. Nothing secret is ever written: URLs go through ``Secrets.url`` (secret query values
redacted), headers through ``Secrets.redact_headers``, and no body is logged at all.

``SDKCORE_LOG=info`` or ``SDKCORE_LOG=debug`` in the environment (or the variable an SDK
names in its class attribute ``_log_env_var``, e.g. ``MINILLM_LOG``) adds one handler
writing to stderr to the ``sdkcore`` logger, at that level: read when the first client
is made, once per process and variable; another value is ignored with one warning.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, Final, TextIO

import httpx2

from ._exceptions import APIError, APIStatusError

if TYPE_CHECKING:
    from collections.abc import Callable, MutableMapping

    from ._context import CallContext
    from ._secrets import Secrets
    from ._tracing import CallTrace

__all__ = [
    "AttemptWatch",
    "download_log",
    "error_type",
    "http_log",
    "log_attempt",
    "log_from_env",
    "outcome_of",
    "retry_log",
    "stream_log",
    "watch_attempt",
]

ROOT_LOGGER: Final = "sdkcore"
#: The variable every sdkcore client reads, whatever its SDK.
SDKCORE_LOG: Final = "SDKCORE_LOG"

http_log: Final = logging.getLogger("sdkcore.http")
retry_log: Final = logging.getLogger("sdkcore.retry")
stream_log: Final = logging.getLogger("sdkcore.stream")
download_log: Final = logging.getLogger("sdkcore.download")

_LEVELS: Final = {"info": logging.INFO, "debug": logging.DEBUG}
_FORMAT: Final = "%(asctime)s %(name)s %(levelname)s %(message)s"

_lock: Final = threading.Lock()
#: The variables read so far in this process: each is read once.
_read: Final[set[str]] = set()
#: The handler the variables installed, per logger name: one at most.
_handlers: Final[dict[str, logging.Handler]] = {}


def log_from_env(variable: str | None = None) -> None:
    """Turn on the stderr handler that ``SDKCORE_LOG`` or ``variable`` asks for.

    Each variable is read once per process; later calls cost a set lookup. A value
    other than ``info`` or ``debug`` (any case) is ignored with one warning line.

    >>> log_from_env("MINILLM_LOG")  # with MINILLM_LOG=debug: DEBUG lines on stderr
    """
    for name in (SDKCORE_LOG, variable):
        if name is None or name in _read:
            continue
        with _lock:
            if name in _read:
                continue
            _read.add(name)
            _apply(name, os.environ.get(name, "").strip())


def _apply(variable: str, value: str) -> None:
    if not value:
        return
    level = _LEVELS.get(value.lower())
    if level is None:
        logging.getLogger(ROOT_LOGGER).warning(
            "%s=%r is not one of %s: ignored", variable, value, ", ".join(_LEVELS)
        )
        return
    _handler_at(ROOT_LOGGER, level)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever ``sys.stderr`` is when a record is emitted, so an application
    that replaces it (to draw a progress bar, say) after a client was made is honoured."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # pyright: ignore[reportIncompatibleVariableOverride]  # a live view of stderr
        return  # always the current stderr


def _handler_at(logger_name: str, level: int) -> None:
    """One stderr handler on the logger, at the most verbose level asked for so far."""
    logger = logging.getLogger(logger_name)
    handler = _handlers.get(logger_name)
    if handler is None:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.setLevel(level)
        logger.addHandler(handler)
        _handlers[logger_name] = handler
    handler.setLevel(min(handler.level, level))
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)


def log_attempt(
    request: httpx2.Request,
    secrets: Secrets,
    *,
    outcome: str,
    elapsed: float,
    retry: int,
) -> None:
    """The DEBUG line of one attempt that ended with ``outcome`` (a status or an error type).

    >>> log_attempt(request, secrets, outcome="200", elapsed=0.0123, retry=0)
    """
    http_log.debug(
        "%s %s %s in %.1f ms (retry %d) headers=%s",
        request.method,
        secrets.url(request.url),
        outcome,
        elapsed * 1000,
        retry,
        # The raw pairs: httpx2's own decoding guesses an encoding per header, ten times
        # the cost of the line.
        secrets.redact_headers(
            [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in request.headers.raw
            ]
        ),
    )


def error_type(error: BaseException) -> str:
    """``error.type`` for a failure: the status of an ``APIStatusError``, else the type of
    the transport error underneath (``ConnectError``), else the error's own type.

    >>> error_type(NotFoundError("no", response=response_404, body=None))
    '404'
    """
    if isinstance(error, APIStatusError):
        return str(error.status_code)
    cause = error.__cause__
    if isinstance(error, APIError) and isinstance(cause, httpx2.HTTPError):
        return type(cause).__qualname__
    return type(error).__qualname__


def outcome_of(
    response: httpx2.Response | None, error: BaseException | None
) -> tuple[int | None, str | None]:
    """An attempt's status code (if it got one) and ``error.type`` (if it failed).

    >>> outcome_of(response_503, None)
    (503, '503')
    """
    if isinstance(error, APIStatusError):
        return error.status_code, str(error.status_code)
    status = None if response is None else response.status_code
    if error is not None:
        return status, error_type(error)
    return status, None if status is None or status < 400 else str(status)


class AttemptWatch:
    """One attempt seen from outside: its span and its DEBUG line, from start to outcome.

    Made just before the attempt's ``on_request`` hook; ``end`` when its outcome is known.

    >>> watch = AttemptWatch(request, 0, request.headers, trace, secrets, clock)
    >>> watch.end(response, None)
    """

    __slots__ = ("_clock", "_request", "_retry", "_secrets", "_span", "_started", "_trace")

    def __init__(
        self,
        request: httpx2.Request,
        retry: int,
        carrier: MutableMapping[str, str],
        trace: CallTrace | None,
        secrets: Secrets,
        clock: Callable[[], float],
    ) -> None:
        self._request = request
        self._retry = retry
        self._secrets = secrets
        self._clock = clock
        self._trace = trace
        self._span = None if trace is None else trace.attempt(request, retry, carrier)
        self._started = clock()

    def end(self, response: httpx2.Response | None, error: BaseException | None) -> None:
        """The attempt ended with ``response`` (its headers at least) or ``error``, or both."""
        status, failure = outcome_of(response, error)
        if self._trace is not None and self._span is not None:
            self._trace.end_attempt(self._span, status, failure)
        if http_log.isEnabledFor(logging.DEBUG):
            shown = [str(status)] if status is not None else []
            if failure is not None and failure not in shown:
                shown.append(failure)
            elapsed = self._clock() - self._started
            outcome = " ".join(shown)
            log_attempt(
                self._request, self._secrets, outcome=outcome, elapsed=elapsed, retry=self._retry
            )


def watch_attempt(
    ctx: CallContext, request: httpx2.Request, carrier: MutableMapping[str, str]
) -> AttemptWatch | None:
    """What records the call's next attempt (its span, its DEBUG line), or ``None`` when
    neither tracing nor DEBUG logging is on. The span's ``traceparent`` goes into
    ``carrier``: the request's headers, or the headers a resend adds.

    >>> watch = watch_attempt(ctx, request, request.headers)
    """
    retry = next(ctx.attempts)
    if ctx.trace is None and not http_log.isEnabledFor(logging.DEBUG):
        return None
    return AttemptWatch(request, retry, carrier, ctx.trace, ctx.secrets, ctx.timing.clock)
