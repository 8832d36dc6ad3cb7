"""The async twins of `_sync_commands`, on `AsyncMiniLLM` (asyncio or trio)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import anyio.to_thread

from sdkcore import NOT_GIVEN, APIConnectionError

from ._progress import ProgressBar
from ._report import (
    DownloadReport,
    StreamPrinter,
    print_completion,
    print_download_head,
    print_models,
    print_raw,
    sha256_of,
)

if TYPE_CHECKING:
    from pathlib import Path

    from sdkcore import AsyncAPIResponse, AsyncStreamedBinaryAPIResponse

    from ._client import AsyncMiniLLM
    from .types import ChatCompletion, ModelList

__all__ = ["chat_once", "chat_stream", "download", "list_models", "show_raw", "speech"]


async def list_models(client: AsyncMiniLLM) -> ModelList:
    """``await client.models.list()``, printed one model per line."""
    models = await client.models.list()
    print_models(models)
    return models


async def show_raw(client: AsyncMiniLLM) -> AsyncAPIResponse[ModelList]:
    """``await client.models.with_raw_response.list()``: the response around the body."""
    started = time.monotonic()
    response = await client.models.with_raw_response.list()
    models = await response.parse()
    print_raw(response, models, took=time.monotonic() - started)
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
