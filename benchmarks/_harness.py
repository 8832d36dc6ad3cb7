"""What every scenario shares: the server process, interleaved timing and result rows."""

from __future__ import annotations

import contextlib
import gc
import inspect
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sdkcore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent

#: The contenders' names, as the tables show them.
SDKCORE = "sdkcore"
SDKCORE_AIOHTTP = "sdkcore + AiohttpClient"
OPENAI = "openai"
EVENTSOURCE = "httpx2 EventSource"
HTTPX_SSE = "httpx-sse"
PLAIN = "httpx2 (no SDK)"
FLOOR = "httpx2 bytes"
AIOHTTP_FLOOR = "aiohttp bytes"
#: Hand-written clients that do the same work as the SDKs (decode, parse, validate).
PEERS = (EVENTSOURCE, HTTPX_SSE, PLAIN)
#: Clients that only read the bytes: what no client can go below.
FLOORS = (FLOOR, AIOHTTP_FLOOR)


@dataclass(frozen=True)
class Settings:
    """How hard to run: ``quick`` shrinks the workloads, ``rounds`` is the repetitions."""

    base_url: str
    quick: bool
    rounds: int
    download_dir: Path


@contextlib.contextmanager
def server_process() -> Iterator[str]:
    """Start ``benchmarks._server`` in a separate process; yield its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks._server"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().split()
        if len(line) != 2 or line[0] != "PORT":
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        yield f"http://127.0.0.1:{line[1]}"
    finally:
        assert proc.stdin is not None
        proc.stdin.close()  # the server exits when its stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Row:
    """One line of the results table.

    ``vs_openai`` is the median over rounds of openai time / ``subject`` time,
    both measured in the same round; ``vs_peer`` the same against the peer with
    the lowest median time (``peer``). Above 1.0, ``subject`` is faster.
    """

    scenario: str
    times: dict[str, float] = field(default_factory=dict)
    subject: str = SDKCORE
    vs_openai: float | None = None
    vs_peer: float | None = None
    peer: str | None = None
    target_openai: float | None = None
    target_peer: float | None = None
    #: Events per run, for the per-event costs of SSE rows.
    events: int | None = None
    notes: list[str] = field(default_factory=list)
    #: Other conditions of the target (e.g. a memory bound), all must hold.
    checks: list[bool] = field(default_factory=list)
    #: Why the row was not measured (a feature sdkcore does not have yet).
    skipped: str | None = None

    @property
    def met_openai(self) -> bool | None:
        """Whether ``vs_openai`` reaches its target and every check holds (``None``: no target)."""
        return _met(self.vs_openai, self.target_openai, self.checks)

    @property
    def met_peer(self) -> bool | None:
        """Whether ``vs_peer`` reaches its target and every check holds (``None``: no target)."""
        return _met(self.vs_peer, self.target_peer, self.checks)

    def floor(self) -> str | None:
        """The floor contender with the lowest median time, if one was measured."""
        floors = [name for name in FLOORS if name in self.times]
        return min(floors, key=self.times.__getitem__) if floors else None


def _met(ratio: float | None, target: float | None, checks: list[bool]) -> bool | None:
    if target is None:
        return None
    return ratio is not None and ratio >= target and all(checks)


def interleave(
    contenders: dict[str, Callable[[], object]], rounds: int, *, warmup: bool = True
) -> dict[str, list[float]]:
    """Seconds per round for each contender; each round runs every contender once.

    The order rotates from round to round so that no contender always runs first
    (right after the garbage collection, or right after the slowest one).
    """
    names = list(contenders)
    if warmup:
        for name in names:
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in rotated(names, r):
            gc.collect()
            start = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - start)
        progress(f"round {r + 1}/{rounds}")
    return times


def rotated(names: list[str], r: int) -> list[str]:
    """``names`` in the order of round ``r``: each round starts one further along."""
    k = r % len(names)
    return names[k:] + names[:k]


def median_ratio(times: dict[str, list[float]], slow: str, fast: str) -> float:
    """The median over rounds of ``slow`` time / ``fast`` time in the same round."""
    return statistics.median(s / f for s, f in zip(times[slow], times[fast], strict=True))


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    """The median seconds of each contender."""
    return {name: statistics.median(ts) for name, ts in times.items()}


def make_row(
    scenario: str,
    times: dict[str, list[float]],
    *,
    target_openai: float | None = None,
    target_peer: float | None = None,
    events: int | None = None,
    subject: str = SDKCORE,
) -> Row:
    """A row with ``subject``'s ratios to openai and to the fastest peer measured."""
    mid = medians(times)
    peers = [name for name in PEERS if name in times]
    peer = min(peers, key=mid.__getitem__) if peers else None
    row = Row(
        scenario,
        mid,
        subject,
        vs_openai=median_ratio(times, OPENAI, subject) if OPENAI in times else None,
        vs_peer=median_ratio(times, peer, subject) if peer else None,
        peer=peer,
        target_openai=target_openai,
        target_peer=target_peer,
        events=events,
    )
    spread = [spread_note(times, other, subject) for other in (OPENAI, peer) if other in times]
    if spread:
        row.notes.append("per-round ratios " + "; ".join(spread))
    return row


def spread_note(times: dict[str, list[float]], slow: str, fast: str) -> str:
    """The lowest and highest per-round ``slow``/``fast`` ratio, e.g. ``openai 6.1-7.3x``."""
    ratios = [s / f for s, f in zip(times[slow], times[fast], strict=True)]
    return f"{slow} {min(ratios):.2f}-{max(ratios):.2f}x"


def missing_feature(*names: str) -> str | None:
    """A note naming the public sdkcore names that do not exist yet (``None``: all exist)."""
    lacking = [name for name in names if not hasattr(sdkcore, name)]
    if not lacking:
        return None
    return "skipped: waiting on " + ", ".join(f"sdkcore.{name}" for name in lacking)


def accepts(function: Callable[..., object], parameter: str) -> bool:
    """Whether ``function`` takes a parameter named ``parameter`` (``False`` if unknowable)."""
    try:
        return parameter in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def guarded(scenario: str, measure: Callable[[], list[Row]]) -> list[Row]:
    """Rows of a scenario whose sdkcore feature may be half-built: a crash becomes a note."""
    try:
        return measure()
    except Exception as exc:  # one unfinished feature must not end a run of many minutes
        traceback.print_exc()
        message = " ".join(str(exc).split())  # one line, for the table
        return [Row(scenario, skipped=f"failed: {type(exc).__name__}: {message}"[:200])]


def progress(message: str) -> None:
    """A status line on stderr, so the table on stdout stays clean."""
    print(f"  .. {message}", file=sys.stderr, flush=True)
