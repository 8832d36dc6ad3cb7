"""What every MiniLLM resource method shares: the per-call options and path checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias
from urllib.parse import quote

import httpx2

from sdkcore import NotGiven

__all__ = ["Body", "Timeout", "path_segment"]

#: ``timeout=`` of every method: seconds, an ``httpx2.Timeout``, ``None`` for none.
Timeout: TypeAlias = float | httpx2.Timeout | NotGiven | None
#: ``extra_body=`` of every method: JSON fields merged into the request body.
Body: TypeAlias = Mapping[str, object]


def path_segment(name: str, value: str) -> str:
    """`value` escaped for a URL path; raises `ValueError` when it is empty.

    Example: ``f"/files/{path_segment('file_id', file_id)}/content"``
    """
    if not value:
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return quote(value, safe="")
