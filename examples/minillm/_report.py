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

from sdkcore import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    SdkError,
    parse_link_header,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from sdkcore import BaseAPIResponse

    from .sdk.types import (
        ChatCompletion,
        ChatCompletionChunk,
        FileEvent,
        FileObject,
        Model,
        UsageReport,
    )

__all__ = [
    "CLIError",
    "DownloadReport",
    "ListingReport",
    "StreamPrinter",
    "chunk_text",
    "describe_error",
    "format_bytes",
    "print_completion",
    "print_download_head",
    "print_event",
    "print_file",
    "print_links",
    "print_models",
    "print_page_head",
    "print_raw",
    "print_upload",
    "print_usage",
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
    if isinstance(exc, AuthenticationError):
        return f"authentication failed: {_status_line(exc)}; check --api-key or $MINILLM_API_KEY"
    if isinstance(exc, APIStatusError):
        return _status_line(exc)
    if isinstance(exc, APITimeoutError):
        return f"timed out talking to {_origin(exc.request)}: {exc.message}"
    if isinstance(exc, APIConnectionError):
        cause = exc.__cause__
        if isinstance(cause, httpx2.ConnectError):  # sdkcore's message, the same sync and async
            return exc.message
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


def _date(timestamp: int) -> datetime.date:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).date()


def print_models(models: Sequence[Model]) -> None:
    """One line per model."""
    for model in models:
        print(f"  {model.id:<24} owned by {model.owned_by}, created {_date(model.created)}")


def print_raw(
    response: BaseAPIResponse[Any], page: object, models: Sequence[Model], *, took: float
) -> None:
    """What a raw response tells besides its body (`page`, holding `models`): status, ids,
    limits, retries, timing."""
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
        "parsed body": f"{type(page).__name__} with {len(models)} models: "
        + ", ".join(model.id for model in models),
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


def chunk_text(chunk: ChatCompletionChunk) -> str:
    """The content `chunk` adds to the answer (``""`` when it adds none, as the first and
    last chunks do).

    Example: ``"".join(chunk_text(chunk) for chunk in stream)``
    """
    return "".join(choice.delta.content or "" for choice in chunk.choices)


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
        text = chunk_text(chunk)
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


# -- files, pages, usage ----------------------------------------------------------------


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def print_file(stored: FileObject) -> None:
    """One line per stored file."""
    size = f"{stored.bytes:,} bytes"
    print(f"    {stored.id:<30} {stored.filename:<20} {size:>15}  {stored.purpose}")


def print_event(event: FileEvent) -> None:
    """One line per file event."""
    print(f"    {event.id}  {event.type:<16} {event.message}")


def print_page_head(number: int, response: httpx2.Response, items: int) -> None:
    """Which request fetched page `number`, and what it held."""
    url = response.request.url
    target = url.path + (f"?{url.query.decode()}" if url.query else "")
    print(f"  page {number}: {response.request.method} {target}  ({_count(items, 'item')})")


def print_links(header: str | None) -> None:
    """A page's ``Link`` header: where ``rel="next"`` points, and the other relations."""
    links = parse_link_header(header or "")
    following = [link.url for link in links if "next" in link.rels]
    others = sorted({rel for link in links for rel in link.rels} - {"next"})
    also = ", ".join(f'rel="{rel}"' for rel in others) or "nothing else"
    if following:
        print(f'    Link: rel="next" <{following[0]}>; also {also}')
    else:
        print(f'    Link: no rel="next" (the last page); {also}')


@dataclass(frozen=True)
class ListingReport:
    """A listing iterated across its pages."""

    what: str
    items: int
    pages: int
    page_size: int | None

    def print(self) -> None:
        """Print how many items came on how many pages."""
        size = f" ({self.page_size} per page)" if self.page_size else ""
        print(f"  -- {_count(self.items, self.what)} on {_count(self.pages, 'page')}{size}")


def print_upload(stored: FileObject, *, took: float) -> None:
    """What an upload stored."""
    print(
        f"  uploaded {stored.filename} ({stored.bytes:,} bytes) as {stored.id}, "
        f"purpose {stored.purpose}, in {_ms(took)}"
    )


def print_usage(response: BaseAPIResponse[Any], report: UsageReport) -> None:
    """The request as sent (the API's own names) and a line per bucket."""
    url = response.http_request.url
    print(f"  sent   {response.method} {url.path}?{url.query.decode()}")
    print(f"  report {report.start_date} to {report.end_date}, {len(report.data)} buckets")
    for bucket in report.data:
        model = bucket.model or "(all models)"
        print(
            f"    {bucket.date}  {model:<16} {bucket.requests:>3} requests, "
            f"{bucket.input_tokens:>4} in + {bucket.output_tokens:>5} out tokens"
        )
