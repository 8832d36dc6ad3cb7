"""sdkcore.testing routes: path parameters, which route wins, and fixed ports."""

from __future__ import annotations

import errno
import itertools
import socket

import httpx2
import pytest

from sdkcore import SdkError
from sdkcore.testing import LoopbackServer, PortInUseError, Reply, Request


def client(server: LoopbackServer) -> httpx2.Client:
    return httpx2.Client(base_url=server.url)


def params_of(request: Request) -> Reply:
    return Reply(json={"params": dict(request.path_params), "path": request.path})


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port: int = probe.getsockname()[1]
        return port


# -- path parameters ----------------------------------------------------------------


def test_a_template_matches_one_segment_per_parameter_decoded(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/files/{file_id}/content", handler=params_of)
    with client(loopback_server) as http:
        plain = http.get("/files/abc/content")
        encoded = http.get("/files/a%20b%2Fc%C3%A9/content?x=1")
        statuses = [
            http.get(path).status_code
            for path in ("/files/abc", "/files//content", "/files/a/b/content", "/files/abc/data")
        ]
    assert plain.json() == {"params": {"file_id": "abc"}, "path": "/files/abc/content"}
    assert encoded.json()["params"] == {"file_id": "a b/cé"}
    assert statuses == [404, 404, 404, 404]
    assert [r.path_params for r in route.requests] == [{"file_id": "abc"}, {"file_id": "a b/cé"}]
    assert route.calls == 2


def test_a_template_reads_several_parameters_in_order(loopback_server: LoopbackServer) -> None:
    loopback_server.route("DELETE", "/v1/{org}/members/{user_id}", handler=params_of)
    with client(loopback_server) as http:
        response = http.delete("/v1/acme/members/u%2B1")
    assert response.json()["params"] == {"org": "acme", "user_id": "u+1"}


def test_an_exact_route_wins_over_a_template_declared_before_or_after(
    loopback_server: LoopbackServer,
) -> None:
    for exact_first in (True, False):
        loopback_server.reset()
        declared = [("/files/special", "exact"), ("/files/{file_id}", "template")]
        for path, text in declared if exact_first else declared[::-1]:
            loopback_server.route("GET", path, text=text)
        with client(loopback_server) as http:
            assert http.get("/files/special").text == "exact"
            assert http.get("/files/other").text == "template"


def test_the_template_with_a_literal_first_from_the_left_wins_in_any_order(
    loopback_server: LoopbackServer,
) -> None:
    templates = ["/a/{x}/c", "/a/b/{y}", "/{p}/b/c", "/{p}/{q}/{r}"]
    expected = {
        "/a/b/c": "/a/b/{y}",
        "/a/z/c": "/a/{x}/c",
        "/q/b/c": "/{p}/b/c",
        "/q/r/s": "/{p}/{q}/{r}",
    }
    for order in itertools.permutations(templates):
        loopback_server.reset()
        for template in order:
            loopback_server.route("GET", template, text=template)
        with client(loopback_server) as http:
            assert {path: http.get(path).text for path in expected} == expected


def test_a_template_for_the_method_wins_over_a_wildcard_one(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("*", "/things/{thing_id}", text="any method")
    loopback_server.route("GET", "/things/{other_name}", text="get")
    with client(loopback_server) as http:
        assert http.get("/things/1").text == "get"
        assert http.post("/things/1").text == "any method"
        assert http.post("/things").status_code == 404


def test_templates_differing_only_in_names_replace_each_other(
    loopback_server: LoopbackServer,
) -> None:
    old = loopback_server.route("GET", "/users/{user_id}", text="old")
    new = loopback_server.route("GET", "/users/{name}", handler=params_of)
    with client(loopback_server) as http:
        assert http.get("/users/u1").json()["params"] == {"name": "u1"}
    assert (old.calls, new.calls) == (0, 1)


def test_calls_and_requests_count_per_declared_route(loopback_server: LoopbackServer) -> None:
    files = loopback_server.route("GET", "/files/{file_id}", json={})
    content = loopback_server.route("GET", "/files/{file_id}/content", body=b"x")
    with client(loopback_server) as http:
        for name in ("a", "b", "c"):
            http.get(f"/files/{name}")
        http.get("/files/a/content")
    assert files.calls == 3
    assert [r.attempt for r in files.requests] == [1, 2, 3]
    assert [r.path_params["file_id"] for r in files.requests] == ["a", "b", "c"]
    assert [(r.attempt, dict(r.path_params)) for r in content.requests] == [(1, {"file_id": "a"})]
    assert len(loopback_server.requests) == 4


def test_exact_routes_and_unknown_paths_have_no_path_params(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("GET", "/plain", json={})
    with client(loopback_server) as http:
        http.get("/plain")
        http.get("/unknown")
    assert route.requests[0].path_params == {}
    assert loopback_server.requests[1].path_params == {}


@pytest.mark.parametrize(
    "path", ["/files/{id}.json", "/files/{1x}", "/a/{x}/{x}", "/a/{x", "/a/x}", "files/{x}"]
)
def test_a_malformed_template_raises_value_error(path: str) -> None:
    with pytest.raises(ValueError, match="route path"):
        LoopbackServer().route("GET", path, json={})


# -- ports --------------------------------------------------------------------------


def test_a_fixed_port_is_bound_and_served() -> None:
    port = free_port()
    with LoopbackServer(port=port) as server:
        server.route("GET", "/ping", json={"ok": True})
        assert server.port == port
        assert server.url == f"http://127.0.0.1:{port}"
        assert httpx2.get(f"http://127.0.0.1:{port}/ping").json() == {"ok": True}


def test_a_taken_port_raises_port_in_use_error_and_the_server_can_start_later() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port: int = listener.getsockname()[1]
    server = LoopbackServer(port=port)
    with listener, pytest.raises(PortInUseError, match=f"port {port} .* port=0") as info:
        server.start()
    assert isinstance(info.value, OSError)
    assert isinstance(info.value, SdkError)
    assert info.value.errno == errno.EADDRINUSE
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with server:
        assert server.port == port


def test_a_restart_on_the_same_port_works_while_old_connections_are_in_time_wait() -> None:
    port = free_port()
    for _ in range(2):
        with LoopbackServer(port=port) as server, client(server) as http:
            server.route("GET", "/a", json=1)
            for _ in range(3):  # the server hangs up first: its side waits in TIME_WAIT
                assert http.get("/a", headers={"Connection": "close"}).json() == 1
        bare = socket.socket()
        with bare, pytest.raises(OSError, match="in use") as info:  # without SO_REUSEADDR
            bare.bind(("127.0.0.1", port))
        assert info.value.errno == errno.EADDRINUSE


@pytest.mark.parametrize(
    ("port", "max_body_kept", "message"),
    [(-1, 0, "port=-1 must be"), (65_536, 0, "port=65536 must be"), (0, -1, "max_body_kept=-1")],
)
def test_a_bad_port_or_body_bound_raises_value_error(
    port: int, max_body_kept: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        LoopbackServer(port=port, max_body_kept=max_body_kept)
