"""How the CLI shows results and errors; shared by the sync and async commands.

Everything here only formats: the commands make the calls and hand over what
came back, so the sync and async paths print exactly the same lines.
"""

from __future__ import annotations

import datetime
import hashlib
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

import httpx2

from sdkcore import APIConnectionError, APIStatusError, APITimeoutError, SdkError

if TYPE_CHECKING:
    from pathlib import Path

    from sdkcore import BaseAPIResponse

    from .types import ChatCompletion, ChatCompletionChunk, ModelList

__all__ = [
    "CLIError",
    "DownloadReport",
    "StreamPrinter",
    "describe_error",
    "format_bytes",
    "print_completion",
    "print_download_head",
    "print_models",
    "print_raw",
    "sha256_of",
]

_RATE_LIMIT_HEADERS = ("x-ratelimit-remaining-requests", "x-ratelimit-limit-requests")


class CLIError(Exception):
    """A failure the CLI reports as one ``error: ...`` line."""


def format_bytes(size: float) -> str:
    """``1536`` -> ``"1.5 KiB"``: a size for people, in binary units."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(size) < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _ms(delta: datetime.timedelta | float) -> str:
    seconds = delta.total_seconds() if isinstance(delta, datetime.timedelta) else delta
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


# -- errors -----------------------------------------------------------------------------


def describe_error(exc: BaseException) -> str:
    """One line saying what went wrong, for people: no traceback, no secrets."""
    if isinstance(exc, APIStatusError):
        return _status_line(exc)
    if isinstance(exc, APITimeoutError):
        return f"timed out talking to {_origin(exc.request)}: {exc.message}"
    if isinstance(exc, APIConnectionError):
        cause = exc.__cause__
        if isinstance(cause, httpx2.ConnectError):
            return f"cannot connect to {_origin(exc.request)}: {cause}"
        return f"connection to {_origin(exc.request)} lost: {cause or exc.message}"
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.strerror or exc}: {exc.filename}"
    if isinstance(exc, SdkError | CLIError | OSError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)"


def _origin(request: httpx2.Request) -> str:
    url = request.url
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _status_line(exc: APIStatusError) -> str:
    match exc.body:
        case {"error": {"message": str(message)}}:  # the OpenAI error shape
            detail = message
        case other:
            detail = str(other or "")[:200]
    request = exc.request
    where = f"{request.method} {request.url.path}"
    line = f"{exc.status_code} {exc.response.reason_phrase} from {where}: {detail}"
    return line + (f" (request id {exc.request_id})" if exc.request_id else "")


# -- models and raw responses -------------------------------------------------------------


def print_models(models: ModelList) -> None:
    """One line per model."""
    for model in models.data:
        created = datetime.datetime.fromtimestamp(model.created, datetime.UTC).date()
        print(f"  {model.id:<24} owned by {model.owned_by}, created {created}")


def print_raw(response: BaseAPIResponse[Any], models: ModelList, *, took: float) -> None:
    """What a raw response tells besides its body: status, ids, limits, retries, timing."""
    headers = response.headers
    remaining, limit = (headers.get(name) for name in _RATE_LIMIT_HEADERS)
    rate = f"{remaining} of {limit} requests remaining" if limit else "(no rate-limit headers)"
    reset = headers.get("x-ratelimit-reset-requests")
    if limit and reset:
        rate += f", window resets in {reset}"
    rows = {
        "request": f"{response.method} {response.url}",
        "status": f"{response.status_code} {response.http_response.reason_phrase}",
        "request id": headers.get("x-request-id"),
        "rate limit": rate,
        "retries taken": str(response.retries_taken),
        "elapsed": f"{_ms(response.elapsed)} (last attempt), {_ms(took)} in all",
        "parsed body": f"{type(models).__name__} with {len(models.data)} models: "
        + ", ".join(model.id for model in models.data),
    }
    for name, value in rows.items():
        print(f"  {name:<14} {value or '-'}")


# -- chat -----------------------------------------------------------------------------


def print_completion(prompt: str, completion: ChatCompletion) -> None:
    """The prompt, the answer and its accounting."""
    print(f"  > {prompt}")
    for choice in completion.choices:
        print(f"  {choice.message.content or ''}")
    finish = completion.choices[0].finish_reason if completion.choices else None
    usage = completion.usage
    tokens = (
        f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion tokens"
        if usage
        else "no usage reported"
    )
    print(f"  -- finish_reason {finish}, {tokens}, request id {completion._request_id or '-'}")


@dataclass
class StreamPrinter:
    """Prints streamed chunks as they arrive and sums the stream up at the end.

    Measures its own time to first token, for streams that cannot say.
    """

    out: TextIO = field(default_factory=lambda: sys.stdout)
    started: float = field(default_factory=time.monotonic)
    chunks: int = 0
    first_token_at: float | None = None

    def add(self, chunk: ChatCompletionChunk) -> None:
        """Print the text `chunk` adds, right away."""
        self.chunks += 1
        text = chunk.text
        if not text:
            return
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()
            self.out.write("  ")
        self.out.write(text)
        self.out.flush()

    def _end_line(self) -> None:
        if self.first_token_at is not None:
            self.out.write("\n")
            self.out.flush()

    def finish(
        self,
        time_to_first_event: datetime.timedelta | None,
        request_id: str | None,
        retries_taken: int,
    ) -> None:
        """End the text and print the stream's numbers."""
        self._end_line()
        took = time.monotonic() - self.started
        if time_to_first_event is not None:
            ttft = _ms(time_to_first_event)
        elif self.first_token_at is not None:
            ttft = _ms(self.first_token_at - self.started) + " (measured here)"
        else:
            ttft = "-"
        print(
            f"  -- {self.chunks} chunks in {_ms(took)}, time to first token {ttft}, "
            f"request id {request_id or '-'}, retries taken {retries_taken}"
        )

    def broken(self, exc: BaseException, request_id: str | None) -> CLIError:
        """End the text; the error that says the stream broke part-way."""
        self._end_line()
        suffix = f" (request id {request_id})" if request_id else ""
        reason = describe_error(exc)
        return CLIError(f"the stream broke after {self.chunks} chunks: {reason}{suffix}")


# -- downloads ----------------------------------------------------------------------------


def print_download_head(response: BaseAPIResponse[Any]) -> None:
    """What the response headers promise about a download."""
    headers = response.headers
    length = headers.get("content-length")
    size = f"{int(length):,} bytes announced" if length and length.isdigit() else "size unknown"
    resumable = (
        f"resumable (Accept-Ranges: bytes, ETag {headers['etag']})"
        if headers.get("accept-ranges") == "bytes" and "etag" in headers
        else "not resumable"
    )
    status = f"{response.status_code} {response.http_response.reason_phrase}"
    print(f"  {status}, {headers.get('content-type', '-')}, {size}, {resumable}")


@dataclass(frozen=True)
class DownloadReport:
    """A finished download."""

    path: Path
    size: int
    seconds: float
    sha256: str
    retries_taken: int

    def print(self) -> None:
        """Print where it went, how big and fast it was, and its digest."""
        rate = format_bytes(self.size / self.seconds) + "/s" if self.seconds > 0 else "-"
        print(f"  saved {self.size:,} bytes to {self.path} in {_ms(self.seconds)} ({rate})")
        print(f"  sha256 {self.sha256}, retries taken {self.retries_taken}")


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file at `path`, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
