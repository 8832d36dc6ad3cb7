"""Every error sdkcore raises, and the one place that redacts secrets.

The tree::

    SdkError
    ├── SSEDecodeError             a malformed or oversized event stream
    │   └── JSONLDecodeError       an oversized JSON Lines line
    ├── BodyTooLargeError          a body over the client's ``max_body_size``
    ├── StreamAlreadyConsumed      ``read()`` after the body was iterated
    ├── MissingStreamClassError    ``stream=True`` without a stream class
    └── APIError                   anything the API or the network did
        ├── APIConnectionError     the request never got a complete response
        │   └── APITimeoutError
        ├── APIResponseValidationError  the body did not fit the declared type
        └── APIStatusError         a 4xx/5xx answer; one subclass per status
            ├── BadRequestError 400, AuthenticationError 401,
            ├── PermissionDeniedError 403, NotFoundError 404, ConflictError 409,
            ├── UnprocessableEntityError 422, RateLimitError 429
            └── InternalServerError >= 500
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ._constants import REQUEST_ID_HEADER
from ._secrets import DEFAULT_SECRETS, Secrets
from ._typing import is_json_object

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "STATUS_ERRORS",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BodyTooLargeError",
    "ConflictError",
    "InternalServerError",
    "JSONLDecodeError",
    "MissingStreamClassError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "SSEDecodeError",
    "SdkError",
    "Secrets",
    "StreamAlreadyConsumed",
    "UnprocessableEntityError",
    "status_error_class",
]


class SdkError(Exception):
    """Base class of every error sdkcore raises.

    Every ``SdkError`` survives ``pickle`` (to cross process boundaries): it is rebuilt
    from its attributes, not its constructor, and the requests it carries are
    pickled with their secret headers redacted.
    """

    #: The names whose values a pickled copy leaves out (the client's, when it made it).
    _secrets: Secrets = DEFAULT_SECRETS
    #: For an error while fetching a listing's next page: the token that resumes the
    #: listing exactly at that page (``get_api_list(..., continuation_token=...)``).
    continuation_token: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        state = {name: _safe_to_pickle(value, self._secrets) for name, value in vars(self).items()}
        request = vars(self).get("request")
        if "body" in state and request is not None:
            # A server may echo the credential it got: a pickle never carries it.
            state["body"] = _scrubbed(state["body"], self._secrets, request)
        return (_rebuilt, (type(self), self.args, state))


class SSEDecodeError(SdkError):
    """An event stream broke a limit (an event over ``max_event_size``)."""


class JSONLDecodeError(SSEDecodeError):
    """A JSON Lines body broke a limit (a line over ``max_line_size``).

    A subclass of ``SSEDecodeError``, so code that catches the decode errors of
    both streamed formats keeps working.
    """


class BodyTooLargeError(SdkError):
    """A response body grew past the client's ``max_body_size`` while being read."""


class StreamAlreadyConsumed(SdkError):  # noqa: N818  # the contract names it
    """The body was already streamed through an iterator, so it cannot be read again.

    Call ``read()`` (or ``parse()``) before iterating, or keep the chunks
    yourself while iterating.
    """


class MissingStreamClassError(SdkError, TypeError):
    """``stream=True`` was asked for, but no ``stream_cls`` and no client default exist."""

    def __init__(self) -> None:
        super().__init__(
            "The request asked for a stream but no stream class was given: pass "
            "`stream_cls=Stream[YourChunk]` to the request or set `_default_stream_cls` "
            "on the client."
        )


class APIError(SdkError):
    """An error from the API or from the network under it.

    ``body`` is the decoded JSON body when there was one, else its text, else ``None``.
    """

    message: str
    request: httpx2.Request
    body: object | None

    def __init__(self, message: str, request: httpx2.Request, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body

    def __str__(self) -> str:
        return self.message


class APIResponseValidationError(APIError):
    """The response did not match the type the call declared; ``body`` holds what came."""

    response: httpx2.Response
    status_code: int

    def __init__(
        self, response: httpx2.Response, body: object | None, *, message: str | None = None
    ) -> None:
        super().__init__(
            message or "Data returned by API invalid for expected schema.",
            response.request,
            body=body,
        )
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with a 4xx or 5xx status.

    ``code``, ``param`` and ``type`` come from the body's ``error`` object (or the body
    itself), ``None`` when absent.
    """

    response: httpx2.Response
    status_code: int
    request_id: str | None
    code: str | None
    param: str | None
    type: str | None
    #: The delay the server asked for when it was longer than the client waits.
    retry_after: float | None = None

    def __init__(self, message: str, *, response: httpx2.Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get(REQUEST_ID_HEADER)
        fields = _error_fields(body)
        self.code, self.param, self.type = (_text(fields.get(k)) for k in ("code", "param", "type"))


class APIConnectionError(APIError):
    """No complete response arrived: the connection failed, was cut or was refused."""

    def __init__(self, *, message: str = "Connection error.", request: httpx2.Request) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """A connect, read, write, pool, deadline or stream idle timeout expired."""

    def __init__(self, request: httpx2.Request, *, message: str = "Request timed out.") -> None:
        super().__init__(message=message, request=request)


class BadRequestError(APIStatusError):
    """400 Bad Request."""


class AuthenticationError(APIStatusError):
    """401 Unauthorized."""


class PermissionDeniedError(APIStatusError):
    """403 Forbidden."""


class NotFoundError(APIStatusError):
    """404 Not Found."""


class ConflictError(APIStatusError):
    """409 Conflict."""


class UnprocessableEntityError(APIStatusError):
    """422 Unprocessable Entity."""


class RateLimitError(APIStatusError):
    """429 Too Many Requests."""


class InternalServerError(APIStatusError):
    """Any 5xx status."""


#: The error class for each status that has its own; see ``status_error_class``.
STATUS_ERRORS: Final[Mapping[int, type[APIStatusError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def _error_fields(body: object | None) -> Mapping[str, object]:
    """The object an error body describes its error in: ``body["error"]``, or the body."""
    if not is_json_object(body):
        return {}
    inner = body.get("error")
    return inner if is_json_object(inner) else body


def _text(value: object) -> str | None:
    return None if value is None or isinstance(value, Mapping | list) else str(value)


def _rebuilt(cls: type[SdkError], args: tuple[object, ...], state: dict[str, object]) -> SdkError:
    """An error unpickled: made without its constructor, its attributes restored."""
    error = cls.__new__(cls)
    error.args = args
    vars(error).update(state)
    return error


def _safe_to_pickle(value: object, secrets: Secrets) -> object:
    """``value`` for a pickle: a request (alone or a response's) without its secret headers."""
    import httpx2

    if isinstance(value, httpx2.Request):
        return _redacted_request(value, secrets)
    if isinstance(value, httpx2.Response):
        content = b""
        if _was_read(value):  # a read body travels, without a credential the server echoed
            text = value.content.decode("utf-8", errors="replace")
            content = secrets.scrub(text, value.request).encode()
        copy = httpx2.Response(value.status_code, headers=value.headers, content=content)
        copy.request = _redacted_request(value.request, secrets)
        return copy
    return value


def _scrubbed(value: object, secrets: Secrets, request: httpx2.Request) -> object:
    """A decoded JSON value with every secret the request carried scrubbed from its strings."""
    if isinstance(value, str):
        return secrets.scrub(value, request)
    if isinstance(value, list):
        items: list[object] = value  # pyright: ignore[reportUnknownVariableType]  # decoded JSON
        return [_scrubbed(item, secrets, request) for item in items]
    if is_json_object(value):
        return {key: _scrubbed(item, secrets, request) for key, item in value.items()}
    return value


def _redacted_request(request: httpx2.Request, secrets: Secrets) -> httpx2.Request:
    import httpx2

    headers = secrets.redact_headers(request.headers.multi_items())
    return httpx2.Request(request.method, secrets.url(request.url), headers=headers)


def _was_read(response: httpx2.Response) -> bool:
    return hasattr(response, "_content")


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The ``APIStatusError`` subclass for ``status_code`` (``InternalServerError`` for 5xx)."""
    if status_code >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status_code, APIStatusError)
