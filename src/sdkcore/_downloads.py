"""Binary responses that save their body to a file: atomic, flat in memory, resumable.

``DownloadPlan`` (sans-I/O) counts bytes, reports progress, refuses a body shorter
than its Content-Length and decides how a cut download goes on: resumed with
``Range``/``If-Range`` where the server allows it, else restarted from zero,
within the call's ``max_retries`` (else the client's). The response classes only move
chunks, in the same steps sync and async; both write chunks as they arrive unless a
``chunk_size`` is given (re-chunking would copy every byte again).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._body import map_transport_errors, unwound
from ._constants import DEFAULT_CHUNK_SIZE
from ._exceptions import APIConnectionError
from ._files import AsyncAtomicFile, AtomicFile, FileTarget
from ._logging import download_log
from ._response import APIResponse, AsyncAPIResponse
from ._retries import RetryPolicy, Stop
from ._secrets import DEFAULT_SECRETS, Secrets
from ._tracing import call_span_owned

if TYPE_CHECKING:
    from collections.abc import Mapping

    import httpx2

    from ._types import ProgressCallback

__all__ = [
    "AsyncBinaryAPIResponse",
    "AsyncStreamedBinaryAPIResponse",
    "BinaryAPIResponse",
    "DownloadPlan",
    "StreamedBinaryAPIResponse",
]


def expected_length(response: httpx2.Response) -> int | None:
    """The decoded body size the headers promise, when they do (no content coding)."""
    length = response.headers.get("content-length")
    if length is None or response.headers.get("content-encoding", "identity") != "identity":
        return None
    return int(length) if length.isdigit() else None


def range_validator(response: httpx2.Response) -> str | None:
    """The ``If-Range`` value for resuming ``response``, if the server allows ranges."""
    if response.headers.get("accept-ranges", "").lower() != "bytes":
        return None
    return response.headers.get("etag") or response.headers.get("last-modified")


@dataclass(frozen=True, slots=True)
class Again:
    """Send the request again after ``delay`` with ``headers`` (empty: from zero)."""

    delay: float
    headers: Mapping[str, str]


class DownloadPlan:
    """The bookkeeping of one download to a file."""

    def __init__(
        self,
        response: httpx2.Response,
        progress: ProgressCallback | None,
        policy: RetryPolicy | None = None,
        secrets: Secrets = DEFAULT_SECRETS,
    ) -> None:
        self.total = expected_length(response)
        self.done = 0
        self.retries_taken = 0
        self._validator = range_validator(response)
        self._request = response.request
        self._progress = progress
        self._policy = policy
        self._secrets = secrets

    def advance(self, size: int) -> None:
        """``size`` more bytes were written."""
        self.done += size
        if self._progress is not None:
            self._progress(self.done, self.total)

    def finish(self) -> None:
        """The body ended: raise ``APIConnectionError`` if it is shorter than promised."""
        if self.total is not None and self.done != self.total:
            raise APIConnectionError(
                message=f"The body ended after {self.done} of {self.total} bytes.",
                request=self._request,
            )
        if self._progress is not None:
            self._progress(self.done, self.total)

    def after_cut(self, exc: APIConnectionError) -> Again:
        """How to go on after a cut body; re-raises ``exc`` when retries are spent."""
        if self._policy is None:
            raise exc
        decision = self._policy.after_transport_error(self.retries_taken, is_timeout=False)
        if isinstance(decision, Stop):
            raise exc
        self.retries_taken += 1
        url = self._secrets.url(self._request.url)
        if self._validator is None or self.done == 0:
            download_log.info("Restarting the download of %s from zero (%s)", url, decision)
            return Again(decision.delay, {})
        download_log.info("Resuming the download of %s at byte %d (%s)", url, self.done, decision)
        headers = {"Range": f"bytes={self.done}-", "If-Range": self._validator}
        return Again(decision.delay, headers)

    def accept(self, response: httpx2.Response) -> bool:
        """Take the answer to a repeated request; ``True`` when it restarts from zero."""
        if response.status_code == 206 and _range_start(response) == self.done:
            return False
        if response.status_code == 206:
            raise APIConnectionError(
                message="The server resumed the download at the wrong offset.",
                request=response.request,
            )
        self.total = expected_length(response)
        self._validator = range_validator(response)
        self.done = 0
        if self._progress is not None:
            self._progress(0, self.total)
        return True


def _range_start(response: httpx2.Response) -> int | None:
    unit, _, spec = response.headers.get("content-range", "").partition(" ")
    start = spec.partition("-")[0]
    return int(start) if unit.lower() == "bytes" and start.isdigit() else None


class BinaryAPIResponse(APIResponse[bytes]):
    """A raw response with a binary body, read already.

    >>> client.files.with_raw_response.content("f1").write_to_file("out.bin")
    """

    def write_to_file(self, file: FileTarget, *, progress: ProgressCallback | None = None) -> None:
        """Write the body to ``file`` atomically: a failure leaves the old file, or none.

        ``progress(bytes_done, total)`` is called per chunk and once at the end.
        """
        plan = DownloadPlan(self.http_response, progress)
        with AtomicFile(file) as out:
            for chunk in self.iter_bytes(DEFAULT_CHUNK_SIZE):
                out.write(chunk)
                plan.advance(len(chunk))
            plan.finish()


class AsyncBinaryAPIResponse(AsyncAPIResponse[bytes]):
    """The async twin of ``BinaryAPIResponse``; file I/O runs through anyio."""

    async def write_to_file(
        self, file: FileTarget, *, progress: ProgressCallback | None = None
    ) -> None:
        """Write the body to ``file`` atomically; see ``BinaryAPIResponse.write_to_file``."""
        plan = DownloadPlan(self.http_response, progress)
        async with AsyncAtomicFile(file) as out:
            async for chunk in self.iter_bytes(DEFAULT_CHUNK_SIZE):
                await out.write(chunk)
                plan.advance(len(chunk))
            plan.finish()


class StreamedBinaryAPIResponse(APIResponse[bytes]):
    """A streamed response whose body goes to disk without being held in memory.

    >>> with client.files.with_streaming_response.content("f1") as response:
    ...     response.stream_to_file("out.bin")
    """

    # Declared again: a resumed download replaces both (``_send_again``).
    http_response: httpx2.Response
    retries_taken: int

    def stream_to_file(
        self,
        file: FileTarget,
        *,
        chunk_size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Stream the body to ``file`` atomically, ``chunk_size`` bytes at a time.

        A cut body is resumed (``Range``/``If-Range``) or restarted within the
        call's ``max_retries``; after that it raises ``APIConnectionError`` and the
        target keeps its old content (or stays absent).
        """
        ctx = self._context
        plan = DownloadPlan(self.http_response, progress, ctx.policy, ctx.secrets)
        request = self.http_request  # every attempt repeats the first request
        again: Again | None = None
        with call_span_owned(ctx.trace), AtomicFile(file) as out:
            while True:
                try:
                    if again is not None:
                        self._send_again(request, again, plan, out)
                    response = self.http_response
                    with map_transport_errors(response.request, ctx.secrets):
                        for chunk in response.iter_bytes(chunk_size):
                            out.write(chunk)
                            plan.advance(len(chunk))
                    plan.finish()
                    return
                except APIConnectionError as exc:
                    again = plan.after_cut(exc)  # or re-raises

    def _send_again(
        self, request: httpx2.Request, again: Again, plan: DownloadPlan, out: AtomicFile
    ) -> None:
        self.http_response.close()
        self._context.timing.sleep(again.delay)
        self.retries_taken += 1
        self.http_response = self._context.resend(request, again.headers)
        if plan.accept(self.http_response):
            out.truncate()


class AsyncStreamedBinaryAPIResponse(AsyncAPIResponse[bytes]):
    """The async twin of ``StreamedBinaryAPIResponse``."""

    # Declared again: a resumed download replaces both (``_send_again``).
    http_response: httpx2.Response
    retries_taken: int

    async def stream_to_file(
        self,
        file: FileTarget,
        *,
        chunk_size: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        """Stream the body to ``file`` atomically; see ``StreamedBinaryAPIResponse``."""
        ctx = self._context
        plan = DownloadPlan(self.http_response, progress, ctx.policy, ctx.secrets)
        request = self.http_request  # every attempt repeats the first request
        again: Again | None = None
        with call_span_owned(ctx.trace):
            async with AsyncAtomicFile(file) as out:
                while True:
                    try:
                        if again is not None:
                            await self._send_again(request, again, plan, out)
                        response = self.http_response
                        with map_transport_errors(response.request, ctx.secrets):
                            chunks = response.aiter_bytes(chunk_size)
                            async with unwound(response, chunks) as body:
                                async for chunk in body:
                                    await out.write(chunk)
                                    plan.advance(len(chunk))
                        plan.finish()
                        return
                    except APIConnectionError as exc:
                        again = plan.after_cut(exc)  # or re-raises

    async def _send_again(
        self, request: httpx2.Request, again: Again, plan: DownloadPlan, out: AsyncAtomicFile
    ) -> None:
        await self.http_response.aclose()
        await self._context.timing.async_sleep(again.delay)
        self.retries_taken += 1
        self.http_response = await self._context.aresend(request, again.headers)
        if plan.accept(self.http_response):
            await out.truncate()
