"""Sentinels and the type aliases that SDK method signatures use."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeAlias, final

import httpx2

__all__ = [
    "NOT_GIVEN",
    "Body",
    "Headers",
    "NotGiven",
    "Omit",
    "PostParser",
    "ProgressCallback",
    "Query",
    "TimeoutTypes",
]


@final
class NotGiven:
    """Marks an argument the caller left out, where ``None`` is a meaningful value.

    >>> client.get("/things", cast_to=Thing, options={"timeout": NOT_GIVEN})
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


#: The one ``NotGiven`` value: an argument left out.
NOT_GIVEN: Final = NotGiven()


@final
class Omit:
    """A header value that removes a default header from one request.

    >>> client.get("/things", cast_to=Thing, options={"headers": {"Accept": Omit()}})
    """

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "Omit()"


#: A timeout: seconds for the whole attempt, an ``httpx2.Timeout``, or ``None`` for none.
TimeoutTypes: TypeAlias = float | httpx2.Timeout | None
#: Request headers; an ``Omit()`` value removes a default header from one request.
Headers: TypeAlias = Mapping[str, "str | Omit"]
#: Query parameters.
Query: TypeAlias = Mapping[str, object]
#: A JSON request body.
Body: TypeAlias = object
#: ``post_parser(value)``: applied to the parsed result of a call.
PostParser: TypeAlias = Callable[[Any], Any]
#: ``progress(bytes_done, total)``; ``total`` is ``None`` when the size is unknown.
ProgressCallback: TypeAlias = Callable[[int, "int | None"], object]
