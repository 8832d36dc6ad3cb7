"""``python -m examples.minillm serve``: the embedded server in the foreground, on a chosen
port, taking only the key it was given, and a hint that works as printed."""

from __future__ import annotations

import contextlib
import queue
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest

from test_demo_cli import REPO, cli_environment, run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator

#: A shell's ``NAME=value`` word before a command.
_ASSIGNMENT = re.compile(r"[A-Z_][A-Z0-9_]*=.*")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class Served:
    """A ``serve`` subprocess whose stdout lines are read in a thread, with a bounded wait."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "examples.minillm", "serve", *args],
            cwd=REPO,
            env=cli_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def lines_until(self, last: str, timeout: float = 20) -> list[str]:
        seen: list[str] = []
        while True:
            line = self._lines.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"serve exited before printing {last!r}: {seen}")
            seen.append(line)
            if line == last:
                return seen

    def join(self) -> None:
        """Wait for the reader to see the end of stdout (it does once the process ends)."""
        self._reader.join(5)

    def stop(self) -> tuple[int, list[str], str]:
        """SIGTERM, as ``kill PID`` sends; the exit status, the last lines and stderr."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self.join()  # stdout is the reader's alone: it has seen the last line
        assert self.process.stderr is not None
        stderr = self.process.stderr.read()
        rest: list[str] = []
        while (line := self._lines.get_nowait()) is not None:
            rest.append(line)
        return self.process.returncode, rest, stderr


@contextlib.contextmanager
def serving(*args: str) -> Iterator[Served]:
    served = Served(*args)
    with served.process:  # closes the pipes at the end
        try:
            yield served
        finally:
            if served.process.poll() is None:
                served.process.kill()
                served.process.wait(timeout=20)
            served.join()


def run_hint(hint: str, **override: str) -> subprocess.CompletedProcess[str]:
    """Run the ``try:`` line as a shell would: its NAME=value words are the environment."""
    command = shlex.split(hint.removeprefix("try: "))
    env: dict[str, str] = {}
    while command and _ASSIGNMENT.fullmatch(command[0]):
        name, value = command.pop(0).split("=", 1)
        env[name] = value
    assert env.keys() == {"MINILLM_BASE_URL", "MINILLM_API_KEY"}
    assert command[:3] == ["python", "-m", "examples.minillm"]
    return subprocess.run(
        [sys.executable, *command[1:]],
        cwd=REPO,
        env=cli_environment({**env, **override}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_serve_prints_a_hint_that_works_against_the_key_it_takes() -> None:
    port = free_port()
    with serving("--port", str(port), "--api-key", "sk-serve-test") as served:
        lines = served.lines_until("Ctrl-C stops it")
        assert lines[0] == (
            f"MiniLLM server at http://127.0.0.1:{port}/v1 "
            "(faults off, accepts only the --api-key given)"
        )
        [hint] = [line for line in lines if line.startswith("try: ")]

        answered = run_hint(hint)
        refused = run_hint(hint, MINILLM_API_KEY="sk-wrong")

        status, rest, stderr = served.stop()
    assert answered.returncode == 0, answered.stderr
    assert 'You asked: "hello". I am MiniLLM' in answered.stdout
    assert refused.returncode == 1
    [error] = [line for line in refused.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith(
        "error: authentication failed: 401 Unauthorized from POST /v1/chat/completions: "
        "Incorrect API key provided"
    )
    assert error.endswith("; check --api-key or $MINILLM_API_KEY")
    assert "sk-wrong" not in refused.stderr
    assert (status, rest) == (0, ["stopped"])
    assert "Traceback" not in stderr


@pytest.mark.slow
def test_serve_without_a_key_takes_any_key() -> None:
    with serving() as served:
        lines = served.lines_until("Ctrl-C stops it")
        assert "(faults off, accepts any bearer key)" in lines[0]
        [hint] = [line for line in lines if line.startswith("try: ")]
        printed = run_hint(hint)
        another = run_hint(hint, MINILLM_API_KEY="sk-anything")
        served.stop()
    assert printed.returncode == 0, printed.stderr
    assert another.returncode == 0, another.stderr


@pytest.mark.slow
def test_serve_refuses_base_url_saying_what_to_use_instead() -> None:
    result = run_cli("serve", "--base-url", "http://127.0.0.1:8000/v1")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "error: serve runs a server here; --base-url names a server to talk to: drop it "
        "(--port chooses where this one listens)"
    )


@pytest.mark.slow
def test_serve_on_a_taken_port_is_one_error_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), timeout=30)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert str(port) in error
