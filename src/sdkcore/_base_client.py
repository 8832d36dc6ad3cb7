"""``BaseClient``: the configuration both clients share, request building and call contexts.

Everything here is free of I/O. When a call starts, the client answers every
question about it once, in a ``CallContext`` (retry policy, limits, deadlines,
secrets, the error factory, how to send again); ``call_flow`` and the response
layer read that and never ask the client anything. ``SyncAPIClient`` and
``AsyncAPIClient`` in ``_client`` perform the I/O.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

import httpx2

from ._attempts import Attempts, Upload, form_fields, merge_headers, user_agent
from ._constants import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_DECOMPRESSED_SIZE,
    DEFAULT_MAX_EVENT_SIZE,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_SECRET_HEADERS,
    DEFAULT_SECRET_QUERY_PARAMS,
    DEFAULT_TIMEOUT,
)
from ._context import BodyLimits, CallContext, ClientContext, Timing
from ._exceptions import APIStatusError, status_error_class
from ._logging import log_from_env
from ._multipart import BodyNotReplayableError, MultipartForm, encode_multipart
from ._options import FinalRequestOptions, ReturnMode
from ._qs import Querystring
from ._response import is_jsonl_target
from ._secrets import Secrets
from ._settings import Copy, Settings, attempt_timeout, base_url_parts, copy_call, copying, merged
from ._tracing import tracer_for
from ._types import NOT_GIVEN, NotGiven, Omit, ProgressCallback, Query, TimeoutTypes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry.trace import TracerProvider

    from ._context import AsyncCall, AsyncResend, SyncCall, SyncResend
    from ._hooks import Hooks


__all__ = ["BaseClient"]

_HttpClientT = TypeVar("_HttpClientT", httpx2.Client, httpx2.AsyncClient)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_JOINED_URLS_KEPT = 1024
_EVENT_STREAM = "text/event-stream"


class BaseClient(Generic[_HttpClientT]):
    """Configuration and request building shared by both clients."""

    #: Header carrying the idempotency key on non-GET/HEAD/OPTIONS requests; None disables it.
    _idempotency_header: ClassVar[str | None] = "Idempotency-Key"
    #: Headers whose values never appear in a repr, log line or error (case-insensitive).
    _secret_headers: ClassVar[frozenset[str]] = DEFAULT_SECRET_HEADERS
    #: Query parameters whose values never appear in a URL sdkcore shows (case-insensitive).
    _secret_query_params: ClassVar[frozenset[str]] = DEFAULT_SECRET_QUERY_PARAMS
    #: The stream class for ``stream=True`` calls that name none.
    _default_stream_cls: ClassVar[type[Any] | None] = None
    #: How query parameters are written (arrays, nested objects); see ``Querystring``.
    _query_format: ClassVar[Querystring] = Querystring()
    #: The SDK's part of the User-Agent, ``"acme-python/1.2.0"``; ``None``: sdkcore's alone.
    _user_agent: ClassVar[str | None] = None
    #: Header carrying the number of retries so far on each retry; ``None`` disables it.
    _retry_count_header: ClassVar[str | None] = "X-Retry-Count"
    #: Spans (``tracer_provider=`` wins): ``None`` if a global provider was set first, ``True``
    #: always (the global provider, even one set later), ``False`` never; see ``_tracing``.
    _tracing: ClassVar[bool | None] = None
    #: The SDK's variable (``"ACME_LOG"``, ``info``/``debug``) read besides ``SDKCORE_LOG``.
    _log_env_var: ClassVar[str | None] = None

    _client: _HttpClientT
    _init_arguments: tuple[tuple[Any, ...], dict[str, Any]]

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        client = super().__new__(cls)
        # What the class was called with, so that ``with_options`` can call it again.
        client._init_arguments = (args, kwargs)
        return client

    def __init__(
        self,
        base_url: str | httpx2.URL,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        stream_idle_timeout: float | None = None,
        max_body_size: int | None = DEFAULT_MAX_BODY_SIZE,
        max_decompressed_size: int | None = DEFAULT_MAX_DECOMPRESSED_SIZE,
        max_event_size: int | None = DEFAULT_MAX_EVENT_SIZE,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        hooks: Hooks | None = None,
        tracer_provider: TracerProvider | None = None,
        http_client: _HttpClientT | None = None,
        _strict_response_validation: bool = False,
        _timing: Timing | None = None,
    ) -> None:
        given = Settings(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            stream_idle_timeout=stream_idle_timeout,
            max_body_size=max_body_size,
            max_decompressed_size=max_decompressed_size,
            max_event_size=max_event_size,
            default_headers=default_headers,
            default_query=default_query,
            hooks=hooks,
            tracer_provider=tracer_provider,
            strict_response_validation=_strict_response_validation,
            timing=_timing,
        )
        copy = copying.get()
        copying.set(None)  # for this client only, not for any it makes itself
        self._copied: Mapping[str, Any] = {} if copy is None else copy.settings
        if copy is not None:
            given = dataclasses.replace(
                given, **{k.lstrip("_"): v for k, v in copy.settings.items()}
            )
            http_client = copy.http_client  # type: ignore[assignment]  # the original's pool
        self._configure(given, http_client, owns=copy is None and http_client is None)

    def _configure(self, given: Settings, http_client: _HttpClientT | None, *, owns: bool) -> None:
        self._base_url, self._base_query = base_url_parts(given.base_url)
        timeout = given.timeout
        # Without a timeout of its own the client takes an injected client's.
        if isinstance(timeout, NotGiven):
            timeout = DEFAULT_TIMEOUT if http_client is None else http_client.timeout
        self._timeout: TimeoutTypes = timeout
        self._custom_headers = dict(given.default_headers or {})
        self._default_query = dict(given.default_query or {})
        self._owns_client = owns
        self._client = self._adopt_http_client(
            self._create_http_client() if http_client is None else http_client
        )
        self._joined_urls: dict[str, httpx2.URL] = {}
        log_from_env(self._log_env_var)
        secrets = Secrets.of(self._secret_headers, self._secret_query_params)
        self._context = ClientContext(
            timing=given.timing or Timing(),
            secrets=secrets,
            limits=BodyLimits(
                given.max_body_size, given.max_decompressed_size, given.max_event_size
            ),
            strict=given.strict_response_validation,
            max_retries=given.max_retries,
            max_retry_after=given.max_retry_after,
            stream_idle_timeout=given.stream_idle_timeout,
            default_stream_cls=self._default_stream_cls,
            make_status_error=self._make_status_error,
            hooks=given.hooks,
            follow_redirects=self._client.follow_redirects,
            max_redirects=self._client.max_redirects,
            resend=self._sync_resend(),
            aresend=self._async_resend(),
            call=self._sync_call(),
            acall=self._async_call(),
            tracer=tracer_for(given.tracer_provider, self._tracing, secrets),
        )
        self._bind_verbs()

    def with_options(
        self,
        *,
        set_default_headers: Mapping[str, str] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        **changes: Any,
    ) -> Self:
        """A new client of the same class: the same arguments but ``changes``, one pool.

        Any argument of the SDK's constructor (``api_key``) or of sdkcore's
        (``base_url``, ``timeout``, ``max_retries``, ...) may change.
        ``default_headers`` / ``default_query`` merge over the current ones;
        ``set_default_headers`` / ``set_default_query`` replace them. The original
        client is unchanged; closing the copy leaves the shared pool open. Raises
        ``TypeError`` for a setting neither constructor takes.

        >>> fast = client.with_options(timeout=5.0, max_retries=0)
        >>> other_team = client.with_options(default_headers={"X-Team": "b"})
        """
        changes = {
            **changes,
            **merged("default_headers", self._custom_headers, set_default_headers, changes),
            **merged("default_query", self._default_query, set_default_query, changes),
        }
        args, kwargs, base = copy_call(type(self), self._init_arguments, changes)
        token = copying.set(Copy(self._client, {**self._copied, **base}))
        try:
            return type(self)(*args, **kwargs)
        finally:
            copying.reset(token)

    #: ``copy`` is ``with_options``.
    copy = with_options

    def _create_http_client(self) -> _HttpClientT:
        raise NotImplementedError

    def _adopt_http_client(self, client: _HttpClientT) -> _HttpClientT:
        return client

    def _bind_verbs(self) -> None:
        raise NotImplementedError

    def _sync_resend(self) -> SyncResend | None:
        return None

    def _async_resend(self) -> AsyncResend | None:
        return None

    def _sync_call(self) -> SyncCall | None:
        return None

    def _async_call(self) -> AsyncCall | None:
        return None

    # -- settings ------------------------------------------------------------
    @property
    def base_url(self) -> httpx2.URL:
        """The URL every path is joined to (with a trailing slash, and its query if any)."""
        if not self._base_query:
            return self._base_url
        return self._base_url.copy_with(params=self._base_query)

    @property
    def timeout(self) -> TimeoutTypes:
        """The client's timeout; a number bounds each whole attempt."""
        return self._timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried."""
        return self._context.max_retries

    @property
    def max_retry_after(self) -> float:
        """The longest ``Retry-After`` the client waits out; longer raises at once."""
        return self._context.max_retry_after

    @property
    def stream_idle_timeout(self) -> float | None:
        """The longest wait for a stream's next item, or ``None``."""
        return self._context.stream_idle_timeout

    @property
    def max_body_size(self) -> int | None:
        """The most decoded bytes a body read into memory may have, or ``None``."""
        return self._context.limits.max_body_size

    @property
    def max_decompressed_size(self) -> int | None:
        """The most bytes a compressed body read into memory may inflate to, or ``None``."""
        return self._context.limits.max_decompressed_size

    @property
    def max_event_size(self) -> int | None:
        """The largest Server-Sent Event a typed stream buffers, or ``None``."""
        return self._context.limits.max_event_size

    # -- what SDKs customise -------------------------------------------------
    @property
    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate each request; SDKs override this."""
        return {}

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        """Headers sent with every request: JSON accept, User-Agent, auth, the client's own."""
        return {
            "Accept": "application/json",
            "User-Agent": user_agent(self._user_agent),
            **self.auth_headers,
            **self._custom_headers,
        }

    def _make_status_error(
        self, err_msg: str, *, body: object | None, response: httpx2.Response
    ) -> APIStatusError:
        """The error for a 4xx/5xx response; SDKs override this to add their own classes."""
        return status_error_class(response.status_code)(err_msg, response=response, body=body)

    # -- one call --------------------------------------------------------------
    def _call_context(self, options: FinalRequestOptions) -> CallContext:
        timeout = self._timeout if isinstance(options.timeout, NotGiven) else options.timeout
        return self._context.start(options, attempt_timeout=attempt_timeout(timeout))

    def _request_builder(self, ctx: CallContext, *, cast_to: object, stream: bool) -> Attempts:
        """Builds each attempt's request of one call; the idempotency key is the call's."""
        options = ctx.options
        headers = merge_headers(self.default_headers, self._call_headers(options, cast_to, stream))
        form = None
        if options.files is not None:
            form = encode_multipart(form_fields(options.json_body()), options.files)
            # The form's own Content-Type (with its boundary) and length replace JSON's.
            headers = merge_headers(headers, form.headers)
        return Attempts(
            self._client,
            method=options.method.upper(),
            url=self._url_for(options.url),
            params=self._query(options.params),
            headers=headers,
            json=None if form is not None else options.json_body(),
            timeout=self._stream_timeout(ctx) if stream else self._http_timeout(options),
            upload=None if form is None else self._upload(form, options.upload_progress),
            retry_count_header=self._retry_count_header,
        )

    def _upload(self, form: MultipartForm, progress: ProgressCallback | None) -> Upload:
        raise NotImplementedError

    def _query(self, params: Query) -> tuple[tuple[str, str], ...] | None:
        """The base URL's query, then the default query, then the call's (later wins)."""
        if not (params or self._default_query):
            return self._base_query or None
        items = tuple(self._query_format.stringify_items({**self._default_query, **params}))
        called = {name for name, _ in items}
        kept = tuple(pair for pair in self._base_query if pair[0] not in called)
        return kept + items or None

    def _call_headers(
        self, options: FinalRequestOptions, cast_to: object, stream: bool
    ) -> dict[str, str | Omit]:
        """The headers only this call adds: its idempotency key, a stream's Accept, its own."""
        added: dict[str, str | Omit] = {}
        key = self._idempotency_key(options)
        if key is not None and self._idempotency_header is not None:
            added[self._idempotency_header] = key
        if stream and not is_jsonl_target(cast_to):
            added["Accept"] = _EVENT_STREAM
        # The call's own headers win, even over the idempotency key and Accept.
        return {**added, **options.headers}

    def _idempotency_key(self, options: FinalRequestOptions) -> str | None:
        if options.idempotency_key is not None:
            return options.idempotency_key
        if self._idempotency_header is None or options.method.upper() in _SAFE_METHODS:
            return None
        return f"sdkcore-{uuid.uuid4()}"

    def _http_timeout(self, options: FinalRequestOptions) -> TimeoutTypes:
        return self._timeout if isinstance(options.timeout, NotGiven) else options.timeout

    def _stream_timeout(self, ctx: CallContext) -> httpx2.Timeout:
        # For an event stream with an idle timeout, no single read waits longer than it.
        timeout = httpx2.Timeout(self._http_timeout(ctx.options))
        idle = ctx.idle_timeout
        if idle is None or (timeout.read is not None and timeout.read <= idle):
            return timeout
        return httpx2.Timeout(
            connect=timeout.connect, read=idle, write=timeout.write, pool=timeout.pool
        )

    def _url_for(self, url: str) -> httpx2.URL:
        # Parsing and joining a URL is a sizeable share of a small request's own
        # work; SDK paths repeat, so the result is kept per path (bounded).
        joined = self._joined_urls.get(url)
        if joined is None:
            parsed = httpx2.URL(url)
            joined = parsed if parsed.is_absolute_url else self._base_url.join(url.lstrip("/"))
            if len(self._joined_urls) >= _JOINED_URLS_KEPT:
                self._joined_urls.clear()
            self._joined_urls[url] = joined
        return joined

    def _again(self, request: httpx2.Request, headers: Mapping[str, str]) -> httpx2.Request:
        """``request`` once more, with ``headers`` added (a resume's Range, Last-Event-ID).

        Raises ``BodyNotReplayableError`` for a request whose body was streamed (an upload).
        """
        try:
            content = request.content
        except httpx2.RequestNotRead:
            raise BodyNotReplayableError(
                "A streamed request body (an upload) is not sent again to resume a stream or "
                "a download."
            ) from None
        return self._client.build_request(
            request.method,
            request.url,
            # httpx2 lists header names in lower case: a new value replaces, never adds.
            headers={**request.headers, **{name.lower(): value for name, value in headers.items()}},
            content=content,
            extensions=request.extensions,
        )

    @staticmethod
    def _reads_body(stream: bool, options: FinalRequestOptions) -> bool:
        return not stream and options.return_mode is not ReturnMode.STREAMED

    def __repr__(self) -> str:
        secrets = self._context.secrets
        headers = secrets.redact_headers(
            {k: v for k, v in self.default_headers.items() if isinstance(v, str)}
        )
        return (
            f"<{type(self).__name__} base_url={secrets.url(self._base_url)!r} headers={headers!r}>"
        )
