"""The CLI's commands on the sync client; `_async_commands` holds their async twins.

Each makes its calls through the SDK and hands what came back to `_report`,
which prints it; the tour reuses them step by step, and `run` dispatches a `Job`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

from sdkcore import NOT_GIVEN, APIConnectionError, APITimeoutError

from ._progress import ProgressBar
from ._report import (
    CLIError,
    DownloadReport,
    ListingReport,
    StreamPrinter,
    describe_error,
    print_completion,
    print_download_head,
    print_event,
    print_file,
    print_links,
    print_models,
    print_page_head,
    print_raw,
    print_upload,
    print_usage,
    sha256_of,
)

if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable
    from pathlib import Path

    from sdkcore import APIResponse, StreamedBinaryAPIResponse, SyncPage

    from ._jobs import Job
    from .sdk import MiniLLM
    from .sdk.types import ChatCompletion, FileObject, FilePurpose, Model, UsageReport

__all__ = [
    "chat_once",
    "chat_stream",
    "download",
    "list_events",
    "list_files",
    "list_models",
    "run",
    "show_raw",
    "speech",
    "timeout_with_options",
    "upload",
    "usage",
]


def run(client: MiniLLM, job: Job) -> None:
    """Run the CLI command `job` on `client`; raises `CLIError` for an unknown one."""
    command = _COMMANDS.get(job.command)
    if command is None:
        raise CLIError(f"unknown command {job.command!r}")
    command(client, job)


def _chat(client: MiniLLM, job: Job) -> object:
    prompt, max_tokens = job.text("prompt"), job.number("max_tokens")
    if job.args.no_stream:
        return chat_once(client, job.model, prompt, max_tokens=max_tokens)
    chat_stream(client, job.model, prompt, max_tokens=max_tokens)
    return None


def list_models(client: MiniLLM) -> SyncPage[Model]:
    """``client.models.list()``, printed one model per line."""
    models = client.models.list()
    print_models(models.data)
    return models


def show_raw(client: MiniLLM) -> APIResponse[SyncPage[Model]]:
    """``client.models.with_raw_response.list()``: the response around the body."""
    started = time.monotonic()
    response = client.models.with_raw_response.list()
    page = response.parse()
    print_raw(response, page, page.data, took=time.monotonic() - started)
    return response


def chat_once(
    client: MiniLLM, model: str, prompt: str, *, max_tokens: int | None = None
) -> ChatCompletion:
    """A whole chat completion, printed with its usage."""
    completion = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=NOT_GIVEN if max_tokens is None else max_tokens,
    )
    print_completion(prompt, completion)
    return completion


def chat_stream(client: MiniLLM, model: str, prompt: str, *, max_tokens: int | None = None) -> None:
    """A streamed chat completion, each token printed as it arrives.

    Raises `CLIError` when the stream breaks part-way.
    """
    print(f"  > {prompt}")
    printer = StreamPrinter()
    stream = client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=NOT_GIVEN if max_tokens is None else max_tokens,
        stream=True,
    )
    with stream:
        try:
            for chunk in stream:
                printer.add(chunk)
        except APIConnectionError as exc:
            raise printer.broken(exc, stream.request_id) from exc
    printer.finish(stream.time_to_first_event, stream.request_id, stream.retries_taken)


def download(client: MiniLLM, file_id: str, out: Path) -> DownloadReport:
    """Stream a file's content to `out`, with a progress bar on stderr."""
    started = time.monotonic()
    with client.files.with_streaming_response.content(file_id) as response:
        retries = _save(response, out, "download")
    return _report(out, started, retries)


def speech(client: MiniLLM, model: str, voice: str, text: str, out: Path) -> DownloadReport:
    """Stream the speech audio of `text` to `out` as it is generated."""
    started = time.monotonic()
    with client.audio.speech.with_streaming_response.create(
        model=model, voice=voice, input=text
    ) as response:
        retries = _save(response, out, "speech")
    return _report(out, started, retries)


def _save(response: StreamedBinaryAPIResponse, out: Path, label: str) -> int:
    print_download_head(response)
    bar = ProgressBar(label)
    try:
        response.stream_to_file(out, progress=bar)
    finally:
        bar.close()
    return response.retries_taken


def _report(out: Path, started: float, retries: int) -> DownloadReport:
    took = time.monotonic() - started
    report = DownloadReport(out, out.stat().st_size, took, sha256_of(out), retries)
    report.print()
    return report


def list_files(
    client: MiniLLM, *, limit: int | None = None, purpose: str | None = None
) -> ListingReport:
    """Every stored file, a page of `limit` at a time: ``for page in ....iter_pages()``."""
    first = client.files.list(
        limit=NOT_GIVEN if limit is None else limit,
        purpose=NOT_GIVEN if purpose is None else purpose,
    )
    pages = items = 0
    for pages, page in enumerate(first.iter_pages(), 1):
        print_page_head(pages, page.response, len(page.data))
        for stored in page.data:
            print_file(stored)
        items += len(page.data)
    report = ListingReport("file", items, pages, limit)
    report.print()
    return report


def list_events(client: MiniLLM, file_id: str, *, per_page: int | None = None) -> ListingReport:
    """A file's events, following each page's ``Link: <...>; rel="next"``."""
    first = client.files.events(file_id, per_page=NOT_GIVEN if per_page is None else per_page)
    pages = items = 0
    for pages, page in enumerate(first.iter_pages(), 1):
        print_page_head(pages, page.response, len(page.data))
        print_links(page.response.headers.get("link"))
        for event in page.data:
            print_event(event)
        items += len(page.data)
    report = ListingReport("event", items, pages, per_page)
    report.print()
    return report


def upload(client: MiniLLM, path: Path, purpose: FilePurpose) -> FileObject:
    """Upload the file at `path` (streamed from disk), with a progress bar on stderr."""
    bar = ProgressBar("upload")
    started = time.monotonic()
    try:
        stored = client.files.create(file=path, purpose=purpose, upload_progress=bar)
    finally:
        bar.close()
    print_upload(stored, took=time.monotonic() - started)
    return stored


def usage(
    client: MiniLLM,
    start: datetime.date,
    end: datetime.date | None = None,
    *,
    by_model: bool = False,
) -> UsageReport:
    """``client.usage.retrieve(start_date=..., ...)``, showing the query as it was sent."""
    response = client.usage.with_raw_response.retrieve(
        start_date=start,
        end_date=NOT_GIVEN if end is None else end,
        group_by=["model"] if by_model else NOT_GIVEN,
    )
    report = response.parse()
    print_usage(response, report)
    return report


def timeout_with_options(client: MiniLLM, model: str, seconds: float) -> None:
    """A copy of `client` with a shorter timeout fails a slow call; `client` is unchanged."""
    quick = client.with_options(timeout=seconds, max_retries=0)
    print(f"  quick = client.with_options(timeout={seconds}, max_retries=0)")
    print(f"    quick:  timeout {quick.timeout}, max_retries {quick.max_retries}")
    print(f"    client: timeout {client.timeout}, max_retries {client.max_retries} (unchanged)")
    started = time.monotonic()
    try:
        quick.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
    except APITimeoutError as exc:
        print(f"  quick.chat.completions.create(...) -> {describe_error(exc)}")
    else:
        raise CLIError(f"expected the {seconds} s timeout to end the call")
    took = time.monotonic() - started
    print(f"    (after {took * 1000:.0f} ms: the server waits before the first token)")
    chat_once(client, model, "Same call on the original client.")


#: What each CLI command runs.
_COMMANDS: Final[dict[str, Callable[[MiniLLM, Job], object]]] = {
    "models": lambda client, job: list_models(client),
    "raw": lambda client, job: show_raw(client),
    "chat": _chat,
    "download": lambda client, job: download(client, job.text("file_id"), job.path("out")),
    "speech": lambda client, job: speech(
        client, job.voice_model, job.text("voice"), job.text("text"), job.path("out")
    ),
    "files ls": lambda client, job: list_files(
        client, limit=job.number("limit"), purpose=job.args.purpose
    ),
    "files upload": lambda client, job: upload(client, job.path("path"), job.args.purpose),
    "files events": lambda client, job: list_events(
        client, job.text("file_id"), per_page=job.number("per_page")
    ),
    "usage": lambda client, job: usage(
        client, job.args.start, job.date("end"), by_model=job.args.by_model
    ),
}
