"""``multipart/form-data`` bodies: form fields and file parts as a sequence of byte chunks.

``encode_multipart`` decides everything once, without reading any file: the parts'
headers, the body's layout and length, and whether it can be sent twice. The body
is then a list of segments, each either bytes (boundaries, headers, fields, bytes
content) or a file to read. ``MultipartForm.iter_chunks`` / ``aiter_chunks`` are the
two thin I/O shells: they read each file in ``chunk_size`` pieces (``open`` or
``anyio.open_file``), from the start every time, holding one chunk at a time.
"""

from __future__ import annotations

import io
import mimetypes
import os
import re
import secrets
import stat
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import IO, TYPE_CHECKING, Final, TypeAlias

import anyio
import anyio.to_thread
from typing_extensions import TypeIs

from ._exceptions import SdkError
from ._qs import Querystring

if TYPE_CHECKING:
    from ._types import ProgressCallback

__all__ = [
    "BodyNotReplayableError",
    "FileContent",
    "FileTypes",
    "MultipartForm",
    "RequestFiles",
    "UploadFileChangedError",
    "encode_multipart",
]

#: A file's content: bytes, a binary stream (``open(path, "rb")``) or a path.
FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]
#: A file part: its content, or ``(filename, content[, content_type[, headers]])``.
FileTypes: TypeAlias = (
    FileContent
    | tuple[str | None, FileContent]
    | tuple[str | None, FileContent, str | None]
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
#: ``files=``: field name to file, or ``(field, file)`` pairs (a field may repeat).
RequestFiles: TypeAlias = Mapping[str, FileTypes] | Sequence[tuple[str, FileTypes]]

DEFAULT_FILENAME: Final = "upload"
_FIELDS: Final = Querystring(array_format="brackets", nested_format="brackets")
#: As browsers do (WHATWG HTML, multipart/form-data encoding): quotes and line breaks.
_PARAM_ESCAPES: Final = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_HEADER_VALUE: Final = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'+_\-.]{1,70}")


class BodyNotReplayableError(SdkError):
    """A request body that can be sent only once was asked for a second time.

    It holds a stream that cannot be rewound (a pipe, a socket, stdin), so a retry
    cannot send it again. Pass a path, bytes or a seekable file to allow retries.
    """


class UploadFileChangedError(SdkError):
    """A file being uploaded got shorter than when the request body was built."""


@dataclass(frozen=True, slots=True)
class _PathSource:
    path: str
    size: int | None  # None: not a regular file, read to its end


@dataclass(frozen=True, slots=True)
class _StreamSource:
    stream: IO[bytes]
    start: int | None  # None: not seekable, read once to its end
    size: int | None


_Segment: TypeAlias = bytes | _PathSource | _StreamSource


class MultipartForm:
    """A ``multipart/form-data`` body, ready to send once or, when ``replayable``, again.

    ``content_type`` carries the boundary; ``content_length`` is ``None`` when a part's
    size is unknown (send it chunked). Each ``iter_chunks()`` / ``aiter_chunks()``
    call yields the whole body from the start; ``progress(bytes_sent, total)`` is
    called after each chunk and once at the end.

    >>> form = encode_multipart({"purpose": "batch"}, {"file": Path("data.jsonl")})
    >>> httpx2.post(url, content=form.iter_chunks(), headers=form.headers)
    """

    def __init__(
        self, boundary: str, segments: Sequence[_Segment], *, chunk_size: int, reason: str | None
    ) -> None:
        self._segments = tuple(segments)
        self._chunk_size = chunk_size
        self._sent = False
        sizes = [len(s) if isinstance(s, bytes) else s.size for s in self._segments]
        length = None if None in sizes else sum(s or 0 for s in sizes)
        self.boundary: Final = boundary
        #: ``multipart/form-data; boundary=...``, the request's ``Content-Type``.
        self.content_type: Final = f"multipart/form-data; boundary={boundary}"
        #: The body's size, or ``None`` when a part's is unknown (then send it chunked).
        self.content_length: Final = length
        #: Why the body can be sent only once, in words for the user; ``None`` if it can.
        self.not_replayable_reason: Final = reason
        #: Whether the body can be sent more than once (for retries).
        self.replayable: Final = reason is None

    @property
    def headers(self) -> dict[str, str]:
        """``Content-Type``, and ``Content-Length`` when the size is known (a new dict)."""
        length = self.content_length
        return {"Content-Type": self.content_type} | (
            {} if length is None else {"Content-Length": str(length)}
        )

    def iter_chunks(self, progress: ProgressCallback | None = None) -> Generator[bytes]:
        """The whole body, chunk by chunk; files are opened here and closed when it ends.

        Raises ``BodyNotReplayableError`` when a body that can be sent once was sent.

        >>> for chunk in form.iter_chunks(lambda sent, total: print(sent, total)): ...
        """
        self._check_unsent()
        return self._iter_chunks(_Meter(progress, self.content_length))

    def aiter_chunks(self, progress: ProgressCallback | None = None) -> AsyncGenerator[bytes]:
        """``iter_chunks`` for async code: files are read through anyio (worker threads).

        >>> async with aclosing(form.aiter_chunks()) as chunks:
        ...     async for chunk in chunks: ...
        """
        self._check_unsent()
        return self._aiter_chunks(_Meter(progress, self.content_length))

    def __repr__(self) -> str:
        size = "unknown size" if self.content_length is None else f"{self.content_length} bytes"
        return f"<MultipartForm {size}, replayable={self.replayable}>"

    # -- the two shells: the same loop, one with ``await`` ------------------------------

    def _iter_chunks(self, meter: _Meter) -> Generator[bytes]:
        self._check_unsent(starting=True)
        for segment in self._segments:
            with _opened(segment) as read:
                todo = _Remaining(segment)
                while size := todo.next_size(self._chunk_size):
                    if not (chunk := todo.took(read(size))):
                        break
                    yield meter.sending(chunk)
        meter.done()

    async def _aiter_chunks(self, meter: _Meter) -> AsyncGenerator[bytes]:
        self._check_unsent(starting=True)
        for segment in self._segments:
            async with _aopened(segment) as read:
                todo = _Remaining(segment)
                while size := todo.next_size(self._chunk_size):
                    if not (chunk := todo.took(await read(size))):
                        break
                    yield meter.sending(chunk)
        meter.done()

    def _check_unsent(self, *, starting: bool = False) -> None:
        # Checked again when the first chunk is asked for: two iterators may exist.
        if self._sent and self.not_replayable_reason is not None:
            raise BodyNotReplayableError(
                "This multipart body was sent once and cannot be sent again: "
                + self.not_replayable_reason
            )
        self._sent = self._sent or starting


class _Meter:
    """Counts the bytes sent and reports them: after each chunk, and once at the end."""

    __slots__ = ("progress", "sent", "total")

    def __init__(self, progress: ProgressCallback | None, total: int | None) -> None:
        self.progress, self.total, self.sent = progress, total, 0

    def sending(self, chunk: bytes) -> bytes:
        # Reported as the chunk is handed over: the next one is asked for once it is sent.
        self.sent += len(chunk)
        if self.progress is not None:
            self.progress(self.sent, self.total)
        return chunk

    def done(self) -> None:
        if self.progress is not None:
            self.progress(self.sent, self.total)


class _Remaining:
    """What is left of one segment: how much to read next, and checks on what came."""

    __slots__ = ("left", "segment")

    def __init__(self, segment: _Segment) -> None:
        self.left = len(segment) if isinstance(segment, bytes) else segment.size
        self.segment = segment

    def next_size(self, chunk_size: int) -> int:
        """A chunk, or what is left of a known size; 0 when done."""
        return chunk_size if self.left is None else min(chunk_size, self.left)

    def took(self, chunk: object) -> bytes:
        """The chunk read (empty at the end), refusing text and a file that ended early."""
        if not isinstance(chunk, bytes):
            raise TypeError(f"a file gave {type(chunk).__name__}: open files in binary mode ('rb')")
        if not chunk and self.left:
            what = getattr(self.segment, "path", None) or getattr(self.segment, "stream", None)
            raise UploadFileChangedError(
                f"{what!r} ended {self.left} bytes early: it got shorter after the request "
                "body was built, so the body would not match its Content-Length"
            )
        if self.left is not None:
            self.left -= len(chunk)
        return chunk


@contextmanager
def _opened(segment: _Segment) -> Generator[Callable[[int], bytes]]:
    """A ``read(size)`` from where the segment's content starts; a path is closed after."""
    if isinstance(segment, bytes):
        yield io.BytesIO(segment).read  # shares the bytes: no copy
    elif isinstance(segment, _PathSource):
        with open(segment.path, "rb") as file:
            yield file.read
    else:
        if segment.start is not None:
            segment.stream.seek(segment.start)
        yield segment.stream.read


@asynccontextmanager
async def _aopened(segment: _Segment) -> AsyncGenerator[Callable[[int], Awaitable[bytes]]]:
    """``_opened`` for async code: files are opened, seeked and read in worker threads."""
    if isinstance(segment, bytes):
        with _opened(segment) as read:
            yield partial(_now, read)
    elif isinstance(segment, _PathSource):
        async with await anyio.open_file(segment.path, "rb") as file:
            yield file.read
    else:
        if segment.start is not None:
            await anyio.to_thread.run_sync(segment.stream.seek, segment.start)
        yield partial(anyio.to_thread.run_sync, segment.stream.read)


async def _now(read: Callable[[int], bytes], size: int) -> bytes:
    return read(size)


# -- building the body (no file is read) -------------------------------------------------


def encode_multipart(
    fields: Mapping[str, object] | None,
    files: RequestFiles,
    *,
    boundary: str | None = None,
    chunk_size: int = 65_536,
) -> MultipartForm:
    """A ``multipart/form-data`` body of ``fields`` (flattened) and then ``files``.

    Fields nest as ``a[b]`` and ``a[]``; booleans are ``true``/``false``; ``None``,
    ``NotGiven`` and ``Omit`` are left out. A file is ``bytes``, an open binary file
    or a path, optionally in a ``(filename, content, content_type, headers)`` tuple;
    its filename defaults to the path's or the stream's name, its content type is
    guessed from the filename. Paths are stat'ed and streams measured here; nothing
    is read until the chunks are asked for.

    Raises ``TypeError`` for content that is not a file, ``ValueError`` for a bad
    boundary or part header, and ``OSError`` for a path that cannot be stat'ed.

    >>> form = encode_multipart({"meta": {"tags": ["a"]}}, [("files", Path("a.txt"))])
    """
    if chunk_size <= 0:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    boundary = _checked_boundary(boundary)
    delimiter = f"--{boundary}\r\n".encode()
    segments: list[_Segment] = []
    reasons: list[str] = []
    for name, value in _FIELDS.stringify_items(fields or {}):
        segments.append(delimiter + _part_head(name, None, None, {}) + value.encode() + b"\r\n")
    for name, file in _file_items(files):
        filename, content, content_type, headers = _file_parts(name, file)
        source, reason = _source_of(name, content)
        reasons += [reason] if reason else []
        segments += [delimiter + _part_head(name, filename, content_type, headers), source, b"\r\n"]
    segments.append(f"--{boundary}--\r\n".encode())
    reason = reasons[0] if reasons else None
    joined = _joined(segments, chunk_size)
    return MultipartForm(boundary, joined, chunk_size=chunk_size, reason=reason)


def _joined(segments: list[_Segment], limit: int) -> list[_Segment]:
    """Neighbouring small bytes joined (fewer, larger writes); large content is not copied."""
    out: list[_Segment] = []
    for segment in segments:
        last = out[-1] if out else None
        if not (isinstance(segment, bytes) and isinstance(last, bytes)):
            out.append(segment)
        elif len(last) + len(segment) <= limit:
            out[-1] = last + segment
        else:
            out.append(segment)
    return out


def _checked_boundary(boundary: str | None) -> str:
    if boundary is None:
        return secrets.token_hex(16)
    if not _BOUNDARY.fullmatch(boundary):
        raise ValueError(
            f"a multipart boundary is 1 to 70 letters, digits or ' + _ - . ; got {boundary!r}"
        )
    return boundary


def _file_items(files: RequestFiles) -> Iterator[tuple[str, FileTypes]]:
    pairs: Iterable[object] = files.items() if isinstance(files, Mapping) else files
    for pair in pairs:
        if not _is_pair(pair):
            raise TypeError(f"files= takes a mapping or (field name, file) pairs, got {pair!r}")
        yield pair


def _is_pair(item: object) -> TypeIs[tuple[str, FileTypes]]:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)  # pyright: ignore[reportUnknownArgumentType]  # checked here


def _file_parts(
    name: str, file: FileTypes
) -> tuple[str | None, FileContent, str | None, Mapping[str, str]]:
    """``(filename, content, content type, headers)`` with the defaults filled in."""
    headers: Mapping[str, str] = {}
    content_type: str | None = None
    match file:
        case (filename, content):
            pass
        case (filename, content, content_type):
            pass
        case (filename, content, content_type, headers):
            pass
        case content:  # not a tuple, or one of another length (refused as content)
            filename = _default_filename(content)
    if content_type is None and filename is not None:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content, content_type, headers


def _default_filename(content: FileContent) -> str:
    name = (
        os.fspath(content) if isinstance(content, os.PathLike) else getattr(content, "name", None)
    )
    if isinstance(name, str | bytes) and name:
        return os.path.basename(os.fsdecode(name))
    return DEFAULT_FILENAME


def _part_head(
    name: str, filename: str | None, content_type: str | None, headers: Mapping[str, str]
) -> bytes:
    disposition = f'form-data; name="{name.translate(_PARAM_ESCAPES)}"'
    if filename is not None:
        disposition += f'; filename="{filename.translate(_PARAM_ESCAPES)}"'
    lines = {"content-disposition": ("Content-Disposition", disposition)}
    if content_type is not None:
        lines["content-type"] = ("Content-Type", content_type)
    for header, value in headers.items():
        if not _TOKEN.fullmatch(header) or header.lower() == "content-disposition":
            raise ValueError(f"{header!r} cannot be a part header (Content-Disposition is written)")
        if _BAD_HEADER_VALUE.search(value):
            raise ValueError(f"part header {header!r} has a control character or line break")
        lines[header.lower()] = (header, value)  # the caller's Content-Type wins
    return "".join(f"{k}: {v}\r\n" for k, v in lines.values()).encode() + b"\r\n"


def _source_of(name: str, content: FileContent) -> tuple[_Segment, str | None]:
    """The segment for one file's content, and why it can be sent only once (if so)."""
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content), None
    if isinstance(content, os.PathLike):
        path = os.fsdecode(content)
        status = os.stat(path)
        return _PathSource(path, status.st_size if stat.S_ISREG(status.st_mode) else None), None
    readable = callable(getattr(content, "read", None))
    if not readable or isinstance(content, io.TextIOBase):
        raise TypeError(
            f"file {name!r}: expected bytes, a file opened in binary mode ('rb') or a path, "
            f"got {type(content).__name__}"
        )
    return _stream_source(name, content)


def _stream_source(name: str, stream: IO[bytes]) -> tuple[_StreamSource, str | None]:
    try:
        start = stream.tell() if stream.seekable() else None
    except (AttributeError, OSError):  # no seekable(), or a tell() that fails (a pipe's)
        start = None
    if start is None:
        reason = (
            f"the file for {name!r} is a stream that cannot be rewound ({type(stream).__name__}, "
            "not seekable), so it can be sent only once and the request is not retried; "
            "pass a path, bytes or a seekable file to allow retries"
        )
        return _StreamSource(stream, None, None), reason
    end = stream.seek(0, os.SEEK_END)
    stream.seek(start)
    return _StreamSource(stream, start, max(end - start, 0)), None
