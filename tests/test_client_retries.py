"""Retries against a real server: which failures are retried, how long the client waits,
what the server asked for, idempotency keys, and when a streamed response stops retrying.

Sleeps are recorded instead of slept and jitter is fixed (``sdkcore.testing.RecordedWaits``
as the clients' timing), except in the tests that prove a wait is honoured.
"""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

import pytest

from sdkcore import (
    APIConnectionError,
    APIResponse,
    APIStatusError,
    APITimeoutError,
    AsyncAPIClient,
    AsyncAPIResponse,
    AsyncStream,
    InternalServerError,
    RateLimitError,
    Stream,
    SyncAPIClient,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)
from sdkcore.testing import (
    CutAfter,
    FailTimes,
    Fault,
    OnAttempts,
    RecordedWaits,
    Request,
    Stall,
)

if TYPE_CHECKING:
    from sdkcore._types import Headers
    from sdkcore.testing import LoopbackServer


class Client(SyncAPIClient):
    """Records the waits instead of sleeping; jitter fixed at its top (factor 1)."""

    def __init__(self, base_url: str, *, jitter: float = 0.0, **kwargs: Any) -> None:
        self.waits = RecordedWaits(random_value=jitter)
        super().__init__(base_url, **{"_timing": self.waits.timing, **kwargs})

    @property
    def sleeps(self) -> list[float]:
        return self.waits.seconds


class AsyncClient(AsyncAPIClient):
    def __init__(self, base_url: str, *, jitter: float = 0.0, **kwargs: Any) -> None:
        self.waits = RecordedWaits(random_value=jitter)
        super().__init__(base_url, **{"_timing": self.waits.timing, **kwargs})

    @property
    def sleeps(self) -> list[float]:
        return self.waits.seconds


def call(
    client: SyncAPIClient,
    method: str,
    path: str,
    *,
    extra_headers: Headers | None = None,
    max_retries: int | None = None,
    idempotency_key: str | None = None,
) -> object:
    """An SDK method, as generated code writes one."""
    options = make_request_options(extra_headers=extra_headers, idempotency_key=idempotency_key)
    if max_retries is not None:
        options["max_retries"] = max_retries
    if method == "get":
        return client.get(path, cast_to=object, options=options)
    return client.post(path, cast_to=object, body={"n": 1}, options=options)


async def acall(
    client: AsyncAPIClient,
    method: str,
    path: str,
    *,
    extra_headers: Headers | None = None,
    max_retries: int | None = None,
    idempotency_key: str | None = None,
) -> object:
    options = make_request_options(extra_headers=extra_headers, idempotency_key=idempotency_key)
    if max_retries is not None:
        options["max_retries"] = max_retries
    if method == "get":
        return await client.get(path, cast_to=object, options=options)
    return await client.post(path, cast_to=object, body={"n": 1}, options=options)


raw_call = to_raw_response_wrapper(call)
araw_call = async_to_raw_response_wrapper(acall)
streamed_call = to_streamed_response_wrapper(call)
astreamed_call = async_to_streamed_response_wrapper(acall)


def on_first(fault: Fault, attempts: int = 1) -> OnAttempts:
    """``fault`` on the first ``attempts`` hits of a route only."""
    return OnAttempts(fault, attempts=range(1, attempts + 1))


def keys(server_route_requests: list[Request]) -> list[str | None]:
    return [r.headers.get("idempotency-key") for r in server_route_requests]


# --- which failures are retried ------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_retryable_status_is_retried_and_counted(
    loopback_server: LoopbackServer, status: int
) -> None:
    route = loopback_server.route("GET", "/r", json={"ok": True}, fault=FailTimes(1, status=status))
    with Client(loopback_server.url) as client:
        response = raw_call(client, "get", "/r")
        assert isinstance(response, APIResponse)
        assert response.retries_taken == 1
        assert response.parse() == {"ok": True}
    assert route.calls == 2
    assert client.sleeps == [0.5]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 422])
def test_other_status_is_not_retried(loopback_server: LoopbackServer, status: int) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(5, status=status))
    with Client(loopback_server.url) as client, pytest.raises(APIStatusError) as info:
        call(client, "get", "/r")
    assert info.value.status_code == status
    assert route.calls == 1
    assert client.sleeps == []


def test_5xx_is_retried_up_to_max_retries_with_doubling_backoff(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(99, status=503))
    with (
        Client(loopback_server.url, max_retries=4) as client,
        pytest.raises(InternalServerError) as info,
    ):
        call(client, "get", "/r")
    assert route.calls == 5
    assert client.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert info.value.body == {
        "error": {"type": "injected_failure", "message": "injected failure 5 of 99"}
    }


@pytest.mark.anyio
async def test_5xx_is_retried_up_to_max_retries_with_doubling_backoff_async(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(99, status=503))
    async with AsyncClient(loopback_server.url, max_retries=4) as client:
        with pytest.raises(InternalServerError):
            await acall(client, "get", "/r")
    assert route.calls == 5
    assert client.sleeps == [0.5, 1.0, 2.0, 4.0]


def test_backoff_is_capped_at_eight_seconds_and_jittered(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/r", json={}, fault=FailTimes(99, status=500))
    # jitter 0.5: each wait scaled by 1 - 0.25 * 0.5
    with (
        Client(loopback_server.url, max_retries=6, jitter=0.5) as client,
        pytest.raises(InternalServerError),
    ):
        call(client, "get", "/r")
    assert client.sleeps == [x * 0.875 for x in (0.5, 1.0, 2.0, 4.0, 8.0, 8.0)]


def test_connection_drop_is_retried(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("GET", "/r", json={"ok": 1}, fault=FailTimes(2, drop=True))
    with Client(loopback_server.url) as client:
        response = raw_call(client, "get", "/r")
        assert isinstance(response, APIResponse)
        assert response.retries_taken == 2
    assert route.calls == 3


def test_connection_drop_raises_api_connection_error_once_retries_run_out(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(9, drop=True))
    with (
        Client(loopback_server.url, max_retries=1) as client,
        pytest.raises(APIConnectionError) as info,
    ):
        call(client, "get", "/r")
    assert type(info.value) is APIConnectionError
    assert route.calls == 2


def test_timeout_is_retried(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route(
        "GET", "/r", json={"ok": 1}, fault=on_first(Stall(5, before_headers=True))
    )
    with Client(loopback_server.url, timeout=0.2) as client:
        response = raw_call(client, "get", "/r")
        assert isinstance(response, APIResponse)
        assert response.retries_taken == 1
    assert route.calls == 2


@pytest.mark.anyio
async def test_timeout_is_retried_async(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route(
        "GET", "/r", json={"ok": 1}, fault=on_first(Stall(5, before_headers=True))
    )
    async with AsyncClient(loopback_server.url, timeout=0.2) as client:
        response = await araw_call(client, "get", "/r")
        assert isinstance(response, AsyncAPIResponse)
        assert response.retries_taken == 1
    assert route.calls == 2


def test_timeout_raises_api_timeout_error_once_retries_run_out(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=Stall(5, before_headers=True))
    with (
        Client(loopback_server.url, timeout=0.1, max_retries=1) as client,
        pytest.raises(APITimeoutError),
    ):
        call(client, "get", "/r")
    assert route.calls == 2
    assert client.sleeps == [0.5]


def test_a_body_cut_while_the_client_reads_it_is_retried(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route(
        "GET", "/r", json={"data": "x" * 5000}, fault=on_first(CutAfter(100), attempts=2)
    )
    with Client(loopback_server.url) as client:
        response = raw_call(client, "get", "/r")
        assert isinstance(response, APIResponse)
        assert response.retries_taken == 2
        assert response.json() == {"data": "x" * 5000}
    assert route.calls == 3


@pytest.mark.anyio
async def test_a_body_cut_while_the_client_reads_it_is_retried_async(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route(
        "GET", "/r", json={"data": "x" * 5000}, fault=on_first(CutAfter(100))
    )
    async with AsyncClient(loopback_server.url) as client:
        assert await acall(client, "get", "/r") == {"data": "x" * 5000}
    assert route.calls == 2


def test_an_error_body_cut_midway_is_retried_as_a_transport_failure(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route(
        "GET",
        "/r",
        json={"ok": 1},
        faults=[on_first(FailTimes(1, status=503)), on_first(CutAfter(5))],
    )
    with Client(loopback_server.url) as client:
        assert call(client, "get", "/r") == {"ok": 1}
    assert route.calls == 2


# --- per client and per call ---------------------------------------------------------------


def test_max_retries_zero_on_the_client_makes_one_attempt(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(9, status=503))
    with (
        Client(loopback_server.url, max_retries=0) as client,
        pytest.raises(InternalServerError),
    ):
        call(client, "get", "/r")
    assert route.calls == 1


def test_max_retries_in_the_call_options_overrides_the_client(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(9, status=503))
    with Client(loopback_server.url, max_retries=0) as client:
        with pytest.raises(InternalServerError):
            call(client, "get", "/r", max_retries=3)
        assert route.calls == 4
        with pytest.raises(InternalServerError):
            call(client, "get", "/r")
    assert route.calls == 5


@pytest.mark.anyio
async def test_max_retries_in_the_call_options_overrides_the_client_async(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(9, status=503))
    async with AsyncClient(loopback_server.url, max_retries=5) as client:
        with pytest.raises(InternalServerError):
            await acall(client, "get", "/r", max_retries=1)
    assert route.calls == 2


# --- what the server asks for -----------------------------------------------------------------


def _http_date(offset: float) -> str:
    return formatdate(time.time() + offset, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"retry-after-ms": "250"}, 0.25, 0.25),
        ({"Retry-After-Ms": "1500.5"}, 1.5005, 1.5005),
        ({"retry-after": "2"}, 2.0, 2.0),
        ({"Retry-After": "0.75"}, 0.75, 0.75),
        ({"retry-after": "__DATE+4__"}, 2.5, 4.0),
        ({"retry-after-ms": "100", "retry-after": "7"}, 0.1, 0.1),
        ({"retry-after-ms": "soon", "retry-after": "3"}, 3.0, 3.0),
    ],
    ids=["ms", "ms-fraction", "seconds", "seconds-fraction", "http-date", "ms-wins", "ms-garbage"],
)
def test_retry_after_is_honoured(
    loopback_server: LoopbackServer, headers: dict[str, str], low: float, high: float
) -> None:
    sent = {k: (_http_date(4) if v == "__DATE+4__" else v) for k, v in headers.items()}
    route = loopback_server.route(
        "GET", "/r", json={}, fault=FailTimes(1, status=429, headers=sent)
    )
    started = time.monotonic()
    with Client(loopback_server.url) as client:
        call(client, "get", "/r")
    assert time.monotonic() - started < 1.0  # the wait is recorded, not slept
    assert route.calls == 2
    [waited] = client.sleeps
    assert low <= waited <= high


@pytest.mark.parametrize(
    "value",
    ["soon", "-5", "inf", "nan", "Infinity", "1e3", "0", "", "Thu, 01 Jan 1970 00:00:00 GMT"],
)
def test_garbage_negative_infinite_or_past_retry_after_falls_back_to_backoff(
    loopback_server: LoopbackServer, value: str
) -> None:
    fault = FailTimes(2, status=503, headers={"Retry-After": value, "retry-after-ms": value})
    loopback_server.route("GET", "/r", json={}, fault=fault)
    with Client(loopback_server.url) as client:
        call(client, "get", "/r")
    assert client.sleeps == [0.5, 1.0]


@pytest.mark.parametrize("headers", [{"retry-after": "120"}, {"retry-after-ms": "61000"}])
def test_a_retry_after_beyond_max_retry_after_raises_at_once_with_the_asked_delay(
    loopback_server: LoopbackServer, headers: dict[str, str]
) -> None:
    route = loopback_server.route(
        "GET", "/r", json={}, fault=FailTimes(9, status=429, headers=headers)
    )
    started = time.monotonic()
    with Client(loopback_server.url) as client, pytest.raises(RateLimitError) as info:
        call(client, "get", "/r")
    assert time.monotonic() - started < 1.0
    assert route.calls == 1
    assert client.sleeps == []
    assert info.value.retry_after is not None
    assert info.value.retry_after > 60


def test_a_retry_after_http_date_beyond_max_retry_after_raises_at_once(
    loopback_server: LoopbackServer,
) -> None:
    headers = {"Retry-After": _http_date(3600)}
    loopback_server.route("GET", "/r", json={}, fault=FailTimes(9, status=503, headers=headers))
    with Client(loopback_server.url) as client, pytest.raises(InternalServerError) as info:
        call(client, "get", "/r")
    assert info.value.retry_after is not None
    assert 3590 < info.value.retry_after <= 3600


def test_max_retry_after_is_per_client(loopback_server: LoopbackServer) -> None:
    headers = {"retry-after": "2"}
    route = loopback_server.route(
        "GET", "/r", json={}, fault=FailTimes(9, status=429, headers=headers)
    )
    with (
        Client(loopback_server.url, max_retry_after=1.5) as client,
        pytest.raises(RateLimitError) as info,
    ):
        call(client, "get", "/r")
    assert info.value.retry_after == 2.0
    assert route.calls == 1


@pytest.mark.anyio
async def test_a_retry_after_beyond_max_retry_after_raises_at_once_async(
    loopback_server: LoopbackServer,
) -> None:
    headers = {"retry-after": "90"}
    route = loopback_server.route(
        "GET", "/r", json={}, fault=FailTimes(9, status=503, headers=headers)
    )
    async with AsyncClient(loopback_server.url) as client:
        with pytest.raises(InternalServerError) as info:
            await acall(client, "get", "/r")
    assert info.value.retry_after == 90.0
    assert route.calls == 1
    assert client.sleeps == []


def test_retry_after_on_a_final_status_error_within_the_limit_is_not_reported(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route(
        "GET", "/r", json={}, fault=FailTimes(9, status=429, headers={"retry-after": "1"})
    )
    with (
        Client(loopback_server.url, max_retries=0) as client,
        pytest.raises(RateLimitError) as info,
    ):
        call(client, "get", "/r")
    assert info.value.retry_after is None


def test_x_should_retry_true_retries_a_status_that_is_not_retryable(
    loopback_server: LoopbackServer,
) -> None:
    fault = FailTimes(1, status=400, headers={"x-should-retry": "true"})
    route = loopback_server.route("GET", "/r", json={"ok": 1}, fault=fault)
    with Client(loopback_server.url) as client:
        assert call(client, "get", "/r") == {"ok": 1}
    assert route.calls == 2


def test_x_should_retry_false_stops_a_retryable_status(loopback_server: LoopbackServer) -> None:
    fault = FailTimes(1, status=503, headers={"X-Should-Retry": "false", "retry-after": "1"})
    route = loopback_server.route("GET", "/r", json={"ok": 1}, fault=fault)
    with Client(loopback_server.url) as client, pytest.raises(InternalServerError):
        call(client, "get", "/r")
    assert route.calls == 1


def test_a_retry_after_wait_is_really_slept(loopback_server: LoopbackServer) -> None:
    fault = FailTimes(1, status=429, headers={"retry-after-ms": "300"})
    route = loopback_server.route("GET", "/r", json={}, fault=fault)
    with SyncAPIClient(loopback_server.url) as client:
        call(client, "get", "/r")
    first, second = route.requests
    assert 0.3 <= second.received_at - first.received_at < 1.5


@pytest.mark.anyio
async def test_a_retry_after_wait_is_really_slept_async(loopback_server: LoopbackServer) -> None:
    fault = FailTimes(1, status=503, headers={"retry-after": "0.3"})
    route = loopback_server.route("GET", "/r", json={}, fault=fault)
    async with AsyncAPIClient(loopback_server.url) as client:
        await acall(client, "get", "/r")
    first, second = route.requests
    assert 0.3 <= second.received_at - first.received_at < 1.5


def test_backoff_without_injection_waits_within_the_jitter_bounds(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", json={}, fault=FailTimes(1, status=500))
    with SyncAPIClient(loopback_server.url) as client:
        call(client, "get", "/r")
    first, second = route.requests
    assert 0.375 <= second.received_at - first.received_at < 1.5


# --- retries_taken --------------------------------------------------------------------------


@pytest.mark.parametrize("failures", [0, 1, 2, 3])
def test_retries_taken_is_exact(loopback_server: LoopbackServer, failures: int) -> None:
    loopback_server.route("POST", "/r", json={}, fault=FailTimes(failures, status=502))
    with Client(loopback_server.url, max_retries=3) as client:
        response = raw_call(client, "post", "/r")
        assert isinstance(response, APIResponse)
        assert response.retries_taken == failures


@pytest.mark.anyio
@pytest.mark.parametrize("failures", [0, 2])
async def test_retries_taken_is_exact_async(loopback_server: LoopbackServer, failures: int) -> None:
    loopback_server.route("POST", "/r", json={}, fault=FailTimes(failures, drop=True))
    async with AsyncClient(loopback_server.url) as client:
        response = await araw_call(client, "post", "/r")
        assert isinstance(response, AsyncAPIResponse)
        assert response.retries_taken == failures


# --- idempotency keys ---------------------------------------------------------------------


def test_a_post_keeps_one_idempotency_key_across_retries_and_a_new_one_per_call(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/r", json={}, fault=FailTimes(2, status=503))
    with Client(loopback_server.url) as client:
        call(client, "post", "/r")
        call(client, "post", "/r")
    sent = keys(route.requests)
    assert len(sent) == 4
    assert sent[0] is not None
    assert sent[0] == sent[1] == sent[2]
    assert sent[3] is not None
    assert sent[3] != sent[0]


@pytest.mark.anyio
async def test_a_post_keeps_one_idempotency_key_across_retries_async(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/r", json={}, fault=FailTimes(1, drop=True))
    async with AsyncClient(loopback_server.url) as client:
        await acall(client, "post", "/r")
        await acall(client, "post", "/r")
    first, retry, second = keys(route.requests)
    assert first is not None
    assert first == retry
    assert second not in (None, first)


@pytest.mark.parametrize("method", ["GET"])
def test_safe_methods_carry_no_idempotency_key(
    loopback_server: LoopbackServer, method: str
) -> None:
    route = loopback_server.route(method, "/r", json={})
    with Client(loopback_server.url) as client:
        call(client, method.lower(), "/r")
    assert keys(route.requests) == [None]


def test_every_unsafe_method_carries_an_idempotency_key(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("*", "/r", json={})
    with Client(loopback_server.url) as client:
        client.put("/r", cast_to=object, body={})
        client.patch("/r", cast_to=object, body={})
        client.delete("/r", cast_to=object)
        client.post("/r", cast_to=object)
    assert [r.method for r in route.requests] == ["PUT", "PATCH", "DELETE", "POST"]
    assert None not in keys(route.requests)
    assert len(set(keys(route.requests))) == 4


def test_idempotency_key_option_sets_the_key_on_every_attempt(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/r", json={}, fault=FailTimes(1, status=409))
    with Client(loopback_server.url) as client:
        call(client, "post", "/r", idempotency_key="order-42")
    assert keys(route.requests) == ["order-42", "order-42"]


def test_the_idempotency_header_name_is_configurable_and_can_be_disabled(
    loopback_server: LoopbackServer,
) -> None:
    class Renamed(Client):
        _idempotency_header = "X-Retry-Token"

    class Disabled(Client):
        _idempotency_header = None

    route = loopback_server.route("POST", "/r", json={})
    with Renamed(loopback_server.url) as renamed, Disabled(loopback_server.url) as disabled:
        call(renamed, "post", "/r")
        call(disabled, "post", "/r")
    first, second = route.requests
    assert first.headers["x-retry-token"].startswith("sdkcore-")
    assert "idempotency-key" not in first.headers
    assert "idempotency-key" not in second.headers
    assert "x-retry-token" not in second.headers


# --- streamed responses: retried only before the body starts --------------------------------


def test_a_streamed_response_is_retried_before_its_body_starts(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route(
        "GET", "/r", body=iter([b"a" * 10, b"b" * 10]), fault=FailTimes(2, status=503)
    )
    with Client(loopback_server.url) as client, streamed_call(client, "get", "/r") as response:
        assert response.retries_taken == 2
        assert b"".join(response.iter_bytes()) == b"a" * 10 + b"b" * 10
    assert route.calls == 3


def test_a_streamed_response_cut_while_the_caller_reads_is_not_retried(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/r", body=b"x" * 10_000, fault=CutAfter(1000))
    with (
        Client(loopback_server.url) as client,
        streamed_call(client, "get", "/r") as response,
        pytest.raises(APIConnectionError),
    ):
        b"".join(response.iter_bytes())
    assert route.calls == 1
    assert client.sleeps == []


@pytest.mark.anyio
async def test_a_streamed_response_is_retried_only_before_its_body_starts_async(
    loopback_server: LoopbackServer,
) -> None:
    fault = on_first(FailTimes(1, drop=True))
    route = loopback_server.route("GET", "/r", body=b"x" * 10_000, faults=[fault, CutAfter(1000)])
    async with (
        AsyncClient(loopback_server.url) as client,
        astreamed_call(client, "get", "/r") as response,
    ):
        assert response.retries_taken == 1
        with pytest.raises(APIConnectionError):
            async for _ in response.iter_bytes():
                pass
    assert route.calls == 2


def test_a_stream_true_call_is_retried_before_the_first_event(
    loopback_server: LoopbackServer,
) -> None:
    events = [{"data": {"n": 1}}, {"data": {"n": 2}}]
    route = loopback_server.route("GET", "/r", sse=events, fault=FailTimes(1, status=529))
    with Client(loopback_server.url) as client:
        stream = client.get("/r", cast_to=dict, stream=True, stream_cls=Stream[dict])
        with stream:
            assert list(stream) == [{"n": 1}, {"n": 2}]
            assert stream.retries_taken == 1
    assert route.calls == 2


@pytest.mark.anyio
async def test_a_stream_true_call_is_retried_before_the_first_event_async(
    loopback_server: LoopbackServer,
) -> None:
    events = [{"data": {"n": 1}}]
    route = loopback_server.route("GET", "/r", sse=events, fault=FailTimes(1, drop=True))
    async with AsyncClient(loopback_server.url) as client:
        stream = await client.get("/r", cast_to=dict, stream=True, stream_cls=AsyncStream[dict])
        async with stream:
            assert [item async for item in stream] == [{"n": 1}]
            assert stream.retries_taken == 1
    assert route.calls == 2
