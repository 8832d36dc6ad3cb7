"""Uploads through the client: ``files=`` sends multipart/form-data, streamed from disk.

The server side parses every body with two independent real parsers: the test kit's
``Request.form()`` (the standard library's MIME parser) and ``python-multipart``
(the parser Starlette uses), and the tests compare what both saw with what was sent.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import python_multipart

from sdkcore import (
    APIConnectionError,
    InternalServerError,
    make_request_options,
)
from sdkcore.testing import FailTimes, Reply, Request

if TYPE_CHECKING:
    from _sdk import Acme, AsyncAcme
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parent.parent


def parsed_by_python_multipart(request: Request) -> dict[str, list[tuple[str | None, bytes]]]:
    """Every part as python-multipart reads it: name -> [(filename, bytes)]."""
    parts: dict[str, list[tuple[str | None, bytes]]] = {}

    def on_field(field: Any) -> None:
        parts.setdefault(field.field_name.decode(), []).append((None, field.value or b""))

    def on_file(file: Any) -> None:
        file.file_object.seek(0)
        name = file.field_name.decode()
        filename = file.file_name.decode() if file.file_name else None
        parts.setdefault(name, []).append((filename, file.file_object.read()))

    headers = {"Content-Type": request.headers["content-type"].encode()}
    if "content-length" in request.headers:
        headers["Content-Length"] = request.headers["content-length"].encode()
    python_multipart.parse_form(headers, io.BytesIO(request.body), on_field, on_file)
    return parts


def echo_form(request: Request) -> Reply:
    form = request.form()
    return Reply(
        json={
            "fields": form.fields,
            "files": {
                name: [[p.filename, p.content_type, p.data.decode("latin-1")] for p in parts]
                for name, parts in form.files.items()
            },
            "chunked": "transfer-encoding" in request.headers,
            "length": request.headers.get("content-length"),
            "sha256": request.body_sha256,
        }
    )


def test_files_and_body_fields_go_out_as_multipart_each_part_as_sent(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    route = server.route("POST", "/files", handler=echo_form)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"line one\nline two\n")
    answer = client.post(
        "/files",
        cast_to=dict[str, Any],
        body={"purpose": "fine-tune", "meta": {"team": "a", "tags": ["x", "y"]}, "n": 2},
        files=[
            ("file", path),
            ("extra", ("data.bin", b"\x00\x01\x02", "application/x-custom")),
            ("extra", ("more.json", io.BytesIO(b'{"a": 1}'))),
        ],
    )
    assert answer["fields"] == {
        "purpose": ["fine-tune"],
        "meta[team]": ["a"],
        "meta[tags][]": ["x", "y"],
        "n": ["2"],
    }
    assert answer["files"] == {
        "file": [["notes.txt", "text/plain", "line one\nline two\n"]],
        "extra": [
            ["data.bin", "application/x-custom", "\x00\x01\x02"],
            ["more.json", "application/json", '{"a": 1}'],
        ],
    }
    [request] = route.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert answer["length"] == str(len(request.body))
    assert not answer["chunked"]
    independent = parsed_by_python_multipart(request)
    assert independent["file"] == [("notes.txt", b"line one\nline two\n")]
    assert independent["meta[tags][]"] == [(None, b"x"), (None, b"y")]


async def test_files_and_body_fields_go_out_as_multipart_each_part_as_sent_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    route = server.route("POST", "/files", handler=echo_form)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"line one\nline two\n")
    answer = await async_client.post(
        "/files",
        cast_to=dict[str, Any],
        body={"purpose": "fine-tune", "meta": {"team": "a"}},
        files={"file": path, "blob": ("b.bin", b"\xff" * 10)},
    )
    assert answer["fields"] == {"purpose": ["fine-tune"], "meta[team]": ["a"]}
    assert answer["files"]["file"] == [["notes.txt", "text/plain", "line one\nline two\n"]]
    assert answer["files"]["blob"] == [["b.bin", "application/octet-stream", "\xff" * 10]]
    independent = parsed_by_python_multipart(route.requests[0])
    assert independent["blob"] == [("b.bin", b"\xff" * 10)]


def test_a_stream_of_unknown_size_goes_out_chunked(server: LoopbackServer, client: Acme) -> None:
    server.route("POST", "/files", handler=echo_form)
    read, write = os.pipe()
    with os.fdopen(write, "wb") as out:
        out.write(b"piped bytes")
    with open(read, "rb") as pipe:
        answer = client.post("/files", cast_to=dict[str, Any], files={"file": ("p.txt", pipe)})
    assert answer["chunked"] is True
    assert answer["length"] is None
    assert answer["files"]["file"] == [["p.txt", "text/plain", "piped bytes"]]


def test_a_retry_after_a_503_resends_a_byte_identical_body(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    route = server.route("POST", "/files", json={"ok": True}, fault=FailTimes(2, status=503))
    path = tmp_path / "data.bin"
    path.write_bytes(os.urandom(300_000))
    client.post("/files", cast_to=dict[str, Any], body={"purpose": "x"}, files={"file": path})
    digests = {request.body_sha256 for request in route.requests}
    assert route.calls == 3
    assert len(digests) == 1
    assert route.requests[2].headers["x-retry-count"] == "2"
    assert hashlib.sha256(path.read_bytes()).hexdigest() in {
        hashlib.sha256(p[1]).hexdigest()
        for p in parsed_by_python_multipart(route.requests[0])["file"]
    }


async def test_a_retry_after_a_503_resends_a_byte_identical_body_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    route = server.route("POST", "/files", json={"ok": True}, fault=FailTimes(2, status=503))
    path = tmp_path / "data.bin"
    path.write_bytes(os.urandom(300_000))
    await async_client.post("/files", cast_to=dict[str, Any], files={"file": path})
    assert route.calls == 3
    assert len({request.body_sha256 for request in route.requests}) == 1


def test_a_seekable_stream_is_resent_from_where_it_stood_when_the_call_began(
    server: LoopbackServer, client: Acme
) -> None:
    route = server.route("POST", "/files", handler=echo_form, fault=FailTimes(1, status=503))
    stream = io.BytesIO(b"HEADERpayload")
    stream.seek(6)
    answer = client.post("/files", cast_to=dict[str, Any], files={"file": ("f.txt", stream)})
    assert answer["files"]["file"][0][2] == "payload"
    assert route.calls == 2
    assert route.requests[0].body_sha256 == route.requests[1].body_sha256


def test_a_stream_that_reads_once_is_not_retried_and_the_error_says_why(
    server: LoopbackServer, client: Acme
) -> None:
    route = server.route("POST", "/files", json={}, fault=FailTimes(1, status=503))
    read, write = os.pipe()
    with os.fdopen(write, "wb") as out:
        out.write(b"once")
    with open(read, "rb") as pipe, pytest.raises(InternalServerError) as info:
        client.post("/files", cast_to=dict[str, Any], files={"file": ("p.txt", pipe)})
    assert route.calls == 1
    assert "Not retried" in str(info.value)
    assert "seekable" in str(info.value)


def test_a_dropped_upload_of_a_stream_that_reads_once_is_not_retried(
    server: LoopbackServer, client: Acme
) -> None:
    route = server.route("POST", "/files", json={}, fault=FailTimes(1, drop=True))
    read, write = os.pipe()
    with os.fdopen(write, "wb") as out:
        out.write(b"once")
    with open(read, "rb") as pipe, pytest.raises(APIConnectionError) as info:
        client.post("/files", cast_to=dict[str, Any], files={"file": ("p.txt", pipe)})
    assert route.calls == 1
    assert "Not retried" in str(info.value)


def test_upload_progress_is_reported_per_chunk_and_at_the_end(
    server: LoopbackServer, client: Acme, tmp_path: Path
) -> None:
    server.route("POST", "/files", json={})
    path = tmp_path / "big.bin"
    path.write_bytes(b"z" * 300_000)
    seen: list[tuple[int, int | None]] = []
    options = make_request_options(upload_progress=lambda sent, total: seen.append((sent, total)))
    client.post("/files", cast_to=dict[str, Any], files={"file": path}, options=options)
    total = seen[-1][1]
    assert total is not None
    assert total > 300_000
    assert seen[-1][0] == total
    assert len(seen) >= 300_000 // 65_536
    assert [sent for sent, _ in seen] == sorted(sent for sent, _ in seen)


async def test_upload_progress_is_reported_per_chunk_and_at_the_end_async(
    server: LoopbackServer, async_client: AsyncAcme, tmp_path: Path
) -> None:
    server.route("POST", "/files", json={})
    path = tmp_path / "big.bin"
    path.write_bytes(b"z" * 300_000)
    seen: list[tuple[int, int | None]] = []
    options = make_request_options(upload_progress=lambda sent, total: seen.append((sent, total)))
    await async_client.post("/files", cast_to=dict[str, Any], files={"file": path}, options=options)
    assert seen[-1][0] == seen[-1][1]
    assert len(seen) >= 300_000 // 65_536


def test_a_body_that_is_not_a_mapping_cannot_go_with_files(client: Acme) -> None:
    with pytest.raises(TypeError, match="must be a mapping"):
        client.post("/files", cast_to=object, body=[1, 2], files={"f": b"x"})


UPLOAD_1_GIB = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sdkcore import SyncAPIClient

    def rss_kib(field):
        for line in open("/proc/self/status"):
            if line.startswith(field):
                return int(line.split()[1])

    url, path = sys.argv[1], Path(sys.argv[2])
    with SyncAPIClient(url, max_retries=0, timeout=120) as client:
        client.post("/warm", cast_to=dict, files={"file": ("w", b"warm")})
        open("/proc/self/clear_refs", "w").write("5")
        before = rss_kib("VmRSS:")
        client.post("/upload", cast_to=dict, files={"file": path})
        print(rss_kib("VmHWM:") - before)
    """
)


@pytest.mark.slow
def test_a_1_gib_sparse_file_uploads_with_peak_memory_growth_under_16_mib(
    tmp_path: Path,
) -> None:
    from sdkcore.testing import LoopbackServer

    path = tmp_path / "sparse.bin"
    with path.open("wb") as out:
        out.truncate(1 << 30)
    with LoopbackServer(max_body_kept=1024) as server:
        server.route("POST", "/warm", json={})
        route = server.route("POST", "/upload", json={})
        done = subprocess.run(
            [sys.executable, "-c", UPLOAD_1_GIB, server.url, str(path)],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        [request] = route.requests
    grown_kib = int(done.stdout.split()[-1])
    assert request.body_size > 1 << 30
    assert grown_kib < 16 * 1024


def test_the_client_writes_query_parameters_in_its_query_format(server: LoopbackServer) -> None:
    from sdkcore import Querystring, SyncAPIClient

    class Commas(SyncAPIClient):
        _query_format = Querystring(array_format="comma", nested_format="dots")

    route = server.route("GET", "/q", json={})
    params = {"ids": [1, 2], "filter": {"state": "open", "draft": False}, "gone": None}
    with SyncAPIClient(server.url) as default, Commas(server.url) as commas:
        default.get("/q", cast_to=object, options={"params": params})
        commas.get("/q", cast_to=object, options={"params": params})
    first, second = route.requests
    assert first.query_items == [
        ("ids", "1"),
        ("ids", "2"),
        ("filter[state]", "open"),
        ("filter[draft]", "false"),
    ]
    assert second.query_items == [
        ("ids", "1,2"),
        ("filter.state", "open"),
        ("filter.draft", "false"),
    ]
