"""A real-socket HTTP/1.1 server for testing HTTP clients and the SDKs built on sdkcore.

`LoopbackServer` listens on ``127.0.0.1`` in background threads of the test
process and answers scripted routes: JSON, text, bytes, streamed bodies,
Server-Sent Events, gzip, byte ranges, redirects, or a handler function. Faults
misbehave on the real socket (cut bodies, stalls, dripping bytes, dropped
streams, broken chunking, failures for the first hits), which a mocked
transport cannot do. Every request is recorded for assertions. It needs only
the standard library (plus anyio for ``async with``).

A complete test::

    import httpx2
    from sdkcore.testing import CutAfter, FailTimes, LoopbackServer

    def test_client_retries_a_rate_limited_call() -> None:
        with LoopbackServer() as server:
            route = server.route(
                "POST", "/v1/things", json={"id": 1},
                fault=FailTimes(1, status=429, headers={"Retry-After": "0"}),
            )
            with httpx2.Client(base_url=server.url) as client:
                assert client.post("/v1/things").status_code == 429
                assert client.post("/v1/things").json() == {"id": 1}
            assert route.calls == 2
            assert [r.attempt for r in route.requests] == [1, 2]

Layout: `_model` (Request, Reply, Route, Headers), `_pieces` (what a response
is written as), `_render` (Reply to pieces), `_faults`, `_http` (reading a
request), `_connection` (one client connection), `_server` (LoopbackServer) and
`pytest_plugin` (fixtures: ``pytest_plugins = ["sdkcore.testing.pytest_plugin"]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._faults import (
    BadChunked,
    CutAfter,
    CutMidHeaders,
    Drip,
    DropAfterEvents,
    FailTimes,
    Fault,
    FaultRate,
    Stall,
)
from ._model import Handler, Headers, HeaderSpec, Reply, ReplyFields, Request, Route, SSEEvent
from ._pieces import Close, Data, End, Head, Pause, Piece, Raw
from ._server import LoopbackServer

if TYPE_CHECKING:
    from .pytest_plugin import loopback_server as loopback_server
    from .pytest_plugin import loopback_server_factory as loopback_server_factory

__all__ = [
    "BadChunked",
    "Close",
    "CutAfter",
    "CutMidHeaders",
    "Data",
    "Drip",
    "DropAfterEvents",
    "End",
    "FailTimes",
    "Fault",
    "FaultRate",
    "Handler",
    "Head",
    "HeaderSpec",
    "Headers",
    "LoopbackServer",
    "Pause",
    "Piece",
    "Raw",
    "Reply",
    "ReplyFields",
    "Request",
    "Route",
    "SSEEvent",
    "Stall",
]

_FIXTURES = frozenset({"loopback_server", "loopback_server_factory"})


def __getattr__(name: str) -> object:
    # The fixtures import pytest, so they load only when asked for by name.
    if name in _FIXTURES:
        from . import pytest_plugin

        return getattr(pytest_plugin, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
