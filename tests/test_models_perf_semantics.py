"""The fast model path keeps the lenient/strict semantics, over a real socket.

sdkcore builds response models in pydantic-core (strict validation of the JSON
bytes, through a validator cached per type) and falls back to a lenient
construct only when the data does not fit. These tests pin what that shortcut
must not change: in lenient mode a wrong-typed or missing field never raises
and the data is kept as sent; in strict mode the same body raises
``APIResponseValidationError``. Both for a plain JSON body and inside a
``Stream``/``AsyncStream``, against a stdlib server on 127.0.0.1:0.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from sdkcore import (
    APIResponseValidationError,
    AsyncAPIClient,
    AsyncStream,
    BaseModel,
    Stream,
    SyncAPIClient,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


class Delta(BaseModel):
    role: str | None = None
    content: str | None = None


class Choice(BaseModel):
    index: int
    delta: Delta
    finish_reason: str | None = None


class Chunk(BaseModel):
    id: str
    object: str
    created: int
    model: str
    choices: list[Choice]


GOOD: dict[str, Any] = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1_718_000_000,
    "model": "gpt-test",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}
#: Wrong types at every level, "model" missing, and a field the model does not declare.
MALFORMED: dict[str, Any] = {
    "id": 12345,
    "object": "chat.completion.chunk",
    "created": "yesterday",
    "choices": [{"index": "first", "delta": {"content": ["a", "list"]}, "finish_reason": 7}],
    "new_field": {"kept": True},
}
REQUEST_ID = "req_semantics_1"


def _sse(*payloads: object) -> bytes:
    events = [f"data: {json.dumps(payload)}\n\n".encode() for payload in payloads]
    return b"".join([*events, b"data: [DONE]\n\n"])


ROUTES: dict[str, tuple[str, bytes]] = {
    "/good": ("application/json", json.dumps(GOOD).encode()),
    "/malformed": ("application/json", json.dumps(MALFORMED).encode()),
    "/list": ("application/json", json.dumps([GOOD, MALFORMED, GOOD]).encode()),
    "/stream": ("text/event-stream", _sse(GOOD, MALFORMED, GOOD)),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: ClassVar[dict[str, tuple[str, bytes]]] = ROUTES

    def do_GET(self) -> None:
        content_type, body = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-request-id", REQUEST_ID)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the stdlib's name
        return


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _assert_kept_as_sent(chunk: object) -> None:
    assert isinstance(chunk, Chunk)
    assert isinstance(chunk.choices[0], Choice)
    assert isinstance(chunk.choices[0].delta, Delta)
    assert "model" not in chunk.model_fields_set
    sent: Any = chunk  # its fields hold what was sent, whatever their declared types
    assert sent.id == 12345
    assert sent.created == "yesterday"
    assert sent.choices[0].index == "first"
    assert sent.choices[0].delta.content == ["a", "list"]
    assert sent.choices[0].finish_reason == 7
    assert sent.new_field == {"kept": True}
    assert chunk.to_dict() == MALFORMED


def test_valid_body_is_validated_into_models(base_url: str) -> None:
    with SyncAPIClient(base_url, max_retries=0) as client:
        chunk = client.get("/good", cast_to=Chunk)
    assert isinstance(chunk.choices[0].delta, Delta)
    assert chunk.created == 1_718_000_000
    assert chunk.to_dict() == GOOD


def test_lenient_parse_keeps_wrong_typed_and_missing_fields_as_sent(base_url: str) -> None:
    with SyncAPIClient(base_url, max_retries=0) as client:
        chunk = client.get("/malformed", cast_to=Chunk)
    _assert_kept_as_sent(chunk)
    assert chunk._request_id == REQUEST_ID


def test_lenient_parse_of_a_list_keeps_the_malformed_item_and_validates_the_rest(
    base_url: str,
) -> None:
    with SyncAPIClient(base_url, max_retries=0) as client:
        chunks = client.get("/list", cast_to=list[Chunk])
    assert [type(chunk) for chunk in chunks] == [Chunk, Chunk, Chunk]
    _assert_kept_as_sent(chunks[1])
    assert chunks[0].to_dict() == chunks[2].to_dict() == GOOD


def test_strict_parse_of_a_malformed_body_raises_api_response_validation_error(
    base_url: str,
) -> None:
    with (
        SyncAPIClient(base_url, max_retries=0, _strict_response_validation=True) as client,
        pytest.raises(APIResponseValidationError) as raised,
    ):
        client.get("/malformed", cast_to=Chunk)
    assert raised.value.body == MALFORMED


def test_lenient_stream_yields_the_malformed_chunk_as_sent(base_url: str) -> None:
    with SyncAPIClient(base_url, max_retries=0) as client:
        stream = client.get("/stream", cast_to=Stream[Chunk], stream=True, stream_cls=Stream[Chunk])
        chunks = list(stream)
    assert len(chunks) == 3
    assert chunks[0].to_dict() == chunks[2].to_dict() == GOOD
    _assert_kept_as_sent(chunks[1])


@pytest.mark.anyio
async def test_lenient_stream_yields_the_malformed_chunk_as_sent_async(base_url: str) -> None:
    async with AsyncAPIClient(base_url, max_retries=0) as client:
        stream = await client.get(
            "/stream", cast_to=AsyncStream[Chunk], stream=True, stream_cls=AsyncStream[Chunk]
        )
        async with stream:
            chunks = [chunk async for chunk in stream]
    assert len(chunks) == 3
    _assert_kept_as_sent(chunks[1])


def test_strict_stream_raises_api_response_validation_error_at_the_malformed_chunk(
    base_url: str,
) -> None:
    received: list[Chunk] = []
    with SyncAPIClient(base_url, max_retries=0, _strict_response_validation=True) as client:
        stream = client.get("/stream", cast_to=Stream[Chunk], stream=True, stream_cls=Stream[Chunk])
        with pytest.raises(APIResponseValidationError):
            received.extend(stream)
    # Whether the good chunk before it got out depends on how the bytes were split.
    assert all(chunk.to_dict() == GOOD for chunk in received)


@pytest.mark.anyio
async def test_strict_stream_raises_api_response_validation_error_at_the_malformed_chunk_async(
    base_url: str,
) -> None:
    received: list[Chunk] = []
    async with AsyncAPIClient(base_url, max_retries=0, _strict_response_validation=True) as client:
        stream = await client.get(
            "/stream", cast_to=AsyncStream[Chunk], stream=True, stream_cls=AsyncStream[Chunk]
        )
        async with stream:
            with pytest.raises(APIResponseValidationError):
                received.extend([chunk async for chunk in stream])
    assert all(chunk.to_dict() == GOOD for chunk in received)


def test_models_need_no_python_hook_per_instance() -> None:
    # A pydantic private attribute would make pydantic-core call back into Python
    # for every model built (nested ones included): the cost this path avoids.
    for model in (Chunk, Choice, Delta):
        assert model.__pydantic_post_init__ is None


def test_request_id_is_none_until_set_and_stays_out_of_dumps_and_repr() -> None:
    chunk = Chunk.model_validate(GOOD)
    assert chunk._request_id is None
    chunk._request_id = "req_x"
    assert chunk._request_id == "req_x"
    assert chunk.to_dict() == GOOD
    assert "req_x" not in chunk.to_json()
    assert "req_x" not in repr(chunk)
    assert chunk.model_copy()._request_id == "req_x"
    with pytest.raises(AttributeError):
        _ = chunk.not_a_field  # type: ignore[attr-defined]  # must still raise
