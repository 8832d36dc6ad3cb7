"""The MiniLLM example SDK: its CLI end to end, and its SDK methods in-process.

The CLI runs as a subprocess (``python -m examples.minillm``) from the repository
root against its embedded server; the SDK tests drive ``MiniLLM`` and
``AsyncMiniLLM`` against a `MiniLLMServer` in this process.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from examples.minillm import AsyncMiniLLM, MiniLLM, MiniLLMServer
from examples.minillm._backend import sample_file
from examples.minillm.types import (
    ChatCompletion,
    ChatCompletionChunk,
    Model,
    ModelList,
)

from sdkcore import (
    APIConnectionError,
    AsyncBinaryAPIResponse,
    AsyncStream,
    AsyncStreamedBinaryAPIResponse,
    BinaryAPIResponse,
    HttpxBinaryResponseContent,
    NotFoundError,
    Stream,
    StreamedBinaryAPIResponse,
)

REPO = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from collections.abc import Iterator

    from examples.minillm.types import ChatCompletionMessageParam

SAMPLE_ID = "file-minillm-sample"
SAMPLE_SIZE = 8 * 1024 * 1024
HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello"}]


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the CLI from the repository root, with no OPENAI_* variables leaking in."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("OPENAI_")}
    return subprocess.run(
        [sys.executable, "-m", "examples.minillm", *args],
        cwd=REPO,
        env=env,
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
    assert "ModelList with 3 models: minillm-1, minillm-1-mini, minillm-voice" in result.stdout
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
def test_unreachable_server_prints_one_error_line_and_exits_nonzero() -> None:
    result = run_cli("--base-url", "http://127.0.0.1:1", "--api-key", "sk-test", "raw")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith("error: cannot connect to http://127.0.0.1:1: ")
    assert "sk-test" not in result.stdout + result.stderr


@pytest.mark.slow
def test_unknown_file_is_one_404_error_line_and_no_file(tmp_path: Path) -> None:
    out = tmp_path / "nothing.bin"
    result = run_cli("download", "file-nope", str(out))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: 404 Not Found from GET")
    assert list(tmp_path.iterdir()) == []


# -- the SDK, in-process -----------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[MiniLLMServer]:
    with MiniLLMServer(first_token_delay=0.0, token_delay=(0.0, 0.0), bandwidth=None) as running:
        yield running


@pytest.fixture
def client(server: MiniLLMServer) -> Iterator[MiniLLM]:
    with MiniLLM(api_key="sk-test-key", base_url=server.base_url) as sync_client:
        yield sync_client


def test_models_raw_response_has_request_id_rate_limits_and_typed_body(client: MiniLLM) -> None:
    response = client.models.with_raw_response.list()

    assert response.status_code == 200
    assert response.request_id is not None
    assert response.request_id.startswith("req_")
    assert response.headers["x-ratelimit-limit-requests"] == "500"
    assert int(response.headers["x-ratelimit-remaining-requests"]) < 500
    assert response.retries_taken == 0
    models = response.parse()
    assert isinstance(models, ModelList)
    assert response.parse() is models
    assert models.data[0].id == "minillm-1"
    assert models._request_id == response.request_id
    assert "sk-test-key" not in repr(client)


def test_models_streaming_response_parses_on_demand(client: MiniLLM) -> None:
    with client.models.with_streaming_response.retrieve("minillm-1") as response:
        assert response.http_request.url.path == "/v1/models/minillm-1"
        model = response.parse()
    assert isinstance(model, Model)
    assert model.owned_by == "minillm"
    assert response.is_closed


def test_chat_create_whole_and_streamed_tell_the_same_text(client: MiniLLM) -> None:
    completion = client.chat.completions.create(model="minillm-1", messages=HELLO)
    stream = client.chat.completions.create(model="minillm-1", messages=HELLO, stream=True)
    with stream:
        chunks = list(stream)

    assert isinstance(completion, ChatCompletion)
    assert isinstance(stream, Stream)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert "".join(chunk.text for chunk in chunks) == completion.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert isinstance(stream.time_to_first_event, datetime.timedelta)
    assert stream.request_id is not None


def test_chat_raw_and_streaming_responses_of_a_stream(client: MiniLLM) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="minillm-1", messages=HELLO, stream=True, stream_options={"include_usage": True}
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    stream = raw.parse()
    assert isinstance(stream, Stream)
    chunks = list(stream)
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == len(chunks) - 3  # role, finish, usage

    with client.chat.with_streaming_response.completions.create(
        model="minillm-1", messages=HELLO, stream=True
    ) as response:
        lines = list(response.iter_lines())
    assert "data: [DONE]" in lines


def test_files_content_parsed_raw_and_streamed_to_file(client: MiniLLM, tmp_path: Path) -> None:
    expected = sample_sha256()
    assert client.files.retrieve(SAMPLE_ID).bytes == SAMPLE_SIZE
    assert [stored.id for stored in client.files.list().data] == [SAMPLE_ID]
    content = client.files.content(SAMPLE_ID)
    assert isinstance(content, HttpxBinaryResponseContent)
    assert hashlib.sha256(content.content).hexdigest() == expected

    raw = client.files.with_raw_response.content(SAMPLE_ID)
    assert isinstance(raw, BinaryAPIResponse)
    raw.write_to_file(tmp_path / "raw.bin")

    reports: list[tuple[int, int | None]] = []
    with client.files.with_streaming_response.content(SAMPLE_ID) as streamed:
        assert isinstance(streamed, StreamedBinaryAPIResponse)
        assert streamed.headers["accept-ranges"] == "bytes"
        streamed.stream_to_file(tmp_path / "streamed.bin", progress=lambda *r: reports.append(r))
    for name in ("raw.bin", "streamed.bin"):
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == expected
    assert reports[-1] == (SAMPLE_SIZE, SAMPLE_SIZE)


def test_speech_raw_and_streamed_audio(client: MiniLLM, tmp_path: Path) -> None:
    speech = client.audio.speech
    raw = speech.with_raw_response.create(model="minillm-voice", voice="alloy", input="hi")
    assert isinstance(raw, BinaryAPIResponse)
    assert raw.read().startswith(b"ID3")
    assert raw.headers["content-type"] == "audio/mpeg"

    reports: list[tuple[int, int | None]] = []
    with client.audio.with_streaming_response.speech.create(
        model="minillm-voice", voice="alloy", input="hello there", response_format="wav"
    ) as response:
        assert isinstance(response, StreamedBinaryAPIResponse)
        response.stream_to_file(tmp_path / "hi.wav", progress=lambda *r: reports.append(r))
    assert reports[-1] == ((tmp_path / "hi.wav").stat().st_size, None)
    assert response.headers["content-type"] == "audio/wav"


def test_unknown_model_raises_not_found_with_the_request_id(client: MiniLLM) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.chat.completions.create(model="gpt-nope", messages=HELLO)
    assert caught.value.request_id is not None
    assert "does not exist" in str(caught.value)


@pytest.mark.anyio
async def test_async_resources_raw_and_streaming(server: MiniLLMServer, tmp_path: Path) -> None:
    async with AsyncMiniLLM(api_key="sk-test", base_url=server.base_url) as aclient:
        raw = await aclient.models.with_raw_response.list()
        assert raw.request_id is not None
        assert (await raw.parse()).data[0].id == "minillm-1"
        async with aclient.models.with_streaming_response.list() as listed:
            assert isinstance(await listed.parse(), ModelList)

        stream = await aclient.chat.completions.create(
            model="minillm-1", messages=HELLO, stream=True
        )
        assert isinstance(stream, AsyncStream)
        text = "".join([chunk.text async for chunk in stream])
        completion = await aclient.chat.completions.with_raw_response.create(
            model="minillm-1", messages=HELLO
        )
        assert (await completion.parse()).choices[0].message.content == text

        raw_file = await aclient.files.with_raw_response.content(SAMPLE_ID)
        assert isinstance(raw_file, AsyncBinaryAPIResponse)
        assert len(await raw_file.read()) == SAMPLE_SIZE
        async with aclient.files.with_streaming_response.content(SAMPLE_ID) as response:
            assert isinstance(response, AsyncStreamedBinaryAPIResponse)
            await response.stream_to_file(tmp_path / "async.bin")
        assert hashlib.sha256((tmp_path / "async.bin").read_bytes()).hexdigest() == (
            sample_sha256()
        )
        async with aclient.audio.speech.with_streaming_response.create(
            model="minillm-voice", voice="alloy", input="hi"
        ) as audio:
            assert isinstance(audio, AsyncStreamedBinaryAPIResponse)
            assert (await audio.read()).startswith(b"ID3")


def test_fault_switch_429_is_retried_and_a_cut_stream_raises(tmp_path: Path) -> None:
    with (
        MiniLLMServer(faults=True, first_token_delay=0.0, token_delay=(0.0, 0.0)) as server,
        MiniLLM(api_key="sk-test", base_url=server.base_url) as client,
    ):
        response = client.models.with_raw_response.list()
        assert response.status_code == 200
        assert response.retries_taken == 1

        stream = client.chat.completions.create(model="minillm-1", messages=HELLO, stream=True)
        received: list[ChatCompletionChunk] = []
        with pytest.raises(APIConnectionError), stream:
            received.extend(stream)
        assert len(received) == 6
        assert stream.retries_taken == 1
