"""The requests of one call's attempts: built from what the call decided once.

``Attempts`` holds a call's method, URL, query, headers and body, and builds the
request of each attempt: the same request again, plus the retry count on retries,
and a multipart body read afresh from its files (``Upload``). When the body can be
sent only once, ``replay_refusal`` says why, and the flow does not retry.
"""

from __future__ import annotations

import platform
from collections.abc import AsyncGenerator, Generator
from functools import cache
from typing import TYPE_CHECKING, Any

from ._constants import VERSION
from ._types import Omit
from ._typing import is_json_object

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator, Mapping

    import httpx2

    from ._multipart import MultipartForm
    from ._types import TimeoutTypes

__all__ = ["Attempts", "Upload", "form_fields", "merge_headers", "user_agent"]


@cache
def user_agent(sdk: str | None) -> str:
    """``<sdk> sdkcore/<version> python/<version>``, the ``User-Agent`` of every request.

    >>> user_agent("acme-python/1.2.0")  # doctest: +SKIP
    'acme-python/1.2.0 sdkcore/0.2.0 python/3.11.7'
    """
    ours = f"sdkcore/{VERSION} python/{platform.python_version()}"
    return ours if sdk is None else f"{sdk} {ours}"


class Upload:
    """A multipart body, read from the start for every attempt that sends it.

    ``open`` makes one attempt's body: ``form.iter_chunks`` for sync clients,
    ``form.aiter_chunks`` for async ones. The bodies made are closed by ``close`` /
    ``aclose`` when the call ends, so none is left half-read for the garbage collector.
    """

    def __init__(
        self,
        form: MultipartForm,
        open_body: Callable[[], Iterator[bytes] | AsyncIterator[bytes]],
    ) -> None:
        self.form = form
        self._open = open_body
        self._bodies: list[Iterator[bytes] | AsyncIterator[bytes]] = []

    def body(self) -> Iterator[bytes] | AsyncIterator[bytes]:
        """The whole body again, for one attempt."""
        body = self._open()
        self._bodies.append(body)
        return body

    def close(self) -> None:
        """Close the bodies of a sync call's attempts."""
        for body in self._bodies:
            if isinstance(body, Generator):
                body.close()

    async def aclose(self) -> None:
        """Close the bodies of an async call's attempts."""
        for body in self._bodies:
            if isinstance(body, AsyncGenerator):
                await body.aclose()


class Attempts:
    """Builds each attempt's request of one call (``retries_taken`` so far)."""

    __slots__ = (
        "_headers",
        "_http",
        "_json",
        "_method",
        "_params",
        "_retry_count_header",
        "_timeout",
        "_url",
        "upload",
    )

    def __init__(
        self,
        http: httpx2.Client | httpx2.AsyncClient,
        *,
        method: str,
        url: httpx2.URL,
        params: tuple[tuple[str, str], ...] | None,
        headers: dict[str, str],
        json: object | None,
        timeout: TimeoutTypes,
        upload: Upload | None,
        retry_count_header: str | None,
    ) -> None:
        self._http = http
        self._method = method
        self._url = url
        self._params = params
        self._headers = headers
        self._json = json
        self._timeout = timeout
        self._retry_count_header = retry_count_header
        self.upload = upload

    @property
    def replay_refusal(self) -> str | None:
        """Why the body cannot be sent again (a stream that reads once), else ``None``."""
        return None if self.upload is None else self.upload.form.not_replayable_reason

    def __call__(self, retries_taken: int) -> httpx2.Request:
        headers = self._headers
        if retries_taken and self._retry_count_header is not None:
            headers = {**headers, self._retry_count_header: str(retries_taken)}
        content: Any = None if self.upload is None else self.upload.body()
        return self._http.build_request(
            self._method,
            self._url,
            params=self._params,
            headers=headers,
            json=self._json,
            content=content,
            timeout=self._timeout,
        )


def form_fields(body: object | None) -> Mapping[str, object] | None:
    """The body of a multipart call: its fields, flattened into the form's parts."""
    if body is None or is_json_object(body):
        return body
    raise TypeError(
        f"A request with files= sends its body as form fields, so the body must be a mapping; "
        f"got {type(body).__name__}."
    )


def merge_headers(*layers: Mapping[str, str | Omit]) -> dict[str, str]:
    """Later layers win, names compared case-insensitively; an ``Omit`` value drops the name."""
    merged: dict[str, tuple[str, str | Omit]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return {name: value for name, value in merged.values() if not isinstance(value, Omit)}
