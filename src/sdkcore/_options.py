"""Per-request options: what an SDK method passes to the client.

The response wrappers speak to the client through two sentinel request headers
(``RAW_RESPONSE_HEADER``, ``OVERRIDE_CAST_TO_HEADER``). They are decoded here,
once, into ``FinalRequestOptions.return_mode`` and ``.response_cls`` and removed
from the headers, so they never reach the server and no other module parses them.
The response class itself never travels as a header value: a custom wrapper puts it
in ``response_class_slot`` (a context variable) for the duration of the call, and
the override header only marks the request that takes it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypedDict

from ._constants import (
    OVERRIDE_CAST_TO_HEADER,
    RAW_RESPONSE_HEADER,
)
from ._secrets import redact_headers, redact_params, redact_url
from ._types import (
    NOT_GIVEN,
    Headers,
    NotGiven,
    Omit,
    PostParser,
    ProgressCallback,
    Query,
    TimeoutTypes,
)
from ._typing import is_json_object

if TYPE_CHECKING:
    from ._multipart import RequestFiles

__all__ = [
    "FinalRequestOptions",
    "RequestOptions",
    "ReturnMode",
    "make_request_options",
    "response_class_slot",
]


class ReturnMode(enum.Enum):
    """What a call hands back: the parsed object, the read response, or the unread one."""

    PARSED = "parsed"
    RAW = "raw"
    STREAMED = "stream"


class RequestOptions(TypedDict, total=False):
    """The ``options`` dict SDK methods pass to ``client.get/post/...``."""

    headers: Headers
    params: Query
    extra_json: Mapping[str, object]
    timeout: TimeoutTypes
    max_retries: int
    idempotency_key: str
    post_parser: PostParser
    stream_idle_timeout: float | None
    sse_reconnect: int
    upload_progress: ProgressCallback
    continuation_token: str
    path_template: str


#: The response class a custom wrapper asked for, set for the duration of one wrapped
#: call; the request carrying ``OVERRIDE_CAST_TO_HEADER`` takes it.
response_class_slot: Final[ContextVar[type[Any] | None]] = ContextVar(
    "sdkcore_response_class", default=None
)
_MODES: Final = {mode.value: mode for mode in ReturnMode}


@dataclass(slots=True, kw_only=True)
class FinalRequestOptions:
    """Everything the client needs to send one call, retries included.

    ``return_mode`` and ``response_cls`` are decoded from the sentinel headers.

    >>> options = FinalRequestOptions(method="get", url="/things", params={"limit": 2})
    >>> client.request(Page, options)
    """

    method: str
    url: str
    params: Query = field(default_factory=dict[str, object])
    headers: Headers = field(default_factory=dict[str, "str | Omit"])
    json_data: object | None = None
    extra_json: Mapping[str, object] | None = None
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    idempotency_key: str | None = None
    post_parser: PostParser | NotGiven = NOT_GIVEN
    stream_idle_timeout: float | NotGiven | None = NOT_GIVEN
    sse_reconnect: int = 0
    files: RequestFiles | None = None
    upload_progress: ProgressCallback | None = None
    continuation_token: str | None = None
    path_template: str | None = None
    return_mode: ReturnMode = field(init=False, default=ReturnMode.PARSED)
    response_cls: type[Any] | None = field(init=False, default=None)

    def __repr__(self) -> str:
        # Header values and query parameters may carry credentials: shown redacted.
        params = redact_params(self.params)
        return (
            f"FinalRequestOptions(method={self.method!r}, url={redact_url(self.url)!r}, "
            f"params={params!r}, headers={redact_headers(_as_text(self.headers))!r}, "
            f"json_data={self.json_data!r}, return_mode={self.return_mode})"
        )

    def __post_init__(self) -> None:
        headers: dict[str, str | Omit] = {}
        for name, value in self.headers.items():
            lowered = name.lower()
            if lowered == _RAW_LOWER:
                self.return_mode = _return_mode(value)
            elif lowered == _OVERRIDE_LOWER:
                self.response_cls = _taken_response_class(value)
            else:
                headers[name] = _header_value(name, value)
        self.headers = headers

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        *,
        body: object | None = None,
        files: RequestFiles | None = None,
        options: RequestOptions,
    ) -> FinalRequestOptions:
        """Options for ``method url`` with ``body``, ``files`` and the SDK method's ``options``."""
        return cls(method=method, url=url, json_data=body, files=files, **options)

    def json_body(self) -> object | None:
        """The JSON body to send: ``json_data`` merged with ``extra_json``."""
        if not self.extra_json:
            return self.json_data
        if self.json_data is None:
            return dict(self.extra_json)
        if is_json_object(self.json_data):
            return {**self.json_data, **self.extra_json}
        raise TypeError("extra_body can only be merged into a JSON object body")


def _header_value(name: str, value: object) -> str | Omit:
    # Checked here, where the mistake can be named: callers outside a type checker
    # pass anything, and httpx2 would fail deep inside with a less helpful error.
    if isinstance(value, str | Omit):
        return value
    raise TypeError(
        f"Header {name!r} has a {type(value).__name__} value; header values must be str "
        "(or Omit() to remove a default header)."
    )


def _return_mode(value: object) -> ReturnMode:
    mode = _MODES.get(value) if isinstance(value, str) else None
    if mode is None:
        raise TypeError(
            f"{RAW_RESPONSE_HEADER} must be one of {sorted(_MODES)}, got {value!r}; "
            "the response wrappers (to_raw_response_wrapper, ...) set it for you."
        )
    return mode


def _taken_response_class(value: object) -> type[Any]:
    response_cls = response_class_slot.get()
    if response_cls is None or not isinstance(value, str):
        raise TypeError(
            f"{OVERRIDE_CAST_TO_HEADER} is set only by the custom response wrappers "
            "(to_custom_raw_response_wrapper, ...); pass the response class to one of them."
        )
    # Taken by this request only: further requests of the same wrapped call parse as declared.
    response_class_slot.set(None)
    return response_cls


def _as_text(headers: Headers) -> dict[str, str]:
    return {name: str(value) for name, value in headers.items()}


_RAW_LOWER = RAW_RESPONSE_HEADER.lower()
_OVERRIDE_LOWER = OVERRIDE_CAST_TO_HEADER.lower()


def make_request_options(
    *,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
    extra_body: Mapping[str, object] | None = None,
    timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    post_parser: PostParser | NotGiven = NOT_GIVEN,
    max_retries: int | NotGiven = NOT_GIVEN,
    idempotency_key: str | None = None,
    stream_idle_timeout: float | NotGiven | None = NOT_GIVEN,
    sse_reconnect: int | NotGiven = NOT_GIVEN,
    upload_progress: ProgressCallback | None = None,
    continuation_token: str | None = None,
    path_template: str | None = None,
) -> RequestOptions:
    """Build the ``options`` an SDK method passes on; an argument left out changes nothing.

    ``upload_progress(bytes_sent, total)`` follows a multipart upload;
    ``continuation_token`` starts a listing where a page's token says;
    ``path_template`` (``"/things/{thing_id}"``) names the call in traces.

    >>> def get(self, id: str, *, extra_headers: Headers | None = None) -> Thing:
    ...     options = make_request_options(extra_headers=extra_headers)
    ...     return self._get(f"/things/{id}", cast_to=Thing, options=options)
    """
    options: RequestOptions = {}
    if extra_headers is not None:
        options["headers"] = extra_headers
    if extra_query is not None:
        options["params"] = extra_query
    if extra_body is not None:
        options["extra_json"] = extra_body
    if idempotency_key is not None:
        options["idempotency_key"] = idempotency_key
    if upload_progress is not None:
        options["upload_progress"] = upload_progress
    if continuation_token is not None:
        options["continuation_token"] = continuation_token
    if path_template is not None:
        options["path_template"] = path_template
    _add_given(options, timeout, post_parser, max_retries, stream_idle_timeout, sse_reconnect)
    return options


def _add_given(
    options: RequestOptions,
    timeout: TimeoutTypes | NotGiven,
    post_parser: PostParser | NotGiven,
    max_retries: int | NotGiven,
    stream_idle_timeout: float | NotGiven | None,
    sse_reconnect: int | NotGiven,
) -> None:
    """The options where ``None`` means something: set unless left out (``NOT_GIVEN``)."""
    if not isinstance(timeout, NotGiven):
        options["timeout"] = timeout
    if not isinstance(post_parser, NotGiven):
        options["post_parser"] = post_parser
    if not isinstance(max_retries, NotGiven):
        options["max_retries"] = max_retries
    if not isinstance(stream_idle_timeout, NotGiven):
        options["stream_idle_timeout"] = stream_idle_timeout
    if not isinstance(sse_reconnect, NotGiven):
        options["sse_reconnect"] = sse_reconnect
