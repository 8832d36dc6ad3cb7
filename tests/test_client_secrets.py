"""A canary key never shows: not in a log line of the ``sdkcore`` logger (at DEBUG), not in
``repr(client)``, not in the ``str``/``repr`` of any error raised by a misbehaving server
(even one that echoes the key back), and never sent to another origin.
"""

from __future__ import annotations

import logging
import pickle
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from sdkcore import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncAPIClient,
    AsyncStream,
    AuthenticationError,
    BodyTooLargeError,
    FinalRequestOptions,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    Stream,
    SyncAPIClient,
    make_request_options,
    to_streamed_response_wrapper,
)
from sdkcore._secrets import redact_headers, redact_url, scrub_secrets
from sdkcore.testing import CutAfter, FailTimes, RecordedWaits, Reply, Stall

if TYPE_CHECKING:
    from collections.abc import Callable

    from sdkcore._types import Headers
    from sdkcore.testing import LoopbackServer, Request

CANARY = "sk-canary-5f3e9d1c7b2a"
SESSION = "sess-canary-91d2e7f0"
SECRETS = (CANARY, SESSION)


class Client(SyncAPIClient):
    _secret_headers = frozenset({"X-Api-Key", "X-Session-Token"})  # no "authorization" given

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {CANARY}", "X-Api-Key": CANARY}

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


class AsyncClient(AsyncAPIClient):
    _secret_headers = frozenset({"X-Api-Key", "X-Session-Token"})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {CANARY}", "X-Api-Key": CANARY}

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def fetch(client: SyncAPIClient, path: str, *, extra_headers: Headers | None = None) -> Any:
    options = make_request_options(extra_headers=extra_headers)
    return client.get(path, cast_to=object, options=options)


streamed_fetch = to_streamed_response_wrapper(fetch)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert CANARY.removeprefix("sk-") not in text


def assert_error_shows_no_secret(error: BaseException) -> None:
    seen: BaseException | None = error
    while seen is not None:  # the chain too: __cause__ / __context__
        assert_no_secret(str(seen))
        assert_no_secret(repr(seen))
        assert_no_secret(repr(seen.args))
        seen = seen.__cause__ or seen.__context__


def echo_the_key(request: Request) -> Reply:
    """A 401 that quotes the credential it got, as some APIs do."""
    key = request.headers.get("x-api-key", "")
    auth = request.headers.get("authorization", "")
    message = f"Incorrect API key provided: {key} (header: {auth})"
    return Reply(status=401, json={"error": {"message": message}})


def echo_as_text(request: Request) -> Reply:
    return Reply(status=404, text=f"no such thing for {request.headers.get('x-session-token')}")


def error_event(request: Request) -> Reply:
    return Reply(sse=[{"data": {"error": {"message": "bad request", "status": 400}}}])


def error_event_echoing_the_key(request: Request) -> Reply:
    message = f"bad request for key {request.headers.get('x-api-key')}"
    return Reply(sse=[{"data": {"error": {"message": message, "status": 400}}}])


def install_scenarios(server: LoopbackServer, other: LoopbackServer) -> None:
    server.route("GET", "/ok", json={"ok": True})
    server.route("GET", "/echo-key", handler=echo_the_key)
    server.route("GET", "/echo-text", handler=echo_as_text)
    server.route("GET", "/busy", json={}, fault=FailTimes(99, status=503))
    server.route(
        "GET",
        "/slow-down",
        json={},
        fault=FailTimes(99, status=429, headers={"retry-after": "600"}),
    )
    server.route("GET", "/drop", json={}, fault=FailTimes(99, drop=True))
    server.route("GET", "/stall", json={}, fault=Stall(5, before_headers=True))
    server.route("GET", "/cut", json={"a": "x" * 1000}, fault=CutAfter(100))
    server.route("GET", "/bad-json", body=b"{oops", content_type="application/json")
    server.route("GET", "/big", body=b"x" * 5000)
    server.route("GET", "/error-event", handler=error_event)
    server.redirect("/elsewhere", other.url_for("/landing"))
    server.redirect("/loop", "/loop")
    other.route("GET", "/landing", json={"landed": True})


EXPECTED = {
    "/echo-key": AuthenticationError,
    "/echo-text": NotFoundError,
    "/busy": InternalServerError,
    "/slow-down": RateLimitError,
    "/drop": APIConnectionError,
    "/stall": APITimeoutError,
    "/cut": APIConnectionError,
    "/bad-json": APIResponseValidationError,
    "/big": BodyTooLargeError,
    "/loop": APIConnectionError,
}


def run_scenarios(client: Client) -> list[BaseException]:
    errors: list[BaseException] = []
    headers = {"X-Session-Token": SESSION}
    assert fetch(client, "/ok", extra_headers=headers) == {"ok": True}
    assert fetch(client, "/elsewhere", extra_headers=headers) == {"landed": True}
    for path, error_class in EXPECTED.items():
        with pytest.raises(error_class) as info:
            fetch(client, path, extra_headers=headers)
        errors.append(info.value)
    with streamed_fetch(client, "/cut") as response, pytest.raises(APIConnectionError) as cut:
        response.read()
    errors.append(cut.value)
    stream = client.get("/error-event", cast_to=dict, stream=True, stream_cls=Stream[dict])
    with stream, pytest.raises(APIStatusError) as event:
        list(stream)
    errors.append(event.value)
    return errors


@pytest.fixture
def other_origin(loopback_server_factory: Callable[[], LoopbackServer]) -> LoopbackServer:
    return loopback_server_factory()


def test_the_canary_key_never_shows_in_logs_reprs_or_errors(
    loopback_server: LoopbackServer, other_origin: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    install_scenarios(loopback_server, other_origin)
    http = httpx2.Client(follow_redirects=True, max_redirects=3)
    with caplog.at_level(logging.DEBUG, logger="sdkcore"), http:
        client = Client(loopback_server.url, http_client=http, max_body_size=1000, timeout=0.3)
        with client:
            errors = run_scenarios(client)
            assert_no_secret(repr(client))
    assert len(errors) == len(EXPECTED) + 2
    for error in errors:
        assert_error_shows_no_secret(error)
    ours = [record for record in caplog.records if record.name.startswith("sdkcore")]
    assert len(ours) > 20
    for record in ours:
        assert_no_secret(record.getMessage())
    assert "<redacted>" in caplog.text
    assert_no_secret(str(other_origin.requests))


def test_the_server_got_the_credentials_the_logs_hid(
    loopback_server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    route = loopback_server.route("GET", "/ok", json={})
    with caplog.at_level(logging.DEBUG, logger="sdkcore"), Client(loopback_server.url) as client:
        fetch(client, "/ok", extra_headers={"X-Session-Token": SESSION})
    [request] = route.requests
    assert request.headers["authorization"] == f"Bearer {CANARY}"
    assert request.headers["x-session-token"] == SESSION
    assert "'X-Session-Token': '<redacted>'" in caplog.text.replace('"', "'").replace(
        "x-session-token", "X-Session-Token"
    )


@pytest.mark.anyio
async def test_the_canary_key_never_shows_in_logs_reprs_or_errors_async(
    loopback_server: LoopbackServer, other_origin: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    install_scenarios(loopback_server, other_origin)
    http = httpx2.AsyncClient(follow_redirects=True, max_redirects=3)
    errors: list[BaseException] = []
    with caplog.at_level(logging.DEBUG, logger="sdkcore"):
        async with (
            http,
            AsyncClient(
                loopback_server.url, http_client=http, max_body_size=1000, timeout=0.3
            ) as client,
        ):
            assert_no_secret(repr(client))
            assert await client.get("/elsewhere", cast_to=object) == {"landed": True}
            for path, error_class in EXPECTED.items():
                with pytest.raises(error_class) as info:
                    await client.get(path, cast_to=object)
                errors.append(info.value)
            stream = await client.get(
                "/error-event", cast_to=dict, stream=True, stream_cls=AsyncStream[dict]
            )
            async with stream:
                with pytest.raises(APIStatusError) as event:
                    await anext(aiter(stream))
            errors.append(event.value)
    for error in errors:
        assert_error_shows_no_secret(error)
    for record in caplog.records:
        assert_no_secret(record.getMessage())


def test_repr_of_a_client_redacts_auth_and_every_marked_header() -> None:
    client = Client(
        "http://127.0.0.1:9", default_headers={"X-Session-Token": SESSION, "X-Team": "a"}
    )
    with client:
        text = repr(client)
    assert_no_secret(text)
    assert text.count("<redacted>") == 3
    assert "'X-Team': 'a'" in text
    assert "base_url='http://127.0.0.1:9" in text


def test_the_log_lines_tell_request_status_retries_and_delays(
    loopback_server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    loopback_server.route("GET", "/flaky", json={}, fault=FailTimes(1, status=503))
    loopback_server.route("GET", "/drop", json={}, fault=FailTimes(1, drop=True))
    with caplog.at_level(logging.DEBUG, logger="sdkcore"), Client(loopback_server.url) as client:
        fetch(client, "/flaky")
        fetch(client, "/drop")
    lines = [(r.name, r.getMessage()) for r in caplog.records if r.name.startswith("sdkcore")]
    attempts = [m for name, m in lines if name == "sdkcore.http"]
    flaky, drop = loopback_server.url_for("/flaky"), loopback_server.url_for("/drop")
    assert [m.split(" in ")[0] for m in attempts] == [
        f"GET {flaky} 503",
        f"GET {flaky} 200",
        f"GET {drop} RemoteProtocolError",
        f"GET {drop} 200",
    ]
    retries = [m.partition(" headers=")[0].rpartition(" (")[2] for m in attempts]
    assert retries == ["retry 0)", "retry 1)", "retry 0)", "retry 1)"]
    assert ("sdkcore.retry", f"Retrying GET {flaky} (retry in 0.50s)") in lines
    assert ("sdkcore.retry", f"Retrying GET {drop} (retry in 0.50s)") in lines
    assert all(r.levelno <= logging.INFO for r in caplog.records if r.name.startswith("sdkcore"))
    assert_no_secret("\n".join(m for _, m in lines))


def test_scrub_secrets_replaces_whole_values_and_bare_tokens() -> None:
    headers = [("Authorization", f"Bearer {CANARY}"), ("Accept", "application/json")]
    text = f"got Bearer {CANARY}; token {CANARY}; accept application/json"
    scrubbed = scrub_secrets(text, headers, {"authorization"})
    assert scrubbed == "got <redacted>; token <redacted>; accept application/json"


def test_scrub_secrets_leaves_short_values_alone() -> None:
    assert scrub_secrets("a 1 b", {"X-Api-Key": "1"}, {"x-api-key"}) == "a 1 b"


def test_redact_headers_compares_names_case_insensitively() -> None:
    redacted = redact_headers({"X-API-KEY": CANARY, "x-trace": "t"}, {"x-api-key"})
    assert redacted == {"X-API-KEY": "<redacted>", "x-trace": "t"}


def test_repr_of_request_options_hides_secret_headers() -> None:
    options = FinalRequestOptions(
        method="get", url="/", headers={"Authorization": f"Bearer {CANARY}"}
    )
    assert_no_secret(repr(options))


def test_an_error_event_echoing_the_key_does_not_show_it(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/error-event", handler=error_event_echoing_the_key)
    with Client(loopback_server.url) as client:
        stream = client.get("/error-event", cast_to=dict, stream=True, stream_cls=Stream[dict])
        with stream, pytest.raises(APIStatusError) as event:
            list(stream)
    assert_error_shows_no_secret(event.value)


# --- secrets in query strings ----------------------------------------------------------------

QUERY_KEY = "qk-5e3c7a1b9d2f4e6a8c0b"


class QueryKeyClient(SyncAPIClient):
    """An API that takes its key in the query string, under a name of its own too."""

    _secret_query_params = frozenset({"key", "api_key", "access_token", "Signature"})

    def __init__(self, base_url: str, **settings: Any) -> None:
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})


def echo_the_query(request: Request) -> Reply:
    return Reply(status=400, json={"error": {"message": f"bad request {request.target}"}})


@pytest.mark.parametrize("name", ["key", "api_key", "access_token", "signature"])
def test_a_key_in_the_query_string_never_shows_in_logs_reprs_or_errors(
    loopback_server: LoopbackServer, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    loopback_server.route("GET", "/echo", handler=echo_the_query)
    loopback_server.route("GET", "/busy", json={}, fault=FailTimes(99, status=503))
    loopback_server.route("GET", "/drop", json={}, fault=FailTimes(99, drop=True))
    params = {name: QUERY_KEY, "limit": 2}
    errors: list[BaseException] = []
    with (
        caplog.at_level(logging.DEBUG, logger="sdkcore"),
        QueryKeyClient(loopback_server.url, max_retries=1) as client,
    ):
        for path in ("/echo", "/busy", "/drop"):
            with pytest.raises(APIError) as info:
                client.get(path, cast_to=object, options={"params": params})
            errors.append(info.value)
        shown = [repr(client), caplog.text]
    if name != "signature":  # options know only sdkcore's default secret names
        options = FinalRequestOptions(method="get", url=f"/echo?{name}={QUERY_KEY}", params=params)
        shown.append(repr(options))
    assert QUERY_KEY in loopback_server.requests[0].target  # the server did get it
    for text in shown + [str(e) for e in errors] + [repr(e) for e in errors]:
        assert QUERY_KEY not in text
    for error in errors:
        assert_error_shows_no_secret(error)
    assert f"{name}=<redacted>" in caplog.text
    assert "limit=2" in caplog.text


def test_redact_url_keeps_the_url_and_hides_only_secret_values() -> None:
    url = f"https://h/v1/x?Key={QUERY_KEY}&limit=2&token=t0k3n#frag"
    assert redact_url(url) == "https://h/v1/x?Key=<redacted>&limit=2&token=<redacted>#frag"
    assert redact_url("https://h/v1/x") == "https://h/v1/x"
    assert redact_url("https://h/?limit=2", {"limit"}) == "https://h/?limit=<redacted>"


def test_an_error_while_reading_a_body_pickles_without_the_clients_secret_headers(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/cut", text="x" * 10_000, fault=CutAfter(100))
    headers = {"X-Session-Token": SESSION}  # secret for this client only, not by default
    with (
        Client(loopback_server.url, max_retries=0) as client,
        streamed_fetch(client, "/cut", extra_headers=headers) as response,
        pytest.raises(APIConnectionError) as info,
    ):
        response.read()
    data = pickle.dumps(info.value)
    assert SESSION.encode() not in data
    assert CANARY.encode() not in data
    assert "<redacted>" in pickle.loads(data).request.headers["x-session-token"]


PASSWORD = "pw-canary-3b8e1f"


def test_credentials_in_the_base_url_never_show_in_logs_reprs_or_errors(
    loopback_server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    loopback_server.route("GET", "/missing", handler=echo_as_text)
    base_url = loopback_server.url.replace("http://", f"http://me:{PASSWORD}@")
    with (
        caplog.at_level(logging.DEBUG, logger="sdkcore"),
        Client(base_url, max_retries=0) as client,
    ):
        with pytest.raises(NotFoundError) as info:
            fetch(client, "/missing")
        shown = [repr(client), caplog.text, str(info.value), repr(info.value)]
    for text in shown:
        assert PASSWORD not in text
    assert "http://<redacted>@127.0.0.1" in caplog.text


def test_redact_url_hides_the_userinfo_of_an_absolute_url_only() -> None:
    assert redact_url("https://me:pw@h/x?key=k") == "https://<redacted>@h/x?key=<redacted>"
    assert redact_url("https://me@h:8443/") == "https://<redacted>@h:8443/"
    assert redact_url("https://h/a@b?to=c@d#e@f") == "https://h/a@b?to=c@d#e@f"
    assert redact_url("/relative/a@b") == "/relative/a@b"
    assert redact_url("https://me:pw@h/", userinfo="REDACTED:REDACTED") == (
        "https://REDACTED:REDACTED@h/"
    )


def test_a_status_error_pickles_without_the_clients_secret_headers(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/echo-text", handler=echo_as_text)
    with Client(loopback_server.url, max_retries=0) as client, pytest.raises(NotFoundError) as info:
        fetch(client, "/echo-text", extra_headers={"X-Session-Token": SESSION})
    data = pickle.dumps(info.value)
    assert SESSION.encode() not in data
    assert "<redacted>" in pickle.loads(data).request.headers["x-session-token"]
