"""Configuration (CONTRACT section 8): copies with ``with_options``, default query, the
User-Agent and retry count, a base URL's own query, error fields, pickling and hooks.
"""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING, Any

import pytest

from sdkcore import (
    APIConnectionError,
    APIStatusError,
    AsyncAPIClient,
    Hooks,
    NotFoundError,
    SdkError,
    SyncAPIClient,
    make_request_options,
)
from sdkcore.testing import FailTimes, RecordedWaits, Reply

if TYPE_CHECKING:
    import httpx2

    from sdkcore.testing import LoopbackServer, Request

pytestmark = pytest.mark.anyio

KEY = "sk-config-3f1c2e9a7b5d"


class Acme(SyncAPIClient):
    """An SDK client with an argument of its own, as SDK authors write them."""

    _user_agent = "acme-python/1.2.0"
    _secret_headers = frozenset({"x-api-key"})

    def __init__(self, *, api_key: str, base_url: str, region: str = "eu", **settings: Any) -> None:
        self.api_key = api_key
        self.region = region
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"X-Api-Key": self.api_key, "X-Region": self.region}


class AsyncAcme(AsyncAPIClient):
    _user_agent = "acme-python/1.2.0"

    def __init__(self, *, api_key: str, base_url: str, **settings: Any) -> None:
        self.api_key = api_key
        super().__init__(base_url, **{"_timing": RecordedWaits().timing, **settings})

    @property
    def auth_headers(self) -> dict[str, str]:
        return {"X-Api-Key": self.api_key}


class Fixed(SyncAPIClient):
    """An SDK whose constructor takes none of sdkcore's settings."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url, _timing=RecordedWaits().timing)


# --- with_options ----------------------------------------------------------------------------


def test_with_options_makes_the_same_client_with_the_given_changes(
    server: LoopbackServer,
) -> None:
    route = server.route("GET", "/x", json={})
    with Acme(api_key=KEY, base_url=server.url, region="us", max_retries=1) as client:
        copy = client.with_options(api_key="sk-other-000000000", timeout=3.0)
        assert type(copy) is Acme
        assert (copy.api_key, copy.region, copy.max_retries, copy.timeout) == (
            "sk-other-000000000",
            "us",
            1,
            3.0,
        )
        assert (client.api_key, client.timeout) == (KEY, client.timeout)  # unchanged
        client.get("/x", cast_to=object)
        copy.get("/x", cast_to=object)
    assert [r.headers["x-api-key"] for r in route.requests] == [KEY, "sk-other-000000000"]
    assert route.requests[0].connection == route.requests[1].connection  # one pool


def test_copy_is_with_options_and_closing_it_leaves_the_pool_open(server: LoopbackServer) -> None:
    server.route("GET", "/x", json={"ok": True})
    with Acme(api_key=KEY, base_url=server.url) as client:
        copy = client.copy(max_retries=0)
        copy.close()
        assert client.get("/x", cast_to=dict) == {"ok": True}
        assert client._client is copy._client
        assert not client._client.is_closed


def test_a_setting_the_sdks_constructor_does_not_take_still_changes(server: LoopbackServer) -> None:
    with Fixed(server.url) as client:
        copy = client.with_options(max_retries=5, max_retry_after=3.0)
        again = copy.with_options(timeout=2.0)
        assert (copy.max_retries, copy.max_retry_after) == (5, 3.0)
        assert (again.max_retries, again.max_retry_after, again.timeout) == (5, 3.0, 2.0)
        assert client.max_retries == 2
        with pytest.raises(TypeError, match="unexpected setting 'colour'"):
            client.with_options(colour="blue")


def test_default_headers_merge_and_set_default_headers_replace(server: LoopbackServer) -> None:
    route = server.route("GET", "/x", json={})
    with Acme(api_key=KEY, base_url=server.url, default_headers={"X-Team": "a"}) as client:
        merged = client.with_options(default_headers={"X-Trace": "t"})
        replaced = merged.with_options(set_default_headers={"X-Only": "o"})
        for each in (client, merged, replaced):
            each.get("/x", cast_to=object)
    first, second, third = route.requests
    assert first.headers.get("x-team") == "a"
    assert (second.headers.get("x-team"), second.headers.get("x-trace")) == ("a", "t")
    assert (third.headers.get("x-team"), third.headers.get("x-only")) == (None, "o")


def test_default_query_is_sent_with_every_request_and_merges_like_headers(
    server: LoopbackServer,
) -> None:
    route = server.route("GET", "/x", json={})
    with Acme(api_key=KEY, base_url=server.url, default_query={"v": "1", "lang": "en"}) as client:
        client.get("/x", cast_to=object, options={"params": {"lang": "fr", "n": 2}})
        client.with_options(default_query={"v": "2"}).get("/x", cast_to=object)
        client.with_options(set_default_query={"only": "o"}).get("/x", cast_to=object)
    assert [r.query for r in route.requests] == [
        {"v": "1", "lang": "fr", "n": "2"},
        {"v": "2", "lang": "en"},
        {"only": "o"},
    ]


async def test_with_options_on_an_async_client_shares_its_pool(server: LoopbackServer) -> None:
    route = server.route("GET", "/x", json={})
    async with AsyncAcme(api_key=KEY, base_url=server.url) as client:
        copy = client.with_options(api_key="sk-async-other-0000", max_retries=0)
        await copy.close()
        await client.get("/x", cast_to=object)
        await copy.get("/x", cast_to=object)
    assert [r.headers["x-api-key"] for r in route.requests] == [KEY, "sk-async-other-0000"]


# --- User-Agent and X-Retry-Count --------------------------------------------------------------


def test_each_request_names_the_sdk_sdkcore_and_python_and_retries_count_themselves(
    server: LoopbackServer,
) -> None:
    import platform

    import sdkcore

    route = server.route("POST", "/x", json={}, fault=FailTimes(2, status=503))
    with Acme(api_key=KEY, base_url=server.url) as client:
        client.post("/x", cast_to=object)
    agent = f"acme-python/1.2.0 sdkcore/{sdkcore.__version__} python/{platform.python_version()}"
    assert {r.headers["user-agent"] for r in route.requests} == {agent}
    assert [r.headers.get("x-retry-count") for r in route.requests] == [None, "1", "2"]


def test_the_retry_count_header_can_be_renamed_or_turned_off(server: LoopbackServer) -> None:
    class Renamed(Fixed):
        _retry_count_header = "X-Attempt-Retries"

    class Silent(Fixed):
        _retry_count_header = None

    route = server.route("GET", "/x", json={}, fault=FailTimes(1, status=503))
    with Renamed(server.url) as renamed:
        renamed.get("/x", cast_to=object)
    assert route.requests[1].headers["x-attempt-retries"] == "1"
    route = server.route("GET", "/y", json={}, fault=FailTimes(1, status=503))
    with Silent(server.url) as silent:
        silent.get("/y", cast_to=object)
    assert not any(name.endswith("retry-count") for name in route.requests[1].headers)


# --- a base URL with a query -------------------------------------------------------------------


def test_a_base_url_with_a_query_keeps_it_for_every_request(server: LoopbackServer) -> None:
    route = server.route("POST", "/openai/deployments/d1/chat/completions", json={})
    base = server.url_for("/openai/deployments/d1?api-version=2024-10-01")
    with Acme(api_key=KEY, base_url=base) as client:
        client.post("/chat/completions", cast_to=object, options={"params": {"n": 1}})
        assert str(client.base_url).endswith("/openai/deployments/d1/?api-version=2024-10-01")
    [request] = route.requests
    assert request.path == "/openai/deployments/d1/chat/completions"
    assert request.query == {"api-version": "2024-10-01", "n": "1"}


def test_a_call_may_override_a_parameter_of_the_base_urls_query(server: LoopbackServer) -> None:
    route = server.route("GET", "/v1/x", json={})
    with Acme(api_key=KEY, base_url=server.url_for("/v1?api-version=1")) as client:
        client.get("/x", cast_to=object, options={"params": {"api-version": "2"}})
    assert route.requests[0].query_items == [("api-version", "2")]


# --- error fields and pickling -----------------------------------------------------------------


def test_status_errors_carry_code_param_and_type_from_the_body(server: LoopbackServer) -> None:
    body = {"error": {"message": "No such model", "type": "invalid_request", "param": "model"}}
    server.route("GET", "/m", Reply(status=404, json={**body, "code": None}))
    server.route("GET", "/flat", Reply(status=400, json={"code": 12, "message": "bad"}))
    server.route("GET", "/text", Reply(status=400, text="plain words"))
    with Acme(api_key=KEY, base_url=server.url) as client:
        with pytest.raises(NotFoundError) as nested:
            client.get("/m", cast_to=object)
        with pytest.raises(APIStatusError) as flat:
            client.get("/flat", cast_to=object)
        with pytest.raises(APIStatusError) as text:
            client.get("/text", cast_to=object)
    assert (nested.value.type, nested.value.param, nested.value.code) == (
        "invalid_request",
        "model",
        None,
    )
    assert "No such model" in nested.value.message
    assert (flat.value.code, flat.value.type) == ("12", None)
    assert (text.value.code, text.value.param, text.value.type) == (None, None, None)


def echo_the_key(request: Request) -> Reply:
    return Reply(status=401, json={"error": {"message": f"bad key {request.headers['x-api-key']}"}})


def test_every_error_survives_pickle_without_its_secrets(server: LoopbackServer) -> None:
    server.route("GET", "/auth", handler=echo_the_key)
    server.route("GET", "/drop", json={}, fault=FailTimes(9, drop=True))
    errors: list[SdkError] = []
    with Acme(api_key=KEY, base_url=server.url, max_retries=0) as client:
        for path in ("/auth", "/drop"):
            with pytest.raises(SdkError) as info:
                client.get(path, cast_to=object, options={"params": {"api_key": KEY}})
            errors.append(info.value)
    for error in errors:
        data = pickle.dumps(error)
        assert KEY.encode() not in data
        again = pickle.loads(data)
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.request.method == "GET"
        assert "<redacted>" in again.request.headers["x-api-key"]
    status = pickle.loads(pickle.dumps(errors[0]))
    assert isinstance(status, APIStatusError)
    assert (status.status_code, status.response.status_code) == (401, 401)
    assert isinstance(pickle.loads(pickle.dumps(errors[1])), APIConnectionError)


def test_errors_raised_in_a_worker_process_arrive_whole() -> None:
    import concurrent.futures
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        future = pool.submit(_fail_in_a_worker)
        with pytest.raises(APIConnectionError, match="Could not connect"):
            future.result(timeout=60)


def _fail_in_a_worker() -> None:
    with SyncAPIClient("http://127.0.0.1:9", max_retries=0) as client:
        client.get("/x", cast_to=object)


# --- hooks -------------------------------------------------------------------------------------


def test_hooks_run_once_per_attempt_and_may_sign_the_request(server: LoopbackServer) -> None:
    route = server.route("GET", "/x", json={}, fault=FailTimes(1, status=503))
    seen: list[tuple[str, object, int]] = []

    def on_request(request: httpx2.Request, attempt: int) -> None:
        request.headers["X-Signature"] = f"signed-{attempt}"
        seen.append(("request", request.method, attempt))

    def on_response(response: httpx2.Response, attempt: int) -> None:
        seen.append(("response", response.status_code, attempt))

    def on_retry(response: httpx2.Response | None, attempt: int) -> None:
        seen.append(("retry", None if response is None else response.status_code, attempt))

    hooks = Hooks(on_request=on_request, on_response=on_response, on_retry=on_retry)
    with Acme(api_key=KEY, base_url=server.url, hooks=hooks) as client:
        client.get("/x", cast_to=object)
    assert seen == [
        ("request", "GET", 0),
        ("response", 503, 0),
        ("retry", 503, 0),
        ("request", "GET", 1),
        ("response", 200, 1),
    ]
    assert [r.headers["x-signature"] for r in route.requests] == ["signed-0", "signed-1"]


def test_the_retry_hook_gets_no_response_after_a_dropped_connection(server: LoopbackServer) -> None:
    server.route("GET", "/x", json={}, fault=FailTimes(1, drop=True))
    retries: list[tuple[object, int]] = []
    hooks = Hooks(on_retry=lambda response, attempt: retries.append((response, attempt)))
    with Acme(api_key=KEY, base_url=server.url, hooks=hooks) as client:
        client.get("/x", cast_to=object)
    assert retries == [(None, 0)]


def test_an_exception_in_a_hook_propagates_unchanged(server: LoopbackServer) -> None:
    server.route("GET", "/x", json={})

    class RefusedError(Exception):
        pass

    def refuse(request: httpx2.Request, attempt: int) -> None:
        raise RefusedError("no")

    with Acme(api_key=KEY, base_url=server.url, hooks=Hooks(on_request=refuse)) as client:
        with pytest.raises(RefusedError):
            client.get("/x", cast_to=object)
        with pytest.raises(TypeError, match="async"):
            client.with_options(hooks=Hooks(on_request=_async_hook)).get("/x", cast_to=object)
    assert server.requests == []


async def _async_hook(request: httpx2.Request, attempt: int) -> None:
    request.headers["X-Async"] = str(attempt)


async def test_an_async_client_takes_plain_and_async_hooks(server: LoopbackServer) -> None:
    route = server.route("GET", "/x", json={})
    seen: list[int] = []
    hooks = Hooks(
        on_request=_async_hook, on_response=lambda response, attempt: seen.append(attempt)
    )
    async with AsyncAcme(api_key=KEY, base_url=server.url, hooks=hooks) as client:
        await client.get("/x", cast_to=object, options=make_request_options())
    assert route.requests[0].headers["x-async"] == "0"
    assert seen == [0]
