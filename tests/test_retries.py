"""The pure retry decisions: statuses, server hints, backoff, exhaustion. Nothing sleeps."""

from __future__ import annotations

import doctest
from email.utils import formatdate

import httpx2
import pytest

from sdkcore import _retries
from sdkcore._retries import (
    Retry,
    RetryPolicy,
    Stop,
    StopReason,
    backoff_delay,
    is_retryable_status,
    retry_after_from_headers,
    should_retry_header,
)

NOW = 1_700_000_000.0
ALMOST_ONE = 1.0 - 2**-53  # the largest float random.random() can return


def _zero() -> float:
    return 0.0


def _policy(max_retries: int = 2, max_retry_after: float = 60.0) -> RetryPolicy:
    return RetryPolicy(
        max_retries=max_retries, max_retry_after=max_retry_after, rng=_zero, clock=lambda: NOW
    )


def _http_date(offset: float) -> str:
    return formatdate(NOW + offset, usegmt=True)


# --- statuses ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529, 599])
def test_retryable_status_is_retried(status: int) -> None:
    assert is_retryable_status(status)


@pytest.mark.parametrize(
    "status", [200, 201, 204, 301, 304, 400, 401, 403, 404, 405, 410, 413, 422, 425, 428, 499]
)
def test_other_status_is_not_retried(status: int) -> None:
    assert not is_retryable_status(status)


def test_only_408_409_429_of_the_4xx_are_retryable() -> None:
    assert [s for s in range(400, 500) if is_retryable_status(s)] == [408, 409, 429]


def test_every_5xx_is_retryable() -> None:
    assert all(is_retryable_status(s) for s in range(500, 600))


# --- x-should-retry ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-should-retry": "true"}, True),
        ({"x-should-retry": "TRUE"}, True),
        ({"x-should-retry": " True "}, True),
        ({"x-should-retry": "false"}, False),
        ({"x-should-retry": "False"}, False),
        ({"X-Should-Retry": "false"}, False),
        (httpx2.Headers({"X-Should-Retry": "true"}), True),
        ({"x-should-retry": "yes"}, None),
        ({"x-should-retry": "1"}, None),
        ({"x-should-retry": ""}, None),
        ({}, None),
    ],
    ids=repr,
)
def test_should_retry_header_reads_true_false_and_ignores_the_rest(
    headers: dict[str, str], expected: bool | None
) -> None:
    assert should_retry_header(headers) is expected


# --- retry-after ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "1500.5"}, 1.5005),
        ({"retry-after-ms": "0"}, 0.0),
        ({"retry-after-ms": "100", "retry-after": "9"}, 0.1),
        ({"retry-after-ms": "garbage", "retry-after": "9"}, 9.0),
        ({"retry-after-ms": "-5", "retry-after": "9"}, 9.0),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "2.5"}, 2.5),
        ({"retry-after": " 7 "}, 7.0),
        ({"retry-after": "0"}, 0.0),
        ({"Retry-After": "4"}, 4.0),
        (httpx2.Headers({"Retry-After-Ms": "750"}), 0.75),
        ({"retry-after": "99999999999"}, 99999999999.0),
        ({"retry-after": _http_date(30)}, 30.0),
        ({"retry-after": _http_date(0)}, 0.0),
        ({"retry-after": _http_date(-30)}, None),
        ({"retry-after": "garbage"}, None),
        ({"retry-after": ""}, None),
        ({"retry-after": "-1"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "Infinity"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "1e3"}, None),
        ({"retry-after": "1_000"}, None),
        ({"retry-after": "9" * 400}, None),
        ({"retry-after-ms": "nan"}, None),
        ({"retry-after-ms": "inf"}, None),
        ({}, None),
    ],
    ids=repr,
)
def test_retry_after_from_headers(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_from_headers(headers, now=NOW) == expected


def test_retry_after_from_no_headers_is_none() -> None:
    assert retry_after_from_headers(None, now=NOW) is None


@pytest.mark.parametrize(
    "date",
    [
        "Thu, 01 Jan 1970 00:01:00 GMT",
        "Thu, 01 Jan 1970 00:01:00 -0000",  # UTC, local zone unknown: a naive datetime
        "Thu, 01 Jan 1970 01:01:00 +0100",
    ],
)
def test_retry_after_http_date_is_relative_to_the_injected_now(date: str) -> None:
    headers = {"retry-after": date}
    assert retry_after_from_headers(headers, now=15.0) == 45.0
    assert retry_after_from_headers(headers, now=90.0) is None


# --- backoff -------------------------------------------------------------------------------


def test_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    assert [backoff_delay(n, _zero) for n in range(7)] == [0.5, 1, 2, 4, 8, 8, 8]


@pytest.mark.parametrize("retries_taken", [0, 1, 2, 3, 4, 5, 50, 10_000])
def test_backoff_jitter_stays_in_three_quarters_to_one(retries_taken: int) -> None:
    full = backoff_delay(retries_taken, _zero)
    low = backoff_delay(retries_taken, lambda: ALMOST_ONE)
    assert 0.75 * full < low < full
    assert backoff_delay(retries_taken, lambda: 0.5) == pytest.approx(0.875 * full)


@pytest.mark.parametrize("rng_value", [1.0, 2.0, -1.0, ALMOST_ONE])
def test_backoff_jitter_stays_in_bounds_even_for_a_misbehaving_rng(rng_value: float) -> None:
    delay = backoff_delay(2, lambda: rng_value)
    assert 0.75 * 2.0 < delay <= 2.0


# --- the policy: statuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retries_taken", "status", "headers", "expected"),
    [
        (0, 503, {}, Retry(0.5)),
        (1, 500, {}, Retry(1.0)),
        (0, 408, {}, Retry(0.5)),
        (0, 409, {}, Retry(0.5)),
        (0, 429, {}, Retry(0.5)),
        (0, 400, {}, Stop(StopReason.NOT_RETRYABLE)),
        (0, 404, {}, Stop(StopReason.NOT_RETRYABLE)),
        (0, 400, {"x-should-retry": "true"}, Retry(0.5)),
        (0, 503, {"x-should-retry": "false"}, Stop(StopReason.SERVER_SAID_NO)),
        (0, 400, {"x-should-retry": "false"}, Stop(StopReason.SERVER_SAID_NO)),
        (0, 404, {"x-should-retry": "maybe"}, Stop(StopReason.NOT_RETRYABLE)),
        (0, 503, {"x-should-retry": "maybe"}, Retry(0.5)),
        (0, 429, {"retry-after": "3"}, Retry(3.0)),
        (0, 429, {"retry-after-ms": "1200"}, Retry(1.2)),
        (0, 503, {"retry-after": _http_date(20)}, Retry(20.0)),
        (1, 429, {"retry-after": "0"}, Retry(1.0)),
        (1, 429, {"retry-after": "garbage"}, Retry(1.0)),
        (1, 429, {"retry-after": _http_date(-20)}, Retry(1.0)),
        (1, 429, {"retry-after": "nan"}, Retry(1.0)),
        (0, 429, {"retry-after": "61"}, Stop(StopReason.RETRY_AFTER_TOO_LONG, 61.0)),
        (0, 429, {"retry-after": "99999999999"}, Stop(StopReason.RETRY_AFTER_TOO_LONG, 1e11 - 1)),
        (0, 400, {"x-should-retry": "true", "retry-after": "5"}, Retry(5.0)),
        (2, 503, {}, Stop(StopReason.EXHAUSTED)),
        (2, 429, {"retry-after": "120"}, Stop(StopReason.EXHAUSTED)),
        (2, 400, {}, Stop(StopReason.NOT_RETRYABLE)),
    ],
    ids=repr,
)
def test_after_status(
    retries_taken: int, status: int, headers: dict[str, str], expected: Retry | Stop
) -> None:
    assert _policy().after_status(retries_taken, status, headers) == expected


def test_after_status_reads_httpx2_headers_case_insensitively() -> None:
    headers = httpx2.Headers({"Retry-After": "7", "X-Should-Retry": "TRUE"})
    assert _policy().after_status(0, 418, headers) == Retry(7.0)


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("59.999", Retry(59.999)),
        ("60", Retry(60.0)),
        ("60.001", Stop(StopReason.RETRY_AFTER_TOO_LONG, asked_delay=60.001)),
    ],
)
def test_max_retry_after_boundary_waits_when_equal_and_stops_above(
    asked: str, expected: Retry | Stop
) -> None:
    assert _policy(max_retry_after=60.0).after_status(0, 429, {"retry-after": asked}) == expected


def test_max_retry_after_boundary_applies_to_milliseconds_too() -> None:
    policy = _policy(max_retry_after=2.0)
    assert policy.after_status(0, 429, {"retry-after-ms": "2000"}) == Retry(2.0)
    assert policy.after_status(0, 429, {"retry-after-ms": "2001"}) == Stop(
        StopReason.RETRY_AFTER_TOO_LONG, asked_delay=2.001
    )


def test_zero_max_retry_after_stops_on_any_positive_ask_but_backs_off_without_one() -> None:
    policy = _policy(max_retry_after=0.0)
    assert policy.after_status(0, 429, {"retry-after": "1"}) == Stop(
        StopReason.RETRY_AFTER_TOO_LONG, asked_delay=1.0
    )
    assert policy.after_status(0, 429, {}) == Retry(0.5)


def test_http_date_is_read_with_the_injected_clock() -> None:
    policy = RetryPolicy(max_retries=1, rng=_zero, clock=lambda: 100.0)
    headers = {"retry-after": "Thu, 01 Jan 1970 00:02:00 GMT"}
    assert policy.after_status(0, 503, headers) == Retry(20.0)


# --- the policy: exhaustion, transport errors, error events --------------------------------


@pytest.mark.parametrize("max_retries", [0, 1, 2, 5])
def test_status_retries_run_out_exactly_at_max_retries(max_retries: int) -> None:
    policy = _policy(max_retries=max_retries)
    decisions = [policy.after_status(n, 503, {}) for n in range(max_retries + 1)]
    assert all(isinstance(d, Retry) for d in decisions[:-1])
    assert decisions[-1] == Stop(StopReason.EXHAUSTED)


def test_zero_max_retries_stops_at_once_for_every_kind_of_failure() -> None:
    policy = _policy(max_retries=0)
    exhausted = Stop(StopReason.EXHAUSTED)
    assert policy.after_status(0, 503, {}) == exhausted
    assert policy.after_status(0, 429, {"x-should-retry": "true"}) == exhausted
    assert policy.after_transport_error(0, is_timeout=True) == exhausted
    assert policy.after_transport_error(0, is_timeout=False) == exhausted
    assert policy.after_error_event(0) == exhausted


@pytest.mark.parametrize("is_timeout", [True, False])
def test_transport_error_backs_off_then_exhausts(is_timeout: bool) -> None:
    policy = _policy(max_retries=3)
    decisions = [policy.after_transport_error(n, is_timeout=is_timeout) for n in range(4)]
    assert decisions == [Retry(0.5), Retry(1.0), Retry(2.0), Stop(StopReason.EXHAUSTED)]


def test_error_event_backs_off_then_exhausts() -> None:
    policy = _policy(max_retries=2)
    decisions = [policy.after_error_event(n) for n in range(3)]
    assert decisions == [Retry(0.5), Retry(1.0), Stop(StopReason.EXHAUSTED)]


def test_policy_uses_the_injected_rng_for_jitter() -> None:
    policy = RetryPolicy(max_retries=1, rng=lambda: 0.5)
    assert policy.after_transport_error(0, is_timeout=False) == Retry(0.4375)


def test_policy_by_default_waits_within_the_jitter_bounds() -> None:
    decision = RetryPolicy(max_retries=1).after_status(0, 503, {})
    assert isinstance(decision, Retry)
    assert 0.375 < decision.delay <= 0.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 2, "max_retry_after": -1.0}, "max_retry_after"),
        ({"max_retries": 2, "max_retry_after": float("nan")}, "max_retry_after"),
    ],
    ids=repr,
)
def test_policy_rejects_bad_limits(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]  # ints and floats mixed on purpose


# --- describing decisions for logs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "text"),
    [
        (Retry(0.5), "retry in 0.50s"),
        (Stop(StopReason.EXHAUSTED), "stop: no retries left"),
        (Stop(StopReason.NOT_RETRYABLE), "stop: the error is not retryable"),
        (Stop(StopReason.SERVER_SAID_NO), "stop: the server sent x-should-retry: false"),
        (
            Stop(StopReason.RETRY_AFTER_TOO_LONG, asked_delay=90.0),
            "stop: the server asked to wait longer than max_retry_after (90.00s)",
        ),
    ],
    ids=repr,
)
def test_decisions_describe_themselves_for_logs(decision: Retry | Stop, text: str) -> None:
    assert str(decision) == text


def test_every_stop_reason_has_a_description() -> None:
    assert all(str(Stop(reason)).startswith("stop: ") for reason in StopReason)


def test_policy_repr_shows_its_limits() -> None:
    assert repr(_policy()) == "RetryPolicy(max_retries=2, max_retry_after=60.0)"


def test_docstring_examples_hold() -> None:
    result = doctest.testmod(_retries, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
