"""Decode an OpenAI-style chat completion stream with several SSE decoders and compare.

Run ``python -m benchmarks.bench_sse_decode [--events N] [--repeat R]`` (or the
file directly). Decoders: sdkcore's ``SSEDecoder.iter_bytes``, openai's
``openai._streaming.SSEDecoder().iter_bytes``, httpx2's ``EventSource`` and
httpx-sse's ``EventSource.iter_sse`` over an in-memory ``httpx2.Response`` (plus
httpx2's core parser fed through an incremental UTF-8 decoder).
The runs are interleaved so that machine noise hits every decoder alike.
"""

from __future__ import annotations

import argparse
import codecs
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `src/` and `benchmarks` importable
    sys.path[:0] = [str(Path(__file__).resolve().parent.parent / p) for p in ("src", "")]

import httpx2
from httpx2._sse import EventSource, _SSEParser
from openai._streaming import SSEDecoder as OpenAISSEDecoder

from benchmarks import _payloads
from benchmarks._peers import httpx_sse
from sdkcore._sse import SSEDecoder

Decoder = Callable[[list[bytes]], int]


def build_stream(events: int) -> bytes:
    """An OpenAI chat.completion.chunk stream of ``events`` events, then ``[DONE]``."""
    return _payloads.sse_body(events)


def fixed_chunks(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def random_chunks(body: bytes, seed: int, low: int = 1, high: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    chunks, i = [], 0
    while i < len(body):
        n = rng.randint(low, high)
        chunks.append(body[i : i + n])
        i += n
    return chunks


def run_sdkcore(chunks: list[bytes]) -> int:
    return len(list(SSEDecoder().iter_bytes(chunks)))


def run_openai(chunks: list[bytes]) -> int:
    return len(list(OpenAISSEDecoder().iter_bytes(iter(chunks))))


def _response(chunks: list[bytes]) -> httpx2.Response:
    return httpx2.Response(
        200,
        headers={"content-type": "text/event-stream"},
        content=iter(chunks),
        request=httpx2.Request("GET", "https://bench.invalid/v1/chat/completions"),
    )


def run_httpx2_event_source(chunks: list[bytes]) -> int:
    return len(list(EventSource(_response(chunks), max_event_size=None)))


def run_httpx_sse(chunks: list[bytes]) -> int:
    return len(list(httpx_sse().EventSource(_response(chunks)).iter_sse()))


def run_httpx2_parser(chunks: list[bytes]) -> int:
    parser = _SSEParser(None)
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    count = 0
    for chunk in chunks:
        for _ in parser.decode(text.decode(chunk)):
            count += 1
    for _ in parser.flush():
        count += 1
    return count


DECODERS: dict[str, Decoder] = {
    "sdkcore": run_sdkcore,
    "openai": run_openai,
    "httpx2 EventSource": run_httpx2_event_source,
    "httpx-sse": run_httpx_sse,
    "httpx2 parser": run_httpx2_parser,
}


def time_interleaved(chunks: list[bytes], repeat: int) -> dict[str, float]:
    """Median seconds per decoder; each round runs every decoder once, in turn."""
    times: dict[str, list[float]] = {name: [] for name in DECODERS}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, decode in DECODERS.items():
            start = time.perf_counter()
            counts[name] = decode(chunks)
            times[name].append(time.perf_counter() - start)
    if len(set(counts.values())) != 1:
        raise SystemExit(f"decoders disagree on the event count: {counts}")
    return {name: statistics.median(ts) for name, ts in times.items()}


def report(title: str, chunks: list[bytes], repeat: int) -> None:
    medians = time_interleaved(chunks, repeat)
    ours = medians["sdkcore"]
    print(f"\n{title}: {len(chunks):,} chunks, median of {repeat}")
    for name, seconds in medians.items():
        ratio = "" if name == "sdkcore" else f"  {name}/sdkcore = {seconds / ours:5.2f}x"
        print(f"  {name:<20} {seconds * 1000:9.1f} ms{ratio}")


def chunk_sets(body: bytes, seed: int) -> Iterator[tuple[str, list[bytes]]]:
    yield "16 KiB chunks", fixed_chunks(body, 16 * 1024)
    yield "random 1-7 byte chunks", random_chunks(body, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000, help="events in the stream")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds (>= 5)")
    parser.add_argument("--seed", type=int, default=1234, help="seed for the random chunking")
    parser.add_argument("--crlf", action="store_true", help="end lines with CRLF, not LF")
    args = parser.parse_args()
    body = build_stream(args.events)
    if args.crlf:
        body = body.replace(b"\n", b"\r\n")
    print(
        f"stream: {args.events + 1:,} events, {len(body):,} bytes, {'CRLF' if args.crlf else 'LF'}"
    )
    expected = args.events + 1
    for title, chunks in chunk_sets(body, args.seed):
        if run_sdkcore(chunks) != expected:
            raise SystemExit(f"sdkcore decoded the wrong number of events from {title}")
        report(title, chunks, args.repeat)


if __name__ == "__main__":
    main()
