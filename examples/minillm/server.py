"""`MiniLLMServer`: an OpenAI-compatible HTTP server on ``sdkcore.testing.LoopbackServer``.

It answers on ``127.0.0.1`` (a free port) from background threads of the calling
process, so the CLI and the tests need no network and no API key:

=====================================  ==============================================
``GET  /v1/models``, ``/v1/models/ID``  the models (`_backend.MODELS`)
``POST /v1/chat/completions``           a deterministic answer, whole or streamed as
                                        SSE chunks 20-40 ms apart, ending ``[DONE]``
``GET  /v1/files``, ``/v1/files/ID``    the stored files' metadata
``GET  /v1/files/ID/content``           8 MiB of deterministic bytes with
                                        Content-Length, Accept-Ranges and an ETag
``POST /v1/audio/speech``               a chunked audio body, streamed
=====================================  ==============================================

Every answer carries ``x-request-id`` and the ``x-ratelimit-*-requests`` headers;
requests need ``Authorization: Bearer ...``. With the fault switch on
(``faults=True`` or `set_faults`), the first call of every route is answered
429 with ``Retry-After: 1``, every streamed chat completion is cut after a few
chunks, and the first download is cut part-way (so the client resumes it).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Final, Self

from sdkcore.testing import Drip, DropAfterEvents, Fault, LoopbackServer, Reply, Request, SSEEvent

from ._backend import (
    AUDIO_TYPES,
    MIB,
    MODELS,
    OWNER,
    StoredFile,
    complete,
    sample_file,
    speech_audio,
)
from ._faults import CutOnAttempt, TokenPacing

__all__ = ["CUT_AFTER_EVENTS", "CUT_DOWNLOAD_AT", "RETRY_AFTER", "MiniLLMServer"]

#: With faults on, a streamed chat completion is cut after this many events.
CUT_AFTER_EVENTS: Final = 6
#: With faults on, the first download (the call after the 429) is cut after this many bytes.
CUT_DOWNLOAD_AT: Final = 3 * MIB
#: The ``Retry-After`` of the injected 429s, in seconds.
RETRY_AFTER: Final = 1
_DRIP_CHUNK: Final = 256 * 1024
_SPEECH_INTERVAL: Final = 0.01


class _ReplyError(Exception):
    """Raised by a handler to answer with an OpenAI-style error object."""

    def __init__(self, status: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.reply = Reply(status=status, json=_error_body(message, code=code))


def _error_body(message: str, *, code: str | None, kind: str = "invalid_request_error") -> object:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


class _RequestBudget:
    """A fixed-window request counter behind the ``x-ratelimit-*`` headers."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self._window = limit, window
        self._lock = threading.Lock()
        self._started, self._used = time.monotonic(), 0

    def take(self) -> dict[str, str]:
        """Count one request; the rate-limit headers to send with its answer."""
        with self._lock:
            now = time.monotonic()
            if now - self._started >= self._window:
                self._started, self._used = now, 0
            self._used += 1
            remaining = max(self.limit - self._used, 0)
            reset = self._window - (now - self._started)
        return {
            "x-ratelimit-limit-requests": str(self.limit),
            "x-ratelimit-remaining-requests": str(remaining),
            "x-ratelimit-reset-requests": f"{reset:.3f}s",
        }


_Handler = Callable[[Request], Reply]


class MiniLLMServer:
    """An OpenAI-compatible server for demos and tests, on ``127.0.0.1``.

    `api_key`, when given, is the only key accepted (else any bearer key is).
    `first_token_delay` is the wait before a completion's first chunk and
    `token_delay` bounds the pause between the next ones; `bandwidth` paces
    downloads (bytes per second; ``None``: as fast as the socket goes).

    Example::

        with MiniLLMServer() as server:
            client = MiniLLM(api_key="sk-local", base_url=server.base_url)
            print(client.chat.completions.create(model="minillm-1", messages=msgs))
    """

    def __init__(
        self,
        *,
        faults: bool = False,
        api_key: str | None = None,
        first_token_delay: float = 0.15,
        token_delay: tuple[float, float] = (0.02, 0.04),
        bandwidth: float | None = 16 * MIB,
        file_size: int = 8 * MIB,
        rate_limit: int = 500,
    ) -> None:
        self.http = LoopbackServer()
        self.files: tuple[StoredFile, ...] = (sample_file(file_size),)
        self.api_key = api_key
        self.first_token_delay = first_token_delay
        self.token_delay = token_delay
        self.bandwidth = bandwidth
        self._budget = _RequestBudget(rate_limit)
        self._faults = faults
        self._declare_routes()

    def __repr__(self) -> str:
        return f"<MiniLLMServer {self.http!r} faults={self._faults}>"

    # -- lifecycle and addresses ---------------------------------------------------

    def start(self) -> Self:
        """Bind a free port and serve from background threads; returns the server."""
        self.http.start()
        return self

    def stop(self) -> None:
        """Close every connection and stop; idempotent."""
        self.http.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The API root to give a client, e.g. ``http://127.0.0.1:54321/v1``."""
        return self.http.url_for("/v1")

    @property
    def sample_file(self) -> StoredFile:
        """The stored file to download (``file-minillm-sample``)."""
        return self.files[0]

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in order."""
        return self.http.requests

    # -- the fault switch ----------------------------------------------------------

    @property
    def faults(self) -> bool:
        """Whether faults are injected (see the module docstring)."""
        return self._faults

    def set_faults(self, enabled: bool) -> None:
        """Turn faults on or off; the next call of every route counts as its first."""
        self._faults = enabled
        self._declare_routes()

    # -- routes --------------------------------------------------------------------

    def _declare_routes(self) -> None:
        route = self.http.route
        route("GET", "/v1/models", handler=self._api(self._list_models))
        for model_id, created in MODELS:
            model = _model_json(model_id, created)
            route("GET", f"/v1/models/{model_id}", handler=self._api(_static(model)))
        chat = self._api(self._chat)
        route("POST", "/v1/chat/completions", handler=chat, faults=self._chat_faults())
        route("GET", "/v1/files", handler=self._api(self._list_files))
        for stored in self.files:
            route("GET", f"/v1/files/{stored.id}", handler=self._api(_static(stored.as_json())))
            content = self._api(_static_reply(_file_content(stored)))
            route(
                "GET",
                f"/v1/files/{stored.id}/content",
                handler=content,
                faults=self._download_faults(),
            )
        route("POST", "/v1/audio/speech", handler=self._api(_speech))

    def _chat_faults(self) -> list[Fault]:
        low, high = self.token_delay
        pacing: list[Fault] = [TokenPacing(low, high, first=self.first_token_delay)]
        return [*pacing, DropAfterEvents(CUT_AFTER_EVENTS)] if self._faults else pacing

    def _download_faults(self) -> list[Fault]:
        faults: list[Fault] = []
        if self.bandwidth:
            faults.append(Drip(_DRIP_CHUNK / self.bandwidth, chunk=_DRIP_CHUNK))
        if self._faults:  # attempt 1 is the injected 429; cut the download that follows
            faults.append(CutOnAttempt(CUT_DOWNLOAD_AT, attempt=2))
        return faults

    def _api(self, handler: _Handler) -> _Handler:
        """`handler` behind authentication, the injected 429 and the common headers."""

        def answer(request: Request) -> Reply:
            headers = {"x-request-id": f"req_{uuid.uuid4().hex[:24]}", **self._budget.take()}
            try:
                self._authenticate(request)
                if self._faults and request.attempt == 1:
                    return _rate_limited(headers)
                reply = handler(request)
            except _ReplyError as failure:
                reply = failure.reply
            return replace(reply, headers={**headers, **_header_dict(reply)})

        return answer

    def _authenticate(self, request: Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            message = "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'."
            raise _ReplyError(401, message, code="missing_api_key")
        if self.api_key is not None and key.strip() != self.api_key:
            raise _ReplyError(401, "Incorrect API key provided.", code="invalid_api_key")

    # -- handlers ------------------------------------------------------------------

    def _list_models(self, request: Request) -> Reply:
        models = [_model_json(model_id, created) for model_id, created in MODELS]
        return _ok({"object": "list", "data": models})

    def _list_files(self, request: Request) -> Reply:
        return _ok({"object": "list", "data": [stored.as_json() for stored in self.files]})

    def _chat(self, request: Request) -> Reply:
        body = _json_object(request)
        model = body.get("model")
        if model not in {model_id for model_id, _ in MODELS}:
            message = f"The model `{model}` does not exist or you do not have access to it."
            raise _ReplyError(404, message, code="model_not_found")
        max_tokens = body.get("max_tokens")
        completion = complete(
            str(model),
            _message_texts(body.get("messages")),
            max_tokens if isinstance(max_tokens, int) else None,
        )
        if body.get("stream") is not True:
            return _ok(completion.as_json())
        options = body.get("stream_options")
        usage = isinstance(options, Mapping) and options.get("include_usage") is True
        events: list[SSEEvent] = [{"data": c} for c in completion.chunks(include_usage=usage)]
        events.append({"data": "[DONE]"})
        return Reply(sse=events, interval=sum(self.token_delay) / 2)


def _ok(payload: object) -> Reply:
    return Reply(json=payload)


def _static(payload: object) -> _Handler:
    return _static_reply(_ok(payload))


def _static_reply(reply: Reply) -> _Handler:
    def answer(request: Request) -> Reply:
        return reply

    return answer


def _model_json(model_id: str, created: int) -> dict[str, object]:
    return {"id": model_id, "object": "model", "created": created, "owned_by": OWNER}


def _header_dict(reply: Reply) -> dict[str, str]:
    spec = reply.headers
    pairs = spec.items() if isinstance(spec, Mapping) else spec
    return {str(name): str(value) for name, value in pairs}


def _rate_limited(headers: Mapping[str, str]) -> Reply:
    message = "Rate limit reached for requests (injected by the fault switch). Retry after 1s."
    return Reply(
        status=429,
        json=_error_body(message, code="rate_limit_exceeded", kind="requests"),
        headers={**headers, "x-ratelimit-remaining-requests": "0", "Retry-After": str(RETRY_AFTER)},
    )


def _json_object(request: Request) -> dict[str, object]:
    try:
        body = request.json()
    except ValueError:
        raise _ReplyError(400, "We could not parse the JSON body of your request.") from None
    if not isinstance(body, dict):
        raise _ReplyError(400, "The request body must be a JSON object.")
    return body


def _message_texts(messages: object) -> list[str]:
    if not isinstance(messages, list) or not messages:
        raise _ReplyError(400, "'messages' must be a non-empty array of messages.")
    texts = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            raise _ReplyError(400, "Each message needs a 'role' and a string 'content'.")
        texts.append(content)
    return texts


def _file_content(stored: StoredFile) -> Reply:
    disposition = f'attachment; filename="{stored.filename}"'
    return Reply(
        body=stored.data,
        content_type="application/octet-stream",
        ranges=True,
        etag=stored.etag,
        headers={"Content-Disposition": disposition},
    )


def _speech(request: Request) -> Reply:
    body = _json_object(request)
    text, voice = body.get("input"), body.get("voice")
    if not isinstance(text, str) or not text.strip() or not isinstance(voice, str):
        raise _ReplyError(400, "'input' (non-empty) and 'voice' are required strings.")
    audio_format = body.get("response_format", "mp3")
    if audio_format not in AUDIO_TYPES:
        raise _ReplyError(400, f"Unsupported response_format {audio_format!r}.")
    content_type = AUDIO_TYPES[str(audio_format)]
    audio = speech_audio(text, voice)
    return Reply(body=audio, content_type=content_type, interval=_SPEECH_INTERVAL)
