"""``client.usage``: requests and tokens per day, with the API's camelCase, ISO-dated query.

The method takes Python names and ``datetime.date`` values; `sdkcore.transform`
renames and formats them as `UsageParams` says (``start_date=date(2024, 6, 1)`` goes
out as ``startDate=2024-06-01``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING

from sdkcore import (
    NOT_GIVEN,
    AsyncAPIResource,
    Headers,
    NotGiven,
    Query,
    SyncAPIResource,
    async_to_raw_response_wrapper,
    async_to_streamed_response_wrapper,
    async_transform,
    make_request_options,
    to_raw_response_wrapper,
    to_streamed_response_wrapper,
    transform,
)

from ..types import UsageParams, UsageReport
from ._common import given, with_query

if TYPE_CHECKING:
    import datetime
    from collections.abc import Sequence

    from ..types import UsageGroup
    from ._common import Timeout

__all__ = ["AsyncUsage", "Usage"]


def _query(wire: object) -> Query:
    # transform keeps the shape it was given: a dict of parameters stays a dict.
    if not isinstance(wire, Mapping):
        raise TypeError(f"usage parameters became {type(wire).__name__}, not a query")
    return {str(name): value for name, value in wire.items()}


def _params(
    start_date: datetime.date,
    end_date: datetime.date | NotGiven,
    group_by: Sequence[UsageGroup] | NotGiven,
) -> dict[str, object]:
    grouping = group_by if isinstance(group_by, NotGiven) else list(group_by)
    return given(start_date=start_date, end_date=end_date, group_by=grouping)


class Usage(SyncAPIResource):
    """Usage reports.

    Example::

        report = client.usage.retrieve(start_date=date(2024, 6, 1), group_by=["model"])
        for bucket in report.data:
            print(bucket.date, bucket.model, bucket.output_tokens)
    """

    def retrieve(
        self,
        *,
        start_date: datetime.date,
        end_date: datetime.date | NotGiven = NOT_GIVEN,
        group_by: Sequence[UsageGroup] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> UsageReport:
        """A bucket per day from `start_date` to `end_date` (today when left out), each
        split by `group_by` (``GET /usage``). A range the API refuses raises
        `BadRequestError`."""
        wire = _query(transform(_params(start_date, end_date, group_by), UsageParams))
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=with_query(wire, extra_query),
            timeout=timeout,
            path_template="/usage",
        )
        return self._get("/usage", cast_to=UsageReport, options=options)

    @cached_property
    def with_raw_response(self) -> UsageWithRawResponse:
        """``retrieve`` returning the read `sdkcore.APIResponse`."""
        return UsageWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> UsageWithStreamingResponse:
        """``retrieve`` returning a context manager of the unread response."""
        return UsageWithStreamingResponse(self)


class AsyncUsage(AsyncAPIResource):
    """The async twin of `Usage`."""

    async def retrieve(
        self,
        *,
        start_date: datetime.date,
        end_date: datetime.date | NotGiven = NOT_GIVEN,
        group_by: Sequence[UsageGroup] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,  # noqa: ASYNC109  # the API's per-request timeout
    ) -> UsageReport:
        """A bucket per day in the range; see `Usage.retrieve`."""
        params = _params(start_date, end_date, group_by)
        wire = _query(await async_transform(params, UsageParams))
        options = make_request_options(
            extra_headers=extra_headers,
            extra_query=with_query(wire, extra_query),
            timeout=timeout,
            path_template="/usage",
        )
        return await self._get("/usage", cast_to=UsageReport, options=options)

    @cached_property
    def with_raw_response(self) -> AsyncUsageWithRawResponse:
        """``retrieve`` returning the read `sdkcore.AsyncAPIResponse`."""
        return AsyncUsageWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncUsageWithStreamingResponse:
        """``retrieve`` returning an async context manager of the unread response."""
        return AsyncUsageWithStreamingResponse(self)


class UsageWithRawResponse:
    """`Usage.retrieve` returning `sdkcore.APIResponse`."""

    def __init__(self, usage: Usage) -> None:
        self.retrieve = to_raw_response_wrapper(usage.retrieve)


class UsageWithStreamingResponse:
    """`Usage.retrieve` returning `sdkcore.ResponseContextManager`."""

    def __init__(self, usage: Usage) -> None:
        self.retrieve = to_streamed_response_wrapper(usage.retrieve)


class AsyncUsageWithRawResponse:
    """`AsyncUsage.retrieve` returning `sdkcore.AsyncAPIResponse`."""

    def __init__(self, usage: AsyncUsage) -> None:
        self.retrieve = async_to_raw_response_wrapper(usage.retrieve)


class AsyncUsageWithStreamingResponse:
    """`AsyncUsage.retrieve` returning `sdkcore.AsyncResponseContextManager`."""

    def __init__(self, usage: AsyncUsage) -> None:
        self.retrieve = async_to_streamed_response_wrapper(usage.retrieve)
