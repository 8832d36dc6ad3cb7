"""Log lines: one DEBUG line per attempt on ``sdkcore.http``, retries on ``sdkcore.retry``,
streams and downloads on their own loggers, never a secret; ``SDKCORE_LOG`` (or an SDK's
variable) turns on a stderr handler, in a subprocess here so the handler stays there.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from _sdk import CANARY, Acme, AsyncAcme, Thing
from sdkcore import APIConnectionError, BadRequestError, NotFoundError, make_request_options
from sdkcore.testing import CutAfter, FailTimes, OnAttempts

if TYPE_CHECKING:
    from pathlib import Path

    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

#: One attempt's line: method, URL, status or error type, elapsed, retry number, headers.
ATTEMPT = re.compile(
    r"^(?P<method>[A-Z]+) (?P<url>\S+) (?P<outcome>\S+) in (?P<ms>\d+\.\d) ms "
    r"\(retry (?P<retry>\d+)\) headers=\{.*\}$"
)
BODY_CANARY = "sk-canary-body-0c7e2a"
QUERY_CANARY = "sk-canary-query-9d41ab"
CANARIES = (CANARY, BODY_CANARY, QUERY_CANARY)


def sdkcore_lines(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [
        (r.name, r.levelno, r.getMessage())
        for r in caplog.records
        if r.name == "sdkcore" or r.name.startswith("sdkcore.")
    ]


def attempts_of(lines: list[tuple[str, int, str]]) -> list[dict[str, str]]:
    found = []
    for name, level, message in lines:
        if name == "sdkcore.http" and not message.startswith("Redirect"):
            assert level == logging.DEBUG
            match = ATTEMPT.match(message)
            assert match is not None, message
            found.append(match.groupdict())
    return found


def assert_no_canary(lines: list[tuple[str, int, str]]) -> None:
    assert lines
    for _, _, message in lines:
        assert not any(canary in message for canary in CANARIES), message
        assert "canary" not in message


def assert_two_attempts(server: LoopbackServer, caplog: pytest.LogCaptureFixture) -> None:
    lines = sdkcore_lines(caplog)
    url = server.url_for("/things/t1")
    attempts = attempts_of(lines)
    assert [(a["method"], a["url"], a["outcome"], a["retry"]) for a in attempts] == [
        ("GET", url, "503", "0"),
        ("GET", url, "200", "1"),
    ]
    assert all(float(a["ms"]) >= 0 for a in attempts)
    assert ("sdkcore.retry", logging.INFO, f"Retrying GET {url} (retry in 0.50s)") in lines
    assert "'authorization': '<redacted>'" in lines[0][2].lower()


# --- one line per attempt -------------------------------------------------------------------


def test_each_attempt_logs_one_debug_line_with_method_url_status_elapsed_and_retry(
    server: LoopbackServer, client: Acme, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(1, status=503))
    with caplog.at_level(logging.DEBUG, logger="sdkcore"):
        client.things.get("t1")
    assert_two_attempts(server, caplog)


async def test_each_attempt_logs_one_debug_line_with_method_url_status_elapsed_and_retry_async(
    server: LoopbackServer, async_client: AsyncAcme, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(1, status=503))
    with caplog.at_level(logging.DEBUG, logger="sdkcore"):
        await async_client.things.get("t1")
    assert_two_attempts(server, caplog)


def test_a_failed_attempt_logs_its_error_type_and_why_it_is_not_retried(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("GET", "/things/t1", json={}, fault=FailTimes(2, drop=True))
    with (
        caplog.at_level(logging.DEBUG, logger="sdkcore"),
        Acme(server.url, max_retries=1) as client,
        pytest.raises(APIConnectionError),
    ):
        client.things.get("t1")
    lines = sdkcore_lines(caplog)
    assert [a["outcome"] for a in attempts_of(lines)] == ["RemoteProtocolError"] * 2
    url = server.url_for("/things/t1")
    assert ("sdkcore.retry", logging.DEBUG, f"Not retrying GET {url} (stop: no retries left)") in (
        lines
    )


def test_a_404_logs_its_status_and_nothing_above_debug(
    server: LoopbackServer, client: Acme, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="sdkcore"), pytest.raises(NotFoundError):
        client.things.get("nope")
    lines = sdkcore_lines(caplog)
    assert [a["outcome"] for a in attempts_of(lines)] == ["404"]
    assert {level for _, level, _ in lines} == {logging.DEBUG}


def test_at_info_no_attempt_is_logged_and_no_header_is_formatted(
    server: LoopbackServer, client: Acme, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(1, status=503))
    with caplog.at_level(logging.INFO, logger="sdkcore"):
        client.things.get("t1")
    assert [name for name, _, _ in sdkcore_lines(caplog)] == ["sdkcore.retry"]


# --- never a secret --------------------------------------------------------------------------


def call_with_every_canary(client: Acme, path: str) -> None:
    options = make_request_options(extra_query={"api_key": QUERY_CANARY, "v": "1"})
    body = {"password": BODY_CANARY}
    client.post(path, cast_to=Thing, body=body, options=options)


async def call_with_every_canary_async(client: AsyncAcme, path: str) -> None:
    options = make_request_options(extra_query={"api_key": QUERY_CANARY, "v": "1"})
    body = {"password": BODY_CANARY}
    await client.post(path, cast_to=Thing, body=body, options=options)


def route_every_outcome(server: LoopbackServer) -> None:
    server.route("POST", "/ok", json={"id": "t1"}, fault=FailTimes(1, status=503))
    server.route("POST", "/drop", json={}, fault=FailTimes(9, drop=True))
    server.route("POST", "/echo", status=400, json={"error": {"message": CANARY}})


def test_no_canary_secret_in_any_line_in_a_header_a_query_or_a_body(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    route_every_outcome(server)
    with caplog.at_level(logging.DEBUG, logger="sdkcore"), Acme(server.url) as client:
        call_with_every_canary(client, "/ok")
        with pytest.raises(APIConnectionError):
            call_with_every_canary(client, "/drop")
        with pytest.raises(BadRequestError):  # its message echoes the key
            call_with_every_canary(client, "/echo")
    assert server.requests[0].headers["authorization"] == f"Bearer {CANARY}"  # it was sent
    assert server.requests[0].query["api_key"] == QUERY_CANARY
    assert_no_canary(sdkcore_lines(caplog))


async def test_no_canary_secret_in_any_line_in_a_header_a_query_or_a_body_async(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    route_every_outcome(server)
    with caplog.at_level(logging.DEBUG, logger="sdkcore"):
        async with AsyncAcme(server.url) as client:
            await call_with_every_canary_async(client, "/ok")
            with pytest.raises(APIConnectionError):
                await call_with_every_canary_async(client, "/drop")
            with pytest.raises(BadRequestError):
                await call_with_every_canary_async(client, "/echo")
    assert_no_canary(sdkcore_lines(caplog))


def test_a_followed_redirect_is_logged_without_its_secret_query(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("GET", "/moved", status=307, headers={"Location": f"/ok?api_key={QUERY_CANARY}"})
    server.route("GET", "/ok", json={"id": "t1"})
    with (
        caplog.at_level(logging.DEBUG, logger="sdkcore"),
        httpx2.Client(follow_redirects=True) as http,
        Acme(server.url, http_client=http) as client,
    ):
        client.get("/moved", cast_to=Thing)
    lines = sdkcore_lines(caplog)
    redirect = server.url_for("/ok?api_key=<redacted>")
    assert ("sdkcore.http", logging.DEBUG, f"Redirect: GET {redirect}") in lines
    assert_no_canary(lines)


# --- streams and downloads -----------------------------------------------------------------------


def test_a_stream_logs_its_retry_and_its_end(
    server: LoopbackServer, client: Acme, caplog: pytest.LogCaptureFixture
) -> None:
    events = [{"data": {"text": "a"}}, {"data": {"text": "b"}}]
    server.route("GET", "/things/events", sse=events, fault=FailTimes(1, drop=True))
    with caplog.at_level(logging.DEBUG, logger="sdkcore"):
        assert len(list(client.things.events())) == 2
    lines = sdkcore_lines(caplog)
    url = server.url_for("/things/events")
    ends = [m for name, _, m in lines if name == "sdkcore.stream"]
    assert len(ends) == 1
    assert re.fullmatch(rf"Stream GET {url} ended after 2 events, the first after \S+ ms", ends[0])
    assert [a["retry"] for a in attempts_of(lines)] == ["0", "1"]


async def test_a_stream_logs_its_retry_and_its_end_async(
    server: LoopbackServer, async_client: AsyncAcme, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("GET", "/things/events", handler=_overloaded_once)
    with caplog.at_level(logging.DEBUG, logger="sdkcore"):
        assert len([c async for c in await async_client.things.events()]) == 2
    lines = sdkcore_lines(caplog)
    url = server.url_for("/things/events")
    assert (
        "sdkcore.stream",
        logging.INFO,
        f"Retrying the stream of GET {url} (retry in 0.50s)",
    ) in (lines)
    assert [a["retry"] for a in attempts_of(lines)] == ["0", "1"]
    assert any(m.startswith(f"Stream GET {url} ended after 2 events") for _, _, m in lines)


def _overloaded_once(request: Any) -> Any:
    from sdkcore.testing import Reply

    if request.attempt == 1:
        return Reply(sse=[{"data": {"error": {"type": "overloaded_error", "message": "x"}}}])
    return Reply(sse=[{"data": {"text": "a"}}, {"data": {"text": "b"}}])


def test_a_resumed_download_logs_its_url_without_the_secret_query(
    server: LoopbackServer, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    body = bytes(100_000)
    cut = OnAttempts(CutAfter(40_000), {1})
    server.route("GET", "/things/t1/content", body=body, ranges=True, etag='"v1"', fault=cut)
    query = {"api_key": QUERY_CANARY}
    with (
        caplog.at_level(logging.DEBUG, logger="sdkcore"),
        Acme(server.url, default_query=query) as client,
        client.things.with_streaming_response.content("t1") as response,
    ):
        response.stream_to_file(tmp_path / "out.bin")
    lines = sdkcore_lines(caplog)
    url = server.url_for("/things/t1/content?api_key=<redacted>")
    assert (
        "sdkcore.download",
        logging.INFO,
        f"Resuming the download of {url} at byte 40000 (retry in 0.50s)",
    ) in lines
    assert [a["outcome"] for a in attempts_of(lines)] == ["200", "206"]
    assert_no_canary(lines)


# --- the environment switch ---------------------------------------------------------------------

SCRIPT = """
    import logging
    import sys

    import sdkcore

    class Acme(sdkcore.SyncAPIClient):
        _log_env_var = "ACME_LOG"

        @property
        def auth_headers(self):
            return {"Authorization": "Bearer sk-canary-env-3e8f"}

    for _ in range(2):  # a second client adds no second handler
        with Acme(sys.argv[1]) as client:
            client.get("/things/t1", cast_to=object)
    print(len(logging.getLogger("sdkcore").handlers), logging.getLogger("sdkcore").level)
"""


def run_with_env(server: LoopbackServer, **env: str) -> subprocess.CompletedProcess[str]:
    server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(1, status=503))
    clean = {k: v for k, v in os.environ.items() if k not in ("SDKCORE_LOG", "ACME_LOG")}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**clean, **env},
    )
    assert result.returncode == 0, result.stderr
    assert "canary" not in result.stderr
    return result


@pytest.mark.slow
def test_sdkcore_log_debug_writes_each_attempt_to_stderr_once(server: LoopbackServer) -> None:
    result = run_with_env(server, SDKCORE_LOG="debug")
    attempts = [line for line in result.stderr.splitlines() if " sdkcore.http DEBUG GET " in line]
    assert len(attempts) == 3  # 503 and 200, then 200 for the second client
    assert result.stdout.split() == ["1", str(logging.DEBUG)]


@pytest.mark.slow
def test_sdkcore_log_info_writes_retries_but_no_attempts(server: LoopbackServer) -> None:
    result = run_with_env(server, SDKCORE_LOG="INFO")
    lines = result.stderr.splitlines()
    assert any(" sdkcore.retry INFO Retrying GET " in line for line in lines)
    assert not any("DEBUG" in line for line in lines)


@pytest.mark.slow
def test_an_sdks_own_variable_turns_on_the_handler(server: LoopbackServer) -> None:
    result = run_with_env(server, ACME_LOG="debug")
    assert " sdkcore.http DEBUG GET " in result.stderr
    assert result.stdout.split() == ["1", str(logging.DEBUG)]


@pytest.mark.slow
def test_both_variables_share_one_handler_at_the_more_verbose_level(
    server: LoopbackServer,
) -> None:
    result = run_with_env(server, SDKCORE_LOG="info", ACME_LOG="debug")
    assert result.stdout.split() == ["1", str(logging.DEBUG)]
    assert len([ln for ln in result.stderr.splitlines() if "Retrying GET" in ln]) == 1


@pytest.mark.slow
def test_a_bad_value_is_ignored_with_one_warning(server: LoopbackServer) -> None:
    result = run_with_env(server, SDKCORE_LOG="verbose")
    assert result.stderr.splitlines() == [
        "SDKCORE_LOG='verbose' is not one of info, debug: ignored"
    ]
    assert result.stdout.split() == ["0", str(logging.NOTSET)]


@pytest.mark.slow
def test_without_the_variable_no_handler_is_added(server: LoopbackServer) -> None:
    result = run_with_env(server)
    assert result.stderr == ""
    assert result.stdout.split() == ["0", str(logging.NOTSET)]


def test_the_handler_writes_to_stderr_as_it_is_when_a_line_is_logged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import logging

    from sdkcore._logging import _handler_at

    _handler_at("sdkcore.test-stderr", logging.INFO)
    replaced = io.StringIO()
    monkeypatch.setattr("sys.stderr", replaced)
    logging.getLogger("sdkcore.test-stderr").info("after the swap")
    assert "after the swap" in replaced.getvalue()
