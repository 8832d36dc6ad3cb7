"""Shared fixtures: both async backends, explicitly, so a missing trio fails loudly.

``server`` is one `LoopbackServer` for the whole session, reset around each test
(no routes, no recorded requests); ``client`` / ``async_client`` are the example
SDK of ``_sdk.py`` pointed at it, with backoff waits recorded instead of slept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from _sdk import Acme, AsyncAcme
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
