"""Verifying webhooks signed the Standard Webhooks way, then parsing their payload.

A sender signs ``f"{webhook-id}.{webhook-timestamp}.".encode() + body`` with
HMAC-SHA256 and sends ``webhook-signature: v1,<base64> [v1,<base64> ...]``. The
checks run in a fixed order, each with its own `WebhookFailure`: the secret, the
three headers, the timestamp against the clock, the signatures, then the replay
set. Nothing here reads a socket; the clock is ``time.time`` unless ``now=`` is given.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hmac
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

import httpx2

from ._exceptions import SdkError
from ._parsing import parse_body

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, MutableSet

__all__ = ["WebhookFailure", "WebhookVerificationError", "unwrap_webhook", "verify_webhook"]

_T = TypeVar("_T")

ID_HEADER: Final = "webhook-id"
TIMESTAMP_HEADER: Final = "webhook-timestamp"
SIGNATURE_HEADER: Final = "webhook-signature"
_HEADERS: Final = (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER)

#: The prefix of a secret as Standard Webhooks providers show it: ``whsec_<base64>``.
SECRET_PREFIX: Final = "whsec_"
#: The only signature version verified: HMAC-SHA256 with the shared secret.
SIGNATURE_VERSION: Final = "v1"
DEFAULT_TOLERANCE: Final = 300

#: Whole seconds, ASCII digits only; 20 digits keep ``int()`` cheap on hostile input.
_TIMESTAMP: Final = re.compile(r"[0-9]{1,20}")
#: Longest header value quoted back in a message (ids and timestamps are not secret).
_QUOTED_LENGTH: Final = 80


class WebhookFailure(enum.Enum):
    """Which check refused a webhook; each member's value says what to do about it.

    >>> WebhookFailure.REPLAYED.name
    'REPLAYED'
    """

    INVALID_SECRET = (
        "Pass the endpoint's signing secret as the provider shows it (`whsec_` followed by "
        "base64) or the raw key as bytes."
    )
    MISSING_HEADER = (
        "Pass the request's headers as received: a Standard Webhooks sender always sets "
        "webhook-id, webhook-timestamp and webhook-signature."
    )
    DUPLICATE_HEADER = "Refuse the request: a Standard Webhooks sender sets each header once."
    INVALID_TIMESTAMP = (
        "Refuse the request: Standard Webhooks timestamps are whole seconds since the Unix epoch."
    )
    TIMESTAMP_TOO_OLD = (
        "Refuse it, as it may be a replay; if this machine's clock is wrong, fix it, and raise "
        "tolerance= only if deliveries wait that long before they are verified."
    )
    TIMESTAMP_IN_FUTURE = (
        "Check this machine's clock: it and the sender's differ by more than the tolerance."
    )
    INVALID_SIGNATURE_HEADER = (
        "The sender must sign with HMAC-SHA256 (version v1); other versions are not verified."
    )
    NO_MATCHING_SIGNATURE = (
        "Check that the secret is this endpoint's signing secret and that the payload is the "
        "body exactly as received (parsing and re-serialising the JSON changes its bytes)."
    )
    REPLAYED = "It was accepted before: acknowledge it without handling it again."


class WebhookVerificationError(SdkError):
    """A webhook failed verification; ``reason`` says which check, the message what to do.

    The message never contains the secret or a signature.

    >>> try:
    ...     verify_webhook(b"{}", {}, "whsec_c2VjcmV0")
    ... except WebhookVerificationError as exc:
    ...     print(exc.reason.name)
    MISSING_HEADER
    """

    reason: WebhookFailure
    message: str

    def __init__(self, reason: WebhookFailure, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __reduce__(self) -> tuple[type[WebhookVerificationError], tuple[WebhookFailure, str]]:
        # Exception pickles ``args`` alone, which would drop ``reason``.
        return (type(self), (self.reason, self.message))

    def __str__(self) -> str:
        return self.message


def _refuse(reason: WebhookFailure, detail: str) -> WebhookVerificationError:
    return WebhookVerificationError(reason, f"{detail} {reason.value}")


def verify_webhook(
    payload: bytes | str,
    headers: Mapping[str, str] | httpx2.Headers,
    secret: str | bytes,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    seen_ids: MutableSet[str] | None = None,
    now: Callable[[], float] | None = None,
) -> None:
    """Check a Standard Webhooks signature; raise `WebhookVerificationError` if it fails.

    ``payload`` is the body as received (a ``str`` is taken as its UTF-8 bytes).
    ``secret`` is ``whsec_<base64>``, plain base64, or the raw key as ``bytes``.
    Header names match in any case. A timestamp more than ``tolerance`` seconds
    from ``now()`` (default ``time.time``) is refused. With ``seen_ids``, an id
    already in the set is refused as a replay and an accepted id is added; an id
    needs keeping only ``2 * tolerance`` seconds, as older deliveries fail the
    timestamp check. Checking and adding are two steps: guard a set shared by
    threads with a lock. Raises ``ValueError`` for a negative or NaN
    ``tolerance`` and ``TypeError`` for a payload or secret of another type.

    Example::

        seen: set[str] = set()
        verify_webhook(request.body, request.headers, os.environ["WEBHOOK_SECRET"], seen_ids=seen)
    """
    message_id = _verified_id(
        _payload_bytes(payload), headers, secret, tolerance, seen_ids, now or time.time
    )
    if seen_ids is not None:
        seen_ids.add(message_id)


@overload
def unwrap_webhook(
    payload: bytes | str,
    headers: Mapping[str, str] | httpx2.Headers,
    secret: str | bytes,
    *,
    cast_to: type[_T],
    tolerance: float = ...,
    seen_ids: MutableSet[str] | None = ...,
    now: Callable[[], float] | None = ...,
    strict: bool = ...,
) -> _T: ...
@overload
def unwrap_webhook(
    payload: bytes | str,
    headers: Mapping[str, str] | httpx2.Headers,
    secret: str | bytes,
    *,
    cast_to: object,
    tolerance: float = ...,
    seen_ids: MutableSet[str] | None = ...,
    now: Callable[[], float] | None = ...,
    strict: bool = ...,
) -> Any: ...
def unwrap_webhook(
    payload: bytes | str,
    headers: Mapping[str, str] | httpx2.Headers,
    secret: str | bytes,
    *,
    cast_to: Any,
    tolerance: float = DEFAULT_TOLERANCE,
    seen_ids: MutableSet[str] | None = None,
    now: Callable[[], float] | None = None,
    strict: bool = False,
) -> Any:
    """Verify a webhook as `verify_webhook` does, then parse its payload into ``cast_to``.

    The payload is parsed as ``APIResponse.parse()`` parses a JSON body: a
    ``sdkcore.BaseModel``, a (discriminated) union, a ``TypedDict``,
    ``dict[str, object]`` ... Raises `WebhookVerificationError` before any
    parsing, and ``APIResponseValidationError`` for a payload that is not JSON
    or, when ``strict`` is true, does not fit ``cast_to`` (lenient, the client
    default, keeps it as sent). A union or ``Annotated`` target is typed ``Any``:
    annotate the variable. With ``seen_ids``, the id is added only once the
    payload has parsed, so the sender's redelivery after a parse error is not a replay.

    Example::

        event: InvoiceEvent = unwrap_webhook(
            request.body, request.headers, secret, cast_to=InvoiceEvent
        )
    """
    body = _payload_bytes(payload)
    message_id = _verified_id(body, headers, secret, tolerance, seen_ids, now or time.time)
    value = parse_body(cast_to, _as_response(body), strict=strict)
    if seen_ids is not None:
        seen_ids.add(message_id)
    return value


def _payload_bytes(payload: object) -> bytes:
    if isinstance(payload, str):
        return payload.encode("utf-8")
    if isinstance(payload, bytes):
        return payload
    raise TypeError(
        f"A webhook payload is the body as received, bytes or str, not "
        f"{type(payload).__name__}: parsed and re-serialised JSON no longer matches "
        "the signature."
    )


def _as_response(body: bytes) -> httpx2.Response:
    # The request only gives a validation error something to point at: the URL
    # the webhook arrived on is the receiver's, unknown here.
    return httpx2.Response(
        200,
        headers={"content-type": "application/json"},
        content=body,
        request=httpx2.Request("POST", "https://webhook.invalid/"),
    )


@dataclass(frozen=True)
class _Delivery:
    """The three headers of one delivery, read and checked for presence."""

    message_id: str
    timestamp: str
    signatures: list[str]


def _verified_id(
    payload: bytes,
    headers: Mapping[str, str],
    secret: str | bytes,
    tolerance: float,
    seen_ids: MutableSet[str] | None,
    now: Callable[[], float],
) -> str:
    """Run every check except recording the id; return the id to record."""
    _check_tolerance(tolerance)
    key = _signing_key(secret)
    delivery = _read_headers(headers)
    _check_timestamp(delivery.timestamp, tolerance, now())
    signed = f"{delivery.message_id}.{delivery.timestamp}.".encode() + payload
    _check_signatures(hmac.digest(key, signed, "sha256"), delivery.signatures)
    # Last, so that only a delivery signed with the secret can learn that an id was seen.
    if seen_ids is not None and delivery.message_id in seen_ids:
        raise _refuse(
            WebhookFailure.REPLAYED, f"The webhook-id {_quoted(delivery.message_id)} is a replay."
        )
    return delivery.message_id


def _check_tolerance(tolerance: float) -> None:
    # Not ``tolerance < 0``: NaN compares false both ways and would accept any timestamp.
    if not tolerance >= 0:
        raise ValueError(
            f"tolerance= is a number of seconds >= 0 (math.inf accepts any timestamp), "
            f"not {tolerance!r}."
        )


def _signing_key(secret: object) -> bytes:
    """The HMAC key a Standard Webhooks secret stands for.

    ``bytes`` are the key itself; a ``str`` is base64, with or without the
    ``whsec_`` prefix and its padding (surrounding whitespace is ignored).
    Raises `WebhookVerificationError` (``INVALID_SECRET``) for an empty key or
    text that is not base64, and ``TypeError`` for any other type.

    >>> _signing_key("whsec_c2VjcmV0")
    b'secret'
    """
    if isinstance(secret, str):
        key = _decoded_secret(secret.strip().removeprefix(SECRET_PREFIX))
    elif isinstance(secret, bytes):
        key = secret
    else:
        raise TypeError(f"A webhook secret is str or bytes, not {type(secret).__name__}.")
    if not key:
        raise _refuse(WebhookFailure.INVALID_SECRET, "The webhook secret is empty.")
    return key


def _decoded_secret(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        # ``from None``: the decoder's error would point into the secret.
        detail = "The webhook secret is not base64 (after any `whsec_` prefix)."
        raise _refuse(WebhookFailure.INVALID_SECRET, detail) from None


def _read_headers(headers: Mapping[str, str]) -> _Delivery:
    found = _header_values(headers)
    missing = [name for name in _HEADERS if not found[name]]
    if missing:
        names = _listed(missing)
        raise _refuse(
            WebhookFailure.MISSING_HEADER,
            f"The {names} header{'s are' if len(missing) > 1 else ' is'} missing or empty.",
        )
    return _Delivery(
        message_id=_single(ID_HEADER, found[ID_HEADER]),
        timestamp=_single(TIMESTAMP_HEADER, found[TIMESTAMP_HEADER]),
        signatures=found[SIGNATURE_HEADER],
    )


def _header_values(headers: Mapping[str, str]) -> dict[str, list[str]]:
    """The non-empty values of the three headers, whatever the case of their names."""
    pairs: Iterable[tuple[str, str]] = (
        headers.multi_items() if isinstance(headers, httpx2.Headers) else headers.items()
    )
    found: dict[str, list[str]] = {name: [] for name in _HEADERS}
    for name, value in pairs:
        values = found.get(name.lower())
        if values is not None and value.strip():
            values.append(value.strip())
    return found


def _single(name: str, values: list[str]) -> str:
    if len(set(values)) > 1:
        raise _refuse(
            WebhookFailure.DUPLICATE_HEADER,
            f"The {name} header appears {len(values)} times with different values.",
        )
    return values[0]


def _check_timestamp(timestamp: str, tolerance: float, now: float) -> None:
    if not _TIMESTAMP.fullmatch(timestamp):
        raise _refuse(
            WebhookFailure.INVALID_TIMESTAMP,
            f"The webhook-timestamp {_quoted(timestamp)} is not a whole number of seconds.",
        )
    age = now - int(timestamp)
    if age > tolerance:
        detail = f"{_seconds(age)} old"
        reason = WebhookFailure.TIMESTAMP_TOO_OLD
    elif -age > tolerance:
        detail = f"{_seconds(-age)} in the future"
        reason = WebhookFailure.TIMESTAMP_IN_FUTURE
    else:
        return
    raise _refuse(
        reason,
        f"The webhook-timestamp {timestamp} is {detail}, beyond the tolerance of "
        f"{_seconds(tolerance)}.",
    )


def _check_signatures(expected: bytes, header_values: list[str]) -> None:
    candidates = _v1_signatures(header_values)
    if not candidates:
        raise _refuse(
            WebhookFailure.INVALID_SIGNATURE_HEADER,
            "The webhook-signature header holds no `v1,<base64>` signature.",
        )
    matched = False
    # Every candidate is compared, in constant time, so the time taken says
    # neither how much of a signature matched nor which candidate did.
    for candidate in candidates:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        count = len(candidates)
        detail = (
            f"None of the {count} v1 signatures matches the payload."
            if count > 1
            else "The v1 signature does not match the payload."
        )
        raise _refuse(WebhookFailure.NO_MATCHING_SIGNATURE, detail)


def _v1_signatures(header_values: list[str]) -> list[bytes]:
    """The decoded ``v1`` signatures; other versions and garbled entries are skipped."""
    signatures: list[bytes] = []
    for entry in " ".join(header_values).split():
        # A mapping that joined repeated headers with ", " leaves a comma behind;
        # base64 never ends in one.
        version, comma, encoded = entry.rstrip(",").partition(",")
        if version == SIGNATURE_VERSION and comma:
            try:
                signatures.append(base64.b64decode(encoded, validate=True))
            except (binascii.Error, ValueError):
                continue
    return signatures


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _quoted(value: str) -> str:
    shown = value if len(value) <= _QUOTED_LENGTH else value[:_QUOTED_LENGTH] + "..."
    return repr(shown)


def _seconds(value: float) -> str:
    # Milliseconds at most: a clock read as a float would otherwise show 16 digits.
    return f"{value:.3f}".rstrip("0").rstrip(".") + " seconds"
