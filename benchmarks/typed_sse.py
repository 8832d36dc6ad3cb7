"""Scenario 1: one sync SSE response of 100,000 chat.completion.chunk events, typed.

Two rows: the server sends one HTTP chunk per event (as LLM APIs do), then the
same events packed into 16 KiB chunks. Contenders (see ``benchmarks._peers``):
sdkcore's ``SyncAPIClient.get(..., stream=True, stream_cls=Stream[Chunk])``, the
OpenAI runtime's generic ``OpenAI.get(..., stream_cls=openai.Stream[Chunk])``,
httpx2's ``EventSource`` and ``httpx-sse`` each with ``json.loads`` and
``model_validate``, and the floor: httpx2 ``iter_bytes`` with no decoding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks import _payloads, _peers
from benchmarks._harness import FLOORS, Row, Settings, interleave, make_row

if TYPE_CHECKING:
    from collections.abc import Callable

NAME = "typed-sse"
#: (title, bytes per HTTP chunk (0: one event each), target vs openai, target vs fastest peer)
VARIANTS = (
    ("one chunk per event", 0, 8.0, 1.5),
    # 11.66x: RESULTS.md before this run (then with smaller models and a 16 KiB frame).
    ("16 KiB chunks", 16_384, 11.66, None),
)


def run(settings: Settings) -> list[Row]:
    """One row per framing; every contender reads the whole stream once a round."""
    events = 20_000 if settings.quick else 100_000
    return [_variant(settings, events, *variant) for variant in VARIANTS]


def _variant(
    settings: Settings,
    events: int,
    title: str,
    frame: int,
    target_openai: float,
    target_peer: float | None,
) -> Row:
    tally = _peers.Tally()
    close: list[Callable[[], None]] = []
    expected = {name: len(_payloads.sse_body(events)) for name in FLOORS}
    try:
        readers = _peers.sync_contenders(
            settings.base_url, _peers.sse_path(events, frame), tally, close
        )
        contenders = {
            name: _checked(name, read, expected.get(name, events)) for name, read in readers.items()
        }
        times = interleave(contenders, settings.rounds)
    finally:
        for closer in close:
            closer()
    row = make_row(
        f"1 typed SSE, {events:,} events, {title}",
        times,
        target_openai=target_openai,
        target_peer=target_peer,
        events=events,
    )
    row.notes.append(
        f"the floor read {tally.chunks / max(tally.reads, 1) / events:.2f} HTTP chunks per event"
    )
    return row


def _checked(name: str, read: Callable[[], int], expected: int) -> Callable[[], None]:
    def run_once() -> None:
        got = read()
        if got != expected:
            raise RuntimeError(f"{name}: expected {expected:,}, got {got:,}")

    return run_once
