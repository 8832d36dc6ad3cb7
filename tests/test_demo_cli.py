"""The MiniLLM example's CLI end to end: ``python -m examples.minillm`` as a subprocess,
from the repository root, against its embedded server.

The SDK itself is tested in-process in ``test_demo_sdk.py`` and ``test_demo_pages.py``;
``serve`` in ``test_demo_serve.py``; ``webhook`` in ``test_demo_webhook.py``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from examples.minillm._backend import sample_file

REPO = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from collections.abc import Mapping

SAMPLE_ID = "file-minillm-sample"
SAMPLE_SIZE = 8 * 1024 * 1024
#: Variables that would point the CLI elsewhere, or change its log.
_LEAKING = ("OPENAI_", "MINILLM_", "SDKCORE_LOG", "OTEL_")


def cli_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the variables the CLI reads, plus `extra`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(_LEAKING)}
    return {**env, **(extra or {})}


def run_cli(
    *args: str, timeout: float = 60, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI from the repository root, with none of its variables leaking in."""
    return subprocess.run(
        [sys.executable, "-m", "examples.minillm", *args],
        cwd=REPO,
        env=cli_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_clean_exit(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "error:" not in result.stderr


@functools.cache
def sample_sha256() -> str:
    return hashlib.sha256(sample_file().data).hexdigest()


# -- the CLI, end to end ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_tour_runs_every_feature_and_exits_zero(mode: str) -> None:
    result = run_cli("tour", *(["--async"] if mode == "async" else []))

    assert_clean_exit(result)
    out = result.stdout
    assert re.search(r"status\s+200 OK", out)
    assert re.search(r"request id\s+req_[0-9a-f]{24}", out)
    assert re.search(r"rate limit\s+\d+ of 500 requests remaining", out)
    assert 'You asked: "Stream me a sentence, token by token."' in out
    assert re.search(r"time to first token \d+ ms", out)
    retries = [int(n) for n in re.findall(r"retries taken\s+(\d+)", out)]
    assert max(retries) >= 1
    assert out.count("saved 8,388,608 bytes") == 2
    assert out.count(f"sha256 {sample_sha256()}") == 2
    assert out.count("matches the server's copy (8,388,608 bytes): yes") == 2
    assert "resumed with Range: bytes=3145728-" in out
    errors = [line.strip() for line in out.splitlines() if line.strip().startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: the stream broke after 6 chunks: connection to")
    assert "(100%)" in result.stderr  # the download's progress lines
    assert "Retrying GET" in result.stderr  # the 429 retry is shown while it waits
    kind = "Async" if mode == "async" else "Sync"
    assert f"-> {kind}CursorPage[FileObject]" in out
    assert "-- 14 files on 3 pages (5 per page)" in out  # 13 to begin with, plus the upload
    assert "stored byte for byte: yes" in out
    assert "sent   GET /v1/usage?startDate=" in out
    assert "quick.chat.completions.create(...) -> timed out" in out
    assert "refused, NO_MATCHING_SIGNATURE" in out
    assert "refused, REPLAYED" in out
    assert re.search(r"GET /models  \[CLIENT, \d+ ms\]  http.response.status_code=429", out)
    assert 'Link: rel="next" <http://127.0.0.1:' in out
    assert "-- 4 events on 2 pages (2 per page)" in out
    took = float(re.findall(r"tour finished in ([\d.]+) s", out)[0])
    assert took < 15  # the first thing a new user runs


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_raw_shows_status_request_id_rate_limits_body_and_retries(mode: str) -> None:
    result = run_cli("raw", *(["--async"] if mode == "async" else []))

    assert_clean_exit(result)
    assert re.search(r"status\s+200 OK", result.stdout)
    assert re.search(r"request id\s+req_[0-9a-f]{24}", result.stdout)
    assert re.search(r"rate limit\s+499 of 500 requests remaining", result.stdout)
    assert re.search(r"retries taken\s+0", result.stdout)
    assert re.search(r"elapsed\s+\d+ ms", result.stdout)
    kind = "AsyncPage" if mode == "async" else "SyncPage"
    assert f"{kind}[Model] with 3 models: minillm-1, minillm-1-mini, minillm-voice" in result.stdout
    assert "embedded server at http://127.0.0.1:" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_chat_streams_tokens_then_time_to_first_token(mode: str) -> None:
    result = run_cli("chat", "hello there", *(["--async"] if mode == "async" else []))

    assert_clean_exit(result)
    assert 'You asked: "hello there". I am MiniLLM' in result.stdout
    assert re.search(r"-- \d+ chunks in .*, time to first token \d+ ms", result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_download_writes_the_file_with_progress_lines(mode: str, tmp_path: Path) -> None:
    out = tmp_path / "sample.bin"
    result = run_cli("download", SAMPLE_ID, str(out), *(["--async"] if mode == "async" else []))

    assert_clean_exit(result)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == sample_sha256()
    assert f"saved {SAMPLE_SIZE:,} bytes to {out}" in result.stdout
    assert "resumable (Accept-Ranges: bytes, ETag" in result.stdout
    progress = [line for line in result.stderr.splitlines() if "download:" in line]
    assert 2 <= len(progress) <= 12  # a line per tenth, not per chunk, when not on a terminal
    assert progress[-1].strip().startswith("download: 8.0 MiB / 8.0 MiB (100%)")


@pytest.mark.slow
@pytest.mark.parametrize("mode", [[], ["--async"]], ids=["sync", "async"])
def test_unreachable_server_prints_one_error_line_and_exits_nonzero(mode: list[str]) -> None:
    result = run_cli(*mode, "--base-url", "http://127.0.0.1:1", "--api-key", "sk-test", "raw")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: Could not connect to 127.0.0.1:1: the connection was refused, "
        "or the host is unreachable."
    ]
    assert "sk-test" not in result.stdout + result.stderr


@pytest.mark.slow
def test_a_base_url_that_is_not_http_is_one_error_line_naming_it() -> None:
    result = run_cli("--base-url", "not-a-url", "models")

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: --base-url 'not-a-url': give an http:// or https:// URL"]
    assert "placeholder" not in result.stderr  # refused before anything else is said


@pytest.mark.slow
def test_unknown_file_is_one_404_error_line_and_no_file(tmp_path: Path) -> None:
    out = tmp_path / "nothing.bin"
    result = run_cli("download", "file-nope", str(out))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: 404 Not Found from GET")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_files_ls_prints_every_file_across_pages_and_counts_them(mode: str) -> None:
    result = run_cli("files", "ls", "--limit", "4", *(["--async"] if mode == "async" else []))

    assert_clean_exit(result)
    heads = re.findall(r"page (\d): GET /v1/files\?(\S+)", result.stdout)
    assert [number for number, _ in heads] == ["1", "2", "3", "4"]
    assert heads[0][1] == "limit=4"
    assert heads[1][1].startswith("limit=4&after=file-minillm-")
    files = re.findall(r"^    (file-minillm-\S+)", result.stdout, flags=re.MULTILINE)
    assert len(files) == len(set(files)) == 13
    assert "-- 13 files on 4 pages (4 per page)" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_files_upload_shows_progress_and_what_was_stored(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"prompt": "p", "completion": "c"}\n' * 30_000)
    size = path.stat().st_size
    result = run_cli(
        "files", "upload", str(path), "--purpose", "fine-tune",
        *(["--async"] if mode == "async" else []),
    )  # fmt: skip

    assert_clean_exit(result)
    assert re.search(
        rf"uploaded train.jsonl \({size:,} bytes\) as file-[0-9a-f]{{24}}, purpose fine-tune",
        result.stdout,
    )
    progress = [line for line in result.stderr.splitlines() if "upload:" in line]
    assert 2 <= len(progress) <= 12
    assert "(100%)" in progress[-1]


@pytest.mark.slow
def test_files_upload_of_a_missing_path_is_one_error_line(tmp_path: Path) -> None:
    result = run_cli("files", "upload", str(tmp_path / "absent.jsonl"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: No such file or directory: {tmp_path / 'absent.jsonl'}"
    )


@pytest.mark.slow
def test_usage_by_model_shows_the_wire_query_and_a_bucket_per_day() -> None:
    result = run_cli("usage", "--start", "2024-06-01", "--end", "2024-06-07", "--by-model")

    assert_clean_exit(result)
    assert (
        "sent   GET /v1/usage?startDate=2024-06-01&endDate=2024-06-07&groupBy=model"
        in result.stdout
    )
    assert len(re.findall(r"^    2024-06-0\d  ", result.stdout, flags=re.MULTILINE)) == 7


@pytest.mark.slow
def test_usage_refused_by_the_server_is_one_400_line() -> None:
    result = run_cli("usage", "--start", "2024-06-01", "--end", "2024-09-01")

    assert result.returncode == 1
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: 400 Bad Request from GET /v1/usage: endDate must be from startDate")
    )


@pytest.mark.slow
def test_verbose_shows_a_debug_line_per_attempt_and_never_the_key() -> None:
    result = run_cli("--verbose", "chat", "hi", "--faults", "--no-stream")

    assert_clean_exit(result)
    attempts = re.findall(
        r"sdkcore.http DEBUG POST http://127.0.0.1:\d+/v1/chat/completions (\d+) in", result.stderr
    )
    assert attempts == ["429", "200"]
    assert "sk-minillm-local" not in result.stdout + result.stderr  # the embedded server's key
    assert re.search(r"'authorization': '<redacted>'", result.stderr, flags=re.IGNORECASE)


@pytest.mark.slow
def test_without_verbose_only_retries_are_logged() -> None:
    result = run_cli("models", "--faults")

    assert_clean_exit(result)
    assert "sdkcore.retry INFO Retrying GET" in result.stderr
    assert "DEBUG" not in result.stderr
