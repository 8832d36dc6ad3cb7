"""Downloads to files: atomic writes, progress, resume and restart after a cut, flat memory."""

from __future__ import annotations

import hashlib
import json
import os
import random
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
import pytest

from _sdk import Acme, AsyncAcme
from sdkcore import (
    APIConnectionError,
    AsyncBinaryAPIResponse,
    AsyncStreamedBinaryAPIResponse,
    BinaryAPIResponse,
    StreamedBinaryAPIResponse,
    async_to_custom_streamed_response_wrapper,
    make_request_options,
    to_custom_streamed_response_wrapper,
)
from sdkcore.testing import CutAfter, OnAttempts, Reply, Stall

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sdkcore._types import Headers
    from sdkcore.testing import LoopbackServer, Request

MiB = 1 << 20
BODY = random.Random(1).randbytes(300_000)
OLD = b"the previous content, kept on failure"
PATH = "/things/t1/content"
#: Divides every cut offset below: httpx2 drops a partly filled chunk when the body is
#: cut, so a download resumes from the last whole chunk it wrote.
CHUNK = 500


def cut_first(times: int, n_bytes: int) -> OnAttempts:
    """Hang up on the first ``times`` answers of a route after ``n_bytes`` of their body."""
    return OnAttempts(CutAfter(n_bytes), attempts=range(1, times + 1))


class Progress:
    """Records ``progress(bytes_done, total)`` calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int | None]] = []

    def __call__(self, done: int, total: int | None) -> None:
        self.calls.append((done, total))

    @property
    def done(self) -> list[int]:
        return [done for done, _ in self.calls]

    def restarts(self) -> int:
        """How often bytes_done went back to 0 after having been above it."""
        pairs = zip(self.done, self.done[1:], strict=False)
        return sum(1 for before, after in pairs if after < before)


def files_in(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- write_to_file / stream_to_file -------------------------------------------------------------


def test_write_to_file_writes_the_body_and_reports_progress(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    progress = Progress()
    response = client.things.with_raw_response.content("t1")
    assert isinstance(response, BinaryAPIResponse)
    response.write_to_file(target, progress=progress)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert len(progress.calls) >= 2
    assert progress.calls[-1] == (len(BODY), len(BODY))
    assert progress.done == sorted(progress.done)


@pytest.mark.anyio
async def test_write_to_file_writes_the_body_and_reports_progress_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    target = tmp_path / "out.bin"
    progress = Progress()
    response = await async_client.things.with_raw_response.content("t1")
    assert isinstance(response, AsyncBinaryAPIResponse)
    await response.write_to_file(str(target), progress=progress)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert progress.calls[-1] == (len(BODY), len(BODY))


def test_stream_to_file_writes_the_body_and_reports_progress_per_chunk(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    progress = Progress()
    with client.things.with_streaming_response.content("t1") as response:
        assert isinstance(response, StreamedBinaryAPIResponse)
        response.stream_to_file(target, chunk_size=10_000, progress=progress)
    assert files_in(tmp_path) == {"out.bin": BODY}
    chunks = -(-len(BODY) // 10_000)
    assert progress.done[:chunks] == [min(i * 10_000, len(BODY)) for i in range(1, chunks + 1)]
    assert progress.calls[-1] == (len(BODY), len(BODY))
    assert len(progress.calls) == chunks + 1  # once per chunk, once at the end


@pytest.mark.anyio
async def test_stream_to_file_writes_the_body_and_reports_progress_per_chunk_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    target = tmp_path / "out.bin"
    progress = Progress()
    async with async_client.things.with_streaming_response.content("t1") as response:
        assert isinstance(response, AsyncStreamedBinaryAPIResponse)
        await response.stream_to_file(target, chunk_size=10_000, progress=progress)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert len(progress.calls) == -(-len(BODY) // 10_000) + 1
    assert progress.calls[-1] == (len(BODY), len(BODY))


def test_progress_total_is_none_when_the_size_is_unknown(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    parts = [BODY[:100_000], BODY[100_000:]]
    server.route("GET", PATH, body=parts)  # chunked: no Content-Length
    progress = Progress()
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK, progress=progress)
    assert (tmp_path / "out.bin").read_bytes() == BODY
    assert progress.calls[-1] == (len(BODY), None)
    assert {total for _, total in progress.calls} == {None}


def test_stream_to_file_of_an_empty_body_creates_an_empty_file(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=b"")
    progress = Progress()
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK, progress=progress)
    assert files_in(tmp_path) == {"out.bin": b""}
    assert progress.calls == [(0, 0)]


# --- a cut that cannot be recovered ---------------------------------------------------------


def test_a_cut_download_leaves_the_old_file_and_no_temporary_file(
    server: LoopbackServer, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, ranges=True, fault=CutAfter(100_000))
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    progress = Progress()
    with Acme(server.url, max_retries=0) as client:
        with (
            pytest.raises(APIConnectionError),
            client.things.with_streaming_response.content("t1") as response,
        ):
            response.stream_to_file(target, chunk_size=CHUNK, progress=progress)
        assert response.is_closed
    assert files_in(tmp_path) == {"out.bin": OLD}
    assert route.calls == 1  # max_retries=0: no resume
    assert progress.done[-1] == 100_000


def test_a_cut_download_to_a_new_path_leaves_no_file_at_all(
    server: LoopbackServer, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY, fault=CutAfter(50_000, reset=True))
    with (
        Acme(server.url, max_retries=0) as client,
        pytest.raises(APIConnectionError),
        client.things.with_streaming_response.content("t1") as response,
    ):
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert files_in(tmp_path) == {}


def test_write_to_file_of_a_cut_body_leaves_the_old_file_and_no_temporary_file(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY, fault=CutAfter(100_000))
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    unread = to_custom_streamed_response_wrapper(client.things.content, BinaryAPIResponse)
    with pytest.raises(APIConnectionError), unread("t1") as response:
        response.write_to_file(target)
    assert files_in(tmp_path) == {"out.bin": OLD}


@pytest.mark.anyio
async def test_a_cut_download_leaves_the_old_file_and_no_temporary_file_async(
    server: LoopbackServer, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, ranges=True, fault=CutAfter(100_000))
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    async with AsyncAcme(server.url, max_retries=0) as client:
        with pytest.raises(APIConnectionError):
            async with client.things.with_streaming_response.content("t1") as response:
                await response.stream_to_file(target, chunk_size=CHUNK)
    assert files_in(tmp_path) == {"out.bin": OLD}
    assert route.calls == 1


@pytest.mark.anyio
async def test_write_to_file_of_a_cut_body_leaves_the_old_file_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY, fault=CutAfter(100_000))
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    unread = async_to_custom_streamed_response_wrapper(
        async_client.things.content, AsyncBinaryAPIResponse
    )
    with pytest.raises(APIConnectionError):
        async with unread("t1") as response:
            await response.write_to_file(target)
    assert files_in(tmp_path) == {"out.bin": OLD}


# --- resume ----------------------------------------------------------------------------------


def test_a_cut_download_resumes_with_range_and_if_range(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    route = server.route(
        "GET", PATH, body=BODY, ranges=True, etag='"v1"', fault=cut_first(2, 100_000)
    )
    target = tmp_path / "out.bin"
    progress = Progress()
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(target, chunk_size=CHUNK, progress=progress)
        assert response.retries_taken == 2
        assert response.status_code == 206
    assert sha256(target.read_bytes()) == sha256(BODY)
    assert files_in(tmp_path).keys() == {"out.bin"}
    first, second, third = route.requests
    assert "range" not in first.headers
    assert second.headers["range"] == "bytes=100000-"
    assert third.headers["range"] == "bytes=200000-"
    assert second.headers["if-range"] == third.headers["if-range"] == '"v1"'
    assert progress.restarts() == 0
    assert progress.calls[-1] == (len(BODY), len(BODY))
    assert len(client.sleeps) == 2


def test_resume_sends_last_modified_as_if_range_without_an_etag(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    modified = "Wed, 21 Oct 2015 07:28:00 GMT"

    # An empty ETag leaves Last-Modified as the only validator.
    route = server.route(
        "GET",
        PATH,
        body=BODY,
        ranges=True,
        last_modified=modified,
        headers={"ETag": ""},
        fault=cut_first(1, 1000),
    )
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert (tmp_path / "out.bin").read_bytes() == BODY
    assert route.requests[1].headers["if-range"] == modified
    assert route.requests[1].headers["range"] == "bytes=1000-"


@pytest.mark.anyio
async def test_a_cut_download_resumes_with_range_and_if_range_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    route = server.route(
        "GET", PATH, body=BODY, ranges=True, etag='"v1"', fault=cut_first(2, 100_000)
    )
    target = tmp_path / "out.bin"
    progress = Progress()
    async with async_client.things.with_streaming_response.content("t1") as response:
        await response.stream_to_file(target, chunk_size=CHUNK, progress=progress)
    assert sha256(files_in(tmp_path)["out.bin"]) == sha256(BODY)
    assert [r.headers.get("range") for r in route.requests] == [
        None,
        "bytes=100000-",
        "bytes=200000-",
    ]
    assert {r.headers.get("if-range") for r in route.requests[1:]} == {'"v1"'}
    assert progress.restarts() == 0


def test_a_200_answer_to_the_ranged_request_restarts_from_zero(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    new_body = BODY[::-1]

    def answer(request: Request) -> Reply:
        # The resource changed after the first attempt: its ETag no longer matches If-Range.
        if request.attempt == 1:
            return Reply(body=BODY, ranges=True, etag='"v1"')
        return Reply(body=new_body, ranges=True, etag='"v2"')

    route = server.route("GET", PATH, handler=answer, fault=cut_first(1, 100_000))
    target = tmp_path / "out.bin"
    progress = Progress()
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(target, chunk_size=CHUNK, progress=progress)
        assert response.status_code == 200
    assert target.read_bytes() == new_body
    assert route.requests[1].headers["range"] == "bytes=100000-"
    assert progress.restarts() == 1
    restart = progress.done.index(0)
    assert progress.done[restart - 1] == 100_000
    assert progress.calls[restart] == (0, len(new_body))
    assert progress.calls[-1] == (len(new_body), len(new_body))


@pytest.mark.anyio
async def test_a_200_answer_to_the_ranged_request_restarts_from_zero_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    new_body = BODY[::-1]

    def answer(request: Request) -> Reply:
        if request.attempt == 1:
            return Reply(body=BODY, ranges=True, etag='"v1"')
        return Reply(body=new_body, ranges=True, etag='"v2"')

    server.route("GET", PATH, handler=answer, fault=cut_first(1, 100_000))
    progress = Progress()
    async with async_client.things.with_streaming_response.content("t1") as response:
        await response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK, progress=progress)
    assert files_in(tmp_path) == {"out.bin": new_body}
    assert progress.restarts() == 1


def test_without_range_support_a_cut_download_restarts_from_zero(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, fault=cut_first(2, 100_000))
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    progress = Progress()
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(target, chunk_size=CHUNK, progress=progress)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert route.calls == 3  # within the client's max_retries=2
    assert all("range" not in r.headers and "if-range" not in r.headers for r in route.requests)
    assert progress.restarts() == 2
    assert progress.calls.count((0, len(BODY))) == 2


@pytest.mark.anyio
async def test_without_range_support_a_cut_download_restarts_from_zero_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, fault=cut_first(2, 100_000))
    progress = Progress()
    async with async_client.things.with_streaming_response.content("t1") as response:
        await response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK, progress=progress)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert route.calls == 3
    assert progress.restarts() == 2


def test_when_retries_run_out_the_download_raises_and_leaves_no_partial_file(
    server: LoopbackServer, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, fault=cut_first(2, 100_000))
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    with Acme(server.url, max_retries=1) as client:
        with (
            pytest.raises(APIConnectionError),
            client.things.with_streaming_response.content("t1") as response,
        ):
            response.stream_to_file(target, chunk_size=CHUNK)
        assert client.sleeps
        assert len(client.sleeps) == 1
    assert route.calls == 2
    assert files_in(tmp_path) == {"out.bin": OLD}


@pytest.mark.anyio
async def test_when_retries_run_out_the_download_raises_and_leaves_no_partial_file_async(
    server: LoopbackServer, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, ranges=True, fault=cut_first(3, 50_000))
    async with AsyncAcme(server.url, max_retries=2) as client:
        with pytest.raises(APIConnectionError):
            async with client.things.with_streaming_response.content("t1") as response:
                await response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert route.calls == 3
    assert files_in(tmp_path) == {}


def test_a_failed_resend_counts_as_a_retry_and_the_download_goes_on(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    def answer(request: Request) -> Reply:
        return Reply(body=BODY, ranges=True, etag='"v1"')

    drop_second = OnAttempts(CutAfter(0), attempts={2})  # the resend gets no answer at all
    route = server.route("GET", PATH, handler=answer, faults=[cut_first(1, 100_000), drop_second])
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert [r.headers.get("range") for r in route.requests] == [
        None,
        "bytes=100000-",
        "bytes=100000-",
    ]


def test_a_restart_after_a_resume_does_not_repeat_the_range_header(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    new_body = BODY[::-1]

    def answer(request: Request) -> Reply:
        if request.attempt == 1:
            return Reply(body=BODY, ranges=True, etag='"v1"')
        return Reply(body=new_body)  # no more range support, and a new body

    cuts = [
        OnAttempts(CutAfter(100_000), attempts={1}),
        OnAttempts(CutAfter(0), attempts={2}),  # the restarted download is cut before any byte
    ]
    route = server.route("GET", PATH, handler=answer, faults=cuts)
    with (
        Acme(server.url, max_retries=3) as acme,
        acme.things.with_streaming_response.content("t1") as response,
    ):
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert files_in(tmp_path) == {"out.bin": new_body}
    assert route.requests[1].headers.get("range") == "bytes=100000-"
    assert "range" not in route.requests[2].headers
    assert "if-range" not in route.requests[2].headers


def test_a_call_with_max_retries_0_does_not_resume_whatever_the_client_allows(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    route = server.route("GET", PATH, body=BODY, ranges=True, fault=CutAfter(100_000))

    def content(*, extra_headers: Headers | None = None) -> bytes:
        options = make_request_options(extra_headers=extra_headers, max_retries=0)
        return client.get(PATH, cast_to=bytes, options=options)

    download = to_custom_streamed_response_wrapper(content, StreamedBinaryAPIResponse)
    with pytest.raises(APIConnectionError), download() as response:
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert route.calls == 1
    assert files_in(tmp_path) == {}


def test_a_body_that_stalls_past_the_read_timeout_is_resumed(
    server: LoopbackServer, tmp_path: Path
) -> None:
    stall_first = OnAttempts(Stall(30, after_bytes=100_000), attempts={1})
    route = server.route("GET", PATH, body=BODY, ranges=True, fault=stall_first)
    with (
        Acme(server.url, timeout=httpx2.Timeout(5, read=0.3)) as client,
        client.things.with_streaming_response.content("t1") as response,
    ):
        response.stream_to_file(tmp_path / "out.bin", chunk_size=CHUNK)
    assert files_in(tmp_path) == {"out.bin": BODY}
    assert route.requests[1].headers["range"] == "bytes=100000-"


# --- large bodies ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_256_mib_download_cut_twice_resumes_byte_identical(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    rng = random.Random(256)
    body = b"".join(rng.randbytes(MiB) for _ in range(256))
    route = server.route(
        "GET", PATH, body=body, ranges=True, etag='"big"', fault=cut_first(2, 97 * MiB)
    )
    target = tmp_path / "big.bin"
    progress = Progress()
    started = time.monotonic()
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(target, chunk_size=MiB, progress=progress)
    elapsed = time.monotonic() - started
    digest = hashlib.sha256()
    with target.open("rb") as file:
        while block := file.read(16 * MiB):
            digest.update(block)
    assert digest.hexdigest() == sha256(body)
    assert [r.headers.get("range") for r in route.requests] == [
        None,
        f"bytes={97 * MiB}-",
        f"bytes={194 * MiB}-",
    ]
    assert progress.restarts() == 0
    assert progress.calls[-1] == (256 * MiB, 256 * MiB)
    assert elapsed < 60


RSS_SCRIPT = """
import json, os, sys, tempfile
sys.path.insert(0, {tests!r})
from _sdk import Acme
from sdkcore.testing import LoopbackServer, Reply

MiB = 1 << 20
BLOCKS = 1024
CHUNK = 64 * 1024


def status(field):
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def body():
    # One block, sent again and again: the generator holds nothing but it.
    block = b"\\xa5" * MiB
    for _ in range(BLOCKS):
        yield block


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as file:
            file.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
        return True
    except OSError:
        return False


calls = 0
last = None

def progress(done, total):
    global calls, last
    calls += 1
    last = (done, total)


with LoopbackServer() as server, tempfile.TemporaryDirectory(dir={tmp!r}) as directory:
    server.route("GET", "/things/big/content", handler=lambda request: Reply(body=body()))
    target = os.path.join(directory, "big.bin")
    with Acme(server.url, max_retries=0) as client:
        client.things.with_raw_response.content  # build the wrappers before measuring
        with client.things.with_streaming_response.content("big") as response:
            before = status("VmRSS")
            peak_was_reset = reset_peak()
            if not peak_was_reset:
                before = status("VmHWM")
            response.stream_to_file(target, chunk_size=CHUNK, progress=progress)
            peak = status("VmHWM")
    size = os.path.getsize(target)
print(json.dumps({{"growth": peak - before, "size": size, "calls": calls, "last": last,
                  "peak_was_reset": peak_was_reset}}))
"""


@pytest.mark.slow
def test_stream_to_file_of_1_gib_keeps_peak_memory_growth_under_16_mib_plus_chunk_size(
    tmp_path: Path,
) -> None:
    script = RSS_SCRIPT.format(tests=str(Path(__file__).parent), tmp=str(tmp_path))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["size"] == 1024 * MiB
    assert report["last"] == [1024 * MiB, None]
    assert report["calls"] >= 1024 * MiB // (64 * 1024)
    assert report["growth"] < 16 * MiB + 64 * 1024, report
    assert time.monotonic() - started < 60


# --- the mode of the written file, and errors that name the target ---------------------------


@pytest.fixture(params=[0o022, 0o027, 0o077])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under each of these umasks (restored after)."""
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def plain_open_mode(tmp_path: Path) -> int:
    """The mode ``open(path, "wb")`` gives a new file under the current umask."""
    probe = tmp_path / "probe"
    with probe.open("wb"):
        pass
    mode = mode_of(probe)
    probe.unlink()
    return mode


def test_a_new_download_gets_the_mode_a_plain_open_would_give(
    server: LoopbackServer, client: Acme, tmp_path: Path, umask: int
) -> None:
    server.route("GET", PATH, body=BODY)
    expected = plain_open_mode(tmp_path)
    assert expected == 0o666 & ~umask
    client.things.with_raw_response.content("t1").write_to_file(tmp_path / "raw.bin")
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(tmp_path / "streamed.bin")
    assert mode_of(tmp_path / "raw.bin") == expected
    assert mode_of(tmp_path / "streamed.bin") == expected


@pytest.mark.anyio
async def test_a_new_download_gets_the_mode_a_plain_open_would_give_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path, umask: int
) -> None:
    server.route("GET", PATH, body=BODY)
    expected = 0o666 & ~umask
    await (await async_client.things.with_raw_response.content("t1")).write_to_file(
        tmp_path / "raw.bin"
    )
    async with async_client.things.with_streaming_response.content("t1") as response:
        await response.stream_to_file(tmp_path / "streamed.bin")
    assert mode_of(tmp_path / "raw.bin") == expected
    assert mode_of(tmp_path / "streamed.bin") == expected


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o755])
def test_a_replaced_file_keeps_its_mode(
    server: LoopbackServer, client: Acme, tmp_path: Path, mode: int
) -> None:
    server.route("GET", PATH, body=BODY)
    for name in ("raw.bin", "streamed.bin"):
        (tmp_path / name).write_bytes(OLD)
        (tmp_path / name).chmod(mode)
    client.things.with_raw_response.content("t1").write_to_file(tmp_path / "raw.bin")
    with client.things.with_streaming_response.content("t1") as response:
        response.stream_to_file(tmp_path / "streamed.bin")
    assert files_in(tmp_path) == {"raw.bin": BODY, "streamed.bin": BODY}
    assert mode_of(tmp_path / "raw.bin") == mode
    assert mode_of(tmp_path / "streamed.bin") == mode


@pytest.mark.anyio
async def test_a_replaced_file_keeps_its_mode_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    target = tmp_path / "out.bin"
    target.write_bytes(OLD)
    target.chmod(0o640)
    async with async_client.things.with_streaming_response.content("t1") as response:
        await response.stream_to_file(target)
    await (await async_client.things.with_raw_response.content("t1")).write_to_file(target)
    assert mode_of(target) == 0o640


def test_a_download_into_a_directory_names_the_directory_and_leaves_nothing(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    with (
        client.things.with_streaming_response.content("t1") as response,
        pytest.raises(IsADirectoryError) as info,
    ):
        response.stream_to_file(tmp_path)
    assert info.value.filename == str(tmp_path)
    assert ".part" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.anyio
async def test_a_download_into_a_directory_names_the_directory_and_leaves_nothing_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    response = await async_client.things.with_raw_response.content("t1")
    with pytest.raises(IsADirectoryError) as info:
        await response.write_to_file(tmp_path)
    assert info.value.filename == str(tmp_path)
    assert os.listdir(tmp_path) == []


def test_a_download_beneath_a_file_names_the_target_not_the_temporary_file(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("GET", PATH, body=BODY)
    (tmp_path / "a-file").write_bytes(b"x")
    target = tmp_path / "a-file" / "out.bin"
    response = client.things.with_raw_response.content("t1")
    with pytest.raises(NotADirectoryError) as info:
        response.write_to_file(target)
    assert info.value.filename == str(target)
    assert ".part" not in str(info.value)
