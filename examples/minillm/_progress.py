"""Progress bars driven by sdkcore's ``progress(bytes_done, total)`` callbacks, and the
other lines written to stderr while one is shown.

A `Terminal` owns one output stream (stderr). On a terminal it keeps the bar on the
last line and prints each other line above it, redrawing the bar after; elsewhere (a
pipe, a log, a test) every bar update is a plain line, at most one per tenth of the
way, so a log stays short and readable. `Terminal.capture_stderr` routes everything
else written to ``sys.stderr`` (sdkcore's log handler, warnings, errors) through the
terminal a line at a time, so no line ever lands on the bar's line.
"""

from __future__ import annotations

import contextlib
import io
import sys
import threading
import time
from typing import TYPE_CHECKING, TextIO

from ._report import format_bytes

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["ProgressBar", "Terminal", "stderr_terminal"]

_WIDTH = 24
_REDRAW_EVERY = 0.1
_STEPS = 10  # lines per transfer when not on a terminal
_CLEAR_LINE = "\r\x1b[K"


class Terminal:
    """One output stream shared by a progress bar (the status line) and whole lines.

    Example::

        terminal = Terminal(sys.stderr)
        terminal.show("download [####----] 50%")
        terminal.print("sdkcore: Resuming the download ...")  # above the bar
        terminal.end_status()
    """

    def __init__(self, stream: TextIO, *, is_tty: bool | None = None) -> None:
        self.stream = stream
        self.is_tty = stream.isatty() if is_tty is None else is_tty
        self._status: str | None = None
        self._lock = threading.RLock()

    def show(self, status: str) -> None:
        """Draw `status` over the status line (a terminal), or print it (elsewhere)."""
        if not self.is_tty:
            self.print(status)
            return
        with self._lock:
            self._status = status
            self.stream.write(f"\r{status}\x1b[K")
            self.stream.flush()

    def print(self, line: str) -> None:
        """Print a whole line; on a terminal above the status line, which is redrawn."""
        with self._lock:
            status = self._status
            self.stream.write((_CLEAR_LINE if status is not None else "") + line + "\n")
            if status is not None:
                self.stream.write(status)
            self.stream.flush()

    def end_status(self) -> None:
        """Leave the status line as it is and go on below it; idempotent."""
        with self._lock:
            if self._status is not None:
                self._status = None
                self.stream.write("\n")
                self.stream.flush()

    @contextlib.contextmanager
    def capture_stderr(self) -> Iterator[None]:
        """Route what is written to ``sys.stderr`` through `print`, a line at a time.

        Example: ``with stderr_terminal().capture_stderr(): main()``
        """
        lines = _LineWriter(self)
        saved, sys.stderr = sys.stderr, lines
        try:
            yield
        finally:
            sys.stderr = saved
            lines.close()


class _LineWriter(io.TextIOBase):
    """A text stream whose writes reach a `Terminal` as whole lines."""

    def __init__(self, terminal: Terminal) -> None:
        super().__init__()
        self.terminal = terminal
        self._pending = ""

    def write(self, text: str) -> int:
        *lines, self._pending = (self._pending + text).split("\n")
        for line in lines:
            self.terminal.print(line)
        return len(text)

    def isatty(self) -> bool:
        return self.terminal.is_tty

    def close(self) -> None:
        if self._pending:
            self.terminal.print(self._pending)
            self._pending = ""
        super().close()


#: The terminal on stderr, made on first use (again if ``sys.stderr`` was replaced).
_SHARED: dict[str, Terminal] = {}


def stderr_terminal() -> Terminal:
    """The process's `Terminal` on stderr, shared by its progress bars and its other lines."""
    if isinstance(sys.stderr, _LineWriter):
        return sys.stderr.terminal
    terminal = _SHARED.get("stderr")
    if terminal is None or terminal.stream is not sys.stderr:
        terminal = _SHARED["stderr"] = Terminal(sys.stderr)
    return terminal


class ProgressBar:
    """Shows a transfer's progress (pass it as ``progress=`` or ``upload_progress=``).

    Call `close` when the transfer is over: it shows the final state, even when the
    last chunks came faster than the redraw rate. A `bytes_done` lower than the last
    one means the transfer restarted, which restarts the rate too.

    Example::

        bar = ProgressBar("download")
        response.stream_to_file("out.bin", progress=bar)
        bar.close()
    """

    def __init__(
        self,
        label: str,
        *,
        terminal: Terminal | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.terminal = terminal if terminal is not None else stderr_terminal()
        self._clock = clock
        self._started = clock()
        self._last: tuple[int, int | None] | None = None
        self._drawn: tuple[int, int | None] | None = None
        self._drawn_at = float("-inf")
        self._drawn_step = -1

    def __call__(self, bytes_done: int, total: int | None) -> None:
        """Take one progress report from sdkcore."""
        now = self._clock()
        if self._last is not None and bytes_done < self._last[0]:  # restarted from zero
            self._started, self._drawn_step = now, -1
        self._last = (bytes_done, total)
        if self._last == self._drawn:  # the end is reported after the last chunk too
            return
        finished = total is not None and bytes_done >= total
        if self.terminal.is_tty:
            if finished or now - self._drawn_at >= _REDRAW_EVERY:
                self._draw(now)
        elif finished or self._step(bytes_done, total) > self._drawn_step:
            self._draw(now)

    def close(self) -> None:
        """Show the final state if it is not shown yet, and end the bar's line; idempotent."""
        if self._last is not None and self._last != self._drawn:
            self._draw(self._clock())
        self.terminal.end_status()

    def _draw(self, now: float) -> None:
        if self._last is None:
            return
        done, total = self._last
        self._drawn, self._drawn_at = self._last, now
        finished = total is not None and done >= total
        self._drawn_step = _STEPS if finished else self._step(done, total)
        self.terminal.show(self._line(done, total, now, bar=self.terminal.is_tty))

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
