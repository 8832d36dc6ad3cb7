"""Scenarios whose every run needs a fresh process: peak RSS, or a process-wide setting.

The parent interleaves the contenders' child processes round by round, rotating
the order; each child prints one JSON object as its last line of stdout.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks._harness import ROOT, progress, rotated

if TYPE_CHECKING:
    from collections.abc import Callable

MIB = 1_048_576


def run_child(module: str, args: list[str], *, prelude: str = "") -> dict[str, Any]:
    """Run ``python -m <module> --child <args>`` and return its JSON result.

    ``prelude``: Python code run first, before anything is imported.
    """
    launch = f"{prelude}\nimport runpy\nrunpy.run_module({module!r}, run_name='__main__')"
    command = [sys.executable, "-c", launch, "--child", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{module} child {args[0]!r} failed: {last}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def interleave_children(
    names: list[str], rounds: int, one: Callable[[str], dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """``one(name)`` for every name, ``rounds`` times, in rotating order."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for r in range(rounds):
        for name in rotated(names, r):
            results[name].append(one(name))
        progress(f"round {r + 1}/{rounds}")
    return results


def prime(directory: Path, size: int) -> None:
    """Write ``size`` bytes to ``directory`` once and delete them, untimed.

    The first write of fresh memory (page cache or tmpfs) is several times
    slower on a VM whose host maps guest pages lazily; without this, the
    contender that happens to go first would be penalised.
    """
    path = directory / f"sdkcore-bench-prime-{os.getpid()}.bin"
    block = bytes(MIB)
    try:
        with path.open("wb") as out:
            for _ in range(size // MIB):
                out.write(block)
    finally:
        path.unlink(missing_ok=True)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def timed_with_peak_rss(work: Callable[[], None]) -> dict[str, float]:
    """``{"seconds", "rss_growth"}`` of one call of ``work`` (growth in bytes over the RSS before).

    The peak is ``VmHWM`` after resetting it (``/proc/self/clear_refs``); where that
    cannot be reset, ``ru_maxrss``, an upper bound.
    """
    before_kib = _status_kib("VmRSS")
    exact = _reset_peak_rss()
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    # ru_maxrss (KiB on Linux) never resets: an upper bound where VmHWM cannot be reset.
    peak_kib = _status_kib("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "rss_growth": max(0, peak_kib - before_kib) * 1024}
