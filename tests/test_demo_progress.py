"""The MiniLLM CLI's progress bars and log lines: they never share a line, the final
state is always shown, and the speech body arrives paced so its bar moves."""

from __future__ import annotations

import io
import logging
import os
import pty
import re
import select
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
from examples.minillm import MiniLLM, MiniLLMServer
from examples.minillm._progress import ProgressBar, Terminal

from test_demo_cli import REPO, cli_environment

if TYPE_CHECKING:
    from pathlib import Path


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def screen(raw: str) -> list[str]:
    """What a terminal shows for `raw`: each ``\\r`` returns to the line's start and
    ``\\x1b[K`` clears the rest of it."""
    lines = [""]
    column = 0
    index = 0
    while index < len(raw):
        if raw.startswith("\x1b[K", index):
            lines[-1] = lines[-1][:column]
            index += 3
            continue
        char = raw[index]
        index += 1
        if char == "\r":
            column = 0
        elif char == "\n":
            lines.append("")
            column = 0
        else:
            line = lines[-1]
            lines[-1] = line[:column] + char + line[column + 1 :]
            column += 1
    return lines


def test_a_log_line_goes_above_the_bar_on_a_terminal_and_the_bar_is_redrawn() -> None:
    out = io.StringIO()
    terminal = Terminal(out, is_tty=True)
    clock = FakeClock()
    bar = ProgressBar("download", terminal=terminal, clock=clock)
    logger = logging.getLogger("test_demo_progress.terminal")
    logger.propagate = False
    with terminal.capture_stderr():
        handler = logging.StreamHandler()  # on sys.stderr, as sdkcore's log handler is
        logger.addHandler(handler)
        try:
            clock.now += 1
            bar(3 << 20, 8 << 20)
            logger.warning("Resuming the download at byte 3145728")
            clock.now += 1
            bar(8 << 20, 8 << 20)
            bar.close()
        finally:
            logger.removeHandler(handler)

    shown = screen(out.getvalue())
    assert shown[0] == "Resuming the download at byte 3145728"
    assert shown[1].startswith("  download [")
    assert "8.0 MiB / 8.0 MiB" in shown[1]
    assert shown[2] == ""  # close() ended the bar's line


def test_without_a_terminal_log_lines_and_progress_lines_stay_whole() -> None:
    out = io.StringIO()
    terminal = Terminal(out, is_tty=False)
    bar = ProgressBar("upload", terminal=terminal, clock=FakeClock())
    bar(0, 100)
    terminal.print("  sdkcore: Retrying POST /v1/files")
    bar(100, 100)
    bar(100, 100)  # sdkcore reports the end after the last chunk too
    bar.close()

    lines = out.getvalue().splitlines()
    assert lines[1] == "  sdkcore: Retrying POST /v1/files"
    assert [line.split(":")[0] for line in lines] == ["  upload", "  sdkcore", "  upload"]
    assert lines[-1].startswith("  upload: 100 B / 100 B (100%)")


def test_close_shows_the_final_state_that_came_faster_than_the_redraw_rate() -> None:
    out = io.StringIO()
    clock = FakeClock()
    bar = ProgressBar("speech", terminal=Terminal(out, is_tty=True), clock=clock)
    for done in range(8192, 61_441, 8192):  # an unknown size, all within one redraw period
        clock.now += 0.01
        bar(done, None)
    bar.close()

    shown = screen(out.getvalue())
    assert shown[0].startswith("  speech: 56.0 KiB (57,344 bytes)")
    assert shown[1] == ""


def test_close_without_any_report_prints_nothing() -> None:
    out = io.StringIO()
    ProgressBar("download", terminal=Terminal(out, is_tty=True)).close()
    assert out.getvalue() == ""


def test_speech_arrives_in_paced_chunks_so_its_bar_redraws(tmp_path: Path) -> None:
    reports: list[tuple[float, int, int | None]] = []
    with (
        MiniLLMServer(speech_interval=0.03) as server,
        MiniLLM(api_key="sk-test", base_url=server.base_url) as client,
        client.audio.speech.with_streaming_response.create(
            model="minillm-voice", voice="alloy", input="one two three four five six"
        ) as response,
    ):
        response.stream_to_file(
            tmp_path / "six.mp3",
            progress=lambda done, total: reports.append((time.monotonic(), done, total)),
        )
    size = (tmp_path / "six.mp3").stat().st_size
    assert reports[-1][1:] == (size, size)
    distinct = sorted({done for _, done, _ in reports})
    assert len(distinct) >= size // (4 * 1024)  # a report per 4 KiB chunk
    assert reports[-1][0] - reports[0][0] >= 0.2  # spread over time, not all at once


def run_on_a_terminal(*args: str, timeout: float = 60) -> tuple[int, str]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; its status and output."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.minillm", *args],
        cwd=REPO,
        env=cli_environment(),
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            output += data
    finally:
        os.close(master)
        status = process.wait(timeout=20)
    return status, output.decode("utf-8", "replace")


@pytest.mark.slow
def test_on_a_terminal_log_lines_never_land_on_the_progress_bar(tmp_path: Path) -> None:
    out = tmp_path / "sample.bin"
    status, output = run_on_a_terminal("download", "file-minillm-sample", str(out), "--faults")

    assert status == 0, output
    shown = screen(output)
    logs = [line for line in shown if "sdkcore." in line]
    assert any("Retrying GET" in line for line in logs)
    assert any("Resuming the download" in line for line in logs)
    assert all(re.match(r"\d{4}-\d\d-\d\d ", line) for line in logs)  # each at a line's start
    assert not [line for line in shown if "download [" in line and "sdkcore." in line]
    bars = [line for line in shown if line.startswith("  download [")]
    assert bars[-1].startswith("  download [########################] 100%")
