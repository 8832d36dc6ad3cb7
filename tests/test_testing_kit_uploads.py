"""sdkcore.testing request bodies: size and SHA-256 of every upload, a bound on what is kept,
and ``multipart/form-data`` forms parsed from bodies that httpx2's own encoder built."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import httpx2
import pytest

from sdkcore import SdkError
from sdkcore.testing import (
    BodyNotKeptError,
    Headers,
    LoopbackServer,
    Request,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

pytestmark = pytest.mark.anyio

SRC = Path(__file__).resolve().parents[1] / "src"
PAYLOAD = bytes(range(256)) * 4096  # 1 MiB, every byte value
KEPT = 4096


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pieces(data: bytes, size: int = 10_000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def apieces(data: bytes, size: int = 10_000) -> AsyncIterator[bytes]:
    for piece in pieces(data, size):
        yield piece


# -- size, hash and the bound on what is kept ---------------------------------------


def test_every_request_records_its_body_size_and_sha256(loopback_server: LoopbackServer) -> None:
    route = loopback_server.route("POST", "/v1/uploads", status=201)
    with httpx2.Client(base_url=loopback_server.url) as http:
        http.post("/v1/uploads", content=PAYLOAD)  # Content-Length
        http.post("/v1/uploads", content=pieces(PAYLOAD))  # chunked
        http.post("/v1/uploads")
    sized, chunked, empty = route.requests
    assert "content-length" in sized.headers
    assert chunked.headers["transfer-encoding"] == "chunked"
    for request in (sized, chunked):
        assert (request.body_size, request.body_sha256) == (len(PAYLOAD), sha256(PAYLOAD))
        assert request.body_kept
        assert request.body == PAYLOAD
    assert (empty.body_size, empty.body_sha256, empty.body) == (0, sha256(b""), b"")


async def test_every_request_records_its_body_size_and_sha256_async(
    loopback_server: LoopbackServer,
) -> None:
    route = loopback_server.route("POST", "/v1/uploads", status=201)
    async with httpx2.AsyncClient(base_url=loopback_server.url) as http:
        await http.post("/v1/uploads", content=PAYLOAD)
        await http.post("/v1/uploads", content=apieces(PAYLOAD))
    for request in route.requests:
        assert (request.body_size, request.body_sha256) == (len(PAYLOAD), sha256(PAYLOAD))
        assert request.body == PAYLOAD
    assert route.requests[1].headers["transfer-encoding"] == "chunked"


def test_a_body_past_max_body_kept_is_not_kept_but_measured_exactly() -> None:
    with LoopbackServer(max_body_kept=KEPT) as server, httpx2.Client(base_url=server.url) as http:
        route = server.route("PUT", "/v1/files/{file_id}", status=204)
        http.put("/v1/files/big", content=PAYLOAD)
        http.put("/v1/files/big-chunked", content=pieces(PAYLOAD, 3000))
        http.put("/v1/files/at-bound", content=PAYLOAD[:KEPT])
        http.put("/v1/files/past-bound", content=PAYLOAD[: KEPT + 1])
    big, chunked, at_bound, past_bound = route.requests
    for request in (big, chunked):
        assert (request.body_kept, request.body) == (False, b"")
        assert (request.body_size, request.body_sha256) == (len(PAYLOAD), sha256(PAYLOAD))
    assert (at_bound.body_kept, at_bound.body) == (True, PAYLOAD[:KEPT])
    assert (past_bound.body_kept, past_bound.body_size) == (False, KEPT + 1)
    assert past_bound.body_sha256 == sha256(PAYLOAD[: KEPT + 1])


async def test_a_body_past_max_body_kept_is_not_kept_but_measured_exactly_async() -> None:
    async with (
        LoopbackServer(max_body_kept=KEPT) as server,
        httpx2.AsyncClient(base_url=server.url) as http,
    ):
        route = server.route("PUT", "/v1/files/{file_id}", status=204)
        await http.put("/v1/files/big", content=apieces(PAYLOAD))
    [request] = route.requests
    assert (request.body_kept, request.body) == (False, b"")
    assert (request.body_size, request.body_sha256) == (len(PAYLOAD), sha256(PAYLOAD))


def test_reading_a_body_that_was_not_kept_raises_body_not_kept_error() -> None:
    request = Request("POST", "/", Headers(), body_size=10, body_sha256="0" * 64, body_kept=False)
    with pytest.raises(BodyNotKeptError, match=r"10 bytes.*max_body_kept"):
        request.json()
    with pytest.raises(BodyNotKeptError):
        _ = request.text
    with pytest.raises(BodyNotKeptError):
        request.form()
    assert isinstance(BodyNotKeptError("x"), SdkError)


def test_a_request_built_by_hand_describes_its_body() -> None:
    request = Request("POST", "/", Headers(), body=b'{"a": 1}')
    assert (request.body_size, request.body_sha256) == (8, sha256(b'{"a": 1}'))
    assert request.kept_body() == b'{"a": 1}'
    assert request.json() == {"a": 1}


@pytest.mark.parametrize("size_line", [b"-5", b"+5", b"0x5", b"", b"1" * 17])
def test_a_chunk_size_that_is_not_plain_hex_answers_400(
    loopback_server: LoopbackServer, size_line: bytes
) -> None:
    loopback_server.route("POST", "/up", json={})
    head = b"POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    with socket.create_connection(("127.0.0.1", loopback_server.port), timeout=5) as sock:
        sock.sendall(head + size_line + b"\r\nhello\r\n0\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert loopback_server.requests == []


UPLOAD_SCRIPT = """
import hashlib, json, sys, time
sys.path.insert(0, {src!r})
import httpx2
from sdkcore.testing import LoopbackServer

MiB = 1 << 20
BLOCKS = {blocks}
block = bytes(range(256)) * (MiB // 256)


def status(field):
    with open("/proc/self/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def body():
    for _ in range(BLOCKS):  # one block sent again and again: the client holds only it
        yield block


expected = hashlib.sha256()
for _ in range(BLOCKS):
    expected.update(block)
with LoopbackServer(max_body_kept=MiB) as server, httpx2.Client(timeout=120) as client:
    route = server.route("PUT", "/v1/uploads/{{upload_id}}", status=201)
    client.put(server.url_for("/v1/uploads/warm"), content=b"x")
    with open("/proc/self/clear_refs", "w") as file:
        file.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)
    before = status("VmRSS")
    started = time.monotonic()
    response = client.put(server.url_for("/v1/uploads/big"), content=body())
    seconds = time.monotonic() - started
    request = route.requests[-1]
    print(json.dumps({{
        "status": response.status_code,
        "size": request.body_size,
        "sha_ok": request.body_sha256 == expected.hexdigest(),
        "kept": request.body_kept,
        "growth": status("VmHWM") - before,
        "seconds": seconds,
    }}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_a_1_gib_upload_is_hashed_without_the_server_holding_it(tmp_path: Path) -> None:
    script = tmp_path / "upload.py"
    script.write_text(textwrap.dedent(UPLOAD_SCRIPT.format(src=str(SRC), blocks=1024)))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=240, check=True
    )
    result = json.loads(done.stdout)
    assert (result["status"], result["size"]) == (201, 1 << 30)
    assert result["sha_ok"]
    assert result["kept"] is False
    assert result["growth"] < 32 << 20  # measured: about 2 MiB
