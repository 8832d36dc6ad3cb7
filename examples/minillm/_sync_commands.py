"""The CLI's commands on the sync client; `_async_commands` holds their async twins.

Each makes its calls through the SDK and hands what came back to `_report`,
which prints it; the tour reuses them step by step.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

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

    from sdkcore import APIResponse, StreamedBinaryAPIResponse

    from ._client import MiniLLM
    from .types import ChatCompletion, ModelList

__all__ = ["chat_once", "chat_stream", "download", "list_models", "show_raw", "speech"]


def list_models(client: MiniLLM) -> ModelList:
    """``client.models.list()``, printed one model per line."""
    models = client.models.list()
    print_models(models)
    return models


def show_raw(client: MiniLLM) -> APIResponse[ModelList]:
    """``client.models.with_raw_response.list()``: the response around the body."""
    started = time.monotonic()
    response = client.models.with_raw_response.list()
    models = response.parse()
    print_raw(response, models, took=time.monotonic() - started)
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
    report = DownloadReport(
        out, out.stat().st_size, time.monotonic() - started, sha256_of(out), retries
    )
    report.print()
    return report


def speech(client: MiniLLM, model: str, voice: str, text: str, out: Path) -> DownloadReport:
    """Stream the speech audio of `text` to `out` as it is generated."""
    started = time.monotonic()
    with client.audio.speech.with_streaming_response.create(
        model=model, voice=voice, input=text
    ) as response:
        retries = _save(response, out, "speech")
    report = DownloadReport(
        out, out.stat().st_size, time.monotonic() - started, sha256_of(out), retries
    )
    report.print()
    return report


def _save(response: StreamedBinaryAPIResponse, out: Path, label: str) -> int:
    print_download_head(response)
    bar = ProgressBar(label)
    try:
        response.stream_to_file(out, progress=bar)
    finally:
        bar.close()
    return response.retries_taken
