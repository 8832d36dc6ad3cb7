"""What every scenario shares: the server process, interleaved timing and result rows."""

from __future__ import annotations

import contextlib
import gc
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent

#: The contenders' names, as the table shows them.
SDKCORE = "sdkcore"
OPENAI = "openai"
HTTPX2 = "httpx2"


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

    ``ratio`` is the median over rounds of ``ratio_of`` (e.g. openai time / sdkcore
    time, measured in the same round); ``ceiling`` the same for the no-SDK
    httpx2 baseline (httpx2 time / sdkcore time: 1.0 means as fast as no SDK).
    """

    scenario: str
    times: dict[str, float]
    ratio: float
    goal: float | None
    ceiling: float | None
    ratio_of: str = "openai/sdkcore"
    notes: list[str] = field(default_factory=list)
    #: Other conditions of the target (e.g. a memory bound), all must hold.
    checks: list[bool] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        """Whether ``ratio`` reaches ``goal`` and every check holds (``None``: no goal)."""
        if self.goal is None:
            return None
        return self.ratio >= self.goal and all(self.checks)


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
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            gc.collect()
            start = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - start)
    return times


def median_ratio(times: dict[str, list[float]], slow: str, fast: str) -> float:
    """The median over rounds of ``slow`` time / ``fast`` time in the same round."""
    return statistics.median(s / f for s, f in zip(times[slow], times[fast], strict=True))


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    """The median seconds of each contender."""
    return {name: statistics.median(ts) for name, ts in times.items()}


def row_from_times(
    scenario: str, times: dict[str, list[float]], goal: float | None, **extra: object
) -> Row:
    """A row with the openai/sdkcore ratio and, when measured, the httpx2 ceiling."""
    ceiling = median_ratio(times, HTTPX2, SDKCORE) if HTTPX2 in times else None
    ratio = median_ratio(times, OPENAI, SDKCORE)
    return Row(scenario, medians(times), ratio, goal, ceiling, **extra)  # type: ignore[arg-type]


def progress(message: str) -> None:
    """A status line on stderr, so the table on stdout stays clean."""
    print(f"  .. {message}", file=sys.stderr, flush=True)
