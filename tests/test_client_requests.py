"""How the clients build requests and name errors, seen from the server's side.

Base URL joining, query params, JSON body and ``extra_body``, headers with ``Omit``,
default and auth headers, ``make_request_options``, the sentinel headers that never leave,
the status-to-error table for every status, error bodies, ``_make_status_error``, and
closing (context managers, ``close()`` twice, an injected ``http_client`` left open).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from sdkcore import (
    NOT_GIVEN,
    OVERRIDE_CAST_TO_HEADER,
    RAW_RESPONSE_HEADER,
    APIConnectionError,
    APIResponse,
    APIStatusError,
    AsyncAPIClient,
    AuthenticationError,
    BadRequestError,
    BinaryAPIResponse,
    ConflictError,
    FinalRequestOptions,
    InternalServerError,
    NotFoundError,
    Omit,
    PermissionDeniedError,
    RateLimitError,
    SyncAPIClient,
    UnprocessableEntityError,
    make_request_options,
    to_custom_raw_response_wrapper,
    to_raw_response_wrapper,
)
from sdkcore._options import ReturnMode
from sdkcore.testing import RecordedWaits, Reply

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sdkcore._types import Headers, Query
    from sdkcore.testing import LoopbackServer, Request

KEY = "sk-test-0000"


class Client(SyncAPIClient):
    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {KEY}"}

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


class AsyncClient(AsyncAPIClient):
    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {KEY}"}

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def create(
    client: SyncAPIClient,
    path: str,
    *,
    body: object | None = None,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
    extra_body: Mapping[str, object] | None = None,
) -> Any:
    """An SDK method, as generated code writes one."""
    options = make_request_options(
        extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body
    )
    return client.post(path, cast_to=object, body=body, options=options)


raw_create = to_raw_response_wrapper(create)


def only(route_requests: list[Request]) -> Request:
    [request] = route_requests
    return request


# --- URLs and params --------------------------------------------------------------------------


@pytest.mark.parametrize("base_path", ["/v1", "/v1/"])
@pytest.mark.parametrize("path", ["things", "/things"])
def test_paths_join_the_base_url_with_or_without_slashes(
    loopback_server: LoopbackServer, base_path: str, path: str
) -> None:
    route = loopback_server.route("GET", "/v1/things", json=[])
    with Client(loopback_server.url + base_path) as client:
        assert client.get(path, cast_to=object) == []
    assert route.calls == 1


def test_an_absolute_url_is_used_as_is(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("GET", "/elsewhere", json={})
    with Client(loopback_server.url + "/v1") as client:
        client.get(loopback_server.url_for("/elsewhere"), cast_to=object)
    assert route.calls == 1


def test_params_and_extra_query_reach_the_query_string(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("*", "/q", json={})
    with Client(loopback_server.url) as client:
        create(client, "/q", extra_query={"limit": 10, "q": "a b&c", "tag": ["x", "y"]})
        client.get("/q", cast_to=object, options={"params": {"page": 2}})
    first = route.requests[0]
    assert first.query_items == [("limit", "10"), ("q", "a b&c"), ("tag", "x"), ("tag", "y")]
    assert loopback_server.requests[-1].query == {"page": "2"}


# --- bodies -----------------------------------------------------------------------------------


def test_a_json_body_is_sent_as_json(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/b", json={})
    with Client(loopback_server.url) as client:
        create(client, "/b", body={"name": "é", "n": [1, 2]})
    request = only(route.requests)
    assert request.json() == {"name": "é", "n": [1, 2]}
    assert request.headers["content-type"] == "application/json"


def test_extra_body_merges_into_the_json_body(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/b", json={})
    with Client(loopback_server.url) as client:
        create(client, "/b", body={"a": 1, "b": 2}, extra_body={"b": 3, "c": 4})
        create(client, "/b", extra_body={"only": True})
    first, second = route.requests
    assert first.json() == {"a": 1, "b": 3, "c": 4}
    assert second.json() == {"only": True}


def test_extra_body_cannot_merge_into_a_list_body(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/b", json={})
    with Client(loopback_server.url) as client, pytest.raises(TypeError, match="extra_body"):
        create(client, "/b", body=[1, 2], extra_body={"c": 4})
    assert route.calls == 0


def test_no_body_sends_no_content(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/b", json={})
    with Client(loopback_server.url) as client:
        create(client, "/b")
    request = only(route.requests)
    assert request.body == b""
    assert "content-type" not in request.headers


# --- headers ----------------------------------------------------------------------------------


def test_default_auth_and_custom_headers_are_sent(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("GET", "/h", json={})
    with Client(loopback_server.url, default_headers={"X-Team": "core"}) as client:
        client.get("/h", cast_to=object)
    headers = only(route.requests).headers
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["x-team"] == "core"


def test_call_headers_replace_defaults_whatever_their_case(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/h", json={})
    with Client(loopback_server.url, default_headers={"X-Team": "core"}) as client:
        create(
            client, "/h", extra_headers={"accept": "text/plain", "AUTHORIZATION": "Bearer other"}
        )
    headers = only(route.requests).headers
    assert headers.get_all("accept") == ["text/plain"]
    assert headers.get_all("authorization") == ["Bearer other"]
    assert headers["x-team"] == "core"


def test_omit_removes_a_default_header_whatever_its_case(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/h", json={})
    with Client(loopback_server.url) as client:
        create(client, "/h", extra_headers={"authorization": Omit(), "Accept": Omit()})
    headers = only(route.requests).headers
    assert "authorization" not in headers
    assert headers.get_all("accept") == ["*/*"]  # httpx2's own default


def test_an_idempotency_key_header_given_by_the_caller_wins(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/h", json={})
    with Client(loopback_server.url) as client:
        create(client, "/h", extra_headers={"idempotency-key": "mine"})
    assert only(route.requests).headers.get_all("idempotency-key") == ["mine"]


def test_an_sdk_can_override_default_headers(loopback_server: LoopbackServer) -> None:
    class Versioned(Client):
        @property
        def default_headers(self) -> dict[str, str | Omit]:
            return {**super().default_headers, "X-Api-Version": "2024-01-01", "Accept": Omit()}

    route = loopback_server.route("GET", "/h", json={})
    with Versioned(loopback_server.url) as client:
        client.get("/h", cast_to=object)
    headers = only(route.requests).headers
    assert headers["x-api-version"] == "2024-01-01"
    assert headers["accept"] == "*/*"


# --- options ----------------------------------------------------------------------------------


def test_make_request_options_leaves_out_what_is_not_given() -> None:
    assert make_request_options() == {}
    assert make_request_options(timeout=NOT_GIVEN, max_retries=NOT_GIVEN) == {}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"extra_headers": {"A": "1"}}, {"headers": {"A": "1"}}),
        ({"extra_query": {"q": 1}}, {"params": {"q": 1}}),
        ({"extra_body": {"b": 2}}, {"extra_json": {"b": 2}}),
        ({"timeout": 3.0}, {"timeout": 3.0}),
        ({"timeout": None}, {"timeout": None}),
        ({"max_retries": 0}, {"max_retries": 0}),
        ({"idempotency_key": "k"}, {"idempotency_key": "k"}),
        ({"stream_idle_timeout": None}, {"stream_idle_timeout": None}),
        ({"sse_reconnect": 2}, {"sse_reconnect": 2}),
    ],
)
def test_make_request_options_keeps_each_given_argument(
    kwargs: dict[str, Any], expected: dict[str, object]
) -> None:
    assert make_request_options(**kwargs) == expected


def test_a_post_parser_is_kept_and_applied(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/p", json={"n": 1})
    options = make_request_options(post_parser=lambda value: value["n"] + 1)
    assert "post_parser" in options
    with Client(loopback_server.url) as client:
        assert client.get("/p", cast_to=object, options=options) == 2


def test_final_request_options_strip_the_sentinel_headers() -> None:
    token_options = make_request_options(extra_headers={RAW_RESPONSE_HEADER: "raw", "X-A": "1"})
    options = FinalRequestOptions.build("get", "/x", options=token_options)
    assert options.return_mode is ReturnMode.RAW
    assert options.headers == {"X-A": "1"}


def test_the_sentinel_headers_never_reach_the_server(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/s", body=b"\x00\x01")
    binary = to_custom_raw_response_wrapper(create, BinaryAPIResponse)
    with Client(loopback_server.url) as client:
        response = binary(client, "/s")
        assert isinstance(response, BinaryAPIResponse)
        assert response.read() == b"\x00\x01"
        raw = raw_create(client, "/s")
        assert isinstance(raw, APIResponse)
    for request in route.requests:
        sent = {name.lower() for name, _ in request.headers.raw}
        assert RAW_RESPONSE_HEADER.lower() not in sent
        assert OVERRIDE_CAST_TO_HEADER.lower() not in sent


def test_request_takes_final_request_options(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("PATCH", "/r", json={"ok": True})
    options = FinalRequestOptions(
        method="patch", url="/r", params={"a": "1"}, headers={"X-B": "2"}, json_data={"c": 3}
    )
    with Client(loopback_server.url) as client:
        assert client.request(object, options) == {"ok": True}
    request = only(route.requests)
    assert (request.query, request.headers["x-b"], request.json()) == ({"a": "1"}, "2", {"c": 3})


# --- status errors ----------------------------------------------------------------------------


def status_from_path(request: Request) -> Reply:
    status = int(request.path.rsplit("/", 1)[1])
    return Reply(
        status=status, json={"error": {"status": status}}, headers={"x-request-id": "req_1"}
    )


def expected_class(status: int) -> type[APIStatusError]:
    table: dict[int, type[APIStatusError]] = {
        400: BadRequestError,
        401: AuthenticationError,
        403: PermissionDeniedError,
        404: NotFoundError,
        409: ConflictError,
        422: UnprocessableEntityError,
        429: RateLimitError,
    }
    return InternalServerError if status >= 500 else table.get(status, APIStatusError)


def test_every_error_status_raises_its_class(loopback_server: LoopbackServer) -> None:
    for status in range(400, 600):
        loopback_server.route("GET", f"/status/{status}", handler=status_from_path)
    with Client(loopback_server.url, max_retries=0) as client:
        for status in range(400, 600):
            with pytest.raises(APIStatusError) as info:
                client.get(f"/status/{status}", cast_to=object)
            error = info.value
            assert type(error) is expected_class(status), status
            assert error.status_code == status
            assert error.body == {"error": {"status": status}}
            assert error.request_id == "req_1"
            assert str(error) == f"Error code: {status} - {{'error': {{'status': {status}}}}}"


@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 418, 422, 429, 500, 503, 599])
async def test_every_error_status_raises_its_class_async(
    loopback_server: LoopbackServer, status: int
) -> None:
    loopback_server.route("GET", f"/status/{status}", handler=status_from_path)
    async with AsyncClient(loopback_server.url, max_retries=0) as client:
        with pytest.raises(APIStatusError) as info:
            await client.get(f"/status/{status}", cast_to=object)
    assert type(info.value) is expected_class(status)


@pytest.mark.parametrize(
    ("reply", "body"),
    [
        (Reply(status=400, json={"error": "no"}), {"error": "no"}),
        (Reply(status=400, text="plain words"), "plain words"),
        (Reply(status=400, body=b'{"json": "without its type"}'), {"json": "without its type"}),
        (Reply(status=400, body=b"\xff\xfe not utf-8"), "\ufffd\ufffd not utf-8"),
        (Reply(status=400), None),
    ],
    ids=["json", "text", "untyped-json", "bad-utf8", "empty"],
)
def test_the_error_body_is_the_parsed_json_or_the_text(
    loopback_server: LoopbackServer, reply: Reply, body: object
) -> None:
    loopback_server.route("GET", "/e", reply)
    with Client(loopback_server.url) as client, pytest.raises(BadRequestError) as info:
        client.get("/e", cast_to=object)
    assert info.value.body == body
    assert info.value.response.status_code == 400


class TeapotError(APIStatusError):
    pass


class CustomErrors(Client):
    def _make_status_error(
        self, err_msg: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        if response.status_code == 418:
            return TeapotError(f"teapot: {err_msg}", response=response, body=body)
        return super()._make_status_error(err_msg, body=body, response=response)


def test_an_sdks_make_status_error_is_used(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/tea", status=418, json={"brew": "no"})
    loopback_server.route("GET", "/gone", status=404, json={})
    with CustomErrors(loopback_server.url) as client:
        with pytest.raises(TeapotError, match=r"^teapot: Error code: 418"):
            client.get("/tea", cast_to=object)
        with pytest.raises(NotFoundError):
            client.get("/gone", cast_to=object)


def test_an_sdks_make_status_error_is_used_for_a_stream_retry(
    loopback_server: LoopbackServer,
) -> None:
    from sdkcore import Stream

    def teapot_on_retry(request: Request) -> Reply:
        if request.attempt == 1:
            return Reply(sse=[{"data": {"error": {"type": "overloaded"}}}])
        return Reply(status=418, json={})

    loopback_server.route("GET", "/events", handler=teapot_on_retry)
    with CustomErrors(loopback_server.url) as client:
        stream = client.get("/events", cast_to=dict, stream=True, stream_cls=Stream[dict])
        with stream, pytest.raises(TeapotError):
            list(stream)


# --- closing ----------------------------------------------------------------------------------


def test_a_client_closes_its_own_pool_on_exit_and_close_twice_is_harmless() -> None:
    with Client("http://127.0.0.1:9") as client:
        http = client._client
        assert not http.is_closed
    assert http.is_closed
    client.close()
    client.close()


@pytest.mark.anyio
async def test_a_client_closes_its_own_pool_on_exit_and_close_twice_is_harmless_async() -> None:
    async with AsyncClient("http://127.0.0.1:9") as client:
        http = client._client
    assert http.is_closed
    await client.close()
    await client.close()


def test_an_injected_http_client_is_left_open(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/ok", json={"ok": True})
    with httpx2.Client() as http:
        with Client(loopback_server.url, http_client=http) as client:
            client.get("/ok", cast_to=object)
        client.close()
        assert not http.is_closed
        assert http.get(loopback_server.url_for("/ok")).json() == {"ok": True}


@pytest.mark.anyio
async def test_an_injected_http_client_is_left_open_async(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/ok", json={"ok": True})
    async with httpx2.AsyncClient() as http:
        async with AsyncClient(loopback_server.url, http_client=http) as client:
            await client.get("/ok", cast_to=object)
        await client.close()
        assert not http.is_closed
        assert (await http.get(loopback_server.url_for("/ok"))).json() == {"ok": True}


def test_the_default_pool_is_bounded() -> None:
    with Client("http://127.0.0.1:9") as client:
        pool: Any = client._client._transport._pool  # type: ignore[attr-defined]  # httpcore2 pool
        assert pool._max_connections == 1000
        assert pool._max_keepalive_connections == 100


# --- what a new user gets wrong first ----------------------------------------------------------


@pytest.mark.parametrize("base_url", ["not-a-url", "ftp://files.example", "://x", "/v1", "http://"])
def test_a_base_url_that_is_not_http_is_refused_when_the_client_is_made(base_url: str) -> None:
    for client_class in (SyncAPIClient, AsyncAPIClient):
        with pytest.raises(ValueError, match="base_url") as info:
            client_class(base_url)
        assert repr(base_url) in str(info.value)


def unanswered_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_refused_connection_reads_the_same_sync_and_async() -> None:
    url = f"http://127.0.0.1:{unanswered_port()}"
    with Client(url, max_retries=0) as client, pytest.raises(APIConnectionError) as sync_info:
        client.get("/x", cast_to=object)

    async def refused() -> str:
        async with AsyncClient(url, max_retries=0) as aclient:
            with pytest.raises(APIConnectionError) as info:
                await aclient.get("/x", cast_to=object)
        return str(info.value)

    import anyio

    port = url.rsplit(":")[-1]
    expected = f"Could not connect to 127.0.0.1:{port}: the connection was refused, or the host"
    assert str(sync_info.value).startswith(expected)
    for backend in ("asyncio", "trio"):
        assert anyio.run(refused, backend=backend) == str(sync_info.value)
