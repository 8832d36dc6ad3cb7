"""The contenders of the SSE scenarios: one stream read end to end, sync and async.

Each contender reads ``/sse?n=N&frame=F`` from the benchmark server and returns
what it counted: typed items for the SDKs and the hand-written peers, body
bytes for the floors. The peers are what a careful user writes without an SDK:
an SSE parser (httpx2's own ``EventSource``, or the ``httpx-sse`` package over
httpx2), ``json.loads``, a look for an ``error`` member, and pydantic's
``model_validate`` on a plain ``pydantic.BaseModel`` with the same fields.
"""

from __future__ import annotations

import json
import sys
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2
import openai

import sdkcore
from benchmarks import _schemas
from benchmarks._harness import (
    AIOHTTP_FLOOR,
    EVENTSOURCE,
    FLOOR,
    HTTPX_SSE,
    OPENAI,
    SDKCORE,
    SDKCORE_AIOHTTP,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

#: The peers' pool: the one both SDKs use by default.
LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
#: Every contender's timeouts: the SDKs' default read timeout, and a connect timeout
#: long enough for a busy event loop. When 200 streams start at once, a task whose
#: connection is up waits until every other task yields, and a slow consumer works
#: through a whole 64 KiB read (about 200 events) before it does: the OpenAI runtime
#: on trio then overran its default 5 s connect timeout.
TIMEOUT = httpx2.Timeout(600.0, connect=60.0)
_ACCEPT = {"Accept": "text/event-stream"}


def httpx_sse() -> Any:
    """The ``httpx_sse`` module, running over httpx2.

    httpx-sse is written for httpx and does ``import httpx`` (for type hints and
    ``httpx.TransportError``). This venv has httpx2 only, which keeps httpx's
    API, so when ``httpx`` is absent the name is aliased to ``httpx2`` in the
    benchmark process alone; the client and response it is given are httpx2's.
    """
    if "httpx" not in sys.modules:
        try:
            import httpx  # noqa: F401 - the real one, where installed
        except ImportError:
            sys.modules["httpx"] = httpx2
    import httpx_sse as module

    return module


def sse_path(events: int, frame: int) -> str:
    """The server route for ``events`` events, ``frame`` bytes per chunk (0: one per event)."""
    return f"/sse?n={events}&frame={frame}"


@dataclass
class Tally:
    """HTTP chunks and bytes a floor read, to show how the server framed the stream."""

    chunks: int = 0
    reads: int = 0


def _validated(events: Iterable[Any], model: Any) -> int:
    count = 0
    for sse in events:
        if sse.data == "[DONE]":
            break
        data = json.loads(sse.data)
        if "error" in data:
            raise RuntimeError(f"error event: {data['error']!r}")
        model.model_validate(data)
        count += 1
    return count


async def _avalidated(events: AsyncIterator[Any], model: Any) -> int:
    count = 0
    async for sse in events:
        if sse.data == "[DONE]":
            break
        data = json.loads(sse.data)
        if "error" in data:
            raise RuntimeError(f"error event: {data['error']!r}")
        model.model_validate(data)
        count += 1
    return count


# -- sync: one client per contender, kept across rounds -----------------------------


def sync_contenders(
    base_url: str, path: str, tally: Tally, close: list[Callable[[], None]]
) -> dict[str, Callable[[], int]]:
    """One stream read per call, for each sync contender; closers go to ``close``."""
    ours = sdkcore.SyncAPIClient(base_url, max_retries=0, timeout=TIMEOUT)
    theirs = openai.OpenAI(base_url=base_url, api_key="x", max_retries=0, timeout=TIMEOUT)
    plain = httpx2.Client(base_url=base_url, limits=LIMITS, timeout=TIMEOUT)
    close += [ours.close, theirs.close, plain.close]
    model, sse_module = _schemas.PLAIN.Chunk, httpx_sse()

    def with_sdkcore() -> int:
        chunk = _schemas.SDKCORE.Chunk
        stream_cls = sdkcore.Stream[chunk]  # type: ignore[valid-type]
        return sum(1 for _ in ours.get(path, cast_to=chunk, stream=True, stream_cls=stream_cls))

    def with_openai() -> int:
        chunk = _schemas.OPENAI.Chunk
        stream_cls = openai.Stream[chunk]  # type: ignore[valid-type]
        return sum(1 for _ in theirs.get(path, cast_to=chunk, stream=True, stream_cls=stream_cls))

    def with_event_source() -> int:
        with plain.stream("GET", path, headers=_ACCEPT) as response:
            return _validated(httpx2.EventSource(response), model)

    def with_httpx_sse() -> int:
        with sse_module.connect_sse(plain, "GET", path) as source:
            return _validated(source.iter_sse(), model)

    def floor() -> int:
        with plain.stream("GET", path) as response:
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                tally.chunks += 1
            tally.reads += 1
            return size

    return {
        SDKCORE: with_sdkcore,
        OPENAI: with_openai,
        EVENTSOURCE: with_event_source,
        HTTPX_SSE: with_httpx_sse,
        FLOOR: floor,
    }


# -- async: a fresh client per round, many streams on it ------------------------------


@dataclass
class AsyncContender:
    """``session()`` opens a client for one round; ``one(client)`` reads one stream."""

    session: Callable[[], Any]
    one: Callable[[Any], Awaitable[int]]


def async_contenders(
    base_url: str, path: str, tally: Tally, *, backend: str
) -> dict[str, AsyncContender]:
    """The async contenders that run on ``backend`` ("asyncio" or "trio")."""
    sse_module = httpx_sse()
    model = _schemas.PLAIN.Chunk

    def plain() -> httpx2.AsyncClient:
        return httpx2.AsyncClient(base_url=base_url, limits=LIMITS, timeout=TIMEOUT)

    async def event_source(client: httpx2.AsyncClient) -> int:
        async with client.stream("GET", path, headers=_ACCEPT) as response:
            return await _avalidated(aiter(httpx2.EventSource(response)), model)

    async def with_httpx_sse(client: httpx2.AsyncClient) -> int:
        async with sse_module.aconnect_sse(client, "GET", path) as source:
            return await _avalidated(source.aiter_sse(), model)

    async def floor(client: httpx2.AsyncClient) -> int:
        async with client.stream("GET", path) as response:
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                tally.chunks += 1
            tally.reads += 1
            return size

    ours = _sdk_reader(path, _schemas.SDKCORE.Chunk, sdkcore.AsyncStream[_schemas.SDKCORE.Chunk])
    theirs = _sdk_reader(path, _schemas.OPENAI.Chunk, openai.AsyncStream[_schemas.OPENAI.Chunk])
    contenders = {
        SDKCORE: AsyncContender(
            lambda: sdkcore.AsyncAPIClient(base_url, max_retries=0, timeout=TIMEOUT), ours
        ),
        OPENAI: AsyncContender(
            lambda: openai.AsyncOpenAI(
                base_url=base_url, api_key="x", max_retries=0, timeout=TIMEOUT
            ),
            theirs,
        ),
        EVENTSOURCE: AsyncContender(plain, event_source),
        HTTPX_SSE: AsyncContender(plain, with_httpx_sse),
        FLOOR: AsyncContender(plain, floor),
    }
    if backend == "asyncio":  # aiohttp runs on asyncio only
        contenders[AIOHTTP_FLOOR] = _aiohttp_floor(base_url + path, tally)
        if hasattr(sdkcore, "AiohttpClient"):
            contenders[SDKCORE_AIOHTTP] = AsyncContender(lambda: _on_aiohttp(base_url), ours)
    return contenders


def _sdk_reader(path: str, chunk: Any, stream_cls: Any) -> Callable[[Any], Awaitable[int]]:
    """Read one typed stream through an SDK client's generic ``get``."""

    async def one(client: Any) -> int:
        stream = await client.get(path, cast_to=chunk, stream=True, stream_cls=stream_cls)
        return sum([1 async for _ in stream])

    return one


@asynccontextmanager
async def _on_aiohttp(base_url: str) -> AsyncIterator[sdkcore.AsyncAPIClient]:
    # An injected http_client stays open for its owner (contract section 4).
    async with (
        sdkcore.AiohttpClient() as http,  # type: ignore[attr-defined]
        sdkcore.AsyncAPIClient(
            base_url, max_retries=0, timeout=TIMEOUT, http_client=http
        ) as client,
    ):
        yield client


def _aiohttp_floor(url: str, tally: Tally) -> AsyncContender:
    import aiohttp

    def session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1000))

    async def one(client: aiohttp.ClientSession) -> int:
        async with client.get(url) as response:
            size = 0
            # iter_chunks yields each HTTP chunk as it arrives (iter_any would merge them).
            async for chunk, _end in response.content.iter_chunks():
                size += len(chunk)
                tally.chunks += 1
            tally.reads += 1
            return size

    return AsyncContender(session, one)
