"""The async twins of `_sync_commands`, on `AsyncMiniLLM` (asyncio or trio)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Final

import anyio
import anyio.to_thread

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
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    from sdkcore import AsyncAPIResponse, AsyncPage, AsyncStreamedBinaryAPIResponse

    from ._jobs import Job
    from .sdk import AsyncMiniLLM
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


async def run(client: AsyncMiniLLM, job: Job) -> None:
    """Run the CLI command `job` on `client`; raises `CLIError` for an unknown one."""
    command = _COMMANDS.get(job.command)
    if command is None:
        raise CLIError(f"unknown command {job.command!r}")
    await command(client, job)


def _chat(client: AsyncMiniLLM, job: Job) -> Awaitable[object]:
    prompt, max_tokens = job.text("prompt"), job.number("max_tokens")
    if job.args.no_stream:
        return chat_once(client, job.model, prompt, max_tokens=max_tokens)
    return chat_stream(client, job.model, prompt, max_tokens=max_tokens)


async def list_models(client: AsyncMiniLLM) -> AsyncPage[Model]:
    """``client.models.list()``, printed one model per line."""
    models = await client.models.list()
    print_models(models.data)
    return models


async def show_raw(client: AsyncMiniLLM) -> AsyncAPIResponse[AsyncPage[Model]]:
    """``client.models.with_raw_response.list()``: the response around the body."""
    started = time.monotonic()
    response = await client.models.with_raw_response.list()
    page = await response.parse()
    print_raw(response, page, page.data, took=time.monotonic() - started)
    return response


async def chat_once(
    client: AsyncMiniLLM, model: str, prompt: str, *, max_tokens: int | None = None
) -> ChatCompletion:
    """A whole chat completion, printed with its usage."""
    completion = await client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=NOT_GIVEN if max_tokens is None else max_tokens,
    )
    print_completion(prompt, completion)
    return completion


async def chat_stream(
    client: AsyncMiniLLM, model: str, prompt: str, *, max_tokens: int | None = None
) -> None:
    """A streamed chat completion, each token printed as it arrives.

    Raises `CLIError` when the stream breaks part-way.
    """
    print(f"  > {prompt}")
    printer = StreamPrinter()
    stream = await client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=NOT_GIVEN if max_tokens is None else max_tokens,
        stream=True,
    )
    async with stream:
        try:
            async for chunk in stream:
                printer.add(chunk)
        except APIConnectionError as exc:
            raise printer.broken(exc, stream.request_id) from exc
    printer.finish(stream.time_to_first_event, stream.request_id, stream.retries_taken)


async def download(client: AsyncMiniLLM, file_id: str, out: Path) -> DownloadReport:
    """Stream a file's content to `out`, with a progress bar on stderr."""
    started = time.monotonic()
    async with client.files.with_streaming_response.content(file_id) as response:
        retries = await _save(response, out, "download")
    return await _report(out, started, retries)


async def speech(
    client: AsyncMiniLLM, model: str, voice: str, text: str, out: Path
) -> DownloadReport:
    """Stream the speech audio of `text` to `out` as it is generated."""
    started = time.monotonic()
    async with client.audio.speech.with_streaming_response.create(
        model=model, voice=voice, input=text
    ) as response:
        retries = await _save(response, out, "speech")
    return await _report(out, started, retries)


async def _save(response: AsyncStreamedBinaryAPIResponse, out: Path, label: str) -> int:
    print_download_head(response)
    bar = ProgressBar(label)
    try:
        await response.stream_to_file(out, progress=bar)
    finally:
        bar.close()
    return response.retries_taken


async def _report(out: Path, started: float, retries: int) -> DownloadReport:
    took = time.monotonic() - started
    digest = await anyio.to_thread.run_sync(sha256_of, out)
    size = (await anyio.Path(out).stat()).st_size
    report = DownloadReport(out, size, took, digest, retries)
    report.print()
    return report


async def list_files(
    client: AsyncMiniLLM, *, limit: int | None = None, purpose: str | None = None
) -> ListingReport:
    """Every stored file, a page of `limit` at a time: ``async for page in ....iter_pages()``."""
    first = client.files.list(
        limit=NOT_GIVEN if limit is None else limit,
        purpose=NOT_GIVEN if purpose is None else purpose,
    )
    pages = items = 0
    async for page in first.iter_pages():
        pages += 1
        print_page_head(pages, page.response, len(page.data))
        for stored in page.data:
            print_file(stored)
        items += len(page.data)
    report = ListingReport("file", items, pages, limit)
    report.print()
    return report


async def list_events(
    client: AsyncMiniLLM, file_id: str, *, per_page: int | None = None
) -> ListingReport:
    """A file's events, following each page's ``Link: <...>; rel="next"``."""
    first = client.files.events(file_id, per_page=NOT_GIVEN if per_page is None else per_page)
    pages = items = 0
    async for page in first.iter_pages():
        pages += 1
        print_page_head(pages, page.response, len(page.data))
        print_links(page.response.headers.get("link"))
        for event in page.data:
            print_event(event)
        items += len(page.data)
    report = ListingReport("event", items, pages, per_page)
    report.print()
    return report


async def upload(client: AsyncMiniLLM, path: Path, purpose: FilePurpose) -> FileObject:
    """Upload the file at `path` (streamed from disk), with a progress bar on stderr."""
    bar = ProgressBar("upload")
    started = time.monotonic()
    try:
        stored = await client.files.create(file=path, purpose=purpose, upload_progress=bar)
    finally:
        bar.close()
    print_upload(stored, took=time.monotonic() - started)
    return stored


async def usage(
    client: AsyncMiniLLM,
    start: datetime.date,
    end: datetime.date | None = None,
    *,
    by_model: bool = False,
) -> UsageReport:
    """``client.usage.retrieve(start_date=..., ...)``, showing the query as it was sent."""
    response = await client.usage.with_raw_response.retrieve(
        start_date=start,
        end_date=NOT_GIVEN if end is None else end,
        group_by=["model"] if by_model else NOT_GIVEN,
    )
    report = await response.parse()
    print_usage(response, report)
    return report


async def timeout_with_options(client: AsyncMiniLLM, model: str, seconds: float) -> None:
    """A copy of `client` with a shorter timeout fails a slow call; `client` is unchanged."""
    quick = client.with_options(timeout=seconds, max_retries=0)
    print(f"  quick = client.with_options(timeout={seconds}, max_retries=0)")
    print(f"    quick:  timeout {quick.timeout}, max_retries {quick.max_retries}")
    print(f"    client: timeout {client.timeout}, max_retries {client.max_retries} (unchanged)")
    started = time.monotonic()
    try:
        await quick.chat.completions.create(
            model=model, messages=[{"role": "user", "content": "hi"}]
        )
    except APITimeoutError as exc:
        print(f"  quick.chat.completions.create(...) -> {describe_error(exc)}")
    else:
        raise CLIError(f"expected the {seconds} s timeout to end the call")
    took = time.monotonic() - started
    print(f"    (after {took * 1000:.0f} ms: the server waits before the first token)")
    await chat_once(client, model, "Same call on the original client.")


#: What each CLI command runs.
_COMMANDS: Final[dict[str, Callable[[AsyncMiniLLM, Job], Awaitable[object]]]] = {
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
