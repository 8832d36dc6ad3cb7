"""sdkcore.testing: every response form and every fault, seen by a real httpx2 client."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from typing import TYPE_CHECKING

import anyio
import httpx2
import pytest

import sdkcore.testing
from sdkcore.testing import (
    BadChunked,
    CutAfter,
    CutMidHeaders,
    Drip,
    DropAfterEvents,
    FailTimes,
    Fault,
    FaultRate,
    Headers,
    LoopbackServer,
    Pause,
    Reply,
    Request,
    Stall,
    pytest_plugin,
)

# How an SDK's root conftest.py registers the fixtures `loopback_server` and
# `loopback_server_factory`.
pytest_plugins = ["sdkcore.testing.pytest_plugin"]

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sdkcore.testing import Piece, SSEEvent


def client(server: LoopbackServer, **kwargs: object) -> httpx2.Client:
    return httpx2.Client(base_url=server.url, **kwargs)  # type: ignore[arg-type]  # valid options


def read_timed_chunks(response: httpx2.Response) -> tuple[bytes, float]:
    """The raw body, and the seconds between its first and its last network read."""
    arrivals = [(time.monotonic(), chunk) for chunk in response.iter_raw() if chunk]
    return b"".join(chunk for _, chunk in arrivals), arrivals[-1][0] - arrivals[0][0]


def recv_until(sock: socket.socket, ending: bytes) -> bytes:
    """Read from `sock` until the data ends with `ending`, or the peer closes (``b""``)."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
        if ending and received.endswith(ending):
            break
    return received


def read_raw_into(response: httpx2.Response, received: bytearray) -> None:
    """Collect raw body bytes until the body ends or the transport fails."""
    for chunk in response.iter_raw():
        received += chunk


# -- response forms -----------------------------------------------------------------


def test_json_route_answers_json_with_content_length(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/v1/thing", json={"id": 1, "name": "é"})
    with client(loopback_server) as http:
        response = http.get("/v1/thing")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-length"] == str(len(response.content))
    assert response.json() == {"id": 1, "name": "é"}


def test_text_route_answers_utf8_text(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/text", text="héllo")
    with client(loopback_server) as http:
        response = http.get("/text")
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == "héllo"


def test_bytes_route_uses_content_type_status_and_extra_headers(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route(
        "GET",
        "/blob",
        body=b"\x00\x01",
        content_type="image/png",
        status=201,
        headers={"X-Request-Id": "req_1"},
    )
    with client(loopback_server) as http:
        response = http.get("/blob")
    assert (response.status_code, response.content) == (201, b"\x00\x01")
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-request-id"] == "req_1"


def test_headers_given_as_pairs_repeat_a_name(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/c", headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    with client(loopback_server) as http:
        response = http.get("/c")
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.content == b""


def test_reply_headers_win_over_the_server_defaults(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/j", json=[1], headers={"Content-Type": "application/vnd+json"})
    with client(loopback_server) as http:
        assert http.get("/j").headers.get_list("content-type") == ["application/vnd+json"]


def test_sse_route_streams_chunked_events_raw_and_encoded(loopback_server: LoopbackServer) -> None:
    events: list[SSEEvent] = [
        ": keep-alive\n\n",
        {"data": {"delta": "hi"}, "event": "chunk", "id": "7", "retry": 1500},
        {"data": "line one\nline two"},
        {"comment": "note", "data": "[DONE]"},
    ]
    loopback_server.route("POST", "/v1/stream", sse=events)
    with client(loopback_server) as http:
        response = http.post("/v1/stream")
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.text == (
        ": keep-alive\n\n"
        'event: chunk\nid: 7\nretry: 1500\ndata: {"delta": "hi"}\n\n'
        "data: line one\ndata: line two\n\n"
        ": note\ndata: [DONE]\n\n"
    )


def test_sse_interval_flushes_each_event_separately(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/events", sse=[{"data": str(i)} for i in range(4)], interval=0.1)
    with client(loopback_server) as http, http.stream("GET", "/events") as response:
        body, spread = read_timed_chunks(response)
    assert body == b"".join(f"data: {i}\n\n".encode() for i in range(4))
    assert spread >= 0.15  # the first event arrived well before the last was sent


def test_handler_sees_the_request_and_its_attempt(loopback_server: LoopbackServer) -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Reply:
        seen.append(request)
        return Reply(status=201 if request.attempt > 1 else 200, json={"n": request.attempt})

    loopback_server.route("PUT", "/v1/items/a%20b", handler=handler)
    with client(loopback_server) as http:
        first = http.put("/v1/items/a%20b?x=1&x=2&y=", json={"k": "v"}, headers={"X-Trace": "t"})
        second = http.put("/v1/items/a%20b")
    assert (first.status_code, first.json()) == (200, {"n": 1})
    assert (second.status_code, second.json()) == (201, {"n": 2})
    request = seen[0]
    assert (request.method, request.path) == ("PUT", "/v1/items/a%20b")
    assert request.query == {"x": "2", "y": ""}
    assert request.query_items == [("x", "1"), ("x", "2"), ("y", "")]
    assert request.headers["x-trace"] == request.headers["X-TRACE"] == "t"
    assert request.json() == {"k": "v"}


def test_handler_exception_answers_500_and_is_kept_in_errors() -> None:
    def handler(request: Request) -> Reply:
        raise LookupError("boom")

    with LoopbackServer() as server:
        server.route("GET", "/oops", handler=handler)
        with client(server) as http:
            response = http.get("/oops")
        assert response.status_code == 500
        assert "boom" in response.json()["error"]["message"]
        assert [type(error) for error in server.errors] == [LookupError]


def test_chunked_option_frames_a_fixed_body(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/c", text="chunked body", chunked=True)
    with client(loopback_server) as http:
        response = http.get("/c")
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.text == "chunked body"


def test_iterable_body_streams_chunked(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/gen", body=(b"part%d;" % i for i in range(3)))
    with client(loopback_server) as http:
        response = http.get("/gen")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.content == b"part0;part1;part2;"


def test_gzip_body_is_decoded_by_the_client(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/z", json={"text": "abc" * 1000}, gzip=True)
    loopback_server.route("GET", "/zs", sse=[{"data": "a"}, {"data": "b"}], gzip=True)
    with client(loopback_server) as http:
        response = http.get("/z")
        streamed = http.get("/zs")
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < 200
    assert response.json() == {"text": "abc" * 1000}
    assert streamed.text == "data: a\n\ndata: b\n\n"


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/bomb", body=b"\0" * 20_000_000, gzip=True)
    with client(loopback_server) as http, http.stream("GET", "/bomb") as response:
        wire_size = int(response.headers["content-length"])
        inflated = sum(len(chunk) for chunk in response.iter_bytes())
    assert wire_size < 100_000
    assert inflated == 20_000_000


BLOB = bytes(range(256)) * 40


@pytest.mark.parametrize(
    ("range_header", "expected", "content_range"),
    [
        ("bytes=1000-", BLOB[1000:], f"bytes 1000-{len(BLOB) - 1}/{len(BLOB)}"),
        ("bytes=10-19", BLOB[10:20], f"bytes 10-19/{len(BLOB)}"),
        ("bytes=-5", BLOB[-5:], f"bytes {len(BLOB) - 5}-{len(BLOB) - 1}/{len(BLOB)}"),
    ],
)
def test_range_request_answers_206_with_the_exact_bytes(
    loopback_server: LoopbackServer, range_header: str, expected: bytes, content_range: str
) -> None:
    loopback_server.route("GET", "/file", body=BLOB, ranges=True)
    with client(loopback_server) as http:
        full = http.get("/file")
        partial = http.get(
            "/file", headers={"Range": range_header, "If-Range": full.headers["etag"]}
        )
    assert full.status_code == 200
    assert full.headers["accept-ranges"] == "bytes"
    assert full.headers["etag"].startswith('"')
    assert partial.status_code == 206
    assert partial.headers["content-range"] == content_range
    assert partial.content == expected


def test_if_range_with_a_stale_validator_answers_the_full_body(
    loopback_server: LoopbackServer,
) -> None:
    modified = "Wed, 21 Oct 2015 07:28:00 GMT"
    loopback_server.route("GET", "/file", body=BLOB, ranges=True, last_modified=modified)
    with client(loopback_server) as http:
        stale = http.get("/file", headers={"Range": "bytes=100-", "If-Range": '"old"'})
        by_date = http.get("/file", headers={"Range": "bytes=100-", "If-Range": modified})
    assert (stale.status_code, stale.content) == (200, BLOB)
    assert (by_date.status_code, by_date.content) == (206, BLOB[100:])


def test_unsatisfiable_range_answers_416(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/file", body=b"short", ranges=True, etag='"v1"')
    with client(loopback_server) as http:
        response = http.get("/file", headers={"Range": "bytes=5-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */5"
    assert response.headers["etag"] == '"v1"'


def test_range_is_ignored_without_the_ranges_option(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/file", body=BLOB)
    with client(loopback_server) as http:
        response = http.get("/file", headers={"Range": "bytes=100-"})
    assert (response.status_code, response.content) == (200, BLOB)
    assert "accept-ranges" not in response.headers


def test_redirect_to_another_origin_is_followed(
    loopback_server: LoopbackServer, loopback_server_factory: Callable[[], LoopbackServer]
) -> None:
    other = loopback_server_factory()
    other.route("GET", "/new", json={"moved": True})
    loopback_server.redirect("/old", other.url_for("/new"), status=307)
    with client(loopback_server, follow_redirects=True) as http:
        response = http.get("/old", headers={"Authorization": "Bearer secret"})
    assert response.json() == {"moved": True}
    assert [r.status_code for r in response.history] == [307]
    assert other.url != loopback_server.url
    assert "authorization" not in other.requests[0].headers


def test_unknown_route_answers_404_json(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/known", json={})
    with client(loopback_server) as http:
        response = http.post("/known")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "no route for POST /known"
    assert loopback_server.requests[0].method == "POST"


def test_wildcard_method_matches_any_method(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("*", "/any", status=204)
    with client(loopback_server) as http:
        statuses = [http.request(method, "/any").status_code for method in ("GET", "DELETE")]
    assert statuses == [204, 204]
    assert route.calls == 2


def test_head_request_gets_the_headers_without_a_body(loopback_server: LoopbackServer) -> None:
    loopback_server.route("HEAD", "/file", body=b"12345")
    with client(loopback_server) as http:
        head = http.head("/file")
        after = http.head("/file")  # the connection is still in sync
    assert head.headers["content-length"] == "5"
    assert head.content == after.content == b""


def test_reply_rejects_two_kinds_of_body() -> None:
    with pytest.raises(ValueError, match="one of json, text, body, sse"):
        Reply(json={}, text="x")
    with pytest.raises(ValueError, match="known length"):
        Reply(sse=[], ranges=True)


def test_route_rejects_conflicting_answers_and_relative_paths() -> None:
    server = LoopbackServer()
    with pytest.raises(ValueError, match="one of reply, handler"):
        server.route("GET", "/x", Reply(), json={})
    with pytest.raises(ValueError, match="starts with '/'"):
        server.route("GET", "x")
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


# -- requests, connections, lifecycle -----------------------------------------------


def test_requests_are_recorded_with_headers_body_and_arrival_time(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/v1/things", json={})
    with client(loopback_server) as http:
        for key in ("k1", "k1", "k2"):
            http.post("/v1/things", content=b"payload", headers={"Idempotency-Key": key})
        http.post("/v1/things", content=iter([b"chunked ", b"upload"]))
    requests = route.requests
    keys = [r.headers.get("idempotency-key") for r in requests]
    assert keys == ["k1", "k1", "k2", None]
    assert [r.attempt for r in requests] == [1, 2, 3, 4]
    assert requests[0].body == b"payload"
    assert requests[3].body == b"chunked upload"
    assert requests[0].received_at <= requests[1].received_at <= requests[2].received_at
    assert loopback_server.requests == requests


def test_keep_alive_serves_many_requests_on_one_connection(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/a", json=1)
    with client(loopback_server) as http:
        for _ in range(5):
            http.get("/a")
        closing = http.get("/a", headers={"Connection": "close"})
        http.get("/a")
    connections = [r.connection for r in loopback_server.requests]
    assert len(set(connections[:6])) == 1
    assert closing.headers["connection"] == "close"
    assert connections[6] != connections[0]


def test_reset_forgets_routes_requests_and_errors(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/a", json=1)
    with client(loopback_server) as http:
        http.get("/a")
        loopback_server.reset()
        assert loopback_server.requests == []
        assert http.get("/a").status_code == 404


def test_stop_during_a_stall_returns_within_two_seconds() -> None:
    server = LoopbackServer().start()
    server.route("GET", "/stuck", json={}, fault=Stall(30, before_headers=True))
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
        while not server.requests:
            time.sleep(0.01)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2
        assert sock.recv(100) == b""


def test_stop_closes_idle_keep_alive_connections_promptly() -> None:
    with LoopbackServer() as server:
        server.route("GET", "/a", json=1)
        with client(server) as http:
            http.get("/a")
            started = time.monotonic()
            server.stop()
            assert time.monotonic() - started < 1
            with pytest.raises(httpx2.TransportError):
                http.get("/a")


def test_raw_socket_expect_continue_and_malformed_request() -> None:
    with LoopbackServer() as server:
        server.route("POST", "/up", json={})
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            head = b"POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n"
            sock.sendall(head + b"\r\n")
            assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
            sock.sendall(b"hi")
            assert recv_until(sock, b"\r\n\r\n{}").startswith(b"HTTP/1.1 200 OK\r\n")
            sock.sendall(b"NONSENSE\r\n\r\n")
            assert recv_until(sock, b"").startswith(b"HTTP/1.1 400 Bad Request\r\n")
        assert server.requests[0].body == b"hi"


@pytest.mark.anyio
async def test_async_with_serves_on_each_backend() -> None:
    async with LoopbackServer() as server:
        server.route("GET", "/ping", json={"ok": True})
        async with httpx2.AsyncClient(base_url=server.url) as http:
            response = await http.get("/ping")
    assert response.json() == {"ok": True}
    with pytest.raises(RuntimeError):
        _ = server.url


@pytest.mark.slow
@pytest.mark.anyio
async def test_load_of_2000_requests_from_50_concurrent_tasks() -> None:
    async with LoopbackServer() as server:
        route = server.route("POST", "/v1/load", json={"ok": True})
        statuses: list[int] = []

        async def worker(http: httpx2.AsyncClient) -> None:
            for _ in range(40):
                statuses.append((await http.post("/v1/load", json={"n": 1})).status_code)

        async with httpx2.AsyncClient(base_url=server.url) as http, anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(worker, http)
        assert statuses == [200] * 2000
        assert route.calls == 2000


# -- faults -------------------------------------------------------------------------


def test_cut_after_sends_n_body_bytes_then_hangs_up(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/file", body=b"x" * 1000, fault=CutAfter(100))
    with client(loopback_server) as http, http.stream("GET", "/file") as response:
        assert response.headers["content-length"] == "1000"
        received = bytearray()
        with pytest.raises(httpx2.RemoteProtocolError):
            read_raw_into(response, received)
    assert len(received) == 100


def test_cut_after_on_sse_cuts_the_event_stream_at_n_bytes(
    loopback_server: LoopbackServer,
) -> None:
    events = [{"data": "first"}, {"data": "second"}]
    loopback_server.route("GET", "/events", sse=events, fault=CutAfter(20))
    with client(loopback_server) as http, http.stream("GET", "/events") as response:
        received = bytearray()
        with pytest.raises(httpx2.RemoteProtocolError):
            read_raw_into(response, received)
    assert bytes(received) == b"data: first\n\ndata: second\n\n"[:20]


def test_cut_after_with_reset_raises_a_transport_error(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/file", body=b"x" * 1000, fault=CutAfter(10, reset=True))
    with (
        client(loopback_server) as http,
        pytest.raises((httpx2.ReadError, httpx2.RemoteProtocolError)),
    ):
        http.get("/file")


def test_cut_mid_headers_raises_remote_protocol_error(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/x", json={}, fault=CutMidHeaders(after_bytes=12))
    with client(loopback_server) as http, pytest.raises(httpx2.RemoteProtocolError):
        http.get("/x")


def test_stall_after_headers_times_out_reading_the_body(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/slow", json={"a": 1}, fault=Stall(10))
    with client(loopback_server, timeout=0.2) as http, http.stream("GET", "/slow") as response:
        assert response.status_code == 200
        started = time.monotonic()
        with pytest.raises(httpx2.ReadTimeout):
            response.read()
        assert time.monotonic() - started < 1.5


def test_stall_before_headers_times_out_waiting_for_the_response(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/slow", json={}, fault=Stall(10, before_headers=True))
    started = time.monotonic()
    with client(loopback_server, timeout=0.2) as http, pytest.raises(httpx2.ReadTimeout):
        http.get("/slow")
    assert time.monotonic() - started < 1.5


def test_stall_after_some_bytes_delivers_them_first(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/slow", body=b"0123456789", fault=Stall(10, after_bytes=4))
    with client(loopback_server, timeout=0.3) as http, http.stream("GET", "/slow") as response:
        received = bytearray()
        with pytest.raises(httpx2.ReadTimeout):
            read_raw_into(response, received)
    assert bytes(received) == b"0123"


def test_stall_ends_when_the_client_hangs_up(loopback_server: LoopbackServer) -> None:
    finished = threading.Event()

    def events() -> Iterator[str]:
        try:
            yield "data: one\n\n"
            yield "data: two\n\n"
        finally:
            finished.set()

    loopback_server.route("GET", "/events", sse=events(), fault=Stall(30, after_bytes=11))
    with client(loopback_server, timeout=0.1) as http, pytest.raises(httpx2.ReadTimeout):
        http.get("/events")
    assert finished.wait(2)


def test_drip_delivers_the_body_in_several_reads(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/drip", text="hello world!", fault=Drip(0.05, chunk=3))
    with client(loopback_server) as http, http.stream("GET", "/drip") as response:
        body, spread = read_timed_chunks(response)
    assert body == b"hello world!"
    assert spread >= 0.08  # 4 drips, 0.05 s apart


def test_drop_after_events_lets_a_client_resume_from_last_event_id(
    loopback_server: LoopbackServer,
) -> None:
    events = [{"id": str(n), "data": f"event {n}"} for n in range(1, 6)]

    def resume(request: Request) -> Reply:
        last_seen = int(request.headers.get("last-event-id", "0"))
        return Reply(sse=events[last_seen:])

    route = loopback_server.route("GET", "/events", handler=resume, fault=DropAfterEvents(2))
    received: list[str] = []
    last_id = "0"
    with client(loopback_server) as http:
        for _ in range(5):
            try:
                with http.stream("GET", "/events", headers={"Last-Event-ID": last_id}) as response:
                    for line in response.iter_lines():
                        if line.startswith("id: "):
                            last_id = line.removeprefix("id: ")
                        elif line.startswith("data: "):
                            received.append(line.removeprefix("data: "))
                break
            except httpx2.RemoteProtocolError:
                continue
    assert received == [f"event {n}" for n in range(1, 6)]
    assert route.calls == 3


def test_fail_times_answers_the_status_then_the_normal_reply(
    loopback_server: LoopbackServer,
) -> None:
    fault = FailTimes(2, status=429, headers={"Retry-After": "1"})
    loopback_server.route("GET", "/limited", json={"ok": True}, fault=fault)
    with client(loopback_server) as http:
        responses = [http.get("/limited") for _ in range(3)]
    assert [r.status_code for r in responses] == [429, 429, 200]
    assert responses[0].headers["retry-after"] == "1"
    assert responses[1].json()["error"]["type"] == "injected_failure"
    assert responses[2].json() == {"ok": True}


def test_fail_times_with_drop_hangs_up_without_a_response(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("POST", "/flaky", json={"ok": True}, fault=FailTimes(1, drop=True))
    with client(loopback_server) as http:
        with pytest.raises(httpx2.RemoteProtocolError):
            http.post("/flaky")
        assert http.post("/flaky").json() == {"ok": True}


def test_bad_chunked_raises_remote_protocol_error(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/broken", text="hello", fault=BadChunked())
    with client(loopback_server) as http, pytest.raises(httpx2.RemoteProtocolError):
        http.get("/broken")


def test_endless_body_stops_when_the_client_leaves(loopback_server: LoopbackServer) -> None:
    finished = threading.Event()

    def endless() -> Iterator[bytes]:
        try:
            while True:
                yield b"x" * 4096
        finally:
            finished.set()

    loopback_server.route("GET", "/endless", body=endless())
    with client(loopback_server) as http, http.stream("GET", "/endless") as response:
        received = 0
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > 200_000:
                break
    assert finished.wait(2)


def test_fault_rate_fails_the_same_hits_for_the_same_seed(
    loopback_server: LoopbackServer,
) -> None:
    def statuses() -> list[int]:
        loopback_server.reset()
        fault = FaultRate(0.3, FailTimes(10**9, status=503), seed=42)
        loopback_server.route("GET", "/load", json={}, fault=fault)
        with client(loopback_server) as http:
            return [http.get("/load").status_code for _ in range(60)]

    first = statuses()
    assert first == statuses()
    assert 5 <= first.count(503) <= 35
    assert set(first) == {200, 503}


def test_faults_compose_in_order(loopback_server: LoopbackServer) -> None:
    faults = [FailTimes(1, status=500, json={}), Drip(0.05, chunk=4)]
    loopback_server.route("GET", "/both", text="composed!", faults=faults)
    with client(loopback_server) as http:
        assert http.get("/both").status_code == 500
        with http.stream("GET", "/both") as response:
            body, spread = read_timed_chunks(response)
    assert body == b"composed!"
    assert spread >= 0.05


def test_custom_fault_reshapes_reply_and_pieces(loopback_server: LoopbackServer) -> None:
    @dataclasses.dataclass(frozen=True)
    class Tagged(Fault):
        def prepare(self, request: Request, reply: Reply) -> Reply:
            return dataclasses.replace(reply, headers={"X-Fault": "tagged"})

        def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
            yield Pause(0.01)
            yield from pieces

    loopback_server.route("GET", "/t", json=[1], fault=Tagged())
    with client(loopback_server) as http:
        response = http.get("/t")
    assert response.headers["x-fault"] == "tagged"
    assert response.json() == [1]


# -- small pieces and the pytest plugin ---------------------------------------------


def test_headers_are_case_insensitive_and_keep_repeats() -> None:
    headers = Headers([("Accept", "a"), ("ACCEPT", "b"), ("X-One", "1")])
    assert headers["accept"] == "a, b"
    assert headers.get_all("Accept") == ["a", "b"]
    assert list(headers) == ["accept", "x-one"]
    assert len(headers) == 2
    assert "x-ONE" in headers
    assert headers.raw[1] == ("ACCEPT", "b")


def test_url_for_joins_paths_to_the_origin(loopback_server: LoopbackServer) -> None:
    assert loopback_server.url == f"http://127.0.0.1:{loopback_server.port}"
    assert loopback_server.url_for("v1/x") == loopback_server.url_for("/v1/x")
    assert loopback_server.url_for("/v1/x").endswith(f":{loopback_server.port}/v1/x")


def test_fixture_gives_a_clean_shared_server(
    loopback_server: LoopbackServer, request: pytest.FixtureRequest
) -> None:
    assert loopback_server.requests == []
    assert loopback_server.errors == []
    shared = pytest_plugin._shared_server(request.config)  # pyright: ignore[reportPrivateUsage]
    assert loopback_server is shared


def test_fixtures_are_importable_from_the_package() -> None:
    assert sdkcore.testing.loopback_server is pytest_plugin.loopback_server
    assert sdkcore.testing.loopback_server_factory is pytest_plugin.loopback_server_factory
    with pytest.raises(AttributeError):
        _ = sdkcore.testing.nothing_here
