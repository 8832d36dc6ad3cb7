"""2,000 POSTs from 50 concurrent tasks against a server failing 10% of its hits in every
way it can: each call ends in its result or a typed error, and the server's count per
idempotency key shows no call was lost, duplicated or retried more than allowed.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from _pool import lent_out
from sdkcore import (
    APIError,
    AsyncAPIClient,
    AsyncAPIResponse,
    Hooks,
    SdkError,
    SyncAPIClient,
    async_to_raw_response_wrapper,
    make_request_options,
    to_raw_response_wrapper,
)
from sdkcore.testing import (
    BadChunked,
    CutAfter,
    CutMidHeaders,
    FailTimes,
    FaultRate,
    Headers,
    RecordedWaits,
    Reply,
    Request,
    Rotate,
    Stall,
)

if TYPE_CHECKING:
    import httpx2

    from sdkcore._types import Headers as RequestHeaders
    from sdkcore.testing import LoopbackServer

CALLS = 2000
TASKS = 50
MAX_RETRIES = 2


class Ledger:
    """The client's own count, per idempotency key, of the attempts it sent and of those
    answered with a status line: what the server's count is checked against."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.answered: Counter[str] = Counter()
        self._lock = threading.Lock()

    def on_request(self, request: httpx2.Request, attempt: int) -> None:
        with self._lock:
            self.sent[request.headers["idempotency-key"]] += 1

    def on_response(self, response: httpx2.Response, attempt: int) -> None:
        with self._lock:
            self.answered[response.request.headers["idempotency-key"]] += 1

    @property
    def hooks(self) -> Hooks:
        return Hooks(on_request=self.on_request, on_response=self.on_response)

    def check(self, key: str, retries_taken: int, server_count: int) -> None:
        """Exactly ``retries_taken + 1`` attempts were sent; the server saw every one that
        was answered and none that was not sent. (Under load an attempt can time out
        before the server has read it, so the server may see fewer than were sent.)"""
        assert self.sent[key] == retries_taken + 1
        assert self.answered[key] <= server_count <= self.sent[key]


class AsyncClient(AsyncAPIClient):
    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


async def create_job(
    client: AsyncAPIClient, n: int, *, extra_headers: RequestHeaders | None = None
) -> Any:
    options = make_request_options(extra_headers=extra_headers)
    return await client.post("/jobs", cast_to=dict, body={"n": n}, options=options)


raw_create_job = async_to_raw_response_wrapper(create_job)


TEN_PERCENT_FAULTS = FaultRate(
    0.1,
    Rotate(
        CutMidHeaders(),
        CutAfter(10),
        CutAfter(10, reset=True),
        BadChunked(),
        FailTimes(10**9, drop=True),
        FailTimes(10**9, status=503),
        FailTimes(10**9, status=429, headers={"retry-after-ms": "5"}),
        Stall(5, after_bytes=5),
    ),
    seed=2000,
)


def job(request: Request) -> Reply:
    body = request.json()
    assert isinstance(body, dict)
    return Reply(json={"key": request.headers.get("idempotency-key"), "n": body["n"]})


@dataclass
class Outcome:
    n: int
    key: str
    result: dict[str, Any] | None = None
    retries_taken: int = 0
    error: str | None = None


@dataclass
class Tally:
    outcomes: dict[int, Outcome] = field(default_factory=dict)


async def one_call(client: AsyncClient, n: int, tally: Tally) -> None:
    try:
        response = await raw_create_job(client, n)
    except APIError as exc:
        key = exc.request.headers["idempotency-key"]
        tally.outcomes[n] = Outcome(n, key, error=type(exc).__name__)
        return
    assert isinstance(response, AsyncAPIResponse)
    result = await response.parse()
    key = response.http_request.headers["idempotency-key"]
    tally.outcomes[n] = Outcome(n, key, result, response.retries_taken)


async def worker(client: AsyncClient, numbers: range, tally: Tally) -> None:
    for n in numbers:
        try:
            await one_call(client, n, tally)
        except SdkError as exc:  # typed, but without a request: still accounted for
            tally.outcomes[n] = Outcome(n, "", error=type(exc).__name__)


def check_server_counts(route_requests: list[Request], tally: Tally, ledger: Ledger) -> None:
    attempts = Counter(r.headers.get("idempotency-key") for r in route_requests)
    assert None not in attempts  # every POST carried a key
    assert len(attempts) == CALLS  # one key per call, every call reached the server
    assert sum(attempts.values()) == len(route_requests)
    for outcome in tally.outcomes.values():
        if outcome.error is None:
            assert outcome.result == {"key": outcome.key, "n": outcome.n}
            ledger.check(outcome.key, outcome.retries_taken, attempts[outcome.key])
        else:
            ledger.check(outcome.key, MAX_RETRIES, attempts[outcome.key])
    bodies = {r.headers["idempotency-key"]: r.json() for r in route_requests}
    assert sorted(b["n"] for b in bodies.values()) == list(range(CALLS))


@pytest.mark.slow
@pytest.mark.anyio
async def test_2000_posts_from_50_tasks_with_10_percent_faults_lose_and_duplicate_nothing(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/jobs", handler=job, fault=TEN_PERCENT_FAULTS)
    tally = Tally()
    ledger = Ledger()
    started = time.monotonic()
    async with AsyncClient(
        loopback_server.url, timeout=0.5, max_retries=MAX_RETRIES, hooks=ledger.hooks
    ) as client:
        async with anyio.create_task_group() as tasks:
            per_task = CALLS // TASKS
            for t in range(TASKS):
                tasks.start_soon(worker, client, range(t * per_task, (t + 1) * per_task), tally)
        assert lent_out(client._client) == 0  # no connection left lent out
    elapsed = time.monotonic() - started
    assert sorted(tally.outcomes) == list(range(CALLS))  # each call ended exactly once
    keys = [o.key for o in tally.outcomes.values()]
    assert len(set(keys)) == CALLS  # no two calls shared a key
    check_server_counts(route.requests, tally, ledger)
    retried = sum(o.retries_taken for o in tally.outcomes.values())
    assert retried > 100  # the faults were met, and survived
    assert elapsed < 30


def test_the_fault_schedule_fails_about_ten_percent_of_hits() -> None:
    hits = [
        TEN_PERCENT_FAULTS.hits(Request("POST", "/jobs", Headers(), attempt=a))
        for a in range(1, 5001)
    ]
    assert 0.08 < sum(hits) / len(hits) < 0.12


class Client(SyncAPIClient):
    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def create_job_sync(
    client: Client, n: int, *, extra_headers: RequestHeaders | None = None
) -> dict[str, object]:
    options = make_request_options(extra_headers=extra_headers)
    return client.post("/jobs", cast_to=dict[str, object], body={"n": n}, options=options)


raw_create_job_sync = to_raw_response_wrapper(create_job_sync)


def test_one_sync_client_shared_by_8_threads_loses_and_duplicates_nothing(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/jobs", handler=job, fault=TEN_PERCENT_FAULTS)
    results: dict[int, tuple[dict[str, object], int] | APIError] = {}

    def run(numbers: range, client: Client) -> None:
        for n in numbers:
            try:
                response = raw_create_job_sync(client, n)
                results[n] = (response.parse(), response.retries_taken)
            except APIError as exc:
                results[n] = exc

    ledger = Ledger()
    with Client(
        loopback_server.url, timeout=0.5, max_retries=MAX_RETRIES, hooks=ledger.hooks
    ) as client:
        threads = [
            threading.Thread(target=run, args=(range(t * 50, (t + 1) * 50), client))
            for t in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == list(range(400))
    attempts = Counter(r.headers["idempotency-key"] for r in route.requests)
    assert len(attempts) == 400
    retried = 0
    for n, result in results.items():
        if isinstance(result, APIError):
            key = result.request.headers["idempotency-key"]
            ledger.check(key, MAX_RETRIES, attempts[key])
            continue
        body, retries_taken = result
        assert body["n"] == n
        ledger.check(str(body["key"]), retries_taken, attempts[str(body["key"])])
        retried += retries_taken
    assert retried > 10  # the faults were met, and survived
