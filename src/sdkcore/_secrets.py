"""The one place that keeps secrets out of what sdkcore shows: headers, URLs, messages.

Every repr, log line, error message and span that shows headers goes through
``redact_headers``, every URL through ``redact_url``, and every message built from a
server's words through ``scrub_secrets``. ``Secrets`` bundles the names one client
treats as secret (headers and query parameters, compared case-insensitively).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias
from urllib.parse import parse_qsl, unquote_plus

from typing_extensions import TypeIs

from ._constants import DEFAULT_SECRET_HEADERS, DEFAULT_SECRET_QUERY_PARAMS, REDACTED

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "DEFAULT_SECRETS",
    "Secrets",
    "redact_headers",
    "redact_params",
    "redact_url",
    "same_origin",
    "scrub_secrets",
    "secret_query_values",
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


def redact_url(
    url: object, secret: Iterable[str] = DEFAULT_SECRET_QUERY_PARAMS, *, userinfo: str = REDACTED
) -> str:
    """``url`` as text with its credentials replaced: the value of every secret query
    parameter, and a ``user:password@`` (by ``userinfo``).

    Every URL sdkcore shows (log lines, reprs, errors, spans) goes through this
    function. Names are compared case-insensitively; the rest of the URL is kept
    exactly as given.

    >>> redact_url("https://me:pw@h/v1/x?key=sk-123&limit=2")
    'https://<redacted>@h/v1/x?key=<redacted>&limit=2'
    """
    text = _without_userinfo(str(url), userinfo)
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


def redact_params(
    params: Mapping[str, object], secret: Iterable[str] = DEFAULT_SECRET_QUERY_PARAMS
) -> dict[str, object]:
    """``params`` (query parameters by name) with the value of every secret one replaced.

    >>> redact_params({"api_key": "sk-1", "limit": 2})
    {'api_key': '<redacted>', 'limit': 2}
    """
    lowered = {name.lower() for name in secret}
    return {name: REDACTED if name.lower() in lowered else value for name, value in params.items()}


def same_origin(a: httpx2.URL, b: httpx2.URL) -> bool:
    """Whether ``a`` and ``b`` share scheme, host and port: where credentials may go.

    httpx2 leaves a scheme's default port out of ``URL.port``, so ``:443`` matches none.
    """
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _without_userinfo(text: str, placeholder: str) -> str:
    scheme, separator, rest = text.partition("://")
    if not separator:
        return text
    authority = rest
    for mark in "/?#":
        authority = authority.partition(mark)[0]
    at = authority.rfind("@")
    return text if at < 0 else f"{scheme}://{placeholder}{rest[at:]}"


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

    def params(self, params: Mapping[str, object]) -> dict[str, object]:
        """``params`` with secret query values replaced; see ``redact_params``."""
        return redact_params(params, self.query)

    def url(self, url: object, *, userinfo: str = REDACTED) -> str:
        """``url`` with its credentials replaced; see ``redact_url``."""
        return redact_url(url, self.query, userinfo=userinfo)

    def scrub(self, text: str, request: httpx2.Request) -> str:
        """``text`` without any secret that ``request`` carried, in a header or the query."""
        also = secret_query_values(request.url, self.query)
        return scrub_secrets(text, request.headers.multi_items(), self.headers, also=also)


#: sdkcore's default secret names, for what is shown without a client at hand.
DEFAULT_SECRETS: Final = Secrets.of(DEFAULT_SECRET_HEADERS, DEFAULT_SECRET_QUERY_PARAMS)
