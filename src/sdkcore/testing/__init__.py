"""A real-socket HTTP/1.1 server for testing HTTP clients and the SDKs built on sdkcore.

`LoopbackServer` listens on ``127.0.0.1`` (a free port, or a fixed one) in
background threads of the test process and answers scripted routes, exact or
with ``{name}`` path parameters: JSON, text, bytes (paced for progress bars),
streamed bodies, Server-Sent Events, gzip, byte ranges, redirects, or a handler
function (`by_attempt` answers each hit in turn; `resumable_sse` and
`numbered_sse` resume after ``Last-Event-ID``). Faults misbehave on the real
socket (cut bodies, stalls, dripping bytes or headers, dropped streams, broken
chunking, failures), on the hits `OnAttempts`, `Rotate` or `FaultRate` choose,
which a mocked transport cannot do. `Endless` and `GzipBomb` bodies test a
client's limits. Every request is recorded for assertions, its body hashed and
kept up to a bound, and ``multipart/form-data`` uploads parse with
`Request.form`. It needs only the standard library (plus anyio for
``async with``).

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

Layout: `_errors` (the kit's errors), `_headers` (Headers), `_form` (Form,
FilePart: multipart parsing), `_bodies` (Endless, GzipBomb), `_model` (Request,
Reply), `_routing` (Route, path templates and matching), `_handlers`
(by_attempt, resumable_sse, numbered_sse), `_pieces` (what a response is
written as), `_render` (Reply to pieces), `_faults` (faults on the socket),
`_combinators` (faults choosing hits: OnAttempts, Rotate, FaultRate), `_http`
(reading a request), `_connection` (one client connection), `_server`
(LoopbackServer) and `pytest_plugin` (fixtures:
``pytest_plugins = ["sdkcore.testing.pytest_plugin"]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._bodies import Endless, GzipBomb
from ._combinators import FaultRate, OnAttempts, Rotate
from ._errors import BodyNotKeptError, FormError, PortInUseError
from ._faults import (
    BadChunked,
    CutAfter,
    CutMidHeaders,
    Drip,
    DropAfterEvents,
    Fail,
    FailTimes,
    Fault,
    Stall,
    TrickleHeaders,
)
from ._form import FilePart, Form
from ._handlers import by_attempt, numbered_sse, resumable_sse
from ._headers import Headers, HeaderSpec
from ._model import Handler, Reply, ReplyFields, Request, SSEEvent
from ._pieces import Close, Data, End, Head, Pause, Piece, Raw
from ._routing import Route
from ._server import LoopbackServer
from ._timing import RecordedWaits

if TYPE_CHECKING:
    from .pytest_plugin import loopback_server as loopback_server
    from .pytest_plugin import loopback_server_factory as loopback_server_factory

__all__ = [
    "BadChunked",
    "BodyNotKeptError",
    "Close",
    "CutAfter",
    "CutMidHeaders",
    "Data",
    "Drip",
    "DropAfterEvents",
    "End",
    "Endless",
    "Fail",
    "FailTimes",
    "Fault",
    "FaultRate",
    "FilePart",
    "Form",
    "FormError",
    "GzipBomb",
    "Handler",
    "Head",
    "HeaderSpec",
    "Headers",
    "LoopbackServer",
    "OnAttempts",
    "Pause",
    "Piece",
    "PortInUseError",
    "Raw",
    "RecordedWaits",
    "Reply",
    "ReplyFields",
    "Request",
    "Rotate",
    "Route",
    "SSEEvent",
    "Stall",
    "TrickleHeaders",
    "by_attempt",
    "numbered_sse",
    "resumable_sse",
]

_FIXTURES = frozenset({"loopback_server", "loopback_server_factory"})


def __getattr__(name: str) -> object:
    # The fixtures import pytest, so they load only when asked for by name.
    if name in _FIXTURES:
        from . import pytest_plugin

        return getattr(pytest_plugin, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
