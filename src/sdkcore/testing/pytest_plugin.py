"""pytest fixtures serving a `LoopbackServer` to tests.

Register them once, in the root ``conftest.py`` of your test suite::

    pytest_plugins = ["sdkcore.testing.pytest_plugin"]

or import the fixtures you use into that ``conftest.py``::

    from sdkcore.testing.pytest_plugin import loopback_server  # noqa: F401  # used by name

Then ask for them by name::

    def test_ping(loopback_server: LoopbackServer) -> None:
        loopback_server.route("GET", "/ping", json={"ok": True})
        assert httpx2.get(loopback_server.url_for("/ping")).json() == {"ok": True}

The module holds no assertions, so it opts out of pytest's assertion rewriting
(PYTEST_DONT_REWRITE): importing it before pytest registers it raises no warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pytest

from ._server import LoopbackServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["loopback_server", "loopback_server_factory"]

_SHARED_SERVER: Final = pytest.StashKey[LoopbackServer]()


def _shared_server(config: pytest.Config) -> LoopbackServer:
    """One server per test session, started on first use and stopped when the session ends."""
    server = config.stash.get(_SHARED_SERVER, None)
    if server is None:
        server = LoopbackServer().start()
        config.stash[_SHARED_SERVER] = server
        config.add_cleanup(server.stop)
    return server


@pytest.fixture
def loopback_server(request: pytest.FixtureRequest) -> Iterator[LoopbackServer]:
    """A running `LoopbackServer` with no routes and no recorded requests.

    One server serves the whole session; it is `reset` before and after each
    test. The test fails when one of its handlers raised (see `errors`).

    Example::

        def test_not_found(loopback_server: LoopbackServer) -> None:
            assert httpx2.get(loopback_server.url_for("/nope")).status_code == 404
    """
    server = _shared_server(request.config)
    server.reset()
    yield server
    errors = server.errors
    server.reset()
    if errors:
        pytest.fail(f"handlers of the loopback server raised: {errors!r}")


@pytest.fixture
def loopback_server_factory() -> Iterator[Callable[[], LoopbackServer]]:
    """Start extra servers (other origins, e.g. for cross-origin redirects); all stop at teardown.

    Example::

        def test_redirect(loopback_server, loopback_server_factory) -> None:
            other = loopback_server_factory()
            loopback_server.redirect("/old", other.url_for("/new"))
    """
    servers: list[LoopbackServer] = []

    def start() -> LoopbackServer:
        server = LoopbackServer().start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
