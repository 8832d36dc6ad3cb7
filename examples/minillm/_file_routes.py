"""The embedded server's ``/files`` endpoints: uploads parsed from ``multipart/form-data``,
the listing in cursor pages (``limit``, ``after``, ``has_more``), each file's metadata and
resumable content, and its events in pages linked by an RFC 8288 ``Link`` header.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

from sdkcore.testing import BodyNotKeptError, FormError, Reply

from ._backend import PURPOSES
from ._replies import ReplyError, int_query, ok
from ._store import UnknownFileError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sdkcore.testing import Request

    from ._backend import StoredFile
    from ._store import FileStore

__all__ = ["FileRoutes"]

#: ``GET /files``: files per page unless ``limit`` says otherwise, and the most allowed.
DEFAULT_LIMIT: Final = 20
MAX_LIMIT: Final = 100
#: ``GET /files/{id}/events``: events per page unless ``per_page`` says otherwise.
DEFAULT_PER_PAGE: Final = 30


class FileRoutes:
    """The handlers of the ``/files`` routes over `store`; `url_for` makes absolute links."""

    def __init__(self, store: FileStore, url_for: Callable[[str], str]) -> None:
        self.store = store
        self._url_for = url_for

    def list(self, request: Request) -> Reply:
        """``GET /files?limit=&after=&purpose=&order=``: one cursor page."""
        limit = int_query(request, "limit", default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
        order = request.query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise ReplyError(400, f"'order' is 'asc' or 'desc', got {order!r}.", param="order")
        after = request.query.get("after")
        try:
            page = self.store.page(
                limit=limit,
                after=after,
                purpose=request.query.get("purpose"),
                newest_first=order == "desc",
            )
        except UnknownFileError:
            raise ReplyError(400, f"No file {after!r} to list after.", param="after") from None
        data = [stored.as_json() for stored in page.files]
        return ok(
            {
                "object": "list",
                "data": data,
                "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None,
                "has_more": page.has_more,
            }
        )

    def upload(self, request: Request) -> Reply:
        """``POST /files``: a ``file`` part and a ``purpose`` field, stored under a new id."""
        try:
            form = request.form()
        except FormError as exc:
            raise ReplyError(400, f"Send the file as multipart/form-data: {exc}.") from None
        except BodyNotKeptError:
            raise ReplyError(413, "The file is larger than this server keeps.") from None
        purposes = form.fields.get("purpose", [])
        if len(purposes) != 1 or purposes[0] not in PURPOSES:
            message = f"'purpose' must be one of {', '.join(PURPOSES)}; got {purposes}."
            raise ReplyError(400, message, param="purpose")
        uploads = form.files.get("file", [])
        if len(uploads) != 1:
            message = f"Send exactly one 'file' part; got {len(uploads)}."
            raise ReplyError(400, message, param="file")
        upload = uploads[0]
        return ok(self.store.add(upload.filename, purposes[0], upload.data).as_json())

    def retrieve(self, request: Request) -> Reply:
        """``GET /files/{file_id}``."""
        return ok(self._file(request).as_json())

    def content(self, request: Request) -> Reply:
        """``GET /files/{file_id}/content``: the bytes, with ranges for resuming."""
        stored = self._file(request)
        wanted = request.headers.get("range")
        note = f"download resumed ({wanted})" if wanted else "download from byte 0"
        self.store.record(stored.id, "file.downloaded", note)
        return Reply(
            body=stored.data,
            content_type="application/octet-stream",
            ranges=True,
            etag=stored.etag,
            headers={"Content-Disposition": f'attachment; filename="{stored.filename}"'},
        )

    def events(self, request: Request) -> Reply:
        """``GET /files/{file_id}/events?page=&per_page=``: a JSON array, linked pages."""
        stored = self._file(request)
        per_page = int_query(request, "per_page", default=DEFAULT_PER_PAGE, low=1, high=MAX_LIMIT)
        number = int_query(request, "page", default=1, low=1, high=1_000_000)
        events = self.store.events(stored.id)
        last = max(1, -(-len(events) // per_page))
        start = (number - 1) * per_page
        links = self._links(request.path, number, last, per_page)
        return Reply(json=events[start : start + per_page], headers=links)

    def _links(self, path: str, number: int, last: int, per_page: int) -> dict[str, str]:
        """The ``Link`` header of page `number` of `last`, as GitHub writes it."""
        relations = {"next": number + 1, "last": last} if number < last else {}
        if number > 1:
            relations |= {"first": 1, "prev": min(number - 1, last)}
        links = [
            f"<{self._url_for(path)}?{urlencode({'page': page, 'per_page': per_page})}>; "
            f'rel="{rel}"'
            for rel, page in relations.items()
        ]
        return {"Link": ", ".join(links)} if links else {}

    def _file(self, request: Request) -> StoredFile:
        file_id = request.path_params["file_id"]
        try:
            return self.store.get(file_id)
        except UnknownFileError:
            message = f"No such File object: {file_id}"
            raise ReplyError(404, message, code="file_not_found", param="id") from None
