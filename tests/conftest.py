"""Shared fixtures: both async backends, explicitly, so a missing trio fails loudly.

``server`` is one `LoopbackServer` for the whole session, reset around each test
(no routes, no recorded requests); ``client`` / ``async_client`` are the example
SDK of ``_sdk.py`` pointed at it, with backoff waits recorded instead of slept.

The whole session logs ``sdkcore`` at DEBUG into a handler that keeps every line
showing a canary secret (the example SDK's key, or any ``sk-canary-`` value a test
sends); the test during which a line is kept fails (in every pytest-xdist worker), and a
session that ends with one kept fails and prints them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from _sdk import CANARY, Acme, AsyncAcme
from sdkcore.testing.pytest_plugin import loopback_server, loopback_server_factory

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from sdkcore.testing import LoopbackServer

__all__ = ["loopback_server", "loopback_server_factory"]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def server(loopback_server: LoopbackServer) -> LoopbackServer:
    """The session's loopback server, with no routes and no recorded requests."""
    return loopback_server


@pytest.fixture
def client(server: LoopbackServer) -> Iterator[Acme]:
    """The example SDK's sync client on ``server`` (no real backoff sleeps)."""
    with Acme(server.url) as acme:
        yield acme


@pytest.fixture
async def async_client(server: LoopbackServer) -> AsyncIterator[AsyncAcme]:
    """The example SDK's async client on ``server`` (no real backoff sleeps)."""
    async with AsyncAcme(server.url) as acme:
        yield acme


class _CanaryWatch(logging.Handler):
    """Keeps each ``sdkcore`` log line whose text shows a canary secret."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if CANARY in message or "sk-canary-" in message:
            self.leaks.append(f"{record.name} {record.levelname}: {message}")


_CANARY_WATCH = _CanaryWatch()


def pytest_configure(config: pytest.Config) -> None:
    logger = logging.getLogger("sdkcore")
    logger.addHandler(_CANARY_WATCH)
    logger.setLevel(logging.DEBUG)


@pytest.fixture(autouse=True)
def _no_canary_in_the_logs() -> Iterator[None]:
    """Fails the test during which a canary reached a log line (also in xdist workers)."""
    before = len(_CANARY_WATCH.leaks)
    yield
    leaks = _CANARY_WATCH.leaks[before:]
    if leaks:
        pytest.fail(f"a canary secret reached an sdkcore log line: {leaks[0][:500]}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _CANARY_WATCH.leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    leaks = _CANARY_WATCH.leaks
    if leaks:
        terminalreporter.section("a canary secret reached an sdkcore log line", red=True, bold=True)
        for leak in leaks[:20]:
            terminalreporter.write_line(leak[:500], red=True)
        terminalreporter.write_line(f"{len(leaks)} line(s) in all: the session fails.", red=True)
