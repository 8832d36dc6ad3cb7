"""``BaseClient``: the configuration both clients share, and request building.

Everything here is free of I/O: it answers the questions ``call_flow`` and the
response layer ask (which request, which retry policy, which deadline, where a
redirect goes, which error for a status); ``SyncAPIClient`` and ``AsyncAPIClient``
in ``_client`` perform the I/O.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import httpx2

from ._constants import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_EVENT_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_SECRET_HEADERS,
    DEFAULT_TIMEOUT,
)
from ._exceptions import APIStatusError, redact_headers, status_error_class
from ._options import FinalRequestOptions, ReturnMode
from ._retries import RetryPolicy
from ._types import NOT_GIVEN, NotGiven, Omit, TimeoutTypes

if TYPE_CHECKING:
    from collections.abc import Mapping


__all__ = ["BaseClient"]

log = logging.getLogger("sdkcore")

ResponseT = TypeVar("ResponseT")
_HttpClientT = TypeVar("_HttpClientT", httpx2.Client, httpx2.AsyncClient)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_JOINED_URLS_KEPT = 1024


class BaseClient(Generic[_HttpClientT]):
    """Configuration and request building shared by both clients."""

    #: Header carrying the idempotency key on non-GET/HEAD/OPTIONS requests; None disables it.
    _idempotency_header: ClassVar[str | None] = "Idempotency-Key"
    #: Headers whose values never appear in a repr, log line or error (case-insensitive).
    _secret_headers: ClassVar[frozenset[str]] = DEFAULT_SECRET_HEADERS
    #: The stream class for ``stream=True`` calls that name none.
    _default_stream_cls: ClassVar[type[Any] | None] = None

    _client: _HttpClientT

    def __init__(
        self,
        base_url: str | httpx2.URL,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        stream_idle_timeout: float | None = None,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
        default_headers: Mapping[str, str] | None = None,
        http_client: _HttpClientT | None = None,
        _strict_response_validation: bool = False,
    ) -> None:
        url = httpx2.URL(base_url)
        self.base_url: httpx2.URL = (
            url if url.raw_path.endswith(b"/") else url.copy_with(raw_path=url.raw_path + b"/")
        )
        # Without a timeout of its own the client takes an injected client's.
        if isinstance(timeout, NotGiven):
            timeout = DEFAULT_TIMEOUT if http_client is None else http_client.timeout
        self.timeout: TimeoutTypes = timeout
        self.max_retries = max_retries
        self.max_retry_after = max_retry_after
        self.stream_idle_timeout = stream_idle_timeout
        self._max_body_size = max_body_size
        self._max_event_size = max_event_size
        self._custom_headers = dict(default_headers or {})
        self._strict_response_validation = _strict_response_validation
        self._owns_client = http_client is None
        self._client = self._create_http_client() if http_client is None else http_client
        self._rng = random.random
        self._joined_urls: dict[str, httpx2.URL] = {}

    def _create_http_client(self) -> _HttpClientT:
        raise NotImplementedError

    # -- what SDKs customise -------------------------------------------------
    @property
    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate each request; SDKs override this."""
        return {}

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        """Headers sent with every request: JSON accept, auth, then the client's own."""
        return {"Accept": "application/json", **self.auth_headers, **self._custom_headers}

    def _make_status_error(
        self, err_msg: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        """The error for a 4xx/5xx response; SDKs override this to add their own classes."""
        return status_error_class(response.status_code)(err_msg, response=response, body=body)

    # -- ResponseClient protocol ---------------------------------------------
    @property
    def strict_response_validation(self) -> bool:
        """Whether response bodies are validated against their declared types."""
        return self._strict_response_validation

    @property
    def max_event_size(self) -> int | None:
        """The largest Server-Sent Event (or unterminated line) a typed stream buffers."""
        return self._max_event_size

    @property
    def max_body_size(self) -> int | None:
        """The most bytes ``read()``/``parse()`` hold in memory (decompressed)."""
        return self._max_body_size

    @property
    def default_stream_cls(self) -> type[Any] | None:
        """The stream class for ``stream=True`` calls that name none."""
        return self._default_stream_cls

    def make_status_error(
        self, message: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        """Build the status error through the SDK's ``_make_status_error``."""
        return self._make_status_error(message, body=body, response=response)

    # -- FlowClient protocol -------------------------------------------------
    def build_request(
        self,
        options: FinalRequestOptions,
        *,
        retries_taken: int,
        idempotency_key: str | None,
        stream: bool = False,
    ) -> httpx2.Request:
        """The ``httpx2.Request`` for one attempt of ``options``.

        For an event stream with an idle timeout, no single read waits longer than it.
        """
        keyed: dict[str, str] = {}
        if idempotency_key is not None and self._idempotency_header is not None:
            keyed[self._idempotency_header] = idempotency_key
        # The call's own headers win, even over the idempotency key.
        sent = _merge_headers(self.default_headers, keyed, options.headers)
        return self._client.build_request(
            options.method.upper(),
            self._url_for(options.url),
            params=dict(options.params) or None,  # type: ignore[arg-type]  # httpx2 accepts any primitive values
            headers=sent,
            json=options.json_body(),
            timeout=self._stream_timeout(options) if stream else self._timeout_for(options),
        )

    def retry_policy(self, options: FinalRequestOptions) -> RetryPolicy:
        """The retry policy for one call."""
        if isinstance(options.max_retries, NotGiven):
            return self.retry_policy_for()
        return self.retry_policy_for(options.max_retries)

    def retry_policy_for(self, max_retries: int | None = None) -> RetryPolicy:
        """The client's retry policy (``max_retries`` overrides the client's)."""
        return RetryPolicy(
            max_retries=self.max_retries if max_retries is None else max_retries,
            max_retry_after=self.max_retry_after,
            rng=self._rng,
        )

    def _again(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Request:
        return self._client.build_request(
            request.method,
            request.url,
            # httpx2 lists header names in lower case: a new value replaces, never adds.
            headers={**request.headers, **{name.lower(): value for name, value in headers.items()}},
            content=request.content,
            extensions=request.extensions,
        )

    def idempotency_key_for(self, options: FinalRequestOptions) -> str | None:
        """The key that all attempts of one call share, or ``None`` for safe methods."""
        if options.idempotency_key is not None:
            return options.idempotency_key
        if self._idempotency_header is None or options.method.upper() in _SAFE_METHODS:
            return None
        return f"sdkcore-{uuid.uuid4()}"

    def deadline_for(self, options: FinalRequestOptions) -> float | None:
        """A float timeout also bounds each attempt end to end (``time.monotonic``)."""
        timeout = self._timeout_for(options)
        return time.monotonic() + timeout if isinstance(timeout, int | float) else None

    def redirect_request(self, response: httpx2.Response) -> httpx2.Request | None:
        """The next request of a redirect to follow, its secrets kept to their origin.

        Raises ``httpx2.TooManyRedirects`` past the ``http_client``'s ``max_redirects``.
        """
        nxt = response.next_request
        if not self._client.follow_redirects or nxt is None:
            return None
        if len(response.history) >= self._client.max_redirects:
            raise httpx2.TooManyRedirects(
                f"Exceeded max_redirects={self._client.max_redirects}.", request=nxt
            )
        if _origin(nxt.url) != _origin(response.request.url):
            for name in list(nxt.headers):
                if self._is_secret(name):
                    del nxt.headers[name]
        return nxt

    def _is_secret(self, name: str) -> bool:
        return name.lower() in self.secret_header_names

    @property
    def secret_header_names(self) -> frozenset[str]:
        """``_secret_headers`` in lower case, ``authorization`` always among them."""
        return frozenset({"authorization", *(name.lower() for name in self._secret_headers)})

    # -- helpers -------------------------------------------------------------
    def _timeout_for(self, options: FinalRequestOptions) -> TimeoutTypes:
        return self.timeout if isinstance(options.timeout, NotGiven) else options.timeout

    def _stream_timeout(self, options: FinalRequestOptions) -> httpx2.Timeout:
        timeout = httpx2.Timeout(self._timeout_for(options))
        idle = self.idle_timeout_for(options)
        if idle is None or (timeout.read is not None and timeout.read <= idle):
            return timeout
        return httpx2.Timeout(
            connect=timeout.connect, read=idle, write=timeout.write, pool=timeout.pool
        )

    def idle_timeout_for(self, options: FinalRequestOptions) -> float | None:
        """The stream idle timeout of one call: its own, else the client's."""
        if isinstance(options.stream_idle_timeout, NotGiven):
            return self.stream_idle_timeout
        return options.stream_idle_timeout

    def _url_for(self, url: str) -> httpx2.URL:
        # Parsing and joining a URL is a sizeable share of a small request's own
        # work; SDK paths repeat, so the result is kept per path (bounded).
        joined = self._joined_urls.get(url)
        if joined is None:
            parsed = httpx2.URL(url)
            joined = parsed if parsed.is_absolute_url else self.base_url.join(url.lstrip("/"))
            if len(self._joined_urls) >= _JOINED_URLS_KEPT:
                self._joined_urls.clear()
            self._joined_urls[url] = joined
        return joined

    def _read_body(self, stream: bool, options: FinalRequestOptions) -> bool:
        return not stream and options.return_mode is not ReturnMode.STREAMED

    def __repr__(self) -> str:
        headers = redact_headers(
            {k: v for k, v in self.default_headers.items() if isinstance(v, str)},
            self.secret_header_names,
        )
        return f"<{type(self).__name__} base_url={str(self.base_url)!r} headers={headers!r}>"


def _merge_headers(*layers: Mapping[str, str | Omit]) -> dict[str, str]:
    """Later layers win, names compared case-insensitively; an ``Omit`` value drops the name."""
    merged: dict[str, tuple[str, str | Omit]] = {}
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return {name: value for name, value in merged.values() if not isinstance(value, Omit)}


def _origin(url: httpx2.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)
