"""The wrappers keep the wrapped method's parameters for type checkers (``ParamSpec``).

``mypy --strict`` (the project's settings, pydantic plugin included) runs in a
subprocess on ``tests/typing/sdk_sample.py`` (``assert_type`` checks that must
pass) and on a generated snippet of wrong calls through the example SDK of
``_sdk.py``, each marked with the error code mypy must report on its line.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "typing" / "sdk_sample.py"

WRONG_CALLS = """
from typing_extensions import assert_type

from _sdk import Acme, AsyncAcme, Thing
from sdkcore import APIResponse, AsyncAPIResponse, BinaryAPIResponse


def wrong_sync_calls(client: Acme) -> None:
    client.things.with_raw_response.get(123)  # expect: arg-type
    client.things.with_raw_response.get("t1", nonexistent=1)  # expect: call-arg
    client.things.with_raw_response.get("t1", verbose="yes")  # expect: arg-type
    client.things.with_raw_response.get()  # expect: call-arg
    client.things.with_streaming_response.get(123)  # expect: arg-type
    client.things.with_streaming_response.get("t1", nonexistent=1)  # expect: call-arg
    client.things.with_raw_response.content("t1", verbose=True)  # expect: call-arg
    client.things.with_streaming_response.content(b"t1")  # expect: arg-type


async def wrong_async_calls(client: AsyncAcme) -> None:
    await client.things.with_raw_response.get(123)  # expect: arg-type
    await client.things.with_raw_response.get("t1", nonexistent=1)  # expect: call-arg
    client.things.with_streaming_response.get(123)  # expect: arg-type
    client.things.with_streaming_response.content("t1", nonexistent=1)  # expect: call-arg


def right_calls(client: Acme) -> None:
    assert_type(client.things.with_raw_response.get("t1", verbose=True), APIResponse[Thing])
    assert_type(client.things.with_raw_response.content("t1"), BinaryAPIResponse)


async def right_async_calls(client: AsyncAcme) -> None:
    raw = await client.things.with_raw_response.get("t1")
    assert_type(raw, AsyncAPIResponse[Thing])
    assert_type(await raw.parse(), Thing)
"""

_ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")
_EXPECT = re.compile(r"# expect: (?P<code>[a-z-]+)$")


def run_mypy(tmp_path: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--show-error-codes",
            "--no-pretty",
            *map(str, files),
        ],
        cwd=ROOT,
        env={"MYPYPATH": str(ROOT / "tests"), "PATH": "", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.mark.slow
def test_mypy_strict_accepts_the_sdk_sample_and_reports_every_wrong_wrapped_call(
    tmp_path: Path,
) -> None:
    snippet = tmp_path / "wrong_calls.py"
    snippet.write_text(textwrap.dedent(WRONG_CALLS))
    done = run_mypy(tmp_path, SAMPLE, snippet)
    errors = [m for m in map(_ERROR.match, done.stdout.splitlines()) if m]
    outside = [m.group(0) for m in errors if Path(m["path"]).name != snippet.name]
    assert outside == [], done.stdout  # the sample, _sdk.py and sdkcore type-check cleanly
    reported = {(int(m["line"]), m["code"]) for m in errors}
    expected = {
        (number, m["code"])
        for number, line in enumerate(snippet.read_text().splitlines(), start=1)
        if (m := _EXPECT.search(line))
    }
    assert len(expected) == 12
    assert reported == expected, done.stdout
    assert done.returncode == 1
