"""When to try a request again, and how long to wait first: pure decisions, no I/O.

The sync and async clients each keep their own loop, but every choice lives
here, so the two cannot drift. A driver asks a ``RetryPolicy`` after each
failure and gets back either ``Retry(delay)`` (sleep, then send again) or
``Stop(reason)`` (raise the error it holds). The clock and the random source
are injected, so tests never sleep and never flake:

>>> policy = RetryPolicy(max_retries=2, rng=lambda: 0.0, clock=lambda: 0.0)
>>> policy.after_status(0, 503, {}), policy.after_status(0, 429, {"retry-after": "3"})
(Retry(delay=0.5), Retry(delay=3.0))
>>> print(policy.after_status(2, 503, {}))
stop: no retries left
"""

from __future__ import annotations

import enum
import math
import random
import re
import time
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Final

from ._constants import DEFAULT_MAX_RETRY_AFTER, INITIAL_RETRY_DELAY, MAX_RETRY_DELAY

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "Retry",
    "RetryPolicy",
    "Stop",
    "StopReason",
    "backoff_delay",
    "is_retryable_status",
    "retry_after_from_headers",
    "should_retry_header",
]

#: Statuses below 500 that are worth another try: timeout, conflict, rate limit.
_RETRYABLE_STATUSES: Final = frozenset({408, 409, 429})
#: Every status from here up is a server error, and is retried.
_FIRST_SERVER_ERROR: Final = 500

_SHOULD_RETRY_HEADER: Final = "x-should-retry"
_RETRY_AFTER_MS_HEADER: Final = "retry-after-ms"
_RETRY_AFTER_HEADER: Final = "retry-after"
_SHOULD_RETRY_VALUES: Final = {"true": True, "false": False}

# Plain decimal digits only: ``float()`` alone would also take "inf", "nan",
# "1e3", "1_000" and "-5", none of which a server means as a delay.
_DECIMAL: Final = re.compile(r"\d+(?:\.\d*)?|\.\d+")

# 2**5 * 0.5 s already exceeds MAX_RETRY_DELAY; clamping the exponent keeps a
# huge ``retries_taken`` from overflowing a float.
_MAX_BACKOFF_EXPONENT: Final = 32

# The jitter factor must lie in (0.75, 1]. ``1 - 0.25 * rng()`` rounds to exactly
# 0.75 for the largest float below 1, so the lower end is clamped one ulp up;
# the clamp also keeps a misbehaving rng from giving a negative or longer wait.
_MIN_JITTER: Final = math.nextafter(0.75, 1.0)
_MAX_JITTER: Final = 1.0


class StopReason(enum.Enum):
    """Why a ``RetryPolicy`` said not to try again.

    >>> StopReason.RETRY_AFTER_TOO_LONG.value
    'retry_after_too_long'
    """

    EXHAUSTED = "exhausted"
    NOT_RETRYABLE = "not_retryable"
    SERVER_SAID_NO = "server_said_no"
    RETRY_AFTER_TOO_LONG = "retry_after_too_long"


# One line per reason, for logs; read by ``Stop.__str__``.
_STOP_DESCRIPTIONS: Final = {
    StopReason.EXHAUSTED: "no retries left",
    StopReason.NOT_RETRYABLE: "the error is not retryable",
    StopReason.SERVER_SAID_NO: f"the server sent {_SHOULD_RETRY_HEADER}: false",
    StopReason.RETRY_AFTER_TOO_LONG: "the server asked to wait longer than max_retry_after",
}


@dataclass(frozen=True, slots=True)
class Retry:
    """Wait ``delay`` seconds, then send the request again.

    >>> print(Retry(1.5))
    retry in 1.50s
    """

    delay: float

    def __str__(self) -> str:
        return f"retry in {self.delay:.2f}s"


@dataclass(frozen=True, slots=True)
class Stop:
    """Do not retry; raise the error in hand.

    ``asked_delay`` is the wait the server asked for when ``reason`` is
    ``RETRY_AFTER_TOO_LONG``, and ``None`` otherwise.

    >>> print(Stop(StopReason.RETRY_AFTER_TOO_LONG, asked_delay=120.0))
    stop: the server asked to wait longer than max_retry_after (120.00s)
    """

    reason: StopReason
    asked_delay: float | None = None

    def __str__(self) -> str:
        text = f"stop: {_STOP_DESCRIPTIONS[self.reason]}"
        if self.asked_delay is None:
            return text
        return f"{text} ({self.asked_delay:.2f}s)"


def is_retryable_status(status_code: int) -> bool:
    """Tell whether a response with this status is worth another try.

    True for 408, 409, 429 and every status from 500 up.

    >>> is_retryable_status(429), is_retryable_status(404)
    (True, False)
    """
    return status_code in _RETRYABLE_STATUSES or status_code >= _FIRST_SERVER_ERROR


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Look ``name`` (lower case) up in a case-insensitive or a plain mapping."""
    value = headers.get(name)
    if value is not None:
        return value
    # A plain dict is case-sensitive; a server may well send "Retry-After".
    return next((v for k, v in headers.items() if k.lower() == name), None)


def should_retry_header(headers: Mapping[str, str]) -> bool | None:
    """Read the server's ``x-should-retry`` verdict.

    ``"true"`` gives True, ``"false"`` gives False (any case); a missing or
    other value gives None, meaning the status decides.

    >>> should_retry_header({"X-Should-Retry": "FALSE"}), should_retry_header({})
    (False, None)
    """
    value = _header(headers, _SHOULD_RETRY_HEADER)
    if value is None:
        return None
    return _SHOULD_RETRY_VALUES.get(value.strip().lower())


def _parse_seconds(value: str, scale: float) -> float | None:
    """A plain non-negative decimal times ``scale``, or None if not one."""
    text = value.strip()
    if not _DECIMAL.fullmatch(text):
        return None
    seconds = float(text) * scale
    return seconds if math.isfinite(seconds) else None


def _parse_http_date(value: str, now: float) -> float | None:
    """Seconds from ``now`` until an HTTP date, or None if garbage or past."""
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        # RFC 5322 "-0000" means UTC with no known local zone.
        when = when.replace(tzinfo=UTC)
    delay = when.timestamp() - now
    return delay if delay >= 0 else None


def retry_after_from_headers(headers: Mapping[str, str] | None, *, now: float) -> float | None:
    """Read how long the server asked the client to wait, in seconds.

    ``retry-after-ms`` (milliseconds) is tried first, then ``retry-after`` as
    seconds or as an HTTP date, counted from ``now`` (epoch seconds). The first
    valid value wins. A missing, garbage, NaN, infinite, negative or past value
    gives None; zero is returned as 0.0 for the caller to judge.

    >>> retry_after_from_headers({"retry-after-ms": "250"}, now=0.0)
    0.25
    >>> retry_after_from_headers({"retry-after": "Thu, 01 Jan 1970 00:00:30 GMT"}, now=10.0)
    20.0
    >>> print(retry_after_from_headers({"retry-after": "soon"}, now=0.0))
    None
    """
    if headers is None:
        return None
    millis = _header(headers, _RETRY_AFTER_MS_HEADER)
    if millis is not None and (delay := _parse_seconds(millis, 0.001)) is not None:
        return delay
    value = _header(headers, _RETRY_AFTER_HEADER)
    if value is None:
        return None
    seconds = _parse_seconds(value, 1.0)
    return seconds if seconds is not None else _parse_http_date(value, now)


def backoff_delay(retries_taken: int, rng: Callable[[], float]) -> float:
    """Exponential backoff with jitter for the next retry, in seconds.

    ``0.5 * 2**retries_taken``, capped at 8.0, times a factor in (0.75, 1]
    drawn as ``1 - 0.25 * rng()``, where ``rng()`` returns a float in [0, 1)
    (a factor that falls outside the range is clamped into it).

    >>> [backoff_delay(n, lambda: 0.0) for n in range(6)]
    [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    """
    exponent = min(max(retries_taken, 0), _MAX_BACKOFF_EXPONENT)
    base = min(INITIAL_RETRY_DELAY * 2.0**exponent, MAX_RETRY_DELAY)
    jitter = min(max(1.0 - 0.25 * rng(), _MIN_JITTER), _MAX_JITTER)
    return base * jitter


class RetryPolicy:
    """Decide after each failure of one call whether to retry, and how long to wait.

    ``retries_taken`` is how many retries this call has already made (0 on
    the first failure). Raises ValueError for a negative ``max_retries`` or a
    negative or NaN ``max_retry_after``.

    >>> policy = RetryPolicy(max_retries=1, rng=lambda: 0.0)
    >>> policy.after_transport_error(0, is_timeout=True)
    Retry(delay=0.5)
    >>> print(policy.after_transport_error(1, is_timeout=True))
    stop: no retries left
    """

    def __init__(
        self,
        *,
        max_retries: int,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries!r}")
        if not max_retry_after >= 0:  # written so that NaN fails too
            raise ValueError(f"max_retry_after must be >= 0, got {max_retry_after!r}")
        self.max_retries = max_retries
        self.max_retry_after = max_retry_after
        self._rng = rng
        self._clock = clock

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(max_retries={self.max_retries!r}, "
            f"max_retry_after={self.max_retry_after!r})"
        )

    def after_status(
        self, retries_taken: int, status_code: int, headers: Mapping[str, str]
    ) -> Retry | Stop:
        """Decide after an error status.

        ``x-should-retry`` overrides the status either way. A retry waits what
        the server asked for when 0 < asked <= ``max_retry_after``, stops at
        once when it asked for more, and backs off otherwise.

        >>> print(RetryPolicy(max_retries=2).after_status(0, 404, {}))
        stop: the error is not retryable
        >>> print(RetryPolicy(max_retries=2).after_status(0, 503, {"retry-after": "90"}))
        stop: the server asked to wait longer than max_retry_after (90.00s)
        """
        verdict = should_retry_header(headers)
        if verdict is False:
            return Stop(StopReason.SERVER_SAID_NO)
        if verdict is None and not is_retryable_status(status_code):
            return Stop(StopReason.NOT_RETRYABLE)
        if retries_taken >= self.max_retries:
            return Stop(StopReason.EXHAUSTED)
        asked = retry_after_from_headers(headers, now=self._clock())
        if asked is not None and asked > self.max_retry_after:
            return Stop(StopReason.RETRY_AFTER_TOO_LONG, asked_delay=asked)
        if asked is not None and asked > 0:  # zero means no usable wait: back off
            return Retry(asked)
        return Retry(backoff_delay(retries_taken, self._rng))

    def after_transport_error(self, retries_taken: int, *, is_timeout: bool) -> Retry | Stop:
        """Decide after a connect error, a timeout or a cut connection.

        All three are retried with backoff while retries remain;
        ``is_timeout`` does not change the decision under the current contract.

        >>> print(RetryPolicy(max_retries=0).after_transport_error(0, is_timeout=False))
        stop: no retries left
        """
        return self._backoff_or_exhausted(retries_taken)

    def after_error_event(self, retries_taken: int) -> Retry | Stop:
        """Decide after a retryable error event inside a stream: backoff only.

        >>> RetryPolicy(max_retries=2, rng=lambda: 0.0).after_error_event(1)
        Retry(delay=1.0)
        """
        return self._backoff_or_exhausted(retries_taken)

    def _backoff_or_exhausted(self, retries_taken: int) -> Retry | Stop:
        if retries_taken >= self.max_retries:
            return Stop(StopReason.EXHAUSTED)
        return Retry(backoff_delay(retries_taken, self._rng))
