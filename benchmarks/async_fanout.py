"""Scenario 5: 200 concurrent async SSE streams of 500 events each, on one client.

sdkcore: ``AsyncAPIClient.get(..., stream=True, stream_cls=AsyncStream[Chunk])``;
openai: ``AsyncOpenAI.get(..., stream_cls=openai.AsyncStream[Chunk])``; httpx2 (no
SDK): ``AsyncClient.stream`` + ``aiter_lines`` + ``model_validate_json``. Each
round runs in a fresh asyncio event loop with a fresh client (all three alike).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx2
import openai

import sdkcore
from benchmarks import _schemas
from benchmarks._harness import HTTPX2, OPENAI, SDKCORE, Row, Settings, interleave, row_from_times

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

NAME = "async-fanout"
EVENTS = 500


def run(settings: Settings) -> list[Row]:
    """One row: all streams of one round, end to end."""
    streams = 50 if settings.quick else 200
    url = settings.base_url
    path = f"/sse?n={EVENTS}"

    async def with_sdkcore() -> None:
        chunk = _schemas.SDKCORE.Chunk
        stream_cls = sdkcore.AsyncStream[chunk]  # type: ignore[valid-type]
        async with sdkcore.AsyncAPIClient(url, max_retries=0) as client:

            async def one() -> int:
                stream = await client.get(path, cast_to=chunk, stream=True, stream_cls=stream_cls)
                return sum([1 async for _ in stream])

            _check(await asyncio.gather(*(one() for _ in range(streams))))

    async def with_openai() -> None:
        chunk = _schemas.OPENAI.Chunk
        stream_cls = openai.AsyncStream[chunk]  # type: ignore[valid-type]
        async with openai.AsyncOpenAI(base_url=url, api_key="x", max_retries=0) as client:

            async def one() -> int:
                stream = await client.get(path, cast_to=chunk, stream=True, stream_cls=stream_cls)
                return sum([1 async for _ in stream])

            _check(await asyncio.gather(*(one() for _ in range(streams))))

    async def with_httpx2() -> None:
        chunk = _schemas.PLAIN.Chunk
        limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
        async with httpx2.AsyncClient(base_url=url, limits=limits) as client:

            async def one() -> int:
                count = 0
                async with client.stream("GET", path) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data: ") and line != "data: [DONE]":
                            chunk.model_validate_json(line[6:])
                            count += 1
                return count

            _check(await asyncio.gather(*(one() for _ in range(streams))))

    times = interleave(
        {
            SDKCORE: _runner(with_sdkcore),
            OPENAI: _runner(with_openai),
            HTTPX2: _runner(with_httpx2),
        },
        settings.rounds,
    )
    return [row_from_times(f"5 async fan-out, {streams} x {EVENTS} events", times, 4.0)]


def _runner(main: Callable[[], Awaitable[None]]) -> Callable[[], None]:
    def run_once() -> None:
        asyncio.run(main())  # type: ignore[arg-type]

    return run_once


def _check(counts: list[int]) -> None:
    if any(count != EVENTS for count in counts):
        raise RuntimeError(f"some streams ended early: {sorted(set(counts))}")
