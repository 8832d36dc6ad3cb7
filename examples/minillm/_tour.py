"""``python -m examples.minillm tour``: every feature once, against the embedded server.

The tour is a list of `Step` s. Each step has a sync and an async way to run
(the same command from `_sync_commands` / `_async_commands`) and may print what
the server saw afterwards. Halfway, the server's fault switch goes on, so the
last steps show a retried 429, a resumed download and a stream cut mid-way.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from sdkcore import SdkError

from . import _async_commands as acmd
from . import _sync_commands as cmd
from ._client import AsyncMiniLLM, MiniLLM
from ._report import CLIError, DownloadReport, describe_error, format_bytes
from .server import CUT_AFTER_EVENTS, CUT_DOWNLOAD_AT, RETRY_AFTER

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from sdkcore.testing import Request

    from .server import MiniLLMServer

__all__ = ["Tour"]

MODEL = "minillm-1"
VOICE_MODEL = "minillm-voice"
LOCAL_KEY = "sk-minillm-local"


@dataclass(frozen=True)
class Step:
    """One stop of the tour: the call it shows, and how to make it sync and async."""

    title: str
    run: Callable[[MiniLLM], object]
    arun: Callable[[AsyncMiniLLM], Awaitable[object]]
    then: Callable[[Any], None] | None = None
    fails: bool = False  # the step shows an error: print it as one line and go on
    faults_on: bool = False  # turn the server's fault switch on before this step


class Tour:
    """Runs the tour against `server`, with the sync client or (`use_async`) the async one.

    Example: ``Tour(server, use_async=False).run()``
    """

    def __init__(self, server: MiniLLMServer, *, use_async: bool, max_retries: int = 2) -> None:
        self.server = server
        self.use_async = use_async
        self.max_retries = max_retries
        self._mark = 0

    def run(self) -> None:
        """Print the intro, every step and a summary; files go to a temporary directory."""
        started = time.monotonic()
        kind = "AsyncMiniLLM (async)" if self.use_async else "MiniLLM (sync)"
        print("MiniLLM tour: an OpenAI-compatible SDK on sdkcore, against its embedded server")
        print(f"  server  {self.server.base_url}  (sdkcore.testing.LoopbackServer, in-process)")
        print(f"  client  {kind}, max_retries={self.max_retries}")
        with tempfile.TemporaryDirectory(prefix="minillm-tour-") as workdir:
            print(f"  files   {workdir} (removed at the end)")
            steps = self.steps(Path(workdir))
            if self.use_async:
                anyio.run(self._run_async, steps)
            else:
                self._run_sync(steps)
        took = time.monotonic() - started
        served = len(self.server.requests)
        print(f"\ntour finished in {took:.1f} s: {len(steps)} steps, {served} requests served")

    def _run_sync(self, steps: list[Step]) -> None:
        client = MiniLLM(
            api_key=LOCAL_KEY, base_url=self.server.base_url, max_retries=self.max_retries
        )
        with client:
            for number, step in enumerate(steps, 1):
                self._begin(number, len(steps), step)
                try:
                    result = step.run(client)
                except (CLIError, SdkError) as exc:
                    self._failed(step, exc)
                else:
                    self._succeeded(step, result)

    async def _run_async(self, steps: list[Step]) -> None:
        client = AsyncMiniLLM(
            api_key=LOCAL_KEY, base_url=self.server.base_url, max_retries=self.max_retries
        )
        async with client:
            for number, step in enumerate(steps, 1):
                self._begin(number, len(steps), step)
                try:
                    result: object = await step.arun(client)
                except (CLIError, SdkError) as exc:
                    self._failed(step, exc)
                else:
                    self._succeeded(step, result)

    def _begin(self, number: int, total: int, step: Step) -> None:
        if step.faults_on:
            self._switch_faults_on()
        self._mark = len(self.server.requests)
        print(f"\n[{number}/{total}] {step.title}")

    def _succeeded(self, step: Step, result: object) -> None:
        if step.fails:
            print("  (expected an error here, but the call succeeded)")
        if step.then is not None:
            step.then(result)

    def _failed(self, step: Step, exc: BaseException) -> None:
        if not step.fails:
            raise exc
        print(f"  error: {describe_error(exc)}")
        self._print_server_log()

    def _switch_faults_on(self) -> None:
        self.server.set_faults(True)
        print(
            "\n-- fault switch on: the first call of every route now answers 429 with "
            f"Retry-After: {RETRY_AFTER}, streamed chats are cut after {CUT_AFTER_EVENTS} "
            f"events, the first download is cut at {format_bytes(CUT_DOWNLOAD_AT)}"
        )

    # -- the steps ---------------------------------------------------------------------

    def steps(self, workdir: Path) -> list[Step]:
        """The tour's stops, in order; the files they write go to `workdir`."""
        sample = self.server.sample_file
        out = workdir / sample.filename
        audio = workdir / "hello.mp3"
        hello = "Say hello to sdkcore."
        streamed = "Stream me a sentence, token by token."
        cut = "Tell me a long story."
        voice_text = "Hello from the MiniLLM speech endpoint, streamed chunk by chunk."
        return [
            Step("client.models.list() -> ModelList", cmd.list_models, acmd.list_models),
            Step(
                "client.models.with_raw_response.list() -> APIResponse[ModelList]",
                cmd.show_raw,
                acmd.show_raw,
            ),
            Step(
                f'client.chat.completions.create(model="{MODEL}", messages=[...])'
                " -> ChatCompletion",
                lambda c: cmd.chat_once(c, MODEL, hello),
                lambda c: acmd.chat_once(c, MODEL, hello),
            ),
            Step(
                "client.chat.completions.create(..., stream=True) -> Stream[ChatCompletionChunk]",
                lambda c: cmd.chat_stream(c, MODEL, streamed),
                lambda c: acmd.chat_stream(c, MODEL, streamed),
            ),
            Step(
                f'client.files.with_streaming_response.content("{sample.id}")'
                " -> StreamedBinaryAPIResponse, stream_to_file(progress=...)",
                lambda c: cmd.download(c, sample.id, out),
                lambda c: acmd.download(c, sample.id, out),
                then=self._check_download,
            ),
            Step(
                "client.audio.speech.with_streaming_response.create(...) -> streamed audio",
                lambda c: cmd.speech(c, VOICE_MODEL, "alloy", voice_text, audio),
                lambda c: acmd.speech(c, VOICE_MODEL, "alloy", voice_text, audio),
            ),
            Step(
                "a 429 the client retries: client.models.with_raw_response.list()",
                cmd.show_raw,
                acmd.show_raw,
                then=self._print_server_log,
                faults_on=True,
            ),
            Step(
                "a download cut part-way, resumed with Range/If-Range",
                lambda c: cmd.download(c, sample.id, out),
                lambda c: acmd.download(c, sample.id, out),
                then=self._check_resumed_download,
            ),
            Step(
                "a chat stream cut mid-way (after the 429 is retried)",
                lambda c: cmd.chat_stream(c, MODEL, cut),
                lambda c: acmd.chat_stream(c, MODEL, cut),
                fails=True,
            ),
        ]

    # -- what the tour adds after a step -------------------------------------------------

    def _check_download(self, report: DownloadReport) -> None:
        expected = self.server.sample_file
        same = report.sha256 == expected.sha256 and report.size == len(expected.data)
        print(f"  matches the server's copy ({len(expected.data):,} bytes): {_yes(same)}")

    def _check_resumed_download(self, report: DownloadReport) -> None:
        self._check_download(report)
        self._print_server_log()

    def _print_server_log(self, _result: object = None) -> None:
        print("  the server saw:")
        for request in self.server.requests[self._mark :]:
            print(f"    {request.method} {request.path}  {_what_happened(request)}")


def _what_happened(request: Request) -> str:
    """The fault-switch script, read back for one request (see `MiniLLMServer`)."""
    if request.attempt == 1:
        return f"attempt 1: answered 429, Retry-After: {RETRY_AFTER}"
    wanted = request.headers.get("range")
    if wanted:
        validator = request.headers.get("if-range")
        return f"attempt {request.attempt}: resumed with Range: {wanted}, If-Range: {validator}"
    if request.path.endswith("/content") and request.attempt == 2:
        return f"attempt 2: cut after {CUT_DOWNLOAD_AT:,} bytes"
    if request.path.endswith("/chat/completions"):
        return f"attempt {request.attempt}: stream cut after {CUT_AFTER_EVENTS} events"
    return f"attempt {request.attempt}: answered"


def _yes(flag: bool) -> str:
    return "yes" if flag else "NO"
