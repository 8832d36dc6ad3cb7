"""``PageInfo`` and what follows from one: the next request, its token, repeat detection.

A page's ``next_page_info()`` says how the next request differs from the listing's first
one. From that, without I/O: ``next_request`` builds the next request's options (the
first call's, with the page info applied; never towards another origin),
``encode_token`` / ``decode_token`` turn it into a continuation token and back, and
``Trail`` notices a server that leads the listing round in circles.

A continuation token is ``v1.`` and the unpadded base64url of a compact JSON object:
``p`` the page info's params, ``u`` its url, ``j`` its json (members left out when
empty). It names the next request relative to the listing's first one, so the same SDK
call made with the token asks for exactly that page, in any process.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

import httpx2

from ._exceptions import SdkError
from ._secrets import same_origin
from ._typing import is_json_object

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._exceptions import Secrets
    from ._options import FinalRequestOptions

__all__ = [
    "FIRST_TRAIL",
    "MAX_TOKEN_LENGTH",
    "RECENT_KEPT",
    "NextPage",
    "PageInfo",
    "PaginationError",
    "Trail",
    "decode_token",
    "describe",
    "encode_token",
    "listing_start",
    "next_request",
]

_TOKEN_VERSION: Final = "v1"
#: Longer than any token a page makes (a long link is a few KiB); longer is refused unread.
MAX_TOKEN_LENGTH: Final = 16_384
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]*")
_WIRE_KEYS: Final = frozenset({"p", "u", "j"})
#: How many of the latest page infos a trail keeps (16-byte digests each).
RECENT_KEPT: Final = 128


class PaginationError(SdkError):
    """A listing cannot go on: the server repeated a page, or a token or link is unusable.

    >>> try:
    ...     things = list(client.things.list())
    ... except PaginationError as exc:
    ...     print(exc)
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class PageInfo:
    """How the next page's request differs from the listing's first request.

    ``params`` are query parameters (replacing the first request's of the same name),
    ``url`` a whole URL (absolute on the same origin, or relative to the client's base
    URL), ``json`` members merged into the first request's JSON body (POST listings).

    >>> PageInfo(params={"after": "t_42"})
    PageInfo(params={'after': 't_42'}, url=None, json=None)
    """

    params: Mapping[str, object] | None = None
    url: str | httpx2.URL | None = None
    json: Mapping[str, object] | None = None


def _wire(info: PageInfo) -> bytes:
    """``info`` as the compact JSON a token carries; equal infos give equal bytes."""
    wire: dict[str, object] = {}
    if info.params:
        wire["p"] = dict(info.params)
    if info.url is not None:
        wire["u"] = str(info.url)
    if info.json:
        wire["j"] = dict(info.json)
    text = json.dumps(wire, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)
    return text.encode()


def encode_token(info: PageInfo) -> str:
    """The continuation token naming the page ``info`` leads to (URL-safe).

    >>> encode_token(PageInfo(params={"after": "t_42"}))
    'v1.eyJwIjp7ImFmdGVyIjoidF80MiJ9fQ'
    """
    data = base64.urlsafe_b64encode(_wire(info)).rstrip(b"=").decode("ascii")
    return f"{_TOKEN_VERSION}.{data}"


def decode_token(token: str) -> PageInfo:
    """The ``PageInfo`` a continuation token names.

    Raises ``PaginationError`` for anything ``encode_token`` did not make, before any
    request is sent and in time bounded by ``MAX_TOKEN_LENGTH``.

    >>> decode_token("v1.eyJwIjp7ImFmdGVyIjoidF80MiJ9fQ").params
    {'after': 't_42'}
    """
    payload = _token_payload(token)
    if not is_json_object(payload) or not payload.keys() <= _WIRE_KEYS:
        raise PaginationError(_damaged("it does not describe a page"))
    params, url, body = payload.get("p"), payload.get("u"), payload.get("j")
    if not ((params is None or is_json_object(params)) and (body is None or is_json_object(body))):
        raise PaginationError(_damaged("its params or json are not JSON objects"))
    if url is not None and not isinstance(url, str):
        raise PaginationError(_damaged("its url is not a string"))
    return PageInfo(params=params, url=url, json=body)


def _token_payload(token: object) -> object:
    if not isinstance(token, str):
        raise PaginationError(f"A continuation token is a str, got {type(token).__name__}.")
    if len(token) > MAX_TOKEN_LENGTH:
        raise PaginationError(_damaged(f"it is longer than {MAX_TOKEN_LENGTH} characters"))
    version, dot, data = token.partition(".")
    if not dot or version != _TOKEN_VERSION:
        raise PaginationError(_damaged(f"it does not start with {_TOKEN_VERSION + '.'!r}"))
    if not _BASE64URL.fullmatch(data):
        raise PaginationError(_damaged("it has characters outside base64url"))
    try:
        return json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise PaginationError(_damaged("its content is not base64url-encoded JSON")) from None


def _damaged(reason: str) -> str:
    return (
        f"This is not a continuation token sdkcore made ({reason}); pass the "
        "continuation_token of a page, unchanged."
    )


def _digest(info: PageInfo) -> bytes:
    return hashlib.blake2b(_wire(info), digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class Trail:
    """The pages a listing asked for, in bounded memory: is the server going round?

    The latest ``RECENT_KEPT`` page infos are kept (as digests), which catches a server
    repeating a recent cursor or link at once; a longer cycle is caught by Brent's
    method (each page is compared with a checkpoint moved at doubling distances), within
    a few times the cycle's length.
    """

    recent: tuple[bytes, ...]
    mark: bytes
    since_mark: int = 0
    span: int = 1

    @classmethod
    def starting_at(cls, info: PageInfo) -> Trail:
        """The trail of a listing whose first request is ``info`` (``PageInfo()``: the first)."""
        digest = _digest(info)
        return cls((digest,), digest)

    def then(self, info: PageInfo) -> Trail | None:
        """The trail after asking for ``info``; ``None`` when it was asked for before."""
        digest = _digest(info)
        if digest == self.mark or digest in self.recent:
            return None
        recent = (*self.recent[1 - RECENT_KEPT :], digest)
        if self.since_mark + 1 >= self.span:
            return Trail(recent, digest, 0, self.span * 2)
        return Trail(recent, self.mark, self.since_mark + 1, self.span)


#: The trail of a listing at its first page (frozen, so shared by every listing).
FIRST_TRAIL: Final = Trail.starting_at(PageInfo())


@dataclass(frozen=True, slots=True)
class NextPage:
    """A page to ask for: the request to send, and its place in the listing.

    ``token`` names the page (``None`` for a listing's own first page); a failed fetch
    raises carrying it.
    """

    options: FinalRequestOptions
    first: FinalRequestOptions
    trail: Trail
    token: str | None


def listing_start(first: FinalRequestOptions, token: str | None, *, origin: httpx2.URL) -> NextPage:
    """The first request of a listing, or of its continuation at ``token``.

    ``token`` defaults to ``first.continuation_token``. The request keeps how the
    caller asked to be answered (raw, streamed). Raises ``PaginationError`` for a
    malformed token or one naming a URL on another origin than ``origin``.
    """
    token = token if token is not None else first.continuation_token
    plain = replace(first, continuation_token=None)
    if token is None:
        return NextPage(first, plain, FIRST_TRAIL, None)
    info = decode_token(token)
    options = next_request(plain, info, origin=origin)
    options.return_mode, options.response_cls = first.return_mode, first.response_cls
    return NextPage(options, plain, Trail.starting_at(info), token)


def next_request(
    first: FinalRequestOptions, info: PageInfo, *, origin: httpx2.URL
) -> FinalRequestOptions:
    """The options of the request ``info`` names: the first call's, with ``info`` applied.

    Headers, query, timeout and max_retries stay; the idempotency key is the new call's
    own. Raises ``PaginationError`` for an absolute URL on another origin than ``origin``
    (the listing's credentials never go there), ``TypeError`` when ``info.json`` meets a
    first body that is not a JSON object.
    """
    params = dict(first.params)
    url = first.url
    if info.url is not None:
        target = _on_origin(info.url, origin)
        url = str(target)
        params = {name: value for name, value in params.items() if name not in target.params}
    params.update(info.params or {})
    return replace(
        first,
        url=url,
        params=params,
        json_data=_merged_body(first.json_data, info.json),
        idempotency_key=None,
        continuation_token=None,
    )


def _on_origin(url: str | httpx2.URL, origin: httpx2.URL) -> httpx2.URL:
    try:
        target = httpx2.URL(url)
    except httpx2.InvalidURL as exc:
        raise PaginationError(f"The next page's URL is not a valid URL: {exc}") from None
    if target.is_absolute_url and not same_origin(target, origin):
        raise PaginationError(
            f"The next page is on another origin ({target.scheme}://{target.host}) than the "
            f"listing ({origin.scheme}://{origin.host}); it is not fetched, so that the "
            "listing's credentials do not travel there."
        )
    return target


def _merged_body(body: object | None, members: Mapping[str, object] | None) -> object | None:
    if not members:
        return body
    if body is None:
        return dict(members)
    if is_json_object(body):
        return {**body, **members}
    raise TypeError(
        f"PageInfo.json is merged into the first request's JSON object body, "
        f"but that body is a {type(body).__name__}."
    )


def describe(info: PageInfo, secrets: Secrets) -> str:
    """``info`` in words for an error message, secret query values redacted."""
    parts: list[str] = []
    if info.params:
        parts.append(f"params {secrets.params(info.params)!r}")
    if info.url is not None:
        parts.append(f"url {secrets.url(info.url)!r}")
    if info.json:
        parts.append(f"json members {sorted(info.json)!r}")
    return ", ".join(parts) or "its first request"
