"""``webhook verify`` and ``webhook sign``: Standard Webhooks deliveries checked with
`sdkcore.verify_webhook`, and signed the way a sender does (to try ``verify`` out).

Headers come as ``--header name=value`` (or ``name: value``), or from a file
holding a JSON object or one ``Name: value`` line each, as a request dump shows them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import TYPE_CHECKING

from sdkcore import WebhookVerificationError, verify_webhook

from ._report import CLIError

if TYPE_CHECKING:
    from collections.abc import Iterable, MutableSet
    from pathlib import Path

__all__ = ["demo", "parse_headers", "read_headers_file", "sign", "verify"]


def parse_headers(items: Iterable[str]) -> dict[str, str]:
    """``["webhook-id=msg_1", "webhook-timestamp: 17..."]`` as a dict; `CLIError` otherwise."""
    headers: dict[str, str] = {}
    for item in items:
        name, value = _split_header(item)
        headers[name] = value
    return headers


def _split_header(item: str) -> tuple[str, str]:
    positions = [index for index in (item.find("="), item.find(":")) if index > 0]
    if not positions:
        raise CLIError(f"a header is 'name=value' or 'name: value', got {item!r}")
    cut = min(positions)
    return item[:cut].strip().lower(), item[cut + 1 :].strip()


def read_headers_file(path: Path) -> dict[str, str]:
    """The headers in `path`: a JSON object of strings, or ``Name: value`` lines."""
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise CLIError(f"{path} is not valid JSON: {exc}") from None
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise CLIError(f"{path} must hold a JSON object of header names to strings")
        return {str(name).lower(): value for name, value in loaded.items()}
    return parse_headers(line for line in text.splitlines() if line.strip())


def verify(
    payload: bytes,
    headers: dict[str, str],
    secret: str,
    *,
    tolerance: float = 300,
    seen_ids: MutableSet[str] | None = None,
) -> str:
    """Check the delivery, print that it is genuine and return its id.

    Raises `CLIError` naming the check that failed (`WebhookVerificationError.reason`).
    """
    try:
        verify_webhook(payload, headers, secret, tolerance=tolerance, seen_ids=seen_ids)
    except WebhookVerificationError as exc:
        raise CLIError(f"webhook refused, {exc.reason.name}: {exc}") from exc
    delivery = headers.get("webhook-id", "?")
    sent = headers.get("webhook-timestamp", "")
    age = f", signed {time.time() - int(sent):.0f} s ago" if sent.isdigit() else ""
    print(f"  verified: webhook {delivery} ({len(payload):,} bytes{age})")
    return delivery


def sign(
    payload: bytes, secret: str, *, delivery: str | None = None, at: int | None = None
) -> dict[str, str]:
    """The Standard Webhooks headers a sender with `secret` (``whsec_...``) puts on `payload`.

    Example: ``headers = sign(b'{"type": "ping"}', "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa")``
    """
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError:
        raise CLIError("the secret is 'whsec_' followed by base64") from None
    delivery = delivery or f"msg_{uuid.uuid4().hex[:24]}"
    timestamp = str(int(time.time()) if at is None else at)
    signed = f"{delivery}.{timestamp}.".encode() + payload
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    signature = "v1," + base64.b64encode(digest).decode("ascii")
    return {
        "webhook-id": delivery,
        "webhook-timestamp": timestamp,
        "webhook-signature": signature,
    }


def demo(secret: str) -> None:
    """Sign a delivery as a sender would, then verify it, a tampered copy, a late one, a replay."""
    payload = b'{"type": "file.created", "data": {"id": "file-minillm-0001"}}'
    headers = sign(payload, secret)
    print(f"  delivery {headers['webhook-id']}: {payload.decode()}")
    seen: set[str] = set()
    verify(payload, headers, secret, seen_ids=seen)
    late = sign(payload, secret, at=int(time.time()) - 900)
    attempts = (
        ("the payload changed", payload.replace(b"0001", b"0002"), headers),
        ("signed 15 minutes ago", payload, late),
        ("the same delivery again", payload, headers),
    )
    for what, body, sent in attempts:
        try:
            verify_webhook(body, sent, secret, seen_ids=seen)
        except WebhookVerificationError as exc:
            first_sentence = str(exc).split(". ")[0]
            print(f"  {what}: refused, {exc.reason.name} ({first_sentence})")
        else:
            print(f"  {what}: accepted (expected a refusal)")
