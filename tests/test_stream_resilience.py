"""Streams that survive (CONTRACT section 5), against a real server on 127.0.0.1.

Retry before the first event, ``stream_idle_timeout``, opt-in reconnect with
``Last-Event-ID`` and ``time_to_first_event``, each sync and async (asyncio and trio).
The clients record the waits they are asked for instead of sleeping, unless a test
needs the real clock.
"""

from __future__ import annotations

import itertools
import time
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio
import pytest

from sdkcore import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AsyncAPIClient,
    AsyncStream,
    BadRequestError,
    BaseModel,
    InternalServerError,
    RateLimitError,
    Stream,
    SyncAPIClient,
    Timing,
    make_request_options,
)
from sdkcore.testing import (
    CutAfter,
    DropAfterEvents,
    FailTimes,
    Fault,
    LoopbackServer,
    Reply,
    Request,
    SSEEvent,
    Stall,
    by_attempt,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator, Mapping, Sequence

    from sdkcore import RequestOptions
    from sdkcore.testing import Handler, Piece

pytestmark = pytest.mark.anyio

PATH = "/v1/events"


class Chunk(BaseModel):
    n: int


@dataclass(frozen=True)
class OnAttempts(Fault):
    """The kit's faults, applied only to the listed attempts of a route."""

    faults: Mapping[int, Sequence[Fault]]

    def prepare(self, request: Request, reply: Reply) -> Reply:
        for fault in self.faults.get(request.attempt, ()):
            reply = fault.prepare(request, reply)
        return reply

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        for fault in self.faults.get(request.attempt, ()):
            pieces = fault.shape(request, pieces)
        return pieces


def numbered(start: int, stop: int, *, retry: int | None = None) -> Iterator[SSEEvent]:
    """Events ``start..stop-1``, each with its number as id, after an optional ``retry``."""
    if retry is not None:
        yield {"retry": retry}
    for n in range(start, stop):
        yield {"id": n, "data": {"n": n}}


def resuming(
    total: int, *, retry: int | None = None, interval: float = 0.0, first: Sequence[SSEEvent] = ()
) -> Handler:
    """Serve ``total`` numbered events, resuming after the request's ``Last-Event-ID``.

    ``first`` goes before the events of the first attempt only.
    """

    def handler(request: Request) -> Reply:
        last = request.headers.get("last-event-id")
        start = 0 if last is None else int(last) + 1
        events = numbered(start, total, retry=retry)
        return Reply(
            sse=itertools.chain(first, events) if request.attempt == 1 else events,
            interval=interval,
            headers={"x-request-id": f"req-{request.attempt}"},
        )

    return handler


def error_event(member: object) -> Reply:
    return Reply(sse=[{"event": "error", "data": {"type": "error", "error": member}}])


def pings(interval: float, *, first: Sequence[SSEEvent] = ()) -> Handler:
    """``first``, then ``: ping`` comments every ``interval`` seconds, forever."""

    def handler(request: Request) -> Reply:
        return Reply(sse=itertools.chain(first, itertools.repeat(": ping\n\n")), interval=interval)

    return handler


def idempotency_keys(server: LoopbackServer) -> list[str]:
    return [request.headers["idempotency-key"] for request in server.requests]


# --- clients --------------------------------------------------------------------------------


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def api(server: LoopbackServer, sleeps: list[float]) -> Iterator[SyncAPIClient]:
    """A sync client that records its waits and backs off by the full delay (no jitter)."""
    timing = Timing(sleep=sleeps.append, random=lambda: 0.0)
    with SyncAPIClient(server.url, _timing=timing) as client:
        yield client


@pytest.fixture
async def async_api(server: LoopbackServer, sleeps: list[float]) -> AsyncIterator[AsyncAPIClient]:
    """The async twin of ``api``."""

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    timing = Timing(async_sleep=record, random=lambda: 0.0)
    async with AsyncAPIClient(server.url, _timing=timing) as client:
        yield client


def open_stream(api: SyncAPIClient, options: RequestOptions | None = None) -> Stream[Chunk]:
    return api.post(
        PATH, cast_to=Chunk, body={"q": 1}, options=options, stream=True, stream_cls=Stream[Chunk]
    )


async def aopen_stream(
    api: AsyncAPIClient, options: RequestOptions | None = None
) -> AsyncStream[Chunk]:
    return await api.post(
        PATH,
        cast_to=Chunk,
        body={"q": 1},
        options=options,
        stream=True,
        stream_cls=AsyncStream[Chunk],
    )


def numbers(stream: Stream[Chunk]) -> list[int]:
    return [chunk.n for chunk in stream]


async def anumbers(stream: AsyncStream[Chunk]) -> list[int]:
    return [chunk.n async for chunk in stream]


async def collect(stream: AsyncStream[Chunk], got: list[int]) -> None:
    """Append each item's number to ``got``, so that a test sees them after an error."""
    async for chunk in stream:
        got.append(chunk.n)


# --- retry before the first event -----------------------------------------------------------

EARLY_FAILURES = {
    "dropped before the headers": FailTimes(1, drop=True),
    "cut right after the headers": OnAttempts({1: [CutAfter(0)]}),
    "cut inside the first event": OnAttempts({1: [CutAfter(12)]}),
    "reset inside the first event": OnAttempts({1: [CutAfter(12, reset=True)]}),
}


@pytest.mark.parametrize("fault", EARLY_FAILURES.values(), ids=EARLY_FAILURES.keys())
def test_a_connection_failing_before_the_first_event_is_retried_with_the_same_key(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float], fault: Fault
) -> None:
    server.route("POST", PATH, handler=resuming(3), fault=fault)
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1, 2]
    assert stream.retries_taken == 1
    assert sleeps == [0.5]
    keys = idempotency_keys(server)
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert "last-event-id" not in server.requests[1].headers


@pytest.mark.parametrize("fault", EARLY_FAILURES.values(), ids=EARLY_FAILURES.keys())
async def test_a_connection_failing_before_the_first_event_is_retried_with_the_same_key_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float], fault: Fault
) -> None:
    server.route("POST", PATH, handler=resuming(3), fault=fault)
    async with await aopen_stream(async_api) as stream:
        assert await anumbers(stream) == [0, 1, 2]
    assert stream.retries_taken == 1
    assert sleeps == [0.5]
    keys = idempotency_keys(server)
    assert len(keys) == 2
    assert keys[0] == keys[1]


def test_a_cut_after_only_ping_events_is_still_before_the_first_event(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    keepalive: list[SSEEvent] = [{"event": "ping", "data": "{}"}, ": keep-alive\n\n", "data: 1"]
    fault = OnAttempts({1: [DropAfterEvents(2)]})
    server.route("POST", PATH, handler=resuming(2, first=keepalive), fault=fault)
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]
    assert stream.retries_taken == 1


RETRYABLE_ERRORS = [
    {"type": "overloaded_error", "message": "Overloaded"},
    {"type": "rate_limit_error", "message": "Slow down"},
    {"code": "rate_limit_exceeded", "message": "Slow down"},
    {"status": 503, "message": "Unavailable"},
    {"code": 429},
    {"code": 500, "message": "Internal"},
]


@pytest.mark.parametrize("member", RETRYABLE_ERRORS)
def test_a_retryable_first_error_event_is_retried_with_backoff(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float], member: object
) -> None:
    server.route(
        "POST", PATH, handler=by_attempt(error_event(member), Reply(sse=list(numbered(0, 2))))
    )
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]
    assert stream.retries_taken == 1
    assert sleeps == [0.5]
    assert len(set(idempotency_keys(server))) == 1


@pytest.mark.parametrize("member", RETRYABLE_ERRORS)
async def test_a_retryable_first_error_event_is_retried_with_backoff_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float], member: object
) -> None:
    server.route(
        "POST", PATH, handler=by_attempt(error_event(member), Reply(sse=list(numbered(0, 2))))
    )
    async with await aopen_stream(async_api) as stream:
        assert await anumbers(stream) == [0, 1]
    assert stream.retries_taken == 1
    assert sleeps == [0.5]
    assert len(set(idempotency_keys(server))) == 1


@pytest.mark.parametrize(
    "member", [{"type": "invalid_request_error", "status": 400}, {"message": "no status"}]
)
def test_a_first_error_event_that_is_not_retryable_raises_at_once(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float], member: object
) -> None:
    server.route(
        "POST", PATH, handler=by_attempt(error_event(member), Reply(sse=list(numbered(0, 2))))
    )
    with pytest.raises(APIError) as caught, open_stream(api) as stream:
        numbers(stream)
    assert caught.value.body == member
    assert stream.retries_taken == 0
    assert (sleeps, len(server.requests)) == ([], 1)


def test_retries_before_the_first_event_stop_at_max_retries(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=by_attempt(error_event({"type": "overloaded_error"})))
    with pytest.raises(InternalServerError) as caught, open_stream(api) as stream:
        numbers(stream)
    assert caught.value.body == {"type": "overloaded_error"}
    assert stream.retries_taken == 2
    assert sleeps == [0.5, 1.0]
    assert len(server.requests) == 3
    assert stream.response.is_closed


async def test_retries_before_the_first_event_stop_at_max_retries_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=by_attempt(error_event({"code": 429})))
    stream = await aopen_stream(async_api, make_request_options(max_retries=1))
    with pytest.raises(RateLimitError):
        await anumbers(stream)
    assert stream.retries_taken == 1
    assert sleeps == [0.5]
    assert len(server.requests) == 2
    assert stream.response.is_closed


def test_stream_retries_share_the_budget_of_the_request_retries(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    fault = OnAttempts({1: [FailTimes(1, status=503)], 2: [CutAfter(0)]})
    server.route("POST", PATH, handler=resuming(2), fault=fault)
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]
    assert stream.retries_taken == 2
    assert sleeps == [0.5, 1.0]
    assert len(set(idempotency_keys(server))) == 1
    assert len(server.requests) == 3


def test_a_stream_retry_answered_with_a_retryable_status_is_retried_again(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    fault = OnAttempts({1: [CutAfter(0)], 2: [FailTimes(2, status=503)]})
    server.route("POST", PATH, handler=resuming(2), fault=fault)
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]
    assert stream.retries_taken == 2
    assert sleeps == [0.5, 1.0]


async def test_a_stream_retry_answered_with_a_retryable_status_is_retried_again_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float]
) -> None:
    fault = OnAttempts({1: [CutAfter(0)], 2: [FailTimes(2, status=503)]})
    server.route("POST", PATH, handler=resuming(2), fault=fault)
    async with await aopen_stream(async_api) as stream:
        assert await anumbers(stream) == [0, 1]
    assert stream.retries_taken == 2
    assert sleeps == [0.5, 1.0]


def test_a_stream_retry_answered_with_a_client_error_raises_it(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    fault = OnAttempts({1: [CutAfter(0)], 2: [FailTimes(2, status=400)]})
    server.route("POST", PATH, handler=resuming(2), fault=fault)
    with pytest.raises(BadRequestError), open_stream(api) as stream:
        numbers(stream)
    assert stream.retries_taken == 1
    assert len(server.requests) == 2


def test_once_an_item_reached_the_caller_an_error_event_raises(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    events: list[SSEEvent] = [{"data": {"n": 0}}, {"data": {"error": {"type": "overloaded"}}}]
    server.route("POST", PATH, sse=events)
    got: list[int] = []
    with pytest.raises(InternalServerError), open_stream(api) as stream:
        got.extend(chunk.n for chunk in stream)
    assert got == [0]
    assert (stream.retries_taken, sleeps, len(server.requests)) == (0, [], 1)


async def test_once_an_item_reached_the_caller_a_dropped_connection_raises_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(5), fault=DropAfterEvents(2))
    got: list[int] = []
    stream = await aopen_stream(async_api)
    with pytest.raises(APIConnectionError):
        await collect(stream, got)
    assert got == [0, 1]
    assert (stream.retries_taken, sleeps, len(server.requests)) == (0, [], 1)


# --- stream_idle_timeout --------------------------------------------------------------------

IDLE = 0.3


def test_comments_alone_do_not_keep_a_stream_from_timing_out(
    server: LoopbackServer, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=pings(0.05))
    with SyncAPIClient(server.url, stream_idle_timeout=IDLE) as api:
        stream = open_stream(api)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="stream_idle_timeout"):
            numbers(stream)
    assert IDLE <= time.monotonic() - started < IDLE + 0.5
    assert stream.response.is_closed


async def test_comments_alone_do_not_keep_a_stream_from_timing_out_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("POST", PATH, handler=pings(0.05))
    stream = await aopen_stream(async_api, make_request_options(stream_idle_timeout=IDLE))
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="stream_idle_timeout"):
        await anumbers(stream)
    assert IDLE <= time.monotonic() - started < IDLE + 0.5
    assert stream.response.is_closed


KEEPALIVE_EVENTS: list[SSEEvent] = [
    {"event": "ping", "data": "{}"},
    {"event": "keep-alive", "data": "still here"},
]


def test_the_idle_timeout_counts_between_items_and_ignores_ping_events(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    first: list[SSEEvent] = [{"data": {"n": 0}}, {"data": {"n": 1}}, *KEEPALIVE_EVENTS]
    server.route("POST", PATH, handler=pings(0.05, first=first))
    got: list[int] = []
    stream = open_stream(api, make_request_options(stream_idle_timeout=IDLE))
    with pytest.raises(APITimeoutError):
        got.extend(chunk.n for chunk in stream)
    assert got == [0, 1]
    assert stream.response.is_closed


async def test_the_idle_timeout_counts_between_items_and_ignores_ping_events_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    first: list[SSEEvent] = [{"data": {"n": 0}}, {"data": {"n": 1}}, *KEEPALIVE_EVENTS]
    server.route("POST", PATH, handler=pings(0.05, first=first))
    got: list[int] = []
    stream = await aopen_stream(async_api, make_request_options(stream_idle_timeout=IDLE))
    with pytest.raises(APITimeoutError):
        await collect(stream, got)
    assert got == [0, 1]
    assert stream.response.is_closed


def test_a_silent_server_times_out_from_the_response_headers(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("POST", PATH, handler=resuming(1), fault=Stall(30))
    stream = open_stream(api, make_request_options(stream_idle_timeout=IDLE, max_retries=0))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        numbers(stream)
    assert IDLE <= time.monotonic() - started < IDLE + 0.5
    assert stream.response.is_closed


async def test_a_silent_server_times_out_from_the_response_headers_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("POST", PATH, handler=resuming(1), fault=Stall(30))
    stream = await aopen_stream(async_api, make_request_options(stream_idle_timeout=IDLE))
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        await anumbers(stream)
    assert IDLE <= time.monotonic() - started < IDLE + 0.5
    assert stream.response.is_closed


def test_the_idle_timeout_bounds_each_gap_not_the_whole_stream(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("POST", PATH, handler=resuming(8, interval=0.1))
    started = time.monotonic()
    with open_stream(api, make_request_options(stream_idle_timeout=IDLE)) as stream:
        assert numbers(stream) == list(range(8))
    assert time.monotonic() - started > 2 * IDLE


async def test_a_request_can_lift_the_clients_idle_timeout_async(
    server: LoopbackServer,
) -> None:
    server.route("POST", PATH, handler=resuming(3, interval=0.2))
    async with AsyncAPIClient(server.url, stream_idle_timeout=0.1) as api:
        stream = await aopen_stream(api, make_request_options(stream_idle_timeout=None))
        assert await anumbers(stream) == [0, 1, 2]


def test_the_callers_time_on_an_item_does_not_count_as_idle(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route(
        "POST", PATH, sse=[": ping\n\n", {"data": {"n": 0}}, ": ping\n\n", {"data": {"n": 1}}]
    )
    stream = open_stream(api, make_request_options(stream_idle_timeout=0.1))
    got = []
    for chunk in stream:
        got.append(chunk.n)
        time.sleep(0.15)
    assert got == [0, 1]


async def test_the_callers_time_on_an_item_does_not_count_as_idle_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("POST", PATH, handler=resuming(3))
    stream = await aopen_stream(async_api, make_request_options(stream_idle_timeout=0.1))
    got = []
    async for chunk in stream:
        got.append(chunk.n)
        await anyio.sleep(0.15)
    assert got == [0, 1, 2]


# --- opt-in reconnect -----------------------------------------------------------------------

TOTAL = 10_000
# Five cuts: after whole events, inside an event, and once by a TCP reset.
FIVE_CUTS = OnAttempts(
    {
        1: [DropAfterEvents(1_500)],
        2: [CutAfter(20_000)],
        3: [DropAfterEvents(2_000)],
        4: [CutAfter(33_333, reset=True)],
        5: [DropAfterEvents(1)],
    }
)


def check_five_resumes(server: LoopbackServer, sleeps: list[float]) -> None:
    requests = server.requests
    assert len(requests) == 6
    assert "last-event-id" not in requests[0].headers
    resumed = [request.headers.get_all("last-event-id") for request in requests[1:]]
    assert all(len(values) == 1 for values in resumed), resumed
    ids = [int(values[0]) for values in resumed]
    assert ids == sorted(ids)  # the fifth cut comes before any new event: the same id again
    assert len(set(idempotency_keys(server))) == 1
    assert sleeps == [0.001] * 5  # the server's `retry: 1`


def test_a_reconnecting_stream_delivers_every_event_once_in_order(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(TOTAL, retry=1), fault=FIVE_CUTS)
    with open_stream(api, make_request_options(sse_reconnect=5)) as stream:
        assert numbers(stream) == list(range(TOTAL))
    assert stream.retries_taken == 0
    assert stream.request_id == "req-6"  # the latest response's
    check_five_resumes(server, sleeps)


async def test_a_reconnecting_stream_delivers_every_event_once_in_order_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(TOTAL, retry=1), fault=FIVE_CUTS)
    async with await aopen_stream(async_api, make_request_options(sse_reconnect=5)) as stream:
        assert await anumbers(stream) == list(range(TOTAL))
    assert stream.retries_taken == 0
    assert stream.request_id == "req-6"
    check_five_resumes(server, sleeps)


@pytest.mark.parametrize(("retry", "delay"), [(None, 1.0), (250, 0.25)])
def test_a_reconnect_waits_the_servers_retry_delay_else_one_second(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float], retry: int | None, delay: float
) -> None:
    server.route(
        "POST", PATH, handler=resuming(4, retry=retry), fault=OnAttempts({1: [DropAfterEvents(3)]})
    )
    with open_stream(api, make_request_options(sse_reconnect=1)) as stream:
        assert numbers(stream) == [0, 1, 2, 3]
    assert sleeps == [delay]


def test_a_stream_that_ends_cleanly_is_not_reconnected(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(2))  # no [DONE]: just the end of the body
    with open_stream(api, make_request_options(sse_reconnect=3)) as stream:
        assert numbers(stream) == [0, 1]
    assert (len(server.requests), sleeps) == (1, [])


@pytest.mark.parametrize("max_retries", [0, 5])
def test_reconnects_are_bounded_by_sse_reconnect_alone(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float], max_retries: int
) -> None:
    server.route("POST", PATH, handler=resuming(10, retry=1), fault=DropAfterEvents(2))
    got: list[int] = []
    options = make_request_options(sse_reconnect=2, max_retries=max_retries)
    with pytest.raises(APIConnectionError), open_stream(api, options) as stream:
        got.extend(chunk.n for chunk in stream)
    assert got == [0, 1, 2]  # each attempt: the retry field and one event, then the cut
    assert len(server.requests) == 3
    assert stream.retries_taken == 0
    assert stream.response.is_closed


async def test_reconnects_are_bounded_by_sse_reconnect_alone_async(
    server: LoopbackServer, async_api: AsyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(10, retry=1), fault=DropAfterEvents(2))
    got: list[int] = []
    options = make_request_options(sse_reconnect=2, max_retries=0)
    stream = await aopen_stream(async_api, options)
    with pytest.raises(APIConnectionError):
        await collect(stream, got)
    assert got == [0, 1, 2]
    assert len(server.requests) == 3
    assert stream.retries_taken == 0


def test_a_reconnect_whose_connection_fails_uses_another_reconnect(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    fault = OnAttempts({1: [DropAfterEvents(2)], 2: [FailTimes(2, drop=True)]})
    server.route("POST", PATH, handler=resuming(3), fault=fault)
    with open_stream(api, make_request_options(sse_reconnect=2)) as stream:
        assert numbers(stream) == [0, 1, 2]
    assert [r.headers.get("last-event-id") for r in server.requests] == [None, "1", "1"]


def test_a_reconnect_answered_with_an_error_status_raises_it(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    fault = OnAttempts({1: [DropAfterEvents(2)], 2: [FailTimes(2, status=503)]})
    server.route("POST", PATH, handler=resuming(3), fault=fault)
    with (
        pytest.raises(InternalServerError),
        open_stream(api, make_request_options(sse_reconnect=3)) as stream,
    ):
        numbers(stream)
    assert len(server.requests) == 2


def test_without_sse_reconnect_a_dropped_stream_raises(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(5), fault=DropAfterEvents(1))
    got: list[int] = []
    with pytest.raises(APIConnectionError), open_stream(api) as stream:
        got.extend(chunk.n for chunk in stream)
    assert (got, len(server.requests)) == ([0], 1)


def test_a_drop_before_the_first_event_reconnects_once_retries_are_spent(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    server.route("POST", PATH, handler=resuming(2), fault=OnAttempts({1: [CutAfter(0)]}))
    options = make_request_options(max_retries=0, sse_reconnect=1)
    with open_stream(api, options) as stream:
        assert numbers(stream) == [0, 1]
    assert stream.retries_taken == 0
    assert sleeps == [1.0]  # the reconnect delay, not the backoff


def test_the_idle_clock_restarts_with_each_reconnected_response(server: LoopbackServer) -> None:
    # The reconnect waits 0.4 s, longer than the idle timeout: the wait is ours, not
    # the server's silence, so it does not count.
    server.route(
        "POST", PATH, handler=resuming(3, retry=400), fault=OnAttempts({1: [DropAfterEvents(2)]})
    )
    options = make_request_options(sse_reconnect=1, stream_idle_timeout=IDLE)
    with SyncAPIClient(server.url) as api, open_stream(api, options) as stream:
        assert numbers(stream) == [0, 1, 2]


async def test_the_idle_clock_restarts_with_each_reconnected_response_async(
    server: LoopbackServer,
) -> None:
    server.route(
        "POST", PATH, handler=resuming(3, retry=400), fault=OnAttempts({1: [DropAfterEvents(2)]})
    )
    options = make_request_options(sse_reconnect=1, stream_idle_timeout=IDLE)
    async with AsyncAPIClient(server.url) as api, await aopen_stream(api, options) as stream:
        assert await anumbers(stream) == [0, 1, 2]


# --- time_to_first_event --------------------------------------------------------------------

FIRST_EVENT_DELAY = 0.2


def test_time_to_first_event_runs_from_the_request_to_the_first_item(
    server: LoopbackServer, api: SyncAPIClient
) -> None:
    server.route("POST", PATH, handler=resuming(3), fault=Stall(FIRST_EVENT_DELAY))
    started = time.monotonic()
    with open_stream(api) as stream:
        assert stream.time_to_first_event is None
        first = next(iter(stream))
        elapsed = time.monotonic() - started
    assert first.n == 0
    assert stream.time_to_first_event is not None
    assert FIRST_EVENT_DELAY <= stream.time_to_first_event.total_seconds() < elapsed


async def test_time_to_first_event_runs_from_the_request_to_the_first_item_async(
    server: LoopbackServer, async_api: AsyncAPIClient
) -> None:
    server.route("POST", PATH, handler=resuming(3), fault=Stall(FIRST_EVENT_DELAY))
    started = time.monotonic()
    async with await aopen_stream(async_api) as stream, aclosing(aiter(stream)) as items:
        assert stream.time_to_first_event is None
        first = await anext(items)
        elapsed = time.monotonic() - started
    assert first.n == 0
    assert stream.time_to_first_event is not None
    assert FIRST_EVENT_DELAY <= stream.time_to_first_event.total_seconds() < elapsed


def test_time_to_first_event_counts_from_the_first_attempt(
    server: LoopbackServer, api: SyncAPIClient, sleeps: list[float]
) -> None:
    slow_failure = [Stall(FIRST_EVENT_DELAY, before_headers=True), FailTimes(1, status=503)]
    server.route("POST", PATH, handler=resuming(2), fault=OnAttempts({1: slow_failure}))
    with open_stream(api) as stream:
        assert numbers(stream) == [0, 1]
    assert stream.retries_taken == 1
    assert stream.time_to_first_event is not None
    assert stream.time_to_first_event.total_seconds() >= FIRST_EVENT_DELAY
