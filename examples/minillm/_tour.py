"""``python -m examples.minillm tour``: every feature once, against the embedded server.

The tour is a list of `Step` s. Each step has a sync and an async way to run
(the same command from `_sync_commands` / `_async_commands`) and may print what
the server saw afterwards. Late on, the server's fault switch goes on, so those
steps show a retried 429, a resumed download and a stream cut mid-way; the last
step, with the switch off again, lists the sample file's events as the server
recorded them, in pages linked by ``Link`` headers.
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import anyio

from sdkcore import SdkError

from . import _async_commands as acmd
from . import _sync_commands as cmd
from ._report import CLIError, DownloadReport, describe_error, format_bytes
from ._trace import TraceRecorder
from ._webhook import demo as webhook_demo
from .sdk import AsyncMiniLLM, MiniLLM
from .server import CUT_AFTER_EVENTS, CUT_DOWNLOAD_AT, RETRY_AFTER

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from sdkcore.testing import Request

    from .sdk.types import FileObject
    from .server import MiniLLMServer

__all__ = ["Tour"]

MODEL = "minillm-1"
VOICE_MODEL = "minillm-voice"
LOCAL_KEY = "sk-minillm-local"
#: The signing secret of the tour's webhook endpoint (``whsec_`` + base64).
WEBHOOK_SECRET = "whsec_bWluaWxsbS10b3VyLXdlYmhvb2stc2VjcmV0"
_UPLOAD_LINES = 24_000  # about 1.4 MiB of JSONL
#: What the step titles' ``{a}``, ``{s}`` and ``{w}`` say with each client.
_SYNC_NAMES: Final = {"a": "", "s": "Sync", "w": ""}
_ASYNC_NAMES: Final = {"a": "Async", "s": "Async", "w": "await "}
_QUICK_TIMEOUT = 0.05  # seconds: shorter than the server's wait for a first token


def _sync_only(
    show: Callable[[], object],
) -> tuple[Callable[[MiniLLM], object], Callable[[AsyncMiniLLM], Awaitable[object]]]:
    """A step that needs no client, as its sync and async ways to run."""

    async def arun(client: AsyncMiniLLM) -> object:
        return show()

    return (lambda client: show()), arun


@dataclass(frozen=True)
class Step:
    """One stop of the tour: the call it shows, and how to make it sync and async."""

    title: str
    run: Callable[[MiniLLM], object]
    arun: Callable[[AsyncMiniLLM], Awaitable[object]]
    then: Callable[[Any], None] | None = None
    fails: bool = False  # the step shows an error: print it as one line and go on
    faults: bool | None = None  # turn the server's fault switch on or off before this step
    traced: bool = False  # print the step's OpenTelemetry spans afterwards


class Tour:
    """Runs the tour against `server`, with the sync client or (`use_async`) the async one.

    Example: ``Tour(server, use_async=False).run()``
    """

    def __init__(self, server: MiniLLMServer, *, use_async: bool, max_retries: int = 2) -> None:
        self.server = server
        self.use_async = use_async
        self.max_retries = max_retries
        self._mark = 0
        self._trace: TraceRecorder | None = None

    def run(self) -> None:
        """Print the intro, every step and a summary; files go to a temporary directory."""
        started = time.monotonic()
        kind = "AsyncMiniLLM (async)" if self.use_async else "MiniLLM (sync)"
        print("MiniLLM tour: an OpenAI-compatible SDK on sdkcore, against its embedded server")
        print(f"  server  {self.server.base_url}  (sdkcore.testing.LoopbackServer, in-process)")
        print(f"  client  {kind}, max_retries={self.max_retries}")
        self._trace = TraceRecorder.start()  # before the client: it traces from the start
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
        if step.faults is not None:
            self._switch_faults(step.faults)
        self._mark = len(self.server.requests)
        if step.traced and self._trace is not None:
            self._trace.clear()
        kinds = _ASYNC_NAMES if self.use_async else _SYNC_NAMES
        print(f"\n[{number}/{total}] {step.title.format_map(kinds)}")

    def _succeeded(self, step: Step, result: object) -> None:
        if step.fails:
            print("  (expected an error here, but the call succeeded)")
        if step.then is not None:
            step.then(result)
        if step.traced:
            self._print_trace()

    def _print_trace(self) -> None:
        if self._trace is None:
            print("  (no trace: install opentelemetry-sdk to see sdkcore's spans)")
            return
        self._trace.print_tree()

    def _failed(self, step: Step, exc: BaseException) -> None:
        if not step.fails:
            raise exc
        print(f"  error: {describe_error(exc)}")
        self._print_server_log()

    def _switch_faults(self, enabled: bool) -> None:
        self.server.set_faults(enabled)
        if not enabled:
            print("\n-- fault switch off")
            return
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
        upload = _upload_file(workdir / "tour-prompts.jsonl")
        hello = "Say hello to sdkcore."
        streamed = "Stream me a sentence, token by token."
        cut = "Tell me a long story."
        voice_text = "Hello from the MiniLLM speech endpoint, streamed chunk by chunk."
        week_ago = datetime.datetime.now(datetime.UTC).date() - datetime.timedelta(days=2)
        webhooks = _sync_only(lambda: webhook_demo(WEBHOOK_SECRET))
        return [
            Step("{w}client.models.list() -> {s}Page[Model]", cmd.list_models, acmd.list_models),
            Step(
                "{w}client.models.with_raw_response.list() -> {a}APIResponse[{s}Page[Model]]",
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
                "client.chat.completions.create(..., stream=True)"
                " -> {a}Stream[ChatCompletionChunk]",
                lambda c: cmd.chat_stream(c, MODEL, streamed),
                lambda c: acmd.chat_stream(c, MODEL, streamed),
            ),
            Step(
                f'client.files.create(file=Path("{upload.name}"), purpose="batch",'
                " upload_progress=...) -> FileObject, multipart streamed from disk",
                lambda c: cmd.upload(c, upload, "batch"),
                lambda c: acmd.upload(c, upload, "batch"),
                then=lambda stored: self._check_upload(stored, upload),
            ),
            Step(
                "client.files.list(limit=5) -> {s}CursorPage[FileObject], every page",
                lambda c: cmd.list_files(c, limit=5),
                lambda c: acmd.list_files(c, limit=5),
            ),
            Step(
                f'client.files.with_streaming_response.content("{sample.id}")'
                " -> {a}StreamedBinaryAPIResponse, stream_to_file(progress=...)",
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
                f"client.usage.retrieve(start_date=date({week_ago.year}, {week_ago.month}, "
                f'{week_ago.day}), group_by=["model"]) -> UsageReport, camelCase ISO query',
                lambda c: cmd.usage(c, week_ago, by_model=True),
                lambda c: acmd.usage(c, week_ago, by_model=True),
            ),
            Step(
                f"client.with_options(timeout={_QUICK_TIMEOUT}): a copy with its own settings",
                lambda c: cmd.timeout_with_options(c, MODEL, _QUICK_TIMEOUT),
                lambda c: acmd.timeout_with_options(c, MODEL, _QUICK_TIMEOUT),
            ),
            Step("verify_webhook(payload, headers, secret): Standard Webhooks", *webhooks),
            Step(
                "a 429 the client retries, traced: client.models.with_raw_response.list()",
                cmd.show_raw,
                acmd.show_raw,
                then=self._print_server_log,
                faults=True,
                traced=True,
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
            Step(
                f'client.files.events("{sample.id}", per_page=2) -> {{s}}LinkPage[FileEvent],'
                ' pages by Link: <...>; rel="next"',
                lambda c: cmd.list_events(c, sample.id, per_page=2),
                lambda c: acmd.list_events(c, sample.id, per_page=2),
                faults=False,
            ),
        ]

    # -- what the tour adds after a step -------------------------------------------------

    def _check_upload(self, stored: FileObject, path: Path) -> None:
        [request] = [r for r in self.server.requests[self._mark :] if r.method == "POST"]
        form = request.form()
        [part] = form.files["file"]
        kept = self.server.store.get(stored.id)
        same = hashlib.sha256(path.read_bytes()).hexdigest() == kept.sha256
        print(
            f"  the server parsed the form: file {part.filename!r} ({part.size:,} bytes, "
            f"{part.content_type}), purpose {form.fields['purpose'][0]!r}; "
            f"stored byte for byte: {_yes(same)}"
        )

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


def _upload_file(path: Path) -> Path:
    """A JSONL file of prompts to upload, written to `path`."""
    lines = (
        f'{{"prompt": "Question {n}?", "completion": "Answer {n}."}}\n'
        for n in range(_UPLOAD_LINES)
    )
    path.write_text("".join(lines), encoding="utf-8")
    return path
