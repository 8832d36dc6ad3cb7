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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias
from urllib.parse import parse_qsl, unquote_plus

from typing_extensions import TypeIs

from ._constants import (
    DEFAULT_SECRET_HEADERS,
    DEFAULT_SECRET_QUERY_PARAMS,
    REDACTED,
    REQUEST_ID_HEADER,
)

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
    "redact_headers",
    "redact_url",
    "scrub_secrets",
    "secret_query_values",
    "status_error_class",
]

#: Shorter header values are not scrubbed from text: they would blank out common words.
_MIN_SCRUBBED_LENGTH: Final = 8

#: Headers as a mapping or as ``(name, value)`` pairs (``httpx2.Headers.multi_items()``).
_HeaderItems: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]]


def _is_mapping(headers: _HeaderItems) -> TypeIs[Mapping[str, str]]:
    return isinstance(headers, Mapping)


def _pairs(headers: _HeaderItems) -> Iterable[tuple[str, str]]:
    return headers.items() if _is_mapping(headers) else headers


def redact_headers(
    headers: _HeaderItems,
    secret: Iterable[str] = DEFAULT_SECRET_HEADERS,
) -> dict[str, str]:
    """Return a copy of ``headers`` with every secret value replaced by ``<redacted>``.

    Names are compared case-insensitively. Every repr, log line and error message
    in sdkcore that shows headers goes through this function.

    >>> redact_headers({"Authorization": "Bearer sk-1", "Accept": "*/*"})
    {'Authorization': '<redacted>', 'Accept': '*/*'}
    """
    lowered = {name.lower() for name in secret}
    return {name: REDACTED if name.lower() in lowered else value for name, value in _pairs(headers)}


def redact_url(url: object, secret: Iterable[str] = DEFAULT_SECRET_QUERY_PARAMS) -> str:
    """``url`` as text with the value of every secret query parameter replaced.

    Every URL sdkcore shows (log lines, reprs, errors, spans) goes through this
    function. Names are compared case-insensitively; the rest of the URL is kept
    exactly as given.

    >>> redact_url("https://h/v1/x?key=sk-123&limit=2")
    'https://h/v1/x?key=<redacted>&limit=2'
    """
    text = str(url)
    base, mark, query = text.partition("?")
    if not mark:
        return text
    query, hash_mark, fragment = query.partition("#")
    lowered = {name.lower() for name in secret}
    parts: list[str] = []
    for part in query.split("&"):
        name, equals, _ = part.partition("=")
        secret_name = unquote_plus(name).lower() in lowered
        parts.append(f"{name}={REDACTED}" if equals and secret_name else part)
    return f"{base}?{'&'.join(parts)}{hash_mark}{fragment}"


def secret_query_values(url: object, secret: Iterable[str]) -> list[str]:
    """The decoded values of the secret query parameters in ``url``."""
    _, mark, query = str(url).partition("?")
    if not mark:
        return []
    lowered = {name.lower() for name in secret}
    pairs = parse_qsl(query.partition("#")[0], keep_blank_values=True)
    return [value for name, value in pairs if name.lower() in lowered]


def scrub_secrets(
    text: str,
    headers: _HeaderItems,
    secret: Iterable[str] = DEFAULT_SECRET_HEADERS,
    *,
    also: Iterable[str] = (),
) -> str:
    """Return ``text`` with the value of every secret header in ``headers`` replaced.

    For servers that echo a credential back in an error body. A value with a scheme
    (``Bearer sk-1...``) is scrubbed whole and as its token alone; ``also`` lists
    further secret values (those of secret query parameters).

    >>> scrub_secrets("bad key sk-12345678", {"X-Api-Key": "sk-12345678"}, {"x-api-key"})
    'bad key <redacted>'
    """
    for value in _secret_values(headers, secret, also):
        text = text.replace(value, REDACTED)
    return text


def _secret_values(headers: _HeaderItems, secret: Iterable[str], also: Iterable[str]) -> list[str]:
    lowered = {name.lower() for name in secret}
    values: list[str] = list(also)
    for name, value in _pairs(headers):
        if name.lower() in lowered:
            values += [value, value.partition(" ")[2].strip()]
    # Longest first, so that a token never breaks up the whole value before it is replaced.
    return sorted((v for v in values if len(v) >= _MIN_SCRUBBED_LENGTH), key=len, reverse=True)


@dataclass(frozen=True, slots=True)
class Secrets:
    """The names whose values are never shown: headers and query parameters (lower case).

    >>> Secrets.of({"X-Api-Key"}, {"key"}).url("https://h/?key=k1")
    'https://h/?key=<redacted>'
    """

    headers: frozenset[str] = DEFAULT_SECRET_HEADERS
    query: frozenset[str] = DEFAULT_SECRET_QUERY_PARAMS

    @classmethod
    def of(cls, headers: Iterable[str], query: Iterable[str]) -> Secrets:
        """Secrets from names in any case; ``authorization`` is always secret."""
        lowered = frozenset({"authorization", *(name.lower() for name in headers)})
        return cls(lowered, frozenset(name.lower() for name in query))

    def redact_headers(self, headers: _HeaderItems) -> dict[str, str]:
        """``headers`` with secret values replaced; see ``redact_headers``."""
        return redact_headers(headers, self.headers)

    def url(self, url: object) -> str:
        """``url`` with secret query values replaced; see ``redact_url``."""
        return redact_url(url, self.query)

    def scrub(self, text: str, request: httpx2.Request) -> str:
        """``text`` without any secret that ``request`` carried, in a header or the query."""
        also = secret_query_values(request.url, self.query)
        return scrub_secrets(text, request.headers.multi_items(), self.headers, also=also)


class SdkError(Exception):
    """Base class of every error sdkcore raises."""


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
    """The API answered with a 4xx or 5xx status."""

    response: httpx2.Response
    status_code: int
    request_id: str | None
    #: The delay the server asked for when it was longer than the client waits.
    retry_after: float | None = None

    def __init__(self, message: str, *, response: httpx2.Response, body: object | None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id = response.headers.get(REQUEST_ID_HEADER)


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


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The ``APIStatusError`` subclass for ``status_code`` (``InternalServerError`` for 5xx)."""
    if status_code >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status_code, APIStatusError)
