"""multipart/form-data bodies, checked by independent parsers and sent over a real socket."""

from __future__ import annotations

import email.parser
import email.policy
import io
import os
import tracemalloc
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx2
import pytest
from python_multipart.multipart import MultipartParser, parse_options_header

from sdkcore._multipart import (
    BodyNotReplayableError,
    MultipartForm,
    UploadFileChangedError,
    encode_multipart,
)
from sdkcore._types import NOT_GIVEN, Omit

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from sdkcore._multipart import FileTypes
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

MiB = 1 << 20
BLOB = bytes(range(256)) * 40  # 10 KiB, every byte value


@dataclass
class Part:
    """One part as python-multipart saw it."""

    headers: dict[str, str]
    data: bytes

    @property
    def disposition(self) -> dict[bytes, bytes]:
        kind, params = parse_options_header(self.headers["content-disposition"])
        assert kind == b"form-data"
        return params

    @property
    def name(self) -> str:
        return self.disposition[b"name"].decode()

    @property
    def filename(self) -> str | None:
        raw = self.disposition.get(b"filename")
        return None if raw is None else raw.decode()


def parse(body: bytes, content_type: str) -> list[Part]:
    """The parts of ``body``, by python-multipart's own state machine."""
    _, params = parse_options_header(content_type)
    parts: list[Part] = []
    field: list[bytes] = []

    def on_part_begin() -> None:
        parts.append(Part({}, b""))

    def on_header_field(data: bytes, start: int, end: int) -> None:
        field.append(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        # Latin-1 keeps the raw bytes, as parse_options_header expects them.
        name = b"".join(field).decode("latin-1").lower()
        value = data[start:end].decode("latin-1")
        parts[-1].headers[name] = parts[-1].headers.get(name, "") + value

    def on_header_end() -> None:
        field.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        parts[-1].data += data[start:end]

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
        "on_part_data": on_part_data,
    }
    parser = MultipartParser(params[b"boundary"], callbacks)  # type: ignore[arg-type]  # a TypedDict of callbacks
    parser.write(body)
    parser.finalize()
    return parts


def body_of(form: MultipartForm) -> bytes:
    return b"".join(form.iter_chunks())


async def abody_of(form: MultipartForm) -> bytes:
    async with aclosing(form.aiter_chunks()) as chunks:
        return b"".join([chunk async for chunk in chunks])


def parts_of(form: MultipartForm) -> list[Part]:
    return parse(body_of(form), form.content_type)


@pytest.fixture
def pipe() -> Iterator[io.BufferedReader]:
    """A non-seekable stream holding BLOB."""
    read_fd, write_fd = os.pipe()
    with open(write_fd, "wb") as writer:
        writer.write(BLOB)
    with open(read_fd, "rb") as reader:
        yield reader


def test_fields_are_flattened_with_brackets_and_written_as_text() -> None:
    fields = {
        "purpose": "fine-tune",
        "meta": {"tags": ["a", "b"], "owner": {"id": 7}},
        "flags": [True, False],
        "ratio": 0.5,
        "skip": None,
        "unset": NOT_GIVEN,
        "omitted": Omit(),
        "list": [None, 1],
    }
    parts = parts_of(encode_multipart(fields, {}))
    assert [(p.name, p.data) for p in parts] == [
        ("purpose", b"fine-tune"),
        ("meta[tags][]", b"a"),
        ("meta[tags][]", b"b"),
        ("meta[owner][id]", b"7"),
        ("flags[]", b"true"),
        ("flags[]", b"false"),
        ("ratio", b"0.5"),
        ("list[]", b"1"),
    ]
    assert all(p.filename is None and "content-type" not in p.headers for p in parts)


def test_each_kind_of_file_gets_its_name_type_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(BLOB)
    named = tmp_path / "notes.txt"
    named.write_bytes(b"notes")
    with named.open("rb") as opened:
        files: dict[str, FileTypes] = {
            "path": path,
            "bytes": b"raw",
            "stream": io.BytesIO(b"in memory"),
            "opened": opened,
            "pair": ("data.json", b"{}"),
            "triple": ("image.bin", b"\x89PNG", "image/png"),
            "full": ("a.csv", b"x,y", None, {"X-Checksum": "abc", "Content-Type": "text/x-csv"}),
            "no_name": (None, b"plain value"),
        }
        parts = parts_of(encode_multipart(None, files))
    seen = {(p.name, p.filename, p.headers.get("content-type"), p.data) for p in parts}
    assert seen == {
        ("path", "report.pdf", "application/pdf", BLOB),
        ("bytes", "upload", "application/octet-stream", b"raw"),
        ("stream", "upload", "application/octet-stream", b"in memory"),
        ("opened", "notes.txt", "text/plain", b"notes"),
        ("pair", "data.json", "application/json", b"{}"),
        ("triple", "image.bin", "image/png", b"\x89PNG"),
        ("full", "a.csv", "text/x-csv", b"x,y"),
        ("no_name", None, None, b"plain value"),
    }
    full = next(p for p in parts if p.name == "full")
    assert full.headers["x-checksum"] == "abc"


def test_fields_come_first_then_files_in_order_with_repeated_names() -> None:
    files = [("docs", ("1.txt", b"one")), ("docs", ("2.txt", b"two"))]
    parts = parts_of(encode_multipart({"title": "t"}, files))
    assert [(p.name, p.filename, p.data) for p in parts] == [
        ("title", None, b"t"),
        ("docs", "1.txt", b"one"),
        ("docs", "2.txt", b"two"),
    ]


def test_quotes_and_line_breaks_in_names_are_percent_encoded_and_unicode_kept() -> None:
    form = encode_multipart({'we"ird\r\nname': "v"}, {"f": ('na"me\r\n.txt', b"x")})
    body = body_of(form)
    assert b'name="we%22ird%0D%0Aname"' in body
    assert b'filename="na%22me%0D%0A.txt"' in body
    parts = parse(body, form.content_type)
    assert [p.name for p in parts] == ["we%22ird%0D%0Aname", "f"]
    unicode = parts_of(encode_multipart(None, {"f": ("résumé 履歴.pdf", b"x")}))
    assert unicode[0].filename == "résumé 履歴.pdf"
    assert unicode[0].headers["content-type"] == "application/pdf"


def test_the_stdlib_mime_parser_reads_the_same_parts(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(b"a,b\r\n1,2\r\n")
    form = encode_multipart({"n": 1}, {"table": path, "raw": ("r.bin", BLOB)})
    head = f"Content-Type: {form.content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body_of(form))
    assert not message.defects
    parts = [
        (
            p.get_param("name", header="content-disposition"),
            p.get_filename(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    ]
    assert parts == [
        ("n", None, b"1"),
        ("table", "table.csv", b"a,b\r\n1,2\r\n"),
        ("raw", "r.bin", BLOB),
    ]


def test_content_length_is_the_exact_size_of_the_body(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(BLOB * 3)
    stream = io.BytesIO(BLOB)
    form = encode_multipart({"a": [1, 2]}, {"f": path, "s": stream, "b": b"xyz"}, chunk_size=1000)
    body = body_of(form)
    assert form.content_length == len(body)
    assert form.headers == {"Content-Type": form.content_type, "Content-Length": str(len(body))}
    assert form.replayable
    assert form.not_replayable_reason is None


def test_bytes_content_is_sent_without_copies_of_it() -> None:
    content = os.urandom(16 * MiB)
    tracemalloc.start()
    try:
        form = encode_multipart({"a": "b"}, {"f": content})
        total = sum(len(chunk) for chunk in form.iter_chunks())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == form.content_length
    assert peak < 2 * MiB


def test_each_form_gets_its_own_boundary_in_its_content_type() -> None:
    first, second = encode_multipart({"a": 1}, {}), encode_multipart({"a": 1}, {})
    assert first.boundary != second.boundary
    assert first.content_type == f"multipart/form-data; boundary={first.boundary}"
    assert body_of(first).endswith(f"--{first.boundary}--\r\n".encode())


def test_a_path_is_reopened_for_each_iteration(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"first")
    form = encode_multipart(None, {"f": path})
    assert parts_of(form)[0].data == b"first"
    path.write_bytes(b"again")
    assert parts_of(form)[0].data == b"again"


async def test_a_path_is_reopened_for_each_iteration_async(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"first")
    form = encode_multipart(None, {"f": path})
    assert parse(await abody_of(form), form.content_type)[0].data == b"first"
    path.write_bytes(b"again")
    assert parse(await abody_of(form), form.content_type)[0].data == b"again"


def test_a_file_that_shrank_raises_instead_of_sending_a_short_body(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")
    form = encode_multipart(None, {"f": path})
    path.write_bytes(b"0123")
    with pytest.raises(UploadFileChangedError, match="6 bytes early"):
        body_of(form)


async def test_a_file_that_shrank_raises_instead_of_sending_a_short_body_async(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"0123456789")
    form = encode_multipart(None, {"f": path})
    path.write_bytes(b"0123")
    with pytest.raises(UploadFileChangedError, match="6 bytes early"):
        await abody_of(form)


def test_a_seekable_stream_is_sent_from_its_position_every_time() -> None:
    stream = io.BytesIO(BLOB)
    stream.seek(10)
    form = encode_multipart(None, {"f": stream})
    assert stream.tell() == 10
    for _ in range(2):
        assert parts_of(form)[0].data == BLOB[10:]
    assert form.content_length == len(body_of(form))


async def test_a_seekable_stream_is_sent_from_its_position_every_time_async() -> None:
    stream = io.BytesIO(BLOB)
    stream.seek(10)
    form = encode_multipart(None, {"f": stream})
    for _ in range(2):
        body = await abody_of(form)
        assert parse(body, form.content_type)[0].data == BLOB[10:]
        assert form.content_length == len(body)


def test_a_pipe_is_sent_once_and_says_why_it_cannot_be_sent_again(
    pipe: io.BufferedReader,
) -> None:
    form = encode_multipart({"a": "1"}, {"upload": pipe})
    assert form.replayable is False
    assert form.content_length is None
    assert "Content-Length" not in form.headers
    reason = form.not_replayable_reason
    assert reason is not None
    assert "'upload'" in reason
    assert "cannot be rewound" in reason
    assert "path, bytes or a seekable file" in reason
    assert parts_of(form)[1].data == BLOB
    with pytest.raises(BodyNotReplayableError, match="sent once") as raised:
        form.iter_chunks()
    assert reason in str(raised.value)


async def test_a_pipe_is_sent_once_and_says_why_it_cannot_be_sent_again_async(
    pipe: io.BufferedReader,
) -> None:
    form = encode_multipart({"a": "1"}, {"upload": pipe})
    assert form.replayable is False
    assert parse(await abody_of(form), form.content_type)[1].data == BLOB
    with pytest.raises(BodyNotReplayableError, match="cannot be rewound"):
        form.aiter_chunks()


def test_a_second_iterator_made_before_the_first_ran_still_refuses(
    pipe: io.BufferedReader,
) -> None:
    form = encode_multipart(None, {"upload": pipe})
    first, second = form.iter_chunks(), form.iter_chunks()
    assert b"".join(first)
    with pytest.raises(BodyNotReplayableError):
        next(second)


def recorder() -> tuple[list[tuple[int, int | None]], Callable[[int, int | None], None]]:
    calls: list[tuple[int, int | None]] = []
    return calls, lambda sent, total: calls.append((sent, total))


def test_progress_is_reported_per_chunk_and_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(BLOB)
    form = encode_multipart({"a": "b"}, {"f": path}, chunk_size=1024)
    calls, progress = recorder()
    chunks = list(form.iter_chunks(progress))
    assert len(calls) == len(chunks) + 1
    sizes = [len(c) for c in chunks]
    assert [sent for sent, _ in calls[:-1]] == [sum(sizes[: i + 1]) for i in range(len(sizes))]
    assert calls[-1] == (form.content_length, form.content_length)
    assert max(sizes) <= 1024
    calls.clear()
    list(form.iter_chunks(progress))
    assert calls[0][0] <= 1024  # a second sending counts from zero again


async def test_progress_is_reported_per_chunk_and_at_the_end_async(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(BLOB)
    form = encode_multipart({"a": "b"}, {"f": path}, chunk_size=1024)
    calls, progress = recorder()
    async with aclosing(form.aiter_chunks(progress)) as iterator:
        chunks = [chunk async for chunk in iterator]
    assert len(calls) == len(chunks) + 1
    assert calls[-1] == (form.content_length, form.content_length)


def test_progress_of_a_body_of_unknown_size_has_no_total(pipe: io.BufferedReader) -> None:
    calls, progress = recorder()
    form = encode_multipart(None, {"f": pipe})
    body = b"".join(form.iter_chunks(progress))
    assert calls[-1] == (len(body), None)


def big_file(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        for _ in range(size // MiB):
            out.write(os.urandom(MiB))
    return path


@pytest.mark.slow
def test_a_64_mib_path_streams_with_flat_memory(tmp_path: Path) -> None:
    path = big_file(tmp_path, 64 * MiB)
    form = encode_multipart({"purpose": "x"}, {"f": path})
    total = 0
    tracemalloc.start()
    try:
        for chunk in form.iter_chunks():
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == form.content_length
    assert total > 64 * MiB
    assert peak < 2 * MiB


@pytest.mark.slow
async def test_a_64_mib_path_streams_with_flat_memory_async(tmp_path: Path) -> None:
    path = big_file(tmp_path, 64 * MiB)
    form = encode_multipart(None, {"f": path})
    total = 0
    tracemalloc.start()
    try:
        async with aclosing(form.aiter_chunks()) as chunks:
            async for chunk in chunks:
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == form.content_length
    assert peak < 2 * MiB


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_a_path_is_closed_when_the_iteration_is_abandoned(tmp_path: Path) -> None:
    path = big_file(tmp_path, MiB)
    form = encode_multipart(None, {"f": path})
    before = open_fds()
    chunks = form.iter_chunks()
    next(chunks)
    next(chunks)
    assert open_fds() == before + 1
    chunks.close()
    assert open_fds() == before


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
async def test_a_path_is_closed_when_the_iteration_is_abandoned_async(tmp_path: Path) -> None:
    path = big_file(tmp_path, MiB)
    form = encode_multipart(None, {"f": path})
    before = open_fds()
    async with aclosing(form.aiter_chunks()) as chunks:
        await anext(chunks)
        await anext(chunks)
        assert open_fds() == before + 1
    assert open_fds() == before


def test_a_form_sent_through_httpx2_reaches_the_server_whole(
    server: LoopbackServer, tmp_path: Path
) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(BLOB * 20)
    form = encode_multipart({"album": {"id": 3}}, {"photo": path, "note": ("n.txt", b"hi")})
    server.route("POST", "/upload", json={"ok": True})
    with httpx2.Client() as client:
        response = client.post(
            server.url_for("/upload"), content=form.iter_chunks(), headers=form.headers
        )
    assert response.json() == {"ok": True}
    received = server.requests[-1]
    assert received.headers["content-length"] == str(form.content_length)
    assert "chunked" not in received.headers.get("transfer-encoding", "")
    parts = parse(received.body, received.headers["content-type"])
    assert [(p.name, p.filename, p.data) for p in parts] == [
        ("album[id]", None, b"3"),
        ("photo", "photo.jpg", BLOB * 20),
        ("note", "n.txt", b"hi"),
    ]


async def test_a_form_sent_through_httpx2_reaches_the_server_whole_async(
    server: LoopbackServer, pipe: io.BufferedReader
) -> None:
    form = encode_multipart({"a": "1"}, {"stream": pipe})  # unknown length: sent chunked
    server.route("POST", "/upload", json={"ok": True})
    async with httpx2.AsyncClient() as client:
        response = await client.post(
            server.url_for("/upload"), content=form.aiter_chunks(), headers=form.headers
        )
    assert response.json() == {"ok": True}
    received = server.requests[-1]
    assert received.headers["transfer-encoding"] == "chunked"
    parts = parse(received.body, received.headers["content-type"])
    assert [(p.name, p.filename, p.data) for p in parts] == [
        ("a", None, b"1"),
        ("stream", "upload", BLOB),
    ]


BAD_FILES: list[tuple[object, type[Exception], str]] = [
    ({"f": "a path as str"}, TypeError, r"'f'.*binary mode.*got str"),
    ({"f": io.StringIO("text")}, TypeError, r"'f'.*binary mode"),
    ({"f": 42}, TypeError, r"got int"),
    ({"f": ("a", b"x", None, {"Bad\r\nName": "v"})}, ValueError, r"part header"),
    ({"f": ("a", b"x", None, {"X-A": "v\r\nInjected: 1"})}, ValueError, r"line break"),
    ({"f": ("a", b"x", None, {"Content-Disposition": "x"})}, ValueError, r"is written"),
    ({"f": ("a", b"x", None, {}, "extra")}, TypeError, r"got tuple"),
    (["just-a-name"], TypeError, r"\(field name, file\) pairs"),
]


@pytest.mark.parametrize(("files", "error", "match"), BAD_FILES)
def test_bad_files_raise_a_clear_error(files: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        encode_multipart(None, files)  # type: ignore[arg-type]  # the point of the test


def test_a_missing_path_raises_file_not_found_when_the_form_is_built(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        encode_multipart(None, {"f": tmp_path / "missing.bin"})


@pytest.mark.parametrize("boundary", ["", "a" * 71, "has space", 'quo"te', "semi;colon"])
def test_a_bad_boundary_raises_value_error(boundary: str) -> None:
    with pytest.raises(ValueError, match="boundary"):
        encode_multipart({"a": 1}, {}, boundary=boundary)


def test_a_chunk_size_that_is_not_positive_raises_value_error() -> None:
    with pytest.raises(ValueError, match="chunk_size"):
        encode_multipart({"a": 1}, {}, chunk_size=0)


def test_a_stream_that_reads_text_while_sending_raises_type_error() -> None:
    class Sneaky:
        """Not an io.TextIOBase, yet it reads text."""

        def seekable(self) -> bool:
            return False

        def read(self, size: int = -1) -> str:
            return "text"

    form = encode_multipart(None, {"f": Sneaky()})  # type: ignore[dict-item]  # the point of the test
    with pytest.raises(TypeError, match="binary mode"):
        body_of(form)
