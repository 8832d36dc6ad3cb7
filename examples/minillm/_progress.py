"""A download progress display driven by sdkcore's ``progress(bytes_done, total)`` callback.

On a terminal it redraws one bar (bytes, percentage, rate, ETA) at most ten times
a second; elsewhere (a pipe, a log, a test) it prints a plain line per tenth of
the way, so a log stays short and readable.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO

from ._report import format_bytes

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["ProgressBar"]

_WIDTH = 24
_REDRAW_EVERY = 0.1
_STEPS = 10  # lines per download when not on a terminal


class ProgressBar:
    """Shows a download's progress on `stream` (stderr by default).

    Pass it as ``progress=``; call `close` when the download is over.
    A `bytes_done` lower than the last one means the download restarted, which
    restarts the rate too.

    Example::

        bar = ProgressBar("download")
        response.stream_to_file("out.bin", progress=bar)
        bar.close()
    """

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        is_tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self._out = stream if stream is not None else sys.stderr
        self._tty = self._out.isatty() if is_tty is None else is_tty
        self._clock = clock
        self._started = clock()
        self._last_done = 0
        self._drawn_at = float("-inf")
        self._drawn_step = -1
        self._open = False

    def __call__(self, bytes_done: int, total: int | None) -> None:
        """Take one progress report from sdkcore."""
        now = self._clock()
        if bytes_done < self._last_done:  # restarted from zero: measure the rate afresh
            self._started, self._drawn_step = now, -1
        self._last_done = bytes_done
        finished = total is not None and bytes_done >= total
        if self._tty:
            if finished or now - self._drawn_at >= _REDRAW_EVERY:
                self._drawn_at = now
                self._out.write("\r" + self._line(bytes_done, total, now, bar=True) + "\x1b[K")
                self._open = True
        else:
            step = _STEPS if finished else self._step(bytes_done, total)
            if step > self._drawn_step:
                self._drawn_step = step
                self._out.write(self._line(bytes_done, total, now, bar=False) + "\n")
        self._out.flush()

    def close(self) -> None:
        """End the bar's line (on a terminal); idempotent."""
        if self._open:
            self._out.write("\n")
            self._out.flush()
            self._open = False

    def _step(self, done: int, total: int | None) -> int:
        if total:
            return done * _STEPS // total
        return done // (1 << 20)  # unknown size: a line per MiB

    def _line(self, done: int, total: int | None, now: float, *, bar: bool) -> str:
        elapsed = now - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        speed = f"{format_bytes(rate)}/s" if rate else "-"
        if not total:
            return f"  {self.label}: {format_bytes(done)} ({done:,} bytes) at {speed}"
        fraction = min(done / total, 1.0)
        eta = f"ETA {(total - done) / rate:.1f}s" if rate and done < total else "done"
        amount = f"{format_bytes(done)} / {format_bytes(total)}"
        if bar:
            filled = round(fraction * _WIDTH)
            gauge = "#" * filled + "-" * (_WIDTH - filled)
            return f"  {self.label} [{gauge}] {fraction:4.0%}  {amount}  {speed}  {eta}"
        return f"  {self.label}: {amount} ({fraction:.0%}) at {speed}, {eta}"
