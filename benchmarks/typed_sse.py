"""Scenario 1: one SSE response of 100,000 chat.completion.chunk events, parsed into models.

sdkcore: ``SyncAPIClient.get(..., stream=True, stream_cls=Stream[Chunk])``;
openai: the generic ``OpenAI.get(..., stream_cls=openai.Stream[Chunk])``;
httpx2 (no SDK): ``iter_lines`` and ``model_validate_json`` on a plain pydantic model.
"""

from __future__ import annotations

import httpx2
import openai

import sdkcore
from benchmarks import _schemas
from benchmarks._harness import HTTPX2, OPENAI, SDKCORE, Row, Settings, interleave, row_from_times

NAME = "typed-sse"


def run(settings: Settings) -> list[Row]:
    """Time the three contenders over ``settings.rounds`` interleaved rounds."""
    events = 20_000 if settings.quick else 100_000
    path = f"/sse?n={events}"
    ours = sdkcore.SyncAPIClient(settings.base_url, max_retries=0)
    theirs = openai.OpenAI(base_url=settings.base_url, api_key="x", max_retries=0)
    plain = httpx2.Client(base_url=settings.base_url)
    chunk_ours, chunk_theirs, chunk_plain = (
        _schemas.SDKCORE.Chunk,
        _schemas.OPENAI.Chunk,
        _schemas.PLAIN.Chunk,
    )

    def with_sdkcore() -> None:
        stream_cls = sdkcore.Stream[chunk_ours]  # type: ignore[valid-type]
        stream = ours.get(path, cast_to=chunk_ours, stream=True, stream_cls=stream_cls)
        _check(sum(1 for _ in stream), events)

    def with_openai() -> None:
        stream_cls = openai.Stream[chunk_theirs]  # type: ignore[valid-type]
        stream = theirs.get(path, cast_to=chunk_theirs, stream=True, stream_cls=stream_cls)
        _check(sum(1 for _ in stream), events)

    def with_httpx2() -> None:
        count = 0
        with plain.stream("GET", path) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        break
                    chunk_plain.model_validate_json(data)
                    count += 1
        _check(count, events)

    try:
        times = interleave(
            {SDKCORE: with_sdkcore, OPENAI: with_openai, HTTPX2: with_httpx2}, settings.rounds
        )
    finally:
        ours.close()
        theirs.close()
        plain.close()
    return [row_from_times(f"1 typed SSE, {events:,} events", times, 5.0)]


def _check(count: int, expected: int) -> None:
    if count != expected:
        raise RuntimeError(f"expected {expected} chunks, got {count}")
