"""What every MiniLLM resource method shares: the per-call option types and the query."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import httpx2

from sdkcore import NotGiven, Query

__all__ = ["Body", "Timeout", "given", "with_query"]

#: ``timeout=`` of every method: seconds, an ``httpx2.Timeout``, ``None`` for none.
Timeout: TypeAlias = float | httpx2.Timeout | NotGiven | None
#: ``extra_body=`` of every method: JSON fields merged into the request body.
Body: TypeAlias = Mapping[str, object]


def given(**fields: object) -> dict[str, object]:
    """`fields` without the ones left out (`NotGiven`): what a request sends.

    Example: ``given(limit=10, after=NOT_GIVEN) == {"limit": 10}``
    """
    return {name: value for name, value in fields.items() if not isinstance(value, NotGiven)}


def with_query(params: Mapping[str, object], extra_query: Query | None) -> Query:
    """A method's own query parameters, with the caller's `extra_query` winning.

    Example: ``make_request_options(extra_query=with_query({"limit": 5}, extra_query))``
    """
    return {**params, **(extra_query or {})}
