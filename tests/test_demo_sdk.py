"""The MiniLLM example SDK in-process: ``MiniLLM`` and ``AsyncMiniLLM`` against a
`MiniLLMServer` in this process (models, chat, downloads, speech, faults, configuration).

Pages, uploads and the usage query are in ``test_demo_pages.py``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from typing import TYPE_CHECKING

import pytest
from examples.minillm import AsyncMiniLLM, MiniLLM, MiniLLMError, MiniLLMServer
from examples.minillm._backend import sample_file
from examples.minillm._report import chunk_text
from examples.minillm.sdk.types import ChatCompletion, ChatCompletionChunk, Model

from sdkcore import (
    APIConnectionError,
    AsyncBinaryAPIResponse,
    AsyncPage,
    AsyncStream,
    AsyncStreamedBinaryAPIResponse,
    AuthenticationError,
    BinaryAPIResponse,
    HttpxBinaryResponseContent,
    NotFoundError,
    Stream,
    StreamedBinaryAPIResponse,
    SyncPage,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from examples.minillm.sdk.types import ChatCompletionRequestMessageParam

SAMPLE_ID = "file-minillm-sample"
SAMPLE_SIZE = 8 * 1024 * 1024
HELLO: list[ChatCompletionRequestMessageParam] = [{"role": "user", "content": "hello"}]


@functools.cache
def sample_sha256() -> str:
    return hashlib.sha256(sample_file().data).hexdigest()


def fast_server(*, faults: bool = False, api_key: str | None = None) -> MiniLLMServer:
    """A server without its pacing: no token delays, no bandwidth limit, no speech pauses."""
    return MiniLLMServer(
        faults=faults,
        api_key=api_key,
        first_token_delay=0.0,
        token_delay=(0.0, 0.0),
        bandwidth=None,
        speech_interval=0.0,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[MiniLLMServer]:
    with fast_server() as running:
        yield running


@pytest.fixture
def client(server: MiniLLMServer) -> Iterator[MiniLLM]:
    with MiniLLM(api_key="sk-test-key", base_url=server.base_url) as sync_client:
        yield sync_client


def test_models_raw_response_has_request_id_rate_limits_and_a_page(client: MiniLLM) -> None:
    response = client.models.with_raw_response.list()

    assert response.status_code == 200
    assert response.request_id is not None
    assert response.request_id.startswith("req_")
    assert response.headers["x-ratelimit-limit-requests"] == "500"
    assert int(response.headers["x-ratelimit-remaining-requests"]) < 500
    assert response.retries_taken == 0
    models = response.parse()
    assert isinstance(models, SyncPage)
    assert response.parse() is models
    assert [model.id for model in models] == ["minillm-1", "minillm-1-mini", "minillm-voice"]
    assert all(isinstance(model, Model) for model in models.data)
    assert not models.has_next_page()
    assert models.request_id == response.request_id
    assert "sk-test-key" not in repr(client)


def test_models_streaming_response_parses_on_demand(client: MiniLLM) -> None:
    with client.models.with_streaming_response.retrieve("minillm-1") as response:
        assert response.http_request.url.path == "/v1/models/minillm-1"
        model = response.parse()
    assert isinstance(model, Model)
    assert model.owned_by == "minillm"
    assert response.is_closed


def test_unknown_model_raises_not_found_with_the_request_id(client: MiniLLM) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.chat.completions.create(model="gpt-nope", messages=HELLO)
    assert caught.value.request_id is not None
    assert "does not exist" in str(caught.value)
    with pytest.raises(NotFoundError, match="minillm-9"):
        client.models.retrieve("minillm-9")


def test_chat_create_whole_and_streamed_tell_the_same_text(client: MiniLLM) -> None:
    completion = client.chat.completions.create(model="minillm-1", messages=HELLO)
    stream = client.chat.completions.create(model="minillm-1", messages=HELLO, stream=True)
    with stream:
        chunks = list(stream)

    assert isinstance(completion, ChatCompletion)
    assert isinstance(stream, Stream)
    assert all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert "".join(chunk_text(chunk) for chunk in chunks) == completion.choices[0].message.content
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


def test_speech_raw_and_streamed_audio_of_announced_length(client: MiniLLM, tmp_path: Path) -> None:
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
    size = (tmp_path / "hi.wav").stat().st_size
    assert reports[-1] == (size, size)
    assert response.headers["content-type"] == "audio/wav"


@pytest.mark.anyio
async def test_async_resources_raw_and_streaming(server: MiniLLMServer, tmp_path: Path) -> None:
    async with AsyncMiniLLM(api_key="sk-test", base_url=server.base_url) as aclient:
        raw = await aclient.models.with_raw_response.list()
        assert raw.request_id is not None
        page = await raw.parse()
        assert isinstance(page, AsyncPage)
        assert page.data[0].id == "minillm-1"
        assert [model.id async for model in aclient.models.list()] == [m.id for m in page.data]
        async with aclient.models.with_streaming_response.list() as listed:
            assert isinstance(await listed.parse(), AsyncPage)

        stream = await aclient.chat.completions.create(
            model="minillm-1", messages=HELLO, stream=True
        )
        assert isinstance(stream, AsyncStream)
        text = "".join([chunk_text(chunk) async for chunk in stream])
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
        digest = hashlib.sha256((tmp_path / "async.bin").read_bytes()).hexdigest()
        assert digest == sample_sha256()
        async with aclient.audio.speech.with_streaming_response.create(
            model="minillm-voice", voice="alloy", input="hi"
        ) as audio:
            assert isinstance(audio, AsyncStreamedBinaryAPIResponse)
            assert (await audio.read()).startswith(b"ID3")


def test_fault_switch_429_is_retried_and_a_cut_stream_raises() -> None:
    with (
        fast_server(faults=True) as server,
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


# -- configuration ----------------------------------------------------------------------


def test_a_server_given_a_key_refuses_any_other_with_authentication_error() -> None:
    with (
        fast_server(api_key="sk-right") as server,
        MiniLLM(api_key="sk-wrong", base_url=server.base_url, max_retries=0) as client,
    ):
        with pytest.raises(AuthenticationError) as caught:
            client.models.list()
        assert caught.value.status_code == 401
        assert caught.value.code == "invalid_api_key"
        assert "sk-wrong" not in str(caught.value)
        with client.with_options(api_key="sk-right") as right:
            assert next(model.id for model in right.models.list()) == "minillm-1"


def test_clients_take_minillm_variables_before_openai_ones(
    server: MiniLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    with MiniLLM() as from_openai:
        assert from_openai.api_key == "sk-openai"
        assert str(from_openai.base_url) == "http://127.0.0.1:1/v1/"
    monkeypatch.setenv("MINILLM_API_KEY", "sk-minillm")
    monkeypatch.setenv("MINILLM_BASE_URL", server.base_url)
    with MiniLLM() as client:
        assert client.api_key == "sk-minillm"
        assert client.models.retrieve("minillm-1").id == "minillm-1"
    assert server.requests[-1].headers["authorization"] == "Bearer sk-minillm"


def test_a_client_without_any_key_raises_minillm_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MINILLM_API_KEY", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(MiniLLMError, match="MINILLM_API_KEY"):
        MiniLLM(base_url="http://127.0.0.1:1/v1")


def test_every_request_says_minillm_then_sdkcore_in_its_user_agent(
    server: MiniLLMServer, client: MiniLLM
) -> None:
    client.models.retrieve("minillm-1")
    agent = server.requests[-1].headers["user-agent"]
    assert agent.startswith("minillm-python/0.1.0 sdkcore/")
    assert " python/3." in agent


def test_with_options_changes_the_copy_only_and_shares_its_pool(client: MiniLLM) -> None:
    quick = client.with_options(timeout=0.5, max_retries=0)
    assert (quick.timeout, quick.max_retries) == (0.5, 0)
    assert client.max_retries == 2
    assert quick.api_key == client.api_key
    quick.close()
    assert client.models.retrieve("minillm-1").id == "minillm-1"  # the pool is still open
