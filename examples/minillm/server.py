"""`MiniLLMServer`: an OpenAI-compatible HTTP server on ``sdkcore.testing.LoopbackServer``.

It answers on ``127.0.0.1`` (a free port, or ``port=``) from background threads of
the calling process, so the CLI and the tests need no network:

=========================================  ==========================================
``GET  /v1/models``, ``/v1/models/ID``      the models (`_backend.MODELS`), one page
``POST /v1/chat/completions``               a deterministic answer, whole or streamed as
                                            SSE chunks 20-40 ms apart, ending ``[DONE]``
``POST /v1/files``                          an upload (``multipart/form-data``: ``file``
                                            and ``purpose``), stored under a new id
``GET  /v1/files``                          cursor pages: ``limit``, ``after``,
                                            ``has_more`` (13 files to begin with)
``GET  /v1/files/ID``                       one file's metadata
``GET  /v1/files/ID/content``               its bytes (8 MiB for the sample) with
                                            Content-Length, Accept-Ranges and an ETag
``GET  /v1/files/ID/events``                what happened to it: a JSON array, pages
                                            linked by ``Link: <...>; rel="next"``
``POST /v1/audio/speech``                   audio, a 4 KiB chunk at a time
``GET  /v1/usage``                          tokens per day: ``startDate``, ``endDate``
                                            (ISO dates), ``groupBy``, checked by name
=========================================  ==========================================

Every answer carries ``x-request-id`` and the ``x-ratelimit-*-requests`` headers;
requests need ``Authorization: Bearer KEY`` (with ``api_key=``, that key only). With
the fault switch on (``faults=True`` or `set_faults`), the first call of every route
is answered 429 with ``Retry-After: 1``, every streamed chat completion is cut after a
few chunks, and the first download is cut part-way (so the client resumes it).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Final, Self

from sdkcore.testing import Drip, DropAfterEvents, Fault, LoopbackServer, Reply

from ._backend import MIB, StoredFile, sample_file, seeded_files
from ._faults import CutOnAttempt, TokenPacing
from ._file_routes import FileRoutes
from ._replies import ReplyError, error_body
from ._routes import ApiRoutes
from ._store import FileStore, UsageLedger

if TYPE_CHECKING:
    from sdkcore.testing import Handler, Request

__all__ = ["CUT_AFTER_EVENTS", "CUT_DOWNLOAD_AT", "RETRY_AFTER", "MiniLLMServer"]

#: With faults on, a streamed chat completion is cut after this many events.
CUT_AFTER_EVENTS: Final = 6
#: With faults on, the first download (the call after the 429) is cut after this many bytes.
CUT_DOWNLOAD_AT: Final = 3 * MIB
#: The ``Retry-After`` of the injected 429s, in seconds.
RETRY_AFTER: Final = 1
_DRIP_CHUNK: Final = 256 * 1024


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


class MiniLLMServer:
    """An OpenAI-compatible server for demos and tests, on ``127.0.0.1:port`` (0: a free one).

    `api_key`, when given, is the only key accepted (else any bearer key is).
    `first_token_delay` is the wait before a completion's first chunk and
    `token_delay` bounds the pause between the next ones; `bandwidth` paces
    downloads (bytes per second; ``None``: as fast as the socket goes) and
    `speech_interval` the speech audio's chunks. Raises `sdkcore.testing.PortInUseError`
    on `start` when a fixed `port` is taken.

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
        port: int = 0,
        first_token_delay: float = 0.15,
        token_delay: tuple[float, float] = (0.02, 0.04),
        bandwidth: float | None = 16 * MIB,
        speech_interval: float = 0.03,
        file_size: int = 8 * MIB,
        rate_limit: int = 500,
    ) -> None:
        self.http = LoopbackServer(port=port)
        self._sample = sample_file(file_size)
        self.store = FileStore([self._sample, *seeded_files()])
        self.ledger = UsageLedger()
        self.api_key = api_key
        self.first_token_delay = first_token_delay
        self.token_delay = token_delay
        self.bandwidth = bandwidth
        self._budget = _RequestBudget(rate_limit)
        self._faults = faults
        self._api_routes = ApiRoutes(
            self.ledger, token_delay=token_delay, speech_interval=speech_interval
        )
        self._file_routes = FileRoutes(self.store, self.http.url_for)
        self._declare_routes()

    def __repr__(self) -> str:
        return f"<MiniLLMServer {self.http!r} faults={self._faults}>"

    # -- lifecycle and addresses ---------------------------------------------------

    def start(self) -> Self:
        """Bind the port and serve from background threads; returns the server."""
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
        """The large stored file to download (``file-minillm-sample``)."""
        return self._sample

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
        api, files = self._api_routes, self._file_routes
        table: list[tuple[str, str, Handler, list[Fault]]] = [
            ("GET", "/v1/models", api.list_models, []),
            ("GET", "/v1/models/{model}", api.retrieve_model, []),
            ("POST", "/v1/chat/completions", api.chat, self._chat_faults()),
            ("POST", "/v1/files", files.upload, []),
            ("GET", "/v1/files", files.list, []),
            ("GET", "/v1/files/{file_id}", files.retrieve, []),
            ("GET", "/v1/files/{file_id}/content", files.content, self._download_faults()),
            ("GET", "/v1/files/{file_id}/events", files.events, []),
            ("POST", "/v1/audio/speech", api.speech, []),
            ("GET", "/v1/usage", api.usage, []),
        ]
        for method, path, handler, faults in table:
            self.http.route(method, path, handler=self._api(handler), faults=faults)

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

    def _api(self, handler: Handler) -> Handler:
        """`handler` behind authentication, the injected 429 and the common headers."""

        def answer(request: Request) -> Reply:
            headers = {"x-request-id": f"req_{uuid.uuid4().hex[:24]}", **self._budget.take()}
            try:
                self._authenticate(request)
                if self._faults and request.attempt == 1:
                    return _rate_limited(headers)
                reply = handler(request)
            except ReplyError as failure:
                reply = failure.reply
            return replace(reply, headers={**headers, **_header_dict(reply)})

        return answer

    def _authenticate(self, request: Request) -> None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            message = "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'."
            raise ReplyError(401, message, code="missing_api_key")
        if self.api_key is not None and key.strip() != self.api_key:
            message = "Incorrect API key provided: this server accepts only the key it was given."
            raise ReplyError(401, message, code="invalid_api_key")


def _header_dict(reply: Reply) -> dict[str, str]:
    spec = reply.headers
    pairs = spec.items() if isinstance(spec, Mapping) else spec
    return {str(name): str(value) for name, value in pairs}


def _rate_limited(headers: Mapping[str, str]) -> Reply:
    message = "Rate limit reached for requests (injected by the fault switch). Retry after 1s."
    return Reply(
        status=429,
        json=error_body(message, code="rate_limit_exceeded", kind="requests"),
        headers={**headers, "x-ratelimit-remaining-requests": "0", "Retry-After": str(RETRY_AFTER)},
    )
