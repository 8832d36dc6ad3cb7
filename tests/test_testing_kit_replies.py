"""sdkcore.testing replies for downloads and limits: paced bodies with byte ranges, gzip bombs,
endless bodies and headers sent a byte at a time, seen by a real httpx2 client."""

from __future__ import annotations

import contextlib
import socket
import time
import zlib

import httpx2
import pytest

from sdkcore.testing import (
    CutAfter,
    Drip,
    Endless,
    GzipBomb,
    LoopbackServer,
    OnAttempts,
    Reply,
    TrickleHeaders,
)

pytestmark = pytest.mark.anyio

MiB = 1 << 20
BLOB = bytes(range(256)) * 400  # 102,400 bytes
PATH = "/v1/files/{file_id}/content"
#: Leaving an async body mid-way leaves httpcore2's ``PoolByteStream.__aiter__`` to the
#: garbage collector, which trio reports (upstream: pydantic/httpx2#1036).
HTTPCORE_ASYNCGEN_WARNING = (
    "ignore:Exception ignored in. <async_generator object PoolByteStream.__aiter__"
    ":pytest.PytestUnraisableExceptionWarning"
)


def timed_reads(response: httpx2.Response) -> tuple[bytes, list[float]]:
    """The raw body, and the arrival time of each network read."""
    arrivals = [(time.monotonic(), chunk) for chunk in response.iter_raw() if chunk]
    return b"".join(chunk for _, chunk in arrivals), [at for at, _ in arrivals]


async def atimed_reads(response: httpx2.Response) -> tuple[bytes, list[float]]:
    arrivals = [(time.monotonic(), chunk) async for chunk in response.aiter_raw() if chunk]
    return b"".join(chunk for _, chunk in arrivals), [at for at, _ in arrivals]


# -- paced bodies and byte ranges ---------------------------------------------------


def test_a_paced_body_keeps_its_content_length_and_arrives_over_time(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", PATH, body=BLOB, chunk_size=10_240, interval=0.03)
    with httpx2.Client(base_url=loopback_server.url) as http:
        with http.stream("GET", "/v1/files/f1/content") as response:
            body, arrivals = timed_reads(response)
        assert response.headers["content-length"] == str(len(BLOB))
        assert "transfer-encoding" not in response.headers
    assert body == BLOB
    assert len(arrivals) >= 5  # ten pieces; a slow reader may see two at once
    assert arrivals[-1] - arrivals[0] >= 0.2  # nine pauses of 0.03 s


def test_a_ranged_paced_body_sends_the_selected_part_in_paced_chunks(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route(
        "GET", PATH, body=BLOB, ranges=True, etag='"v1"', chunk_size=10_000, interval=0.03
    )
    headers = {"Range": "bytes=60000-", "If-Range": '"v1"'}
    with (
        httpx2.Client(base_url=loopback_server.url) as http,
        http.stream("GET", "/v1/files/f1/content", headers=headers) as response,
    ):
        body, arrivals = timed_reads(response)
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 60000-{len(BLOB) - 1}/{len(BLOB)}"
    assert response.headers["content-length"] == str(len(BLOB) - 60_000)
    assert body == BLOB[60_000:]
    assert arrivals[-1] - arrivals[0] >= 0.08  # five pieces, four pauses


def resume_headers(received: int, etag: str | None) -> dict[str, str]:
    return {} if etag is None else {"Range": f"bytes={received}-", "If-Range": etag}


def download_with_resume(http: httpx2.Client, progress: list[int]) -> bytes:
    """Download, and after a cut resume with Range and If-Range, as a resumable client does."""
    received = bytearray()
    etag: str | None = None
    for _ in range(3):
        headers = resume_headers(len(received), etag)
        try:
            with http.stream("GET", "/v1/files/f1/content", headers=headers) as response:
                etag = response.headers["etag"]
                for chunk in response.iter_raw():
                    received += chunk
                    progress.append(len(received))
            return bytes(received)
        except httpx2.RemoteProtocolError:
            continue
    raise AssertionError("the download did not finish")


async def adownload_with_resume(http: httpx2.AsyncClient, progress: list[int]) -> bytes:
    received = bytearray()
    etag: str | None = None
    for _ in range(3):
        headers = resume_headers(len(received), etag)
        try:
            async with http.stream("GET", "/v1/files/f1/content", headers=headers) as response:
                etag = response.headers["etag"]
                async for chunk in response.aiter_raw():
                    received += chunk
                    progress.append(len(received))
            return bytes(received)
        except httpx2.RemoteProtocolError:
            continue
    raise AssertionError("the download did not finish")


def paced_resumable_route(server: LoopbackServer) -> None:
    server.route(
        "GET",
        PATH,
        body=BLOB,
        ranges=True,
        chunk_size=8192,
        interval=0.005,
        fault=OnAttempts(CutAfter(40_000), attempts={1}),
    )


def test_a_cut_paced_download_resumes_with_steady_progress(
    loopback_server: LoopbackServer,
) -> None:
    paced_resumable_route(loopback_server)
    progress: list[int] = []
    with httpx2.Client(base_url=loopback_server.url) as http:
        assert download_with_resume(http, progress) == BLOB
    first, resumed = loopback_server.requests
    assert "range" not in first.headers
    assert resumed.headers["range"] == "bytes=40000-"
    assert len(progress) >= 8  # the progress bar moved many times, never backwards
    assert progress == sorted(progress)
    assert progress[-1] == len(BLOB)


async def test_a_cut_paced_download_resumes_with_steady_progress_async(
    loopback_server: LoopbackServer,
) -> None:
    paced_resumable_route(loopback_server)
    progress: list[int] = []
    async with httpx2.AsyncClient(base_url=loopback_server.url) as http:
        assert await adownload_with_resume(http, progress) == BLOB
    assert loopback_server.requests[1].headers["range"] == "bytes=40000-"
    assert len(progress) >= 8
    assert progress == sorted(progress)


def test_a_paced_gzip_body_is_compressed_first_then_paced(
    loopback_server: LoopbackServer,
) -> None:
    text = "paced and compressed " * 2000
    loopback_server.route("GET", "/z", text=text, gzip=True, chunk_size=100, interval=0.001)
    with httpx2.Client(base_url=loopback_server.url) as http:
        response = http.get("/z")
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == text


def test_a_head_request_to_a_paced_body_gets_no_body(loopback_server: LoopbackServer) -> None:
    loopback_server.route("*", "/f", body=BLOB, chunk_size=10_000, interval=0.01)
    with httpx2.Client(base_url=loopback_server.url) as http:
        head = http.head("/f")
        assert (head.headers["content-length"], head.content) == (str(len(BLOB)), b"")
        assert http.get("/f").content == BLOB  # the connection is still in sync


def test_a_list_body_is_streamed_afresh_for_every_request(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/parts", body=[b"one,", b"two"])
    with httpx2.Client(base_url=loopback_server.url) as http:
        responses = [http.get("/parts") for _ in range(2)]
    assert [r.content for r in responses] == [b"one,two"] * 2
    assert responses[1].headers["transfer-encoding"] == "chunked"


def test_reply_rejects_bad_pacing() -> None:
    with pytest.raises(ValueError, match="chunk_size=0 must be at least 1"):
        Reply(body=b"x", chunk_size=0)
    with pytest.raises(ValueError, match="known length"):
        Reply(body=[b"x"], chunk_size=10)
    with pytest.raises(ValueError, match="chunk_size= and interval="):
        Reply(body=iter([b"x"]), ranges=True)
    with pytest.raises(ValueError, match="must not be negative"):
        Reply(body=b"x", interval=-1)


# -- gzip bombs -----------------------------------------------------------------------


def test_a_gzip_bomb_is_small_on_the_wire_and_inflates_to_its_size(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route(
        "GET", "/bomb", Reply.gzip_bomb(64 * MiB, content_type="application/json")
    )
    with (
        httpx2.Client(base_url=loopback_server.url) as http,
        http.stream("GET", "/bomb") as response,
    ):
        wire = int(response.headers["content-length"])
        inflated = sum(len(chunk) for chunk in response.iter_bytes())
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "application/json"
    assert wire < 100_000
    assert inflated == 64 * MiB


async def test_a_streamed_gzip_bomb_is_chunked_and_inflates_to_its_size_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/bomb", Reply.gzip_bomb(64 * MiB + 3, streamed=True))
    async with (
        httpx2.AsyncClient(base_url=loopback_server.url) as http,
        http.stream("GET", "/bomb") as response,
    ):
        wire = sum([len(chunk) async for chunk in response.aiter_raw()])
    assert response.headers["transfer-encoding"] == "chunked"
    assert wire < 100_000
    async with httpx2.AsyncClient(base_url=loopback_server.url) as http:
        assert len((await http.get("/bomb")).content) == 64 * MiB + 3


@pytest.mark.parametrize("size", [0, 1, 3 * MiB + 5])
def test_a_gzip_bomb_is_valid_gzip_compressed_block_by_block(size: int) -> None:
    pieces = list(GzipBomb(size, block=MiB))
    assert zlib.decompress(b"".join(pieces), wbits=31) == bytes(size)
    assert max(len(piece) for piece in pieces) < 64 * 1024  # never the inflated size
    assert list(GzipBomb(size, block=MiB)) == pieces  # re-iterable, so routes serve it again


def test_a_gzip_bomb_rejects_a_negative_size() -> None:
    with pytest.raises(ValueError, match="gzip bomb"):
        GzipBomb(-1)


# -- endless bodies -------------------------------------------------------------------


def test_an_endless_body_stops_when_the_client_leaves_and_counts_what_it_gave(
    loopback_server: LoopbackServer,
) -> None:
    body = Endless(b"x" * 4096)
    loopback_server.route("GET", "/endless", body=body)
    received = 0
    with (
        httpx2.Client(base_url=loopback_server.url) as http,
        http.stream("GET", "/endless") as response,
    ):
        for chunk in response.iter_bytes():
            received += len(chunk)
            if received > 400_000:
                break
    assert body.closed.wait(2)
    pulled = body.pulled
    time.sleep(0.05)
    assert body.pulled == pulled  # the server stopped pulling
    assert received <= body.pulled_bytes < received + 8 * MiB


@pytest.mark.filterwarnings(HTTPCORE_ASYNCGEN_WARNING)
async def test_an_endless_body_stops_when_the_client_leaves_and_counts_what_it_gave_async(
    loopback_server: LoopbackServer,
) -> None:
    body = Endless(b"x" * 4096)
    loopback_server.route("GET", "/endless", body=body)
    received = 0
    async with (
        httpx2.AsyncClient(base_url=loopback_server.url) as http,
        http.stream("GET", "/endless") as response,
        contextlib.aclosing(response.aiter_bytes()) as chunks,  # no generator left to trio's GC
    ):
        async for chunk in chunks:
            received += len(chunk)
            if received > 400_000:
                break
    assert body.closed.wait(2)
    assert received <= body.pulled_bytes < received + 8 * MiB


def test_an_endless_body_takes_a_prefix_and_a_limit_and_serves_every_request(
    loopback_server: LoopbackServer,
) -> None:
    body = Endless(b"y" * 10, prefix=b"data: ", limit=3)
    loopback_server.route("GET", "/line", body=body)
    with httpx2.Client(base_url=loopback_server.url) as http:
        first, second = http.get("/line"), http.get("/line")
    assert first.content == second.content == b"data: " + b"y" * 30
    assert (body.pulled, body.pulled_bytes) == (6, 60)


def test_an_endless_body_needs_a_chunk() -> None:
    with pytest.raises(ValueError, match="non-empty chunk"):
        Endless(b"")


# -- headers a byte at a time ---------------------------------------------------------


def test_trickle_headers_sends_the_head_a_byte_at_a_time(loopback_server: LoopbackServer) -> None:
    loopback_server.route("GET", "/slow-head", json={"ok": True}, fault=TrickleHeaders(0.005))
    reads: list[bytes] = []
    with socket.create_connection(("127.0.0.1", loopback_server.port), timeout=5) as sock:
        sock.sendall(b"GET /slow-head HTTP/1.1\r\nHost: x\r\n\r\n")
        started = time.monotonic()
        while b"\r\n\r\n" not in b"".join(reads):
            reads.append(sock.recv(4096))
        elapsed = time.monotonic() - started
        head, _, body = b"".join(reads).partition(b"\r\n\r\n")
        head += b"\r\n\r\n"
        while len(body) < len(b'{"ok": true}'):
            body += sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert len(reads) >= len(head) // 2  # a byte, or two, per read
    assert elapsed >= (len(head) - 1) * 0.005 * 0.8
    assert body == b'{"ok": true}'


def test_a_per_read_timeout_does_not_bound_a_trickled_head(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/slow-head", json={"ok": 1}, fault=TrickleHeaders(0.02, chunk=2))
    started = time.monotonic()
    with httpx2.Client(base_url=loopback_server.url, timeout=0.25) as http:
        response = http.get("/slow-head")
    assert response.json() == {"ok": 1}
    assert time.monotonic() - started > 0.5  # twice the timeout, yet every read was quick


async def test_a_per_read_timeout_does_not_bound_a_trickled_head_async(
    loopback_server: LoopbackServer,
) -> None:
    loopback_server.route("GET", "/slow-head", json={"ok": 1}, fault=TrickleHeaders(0.02, chunk=2))
    started = time.monotonic()
    async with httpx2.AsyncClient(base_url=loopback_server.url, timeout=0.25) as http:
        response = await http.get("/slow-head")
    assert response.json() == {"ok": 1}
    assert time.monotonic() - started > 0.5


def test_trickled_headers_compose_with_a_dripped_body(loopback_server: LoopbackServer) -> None:
    faults = [Drip(0.01, chunk=3), TrickleHeaders(0.001, chunk=8)]
    loopback_server.route("GET", "/both", text="dripped body", faults=faults)
    with httpx2.Client(base_url=loopback_server.url) as http:
        response = http.get("/both")
    assert (response.status_code, response.text) == (200, "dripped body")
    assert response.headers["content-length"] == "12"
