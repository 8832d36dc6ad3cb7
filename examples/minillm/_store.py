"""What the embedded server remembers between requests, without any HTTP: the stored
files and what happened to each, and the tokens its completions used per day.

Handlers run on the server's connection threads, so each store takes its lock.
`server.py` turns what these return into OpenAI-format answers.
"""

from __future__ import annotations

import datetime
import itertools
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ._backend import StoredFile

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["FilePage", "FileStore", "UnknownFileError", "UsageLedger"]

#: The most days one usage report covers.
MAX_USAGE_DAYS: Final = 31


class UnknownFileError(LookupError):
    """No stored file has this id."""


@dataclass(frozen=True)
class FilePage:
    """One page of the file listing: its files, and whether more come after them."""

    files: list[StoredFile]
    has_more: bool


class FileStore:
    """The stored files, in upload order, and each file's events (oldest first).

    Example::

        store = FileStore([sample_file()])
        stored = store.add("notes.txt", "user_data", b"hello")
        assert store.get(stored.id) is stored
    """

    def __init__(self, files: Iterable[StoredFile]) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, StoredFile] = {}
        self._events: dict[str, list[dict[str, object]]] = {}
        self._event_ids = itertools.count(1)
        for stored in files:
            self._keep(stored, "uploaded before the server started")

    def add(self, filename: str, purpose: str, data: bytes) -> StoredFile:
        """Store an uploaded file under a new id."""
        stored = StoredFile(
            f"file-{uuid.uuid4().hex[:24]}", filename, purpose, int(time.time()), data
        )
        self._keep(stored, f"uploaded, {len(data):,} bytes")
        return stored

    def get(self, file_id: str) -> StoredFile:
        """The file `file_id`; raises `UnknownFileError`."""
        with self._lock:
            stored = self._files.get(file_id)
        if stored is None:
            raise UnknownFileError(file_id)
        return stored

    def page(
        self, *, limit: int, after: str | None, purpose: str | None, newest_first: bool
    ) -> FilePage:
        """Up to `limit` files after the file `after` (raises `UnknownFileError`)."""
        with self._lock:
            files = list(self._files.values())
        files.sort(key=lambda stored: stored.created_at, reverse=newest_first)
        if purpose is not None:
            files = [stored for stored in files if stored.purpose == purpose]
        start = 0
        if after is not None:
            ids = [stored.id for stored in files]
            if after not in ids:
                raise UnknownFileError(after)
            start = ids.index(after) + 1
        return FilePage(files[start : start + limit], start + limit < len(files))

    def record(self, file_id: str, kind: str, message: str) -> None:
        """Add an event to the file's history."""
        event: dict[str, object] = {
            "id": f"evt_{next(self._event_ids):06d}",
            "object": "file.event",
            "type": kind,
            "created_at": int(time.time()),
            "file_id": file_id,
            "message": message,
        }
        with self._lock:
            self._events.setdefault(file_id, []).append(event)

    def events(self, file_id: str) -> list[dict[str, object]]:
        """The file's events, oldest first (raises `UnknownFileError`)."""
        self.get(file_id)
        with self._lock:
            return list(self._events.get(file_id, []))

    def _keep(self, stored: StoredFile, message: str) -> None:
        with self._lock:
            self._files[stored.id] = stored
        self.record(stored.id, "file.created", f"{stored.filename} {message}")


class UsageLedger:
    """Requests and tokens of the completions served, per day (UTC) and model.

    Example::

        ledger.add("minillm-1", input_tokens=4, output_tokens=42)
        ledger.report(today, today, by_model=True)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._days: dict[tuple[datetime.date, str], _Counts] = {}

    def add(self, model: str, *, input_tokens: int, output_tokens: int) -> None:
        """Count one completion of `model`, today."""
        key = (datetime.datetime.now(datetime.UTC).date(), model)
        with self._lock:
            requests, tokens_in, tokens_out = self._days.get(key, (0, 0, 0))
            self._days[key] = (requests + 1, tokens_in + input_tokens, tokens_out + output_tokens)

    def report(
        self, start: datetime.date, end: datetime.date, *, by_model: bool
    ) -> list[dict[str, object]]:
        """A bucket per day from `start` to `end`, one per model that day when `by_model`
        (a day without completions has one empty bucket)."""
        with self._lock:
            days = dict(self._days)
        buckets: list[dict[str, object]] = []
        for offset in range((end - start).days + 1):
            day = start + datetime.timedelta(days=offset)
            rows: list[tuple[str | None, _Counts]] = sorted(
                (model, counts) for (date, model), counts in days.items() if date == day
            )
            if not by_model or not rows:
                rows = [(None, _summed(counts for _, counts in rows))]
            buckets += [_bucket(day, model, counts) for model, counts in rows]
        return buckets


_Counts = tuple[int, int, int]


def _summed(counts: Iterable[_Counts]) -> _Counts:
    requests = tokens_in = tokens_out = 0
    for one_requests, one_in, one_out in counts:
        requests, tokens_in, tokens_out = (
            requests + one_requests,
            tokens_in + one_in,
            tokens_out + one_out,
        )
    return requests, tokens_in, tokens_out


def _bucket(day: datetime.date, model: str | None, counts: _Counts) -> dict[str, object]:
    requests, tokens_in, tokens_out = counts
    return {
        "object": "usage.bucket",
        "date": day.isoformat(),
        "model": model,
        "requests": requests,
        "input_tokens": tokens_in,
        "output_tokens": tokens_out,
    }
