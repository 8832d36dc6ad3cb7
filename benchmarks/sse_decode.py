"""Scenario 2: SSE decoding alone, in memory, from 16 KiB chunks and from 1-7 byte chunks.

The decoders and the chunkings come from ``benchmarks.bench_sse_decode`` (sdkcore's
``SSEDecoder.iter_bytes``, openai's ``SSEDecoder().iter_bytes`` and httpx2's
``EventSource``); this module only times them the way the other scenarios are timed.
"""

from __future__ import annotations

import functools

from benchmarks import _payloads, bench_sse_decode
from benchmarks._harness import HTTPX2, OPENAI, SDKCORE, Row, Settings, interleave, median_ratio
from benchmarks._harness import medians as median_times

NAME = "sse-decode"


def run(settings: Settings) -> list[Row]:
    """One row per chunking; the ceiling column compares with httpx2's EventSource."""
    events = 10_000 if settings.quick else 50_000
    body = _payloads.sse_body(events)
    chunkings = [
        ("16 KiB chunks", bench_sse_decode.fixed_chunks(body, 16 * 1024), 3.0),
        ("1-7 byte chunks", bench_sse_decode.random_chunks(body, seed=1234), 1.5),
    ]
    rows = []
    for title, chunks, goal in chunkings:
        decoders = {
            SDKCORE: bench_sse_decode.run_sdkcore,
            OPENAI: bench_sse_decode.run_openai,
            HTTPX2: bench_sse_decode.run_httpx2_event_source,
        }
        contenders = {
            name: functools.partial(_decode_all, decode, chunks, events + 1)
            for name, decode in decoders.items()
        }
        times = interleave(contenders, settings.rounds)
        ceiling = median_ratio(times, HTTPX2, SDKCORE)
        row = Row(
            f"2 SSE decode, {title} ({events:,} events)",
            median_times(times),
            median_ratio(times, OPENAI, SDKCORE),
            goal,
            ceiling,
        )
        if title.startswith("16"):
            verdict = "faster" if ceiling > 1 else "NOT faster"
            row.notes.append(f"{verdict} than httpx2 EventSource ({ceiling:.2f}x)")
        rows.append(row)
    return rows


def _decode_all(decode: bench_sse_decode.Decoder, chunks: list[bytes], expected: int) -> None:
    count = decode(chunks)
    if count != expected:  # the [DONE] event counts too
        raise RuntimeError(f"decoded {count} events, expected {expected}")
