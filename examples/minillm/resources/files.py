"""``client.files``: stored files, and their content as a binary download."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sdkcore import (
    NOT_GIVEN,
    AsyncAPIResource,
    AsyncBinaryAPIResponse,
    AsyncStreamedBinaryAPIResponse,
    BinaryAPIResponse,
    Headers,
    HttpxBinaryResponseContent,
    Query,
    StreamedBinaryAPIResponse,
    SyncAPIResource,
    async_to_custom_raw_response_wrapper,
    async_to_custom_streamed_response_wrapper,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    make_request_options,
    to_custom_raw_response_wrapper,
    to_custom_streamed_response_wrapper,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
)

from ..types import FileList, FileObject
from ._common import path_segment

if TYPE_CHECKING:
    from ._common import Timeout

__all__ = ["AsyncFiles", "Files"]

#: What binary endpoints accept, instead of the client's default ``application/json``.
BINARY_ACCEPT = {"Accept": "application/binary"}


class Files(SyncAPIResource):
    """List files, look one up, download its content.

    Example (streamed to disk, never held in memory)::

        with client.files.with_streaming_response.content("file-abc") as response:
            response.stream_to_file("data.bin", progress=print)
    """

    def list(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> FileList:
        """The stored files (``GET /files``)."""
        options = make_request_options(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        return self._get("/files", cast_to=FileList, options=options)

    def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> FileObject:
        """One file's metadata (``GET /files/{file_id}``); unknown ids raise `NotFoundError`."""
        options = make_request_options(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        path = f"/files/{path_segment('file_id', file_id)}"
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
        options = make_request_options(
            extra_headers={**BINARY_ACCEPT, **(extra_headers or {})},
            extra_query=extra_query,
            timeout=timeout,
        )
        path = f"/files/{path_segment('file_id', file_id)}/content"
        return self._get(path, cast_to=HttpxBinaryResponseContent, options=options)

    @cached_property
    def with_raw_response(self) -> FilesWithRawResponse:
        """The same methods, returning the read response (`BinaryAPIResponse` for content)."""
        return FilesWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> FilesWithStreamingResponse:
        """The same methods, unread (`StreamedBinaryAPIResponse` for content)."""
        return FilesWithStreamingResponse(self)


class AsyncFiles(AsyncAPIResource):
    """The async twin of `Files`."""

    async def list(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> FileList:
        """The stored files (``GET /files``)."""
        options = make_request_options(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        return await self._get("/files", cast_to=FileList, options=options)

    async def retrieve(
        self,
        file_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> FileObject:
        """One file's metadata (``GET /files/{file_id}``)."""
        options = make_request_options(
            extra_headers=extra_headers, extra_query=extra_query, timeout=timeout
        )
        path = f"/files/{path_segment('file_id', file_id)}"
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
        options = make_request_options(
            extra_headers={**BINARY_ACCEPT, **(extra_headers or {})},
            extra_query=extra_query,
            timeout=timeout,
        )
        path = f"/files/{path_segment('file_id', file_id)}/content"
        return await self._get(path, cast_to=HttpxBinaryResponseContent, options=options)

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
        self.list = to_raw_response_wrapper(files.list)
        self.retrieve = to_raw_response_wrapper(files.retrieve)
        self.content = to_custom_raw_response_wrapper(files.content, BinaryAPIResponse)


class FilesWithStreamingResponse:
    """`Files` methods returning a context manager of the unread response."""

    def __init__(self, files: Files) -> None:
        self.list = to_streamed_response_wrapper(files.list)
        self.retrieve = to_streamed_response_wrapper(files.retrieve)
        self.content = to_custom_streamed_response_wrapper(files.content, StreamedBinaryAPIResponse)


class AsyncFilesWithRawResponse:
    """`AsyncFiles` methods returning the read response."""

    def __init__(self, files: AsyncFiles) -> None:
        self.list = async_to_raw_response_wrapper(files.list)
        self.retrieve = async_to_raw_response_wrapper(files.retrieve)
        self.content = async_to_custom_raw_response_wrapper(files.content, AsyncBinaryAPIResponse)


class AsyncFilesWithStreamingResponse:
    """`AsyncFiles` methods returning an async context manager of the unread response."""

    def __init__(self, files: AsyncFiles) -> None:
        self.list = async_to_streamed_response_wrapper(files.list)
        self.retrieve = async_to_streamed_response_wrapper(files.retrieve)
        self.content = async_to_custom_streamed_response_wrapper(
            files.content, AsyncStreamedBinaryAPIResponse
        )
