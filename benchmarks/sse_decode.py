"""Scenario 3: SSE decoding alone, in memory, from 1-7 byte chunks and from 16 KiB chunks.

The decoders and the chunkings come from ``benchmarks.bench_sse_decode``
(sdkcore's ``SSEDecoder.iter_bytes``, openai's ``SSEDecoder().iter_bytes``,
httpx2's ``EventSource`` and httpx-sse's ``EventSource.iter_sse``, the last two
over an in-memory ``httpx2.Response``); this module only times them the way the
other scenarios are timed.
"""

from __future__ import annotations

import functools

from benchmarks import _payloads, bench_sse_decode
from benchmarks._harness import (
    EVENTSOURCE,
    HTTPX_SSE,
    OPENAI,
    SDKCORE,
    Row,
    Settings,
    interleave,
    make_row,
)

NAME = "sse-decode"
DECODERS = {
    SDKCORE: bench_sse_decode.run_sdkcore,
    OPENAI: bench_sse_decode.run_openai,
    EVENTSOURCE: bench_sse_decode.run_httpx2_event_source,
    HTTPX_SSE: bench_sse_decode.run_httpx_sse,
}


def run(settings: Settings) -> list[Row]:
    """One row per chunking."""
    events = 10_000 if settings.quick else 50_000
    body = _payloads.sse_body(events)
    chunkings = [
        # (title, chunks, target vs openai, target vs fastest peer)
        ("1-7 byte chunks", bench_sse_decode.random_chunks(body, seed=1234), 2.5, None),
        # 4.95x and 3.72x (then against httpx2's EventSource): RESULTS.md before this run.
        ("16 KiB chunks", bench_sse_decode.fixed_chunks(body, 16 * 1024), 4.95, 3.72),
    ]
    rows = []
    for title, chunks, target_openai, target_peer in chunkings:
        contenders = {
            name: functools.partial(_decode_all, decode, chunks, events + 1)
            for name, decode in DECODERS.items()
        }
        times = interleave(contenders, settings.rounds)
        row = make_row(
            f"3 SSE decode, {title} ({events:,} events)",
            times,
            target_openai=target_openai,
            target_peer=target_peer,
            events=events + 1,
        )
        rows.append(row)
    return rows


def _decode_all(decode: bench_sse_decode.Decoder, chunks: list[bytes], expected: int) -> None:
    count = decode(chunks)
    if count != expected:  # the [DONE] event counts too
        raise RuntimeError(f"decoded {count} events, expected {expected}")
