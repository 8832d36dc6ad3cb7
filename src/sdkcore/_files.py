"""Atomic file writes: a download never leaves a partial file at its target path.

Data goes to a temporary file beside the target (same directory, so the final
``os.replace`` is an atomic rename on one filesystem), is flushed and fsynced,
then renamed into place. On any failure the temporary file is removed and the
target keeps its old content, or stays absent.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path
from typing import IO, TYPE_CHECKING

import anyio
import anyio.to_thread

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["AsyncAtomicFile", "AtomicFile", "FileTarget"]

#: Bytes written between two write-behind hints to the kernel.
_WRITE_BEHIND_BYTES = 32 * 1_048_576

#: Where a download goes: a path, as ``str`` or ``os.PathLike``.
FileTarget = str | os.PathLike[str]


class _TempFile:
    """The sync steps both writers share."""

    def __init__(self, target: FileTarget) -> None:
        self.target = Path(target)
        if self.target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Cannot download into a directory", str(target))
        # Created as ``open(target, "wb")`` would be: mode 0o666 less the umask (mkstemp
        # would make it 0o600, and the rename would carry that to the target).
        try:
            fd, self.path = _create_beside(self.target)
        except OSError as exc:
            raise type(exc)(exc.errno, exc.strerror, str(self.target)) from exc
        self.file: IO[bytes] = os.fdopen(fd, "wb")
        self._unsynced = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self._unsynced += len(data)
        if self._unsynced >= _WRITE_BEHIND_BYTES:
            self._start_writeback()

    def _start_writeback(self) -> None:
        # Hand the written pages to the disk as the download goes, so the fsync at
        # the end has little left to wait for (Linux starts writeback on this hint).
        self._unsynced = 0
        if hasattr(os, "posix_fadvise"):
            self.file.flush()
            os.posix_fadvise(self.file.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)

    def commit(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            _keep_mode_of(self.target, self.file.fileno())
            self.file.close()
            os.replace(self.path, self.target)
        except OSError as exc:
            self.abort()
            # Name the file the caller asked for, not the hidden temporary one.
            raise type(exc)(exc.errno, exc.strerror, str(self.target)) from exc
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)

    def truncate(self) -> None:
        self.file.seek(0)
        self.file.truncate()
        self._unsynced = 0


def _create_beside(target: Path) -> tuple[int, Path]:
    """A new hidden file beside ``target``, opened for writing, as ``open(..., "wb")`` makes it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        path = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No free temporary name beside the target", str(target))


def _keep_mode_of(target: Path, fd: int) -> None:
    """A replaced file keeps its permission bits."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return
    os.fchmod(fd, mode)


class AtomicFile:
    """Write bytes to ``target`` all or nothing.

    >>> with AtomicFile("out.bin") as out:
    ...     out.write(b"data")
    """

    def __init__(self, target: FileTarget) -> None:
        self._target = target
        self._temp: _TempFile | None = None

    def __enter__(self) -> AtomicFile:
        self._temp = _TempFile(self._target)
        return self

    def write(self, data: bytes) -> None:
        """Append ``data`` to the temporary file."""
        assert self._temp is not None, "use AtomicFile as a context manager"
        self._temp.write(data)

    def truncate(self) -> None:
        """Drop what was written so far (a download restarting from zero)."""
        assert self._temp is not None, "use AtomicFile as a context manager"
        self._temp.truncate()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._temp is not None
        if exc_type is None:
            self._temp.commit()
        else:
            self._temp.abort()


class AsyncAtomicFile:
    """The async twin of ``AtomicFile``: file I/O runs in anyio's worker threads.

    >>> async with AsyncAtomicFile("out.bin") as out:
    ...     await out.write(b"data")
    """

    def __init__(self, target: FileTarget) -> None:
        self._target = target
        self._temp: _TempFile | None = None

    async def __aenter__(self) -> AsyncAtomicFile:
        self._temp = await anyio.to_thread.run_sync(_TempFile, self._target)
        return self

    async def write(self, data: bytes) -> None:
        """Append ``data`` to the temporary file."""
        assert self._temp is not None, "use AsyncAtomicFile as an async context manager"
        await anyio.to_thread.run_sync(self._temp.write, data)

    async def truncate(self) -> None:
        """Drop what was written so far (a download restarting from zero)."""
        assert self._temp is not None, "use AsyncAtomicFile as an async context manager"
        await anyio.to_thread.run_sync(self._temp.truncate)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._temp is not None
        # Shielded: a cancelled download must still remove its temporary file.
        with anyio.CancelScope(shield=True):
            if exc_type is None:
                await anyio.to_thread.run_sync(self._temp.commit)
            else:
                await anyio.to_thread.run_sync(self._temp.abort)
