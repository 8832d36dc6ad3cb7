"""sdkcore.testing per-hit scripts: faults on chosen attempts (`OnAttempts`), in turn
(`Rotate`), always (`Fail`), a reply per attempt (`by_attempt`), resumable SSE."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2
import pytest

from sdkcore.testing import (
    CutAfter,
    DropAfterEvents,
    Fail,
    Fault,
    FaultRate,
    LoopbackServer,
    OnAttempts,
    Reply,
    Request,
    Rotate,
    Stall,
    by_attempt,
    numbered_sse,
    resumable_sse,
)

if TYPE_CHECKING:
    from sdkcore.testing import SSEEvent

pytestmark = pytest.mark.anyio

EVENTS: list[SSEEvent] = [{"id": str(n), "data": f"event {n}"} for n in range(1, 6)]


def outcomes(server: LoopbackServer, hits: int, path: str = "/r") -> list[int | str]:
    """The status of each of `hits` GETs, or the name of the transport error."""
    seen: list[int | str] = []
    with httpx2.Client(base_url=server.url) as http:
        for _ in range(hits):
            try:
                seen.append(http.get(path).status_code)
            except httpx2.TransportError as exc:
                seen.append(type(exc).__name__)
    return seen


# -- OnAttempts and Fail --------------------------------------------------------------


def test_on_attempts_applies_the_fault_to_the_listed_hits_only(
    loopback_server: LoopbackServer,
) -> None:
    fault = OnAttempts(Fail(status=503), attempts={2, 4})
    loopback_server.route("GET", "/r", json={"ok": True}, fault=fault)
    assert outcomes(loopback_server, 5) == [200, 503, 200, 503, 200]


def test_on_attempts_takes_a_range_of_hits(loopback_server: LoopbackServer) -> None:
    fault = OnAttempts(CutAfter(5), attempts=range(1, 3))
    loopback_server.route("GET", "/r", body=b"x" * 1000, fault=fault)
    assert outcomes(loopback_server, 3) == ["RemoteProtocolError", "RemoteProtocolError", 200]
    assert fault.attempts == range(1, 3)


def test_on_attempts_script_a_different_failure_for_each_hit(
    loopback_server: LoopbackServer,
) -> None:
    faults = [
        OnAttempts(Fail(status=429, headers={"Retry-After": "0"}), attempts={1}),
        OnAttempts(CutAfter(0), attempts={2}),
        OnAttempts(Fail(drop=True), attempts=[3]),
    ]
    route = loopback_server.route("GET", "/r", json={"ok": True}, faults=faults)
    assert outcomes(loopback_server, 4) == [
        429,
        "RemoteProtocolError",
        "RemoteProtocolError",
        200,
    ]
    assert route.calls == 4


def test_on_attempts_stalls_the_first_hit_only(loopback_server: LoopbackServer) -> None:
    fault = OnAttempts(Stall(5, before_headers=True), attempts={1})
    loopback_server.route("GET", "/r", json={"ok": True}, fault=fault)
    with httpx2.Client(base_url=loopback_server.url, timeout=0.2) as http:
        with pytest.raises(httpx2.ReadTimeout):
            http.get("/r")
        assert http.get("/r").json() == {"ok": True}


async def test_on_attempts_stalls_the_first_hit_only_async(loopback_server: LoopbackServer) -> None:
    fault = OnAttempts(Stall(5, before_headers=True), attempts={1})
    loopback_server.route("GET", "/r", json={"ok": True}, fault=fault)
    async with httpx2.AsyncClient(base_url=loopback_server.url, timeout=0.2) as http:
        with pytest.raises(httpx2.ReadTimeout):
            await http.get("/r")
        assert (await http.get("/r")).json() == {"ok": True}


def test_fail_fails_every_hit_with_its_status_body_and_headers(
    loopback_server: LoopbackServer,
) -> None:
    fault = Fail(status=500, json={"error": "down"}, headers={"X-Fail": "1"})
    loopback_server.route("GET", "/r", json={"ok": True}, fault=fault)
    with httpx2.Client(base_url=loopback_server.url) as http:
        responses = [http.get("/r") for _ in range(3)]
    assert [(r.status_code, r.json(), r.headers["x-fail"]) for r in responses] == [
        (500, {"error": "down"}, "1")
    ] * 3


def test_fail_answers_a_json_error_by_default_or_drops_the_connection(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/r", json={}, fault=Fail())
    loopback_server.route("GET", "/drop", json={}, fault=Fail(drop=True))
    with httpx2.Client(base_url=loopback_server.url) as http:
        assert http.get("/r").json()["error"]["type"] == "injected_failure"
    assert outcomes(loopback_server, 2, "/drop") == ["RemoteProtocolError"] * 2


# -- Rotate ---------------------------------------------------------------------------


def test_rotate_gives_each_hit_the_next_fault_in_turn(loopback_server: LoopbackServer) -> None:
    fault = Rotate(Fault(), Fail(status=503), Fail(status=429), CutAfter(1))
    loopback_server.route("GET", "/r", body=b"0123456789", fault=fault)
    assert outcomes(loopback_server, 6) == [200, 503, 429, "RemoteProtocolError", 200, 503]


def test_rotate_under_a_fault_rate_fails_the_same_hits_the_same_way(
    loopback_server: LoopbackServer,
) -> None:
    def run() -> list[int | str]:
        loopback_server.reset()
        fault = FaultRate(0.5, Rotate(Fail(status=503), Fail(drop=True)), seed=3)
        loopback_server.route("GET", "/r", json={}, fault=fault)
        return outcomes(loopback_server, 40)

    first = run()
    assert first == run()
    assert set(first) == {200, 503, "RemoteProtocolError"}


def test_rotate_needs_a_fault() -> None:
    with pytest.raises(ValueError, match="at least one fault"):
        Rotate()


# -- by_attempt -----------------------------------------------------------------------


def test_by_attempt_answers_the_nth_hit_with_the_nth_reply_then_repeats_the_last(
    loopback_server: LoopbackServer,
) -> None:
    answer = by_attempt(Reply(status=503), Reply(status=429), Reply(json={"ok": True}))
    loopback_server.route("POST", "/v1/things", handler=answer)
    with httpx2.Client(base_url=loopback_server.url) as http:
        responses = [http.post("/v1/things") for _ in range(5)]
    assert [r.status_code for r in responses] == [503, 429, 200, 200, 200]
    assert responses[-1].json() == {"ok": True}


def test_by_attempt_calls_a_handler_given_for_a_hit(loopback_server: LoopbackServer) -> None:
    def echo(request: Request) -> Reply:
        return Reply(json={"attempt": request.attempt})

    loopback_server.route("GET", "/r", handler=by_attempt(Reply(status=500), echo))
    with httpx2.Client(base_url=loopback_server.url) as http:
        responses = [http.get("/r") for _ in range(3)]
    assert [r.status_code for r in responses] == [500, 200, 200]
    assert [r.json() for r in responses[1:]] == [{"attempt": 2}, {"attempt": 3}]


def test_by_attempt_needs_a_reply() -> None:
    with pytest.raises(ValueError, match="at least one reply"):
        by_attempt()


# -- resumable SSE --------------------------------------------------------------------


def read_resuming(http: httpx2.Client, path: str = "/events") -> list[str]:
    """Every event's data, reconnecting with Last-Event-ID after each drop."""
    received: list[str] = []
    last_id: str | None = None
    for _ in range(5):
        headers = {} if last_id is None else {"Last-Event-ID": last_id}
        try:
            with http.stream("GET", path, headers=headers) as response:
                for line in response.iter_lines():
                    field, _, value = line.partition(": ")
                    if field == "id":
                        last_id = value
                    elif field == "data":
                        received.append(value)
            return received
        except httpx2.RemoteProtocolError:
            continue
    raise AssertionError("the stream did not finish")


async def aread_resuming(http: httpx2.AsyncClient) -> list[str]:
    received: list[str] = []
    last_id: str | None = None
    for _ in range(5):
        headers = {} if last_id is None else {"Last-Event-ID": last_id}
        try:
            async with http.stream("GET", "/events", headers=headers) as response:
                async for line in response.aiter_lines():
                    field, _, value = line.partition(": ")
                    if field == "id":
                        last_id = value
                    elif field == "data":
                        received.append(value)
            return received
        except httpx2.RemoteProtocolError:
            continue
    raise AssertionError("the stream did not finish")


def test_resumable_sse_resumes_after_the_last_event_id(loopback_server: LoopbackServer) -> None:
    handler = resumable_sse(EVENTS)
    route = loopback_server.route("GET", "/events", handler=handler, fault=DropAfterEvents(2))
    with httpx2.Client(base_url=loopback_server.url) as http:
        assert read_resuming(http) == [f"event {n}" for n in range(1, 6)]
    assert [r.headers.get("last-event-id") for r in route.requests] == [None, "2", "4"]


async def test_resumable_sse_resumes_after_the_last_event_id_async(
    loopback_server: LoopbackServer,
) -> None:
    handler = resumable_sse(EVENTS, interval=0.01)
    route = loopback_server.route("GET", "/events", handler=handler, fault=DropAfterEvents(2))
    async with httpx2.AsyncClient(base_url=loopback_server.url) as http:
        assert await aread_resuming(http) == [f"event {n}" for n in range(1, 6)]
    assert [r.headers.get("last-event-id") for r in route.requests] == [None, "2", "4"]


def test_resumable_sse_starts_over_for_an_unknown_id(loopback_server: LoopbackServer) -> None:
    events: list[SSEEvent] = [": hello\n\n", {"retry": 100}, *EVENTS[:2]]
    loopback_server.route("GET", "/events", handler=resumable_sse(events))
    with httpx2.Client(base_url=loopback_server.url) as http:
        unknown = http.get("/events", headers={"Last-Event-ID": "nope"}).text
        after_first = http.get("/events", headers={"Last-Event-ID": "1"}).text
    assert unknown == ": hello\n\nretry: 100\n\nid: 1\ndata: event 1\n\nid: 2\ndata: event 2\n\n"
    assert after_first == "id: 2\ndata: event 2\n\n"


def test_numbered_sse_streams_numbered_events_until_stop_and_resumes(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route(
        "GET", "/numbers", handler=numbered_sse(5, retry=250), fault=DropAfterEvents(3)
    )
    with httpx2.Client(base_url=loopback_server.url) as http:
        received = read_resuming(http, "/numbers")
    assert received == [f'{{"n": {n}}}' for n in range(5)]
    # The retry field is one of the three events each response sends before the drop.
    assert [r.headers.get("last-event-id") for r in route.requests] == [None, "1", "3"]


def test_numbered_sse_goes_on_until_the_client_leaves(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/ticks", handler=numbered_sse(interval=0.001))
    numbers: list[int] = []
    with (
        httpx2.Client(base_url=loopback_server.url) as http,
        http.stream("GET", "/ticks", headers={"Last-Event-ID": "x"}) as response,
    ):
        for line in response.iter_lines():
            if line.startswith("id: "):
                numbers.append(int(line.removeprefix("id: ")))
            if len(numbers) == 50:
                break
    assert numbers == list(range(50))  # a non-numeric id starts from 0
