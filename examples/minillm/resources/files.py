"""``client.files``: upload, list (a cursor page), look up, download, and each file's events.

Example (streamed to disk, never held in memory)::

    for stored in client.files.list(limit=20):  # every page, fetched as needed
        print(stored.id, stored.filename)
    with client.files.with_streaming_response.content("file-abc") as response:
        response.stream_to_file("data.bin", progress=print)
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Literal

from sdkcore import (
    NOT_GIVEN,
    AsyncAPIResource,
    AsyncBinaryAPIResponse,
    AsyncCursorPage,
    AsyncLinkPage,
    AsyncPaginator,
    AsyncStreamedBinaryAPIResponse,
    BinaryAPIResponse,
    Headers,
    HttpxBinaryResponseContent,
    NotGiven,
    Query,
    StreamedBinaryAPIResponse,
    SyncAPIResource,
    SyncCursorPage,
    SyncLinkPage,
    async_to_custom_raw_response_wrapper,
    async_to_custom_streamed_response_wrapper,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    path_template,
    to_custom_raw_response_wrapper,
    to_custom_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

from ..types import FileEvent, FileObject
from ._common import given, with_query

if TYPE_CHECKING:
    from sdkcore import FileTypes, ProgressCallback, RequestOptions

    from ..types import FilePurpose
    from ._common import Timeout

__all__ = ["AsyncFiles", "Files"]

#: What binary endpoints accept, instead of the client's default ``application/json``.
BINARY_ACCEPT = {"Accept": "application/binary"}
_FILE = "/files/{file_id}"
_CONTENT = "/files/{file_id}/content"
_EVENTS = "/files/{file_id}/events"
Order = Literal["asc", "desc"]


def _options(
    template: str | None,
    headers: Headers | None,
    query: Query | None,
    timeout: Timeout,
    upload_progress: ProgressCallback | None = None,
) -> RequestOptions:
    return make_request_options(
        extra_headers=headers,
        extra_query=query,
        timeout=timeout,
        path_template=template,
        upload_progress=upload_progress,
    )


class Files(SyncAPIResource):
    """Upload, list, look up and download stored files."""

    def create(
        self,
        *,
        file: FileTypes,
        purpose: FilePurpose,
        upload_progress: ProgressCallback | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> FileObject:
        """Upload `file` (``POST /files``, ``multipart/form-data``).

        A path is streamed from disk, never read whole; `upload_progress` is called as
        ``(bytes_sent, total)``. Example: ``client.files.create(file=Path("a.jsonl"),
        purpose="batch")``.
        """
        options = _options(
            "/files", extra_headers, extra_query, timeout, upload_progress=upload_progress
        )
        return self._post(
            "/files",
            cast_to=FileObject,
            body={"purpose": purpose},
            files={"file": file},
            options=options,
        )

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        after: str | NotGiven = NOT_GIVEN,
        purpose: str | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncCursorPage[FileObject]:
        """The stored files, `limit` a page (``GET /files``); iterating goes on past this page."""
        query = given(limit=limit, after=after, purpose=purpose, order=order)
        options = _options("/files", extra_headers, with_query(query, extra_query), timeout)
        return self._client.get_api_list(
            "/files", model=FileObject, page=SyncCursorPage[FileObject], options=options
        )

    def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> FileObject:
        """One file's metadata (``GET /files/{file_id}``); unknown ids raise `NotFoundError`."""
        options = _options(_FILE, extra_headers, extra_query, timeout)
        path = path_template(_FILE, file_id=file_id)
        return self._get(path, cast_to=FileObject, options=options)

    def content(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> HttpxBinaryResponseContent:
        """The file's bytes (``GET /files/{file_id}/content``), read whole.

        For large files use ``with_streaming_response.content`` and
        ``stream_to_file``, which resumes a cut download.
        """
        headers = {**BINARY_ACCEPT, **(extra_headers or {})}
        options = _options(_CONTENT, headers, extra_query, timeout)
        path = path_template(_CONTENT, file_id=file_id)
        return self._get(path, cast_to=HttpxBinaryResponseContent, options=options)

    def events(
        self,
        file_id: str,
        *,
        per_page: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncLinkPage[FileEvent]:
        """What happened to the file, oldest first (``GET /files/{file_id}/events``).

        Pages follow the ``Link: <...>; rel="next"`` header (RFC 8288), as GitHub's do.
        """
        query = with_query(given(per_page=per_page), extra_query)
        options = _options(_EVENTS, extra_headers, query, timeout)
        path = path_template(_EVENTS, file_id=file_id)
        return self._client.get_api_list(
            path, model=FileEvent, page=SyncLinkPage[FileEvent], options=options
        )

    @cached_property
    def with_raw_response(self) -> FilesWithRawResponse:
        """The same methods, returning the read response (`BinaryAPIResponse` for content)."""
        return FilesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> FilesWithStreamingResponse:
        """The same methods, unread (`StreamedBinaryAPIResponse` for content)."""
        return FilesWithStreamingResponse(self)


class AsyncFiles(AsyncAPIResource):
    """The async twin of `Files`: listings are `AsyncPaginator` s (``await`` or ``async for``)."""

    async def create(
        self,
        *,
        file: FileTypes,
        purpose: FilePurpose,
        upload_progress: ProgressCallback | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> FileObject:
        """Upload `file`, a path streamed from disk; see `Files.create`."""
        options = _options(
            "/files", extra_headers, extra_query, timeout, upload_progress=upload_progress
        )
        return await self._post(
            "/files",
            cast_to=FileObject,
            body={"purpose": purpose},
            files={"file": file},
            options=options,
        )

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        after: str | NotGiven = NOT_GIVEN,
        purpose: str | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPaginator[FileObject, AsyncCursorPage[FileObject]]:
        """The stored files, `limit` a page; see `Files.list`."""
        query = given(limit=limit, after=after, purpose=purpose, order=order)
        options = _options("/files", extra_headers, with_query(query, extra_query), timeout)
        return self._client.get_api_list(
            "/files", model=FileObject, page=AsyncCursorPage[FileObject], options=options
        )

    async def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> FileObject:
        """One file's metadata (``GET /files/{file_id}``)."""
        options = _options(_FILE, extra_headers, extra_query, timeout)
        path = path_template(_FILE, file_id=file_id)
        return await self._get(path, cast_to=FileObject, options=options)

    async def content(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> HttpxBinaryResponseContent:
        """The file's bytes, read whole; see `Files.content`."""
        headers = {**BINARY_ACCEPT, **(extra_headers or {})}
        options = _options(_CONTENT, headers, extra_query, timeout)
        path = path_template(_CONTENT, file_id=file_id)
        return await self._get(path, cast_to=HttpxBinaryResponseContent, options=options)

    def events(
        self,
        file_id: str,
        *,
        per_page: int | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPaginator[FileEvent, AsyncLinkPage[FileEvent]]:
        """What happened to the file, oldest first; see `Files.events`."""
        query = with_query(given(per_page=per_page), extra_query)
        options = _options(_EVENTS, extra_headers, query, timeout)
        path = path_template(_EVENTS, file_id=file_id)
        return self._client.get_api_list(
            path, model=FileEvent, page=AsyncLinkPage[FileEvent], options=options
        )

    @cached_property
    def with_raw_response(self) -> AsyncFilesWithRawResponse:
        """The same methods, returning the read response."""
        return AsyncFilesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncFilesWithStreamingResponse:
        """The same methods, unread (`AsyncStreamedBinaryAPIResponse` for content)."""
        return AsyncFilesWithStreamingResponse(self)


class FilesWithRawResponse:
    """`Files` methods returning the read response."""

    def __init__(self, files: Files) -> None:
        self.create = to_raw_response_wrapper(files.create)
        self.list = to_raw_response_wrapper(files.list)
        self.retrieve = to_raw_response_wrapper(files.retrieve)
        self.content = to_custom_raw_response_wrapper(files.content, BinaryAPIResponse)
        self.events = to_raw_response_wrapper(files.events)


class FilesWithStreamingResponse:
    """`Files` methods returning a context manager of the unread response."""

    def __init__(self, files: Files) -> None:
        self.create = to_streamed_response_wrapper(files.create)
        self.list = to_streamed_response_wrapper(files.list)
        self.retrieve = to_streamed_response_wrapper(files.retrieve)
        self.content = to_custom_streamed_response_wrapper(files.content, StreamedBinaryAPIResponse)
        self.events = to_streamed_response_wrapper(files.events)


class AsyncFilesWithRawResponse:
    """`AsyncFiles` methods returning the read response."""

    def __init__(self, files: AsyncFiles) -> None:
        self.create = async_to_raw_response_wrapper(files.create)
        self.list = async_to_raw_response_wrapper(files.list)
        self.retrieve = async_to_raw_response_wrapper(files.retrieve)
        self.content = async_to_custom_raw_response_wrapper(files.content, AsyncBinaryAPIResponse)
        self.events = async_to_raw_response_wrapper(files.events)


class AsyncFilesWithStreamingResponse:
    """`AsyncFiles` methods returning an async context manager of the unread response."""

    def __init__(self, files: AsyncFiles) -> None:
        self.create = async_to_streamed_response_wrapper(files.create)
        self.list = async_to_streamed_response_wrapper(files.list)
        self.retrieve = async_to_streamed_response_wrapper(files.retrieve)
        self.content = async_to_custom_streamed_response_wrapper(
            files.content, AsyncStreamedBinaryAPIResponse
        )
        self.events = async_to_streamed_response_wrapper(files.events)
