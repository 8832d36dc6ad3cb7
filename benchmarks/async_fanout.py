"""Scenario 2: 200 concurrent async SSE streams of 500 events each, on one client.

Rows: one HTTP chunk per event on asyncio, the same on trio, and 16 KiB chunks
on asyncio. Each round runs in a fresh event loop (``anyio.run``) with a fresh
client, for every contender alike; the streams run as tasks of one task group.
Contenders as in scenario 1 (``benchmarks._peers``), plus plain aiohttp reading
the same bytes as the transport floor (asyncio only), and, once
``sdkcore.AiohttpClient`` exists, sdkcore over it (its own row, against openai).
The OpenAI runtime runs on trio too (it is built on anyio and httpx2), so it is
in the trio row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import anyio

from benchmarks import _payloads, _peers
from benchmarks._harness import (
    FLOORS,
    SDKCORE_AIOHTTP,
    Row,
    Settings,
    interleave,
    make_row,
    missing_feature,
)

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "async-fanout"
EVENTS = 500
#: (backend, bytes per HTTP chunk, target vs openai, target vs fastest peer)
VARIANTS = (
    ("asyncio", 0, 6.0, 1.3),
    ("trio", 0, None, None),
    # 6.90x: RESULTS.md before this run (then with smaller models).
    ("asyncio", 16_384, 6.90, None),
)
AIOHTTP_TARGET = 15.0


def run(settings: Settings) -> list[Row]:
    """Rows per variant; the AiohttpClient row comes from the first variant's rounds."""
    streams = 50 if settings.quick else 200
    rows: list[Row] = []
    for backend, frame, target_openai, target_peer in VARIANTS:
        times, tally = _measure(settings, streams, backend, frame)
        framing = "16 KiB chunks" if frame else "one chunk per event"
        scenario = f"2 async fan-out, {streams} x {EVENTS} events, {framing}, {backend}"
        row = make_row(
            scenario,
            times,
            target_openai=target_openai,
            target_peer=target_peer,
            events=streams * EVENTS,
        )
        row.notes.append(
            f"the floors read {tally.chunks / max(tally.reads, 1) / EVENTS:.2f} "
            "HTTP chunks per event"
        )
        rows.append(row)
        if backend == "asyncio" and frame == 0:
            rows.append(_aiohttp_row(scenario, times, streams))
    return rows


def _aiohttp_row(scenario: str, times: dict[str, list[float]], streams: int) -> Row:
    title = f"2a {scenario.removeprefix('2 ')}, sdkcore on AiohttpClient"
    if SDKCORE_AIOHTTP not in times:
        return Row(title, skipped=missing_feature("AiohttpClient"))
    return make_row(
        title,
        times,
        target_openai=AIOHTTP_TARGET,
        events=streams * EVENTS,
        subject=SDKCORE_AIOHTTP,
    )


def _measure(
    settings: Settings, streams: int, backend: str, frame: int
) -> tuple[dict[str, list[float]], _peers.Tally]:
    tally = _peers.Tally()
    path = _peers.sse_path(EVENTS, frame)
    body = len(_payloads.sse_body(EVENTS))
    contenders = _peers.async_contenders(settings.base_url, path, tally, backend=backend)
    runners = {
        name: _runner(contender, streams, body if name in FLOORS else EVENTS, backend)
        for name, contender in contenders.items()
    }
    return interleave(runners, settings.rounds), tally


def _runner(
    contender: _peers.AsyncContender, streams: int, expected: int, backend: str
) -> Callable[[], None]:
    async def main() -> None:
        counts: list[int] = []

        async def one(client: object) -> None:
            counts.append(await contender.one(client))

        async with contender.session() as client, anyio.create_task_group() as group:
            for _ in range(streams):
                group.start_soon(one, client)
        if len(counts) != streams or any(count != expected for count in counts):
            raise RuntimeError(f"some streams ended early: {sorted(set(counts))}")

    def run_once() -> None:
        anyio.run(main, backend=backend)

    return run_once
