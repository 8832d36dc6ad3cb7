"""Webhook verification as type checkers see it (mypy --strict and pyright strict).

``unwrap_webhook`` returns the ``cast_to`` class it is given; a union or
``Annotated`` target, which is not a class, comes back as ``Any``. A wrong call is
marked ``# type: ignore[code]``: both checkers report an ignore that suppresses
nothing, so a signature that accepted the mistake fails the check.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any, Literal, assert_type

import pydantic
from typing_extensions import TypedDict

from sdkcore import BaseModel
from sdkcore._webhooks import (
    WebhookFailure,
    WebhookVerificationError,
    unwrap_webhook,
    verify_webhook,
)

if TYPE_CHECKING:
    import httpx2


class InvoicePaid(BaseModel):
    type: Literal["invoice.paid"]
    amount: int


class InvoiceVoided(BaseModel):
    type: Literal["invoice.voided"]


Event = Annotated[InvoicePaid | InvoiceVoided, pydantic.Field(discriminator="type")]


class InvoiceDict(TypedDict):
    type: str
    amount: int


def class_targets_keep_their_type(body: bytes, headers: httpx2.Headers, secret: str) -> None:
    assert_type(unwrap_webhook(body, headers, secret, cast_to=InvoicePaid), InvoicePaid)
    assert_type(unwrap_webhook(body, headers, secret, cast_to=InvoiceDict), InvoiceDict)
    assert_type(unwrap_webhook(body, headers, secret, cast_to=dict[str, object]), dict[str, object])
    assert_type(unwrap_webhook(body, headers, secret, cast_to=list[InvoicePaid]), list[InvoicePaid])


def every_option_keeps_the_type(text: str, headers: dict[str, str], key: bytes) -> None:
    seen: set[str] = set()
    paid = unwrap_webhook(
        text,
        headers,
        key,
        cast_to=InvoicePaid,
        tolerance=60.5,
        seen_ids=seen,
        now=time.time,
        strict=True,
    )
    assert_type(paid, InvoicePaid)
    assert_type(verify_webhook(text, headers, key, tolerance=60, seen_ids=seen), None)


def a_union_target_is_any(body: bytes, headers: httpx2.Headers, secret: str) -> None:
    event: InvoicePaid | InvoiceVoided = unwrap_webhook(body, headers, secret, cast_to=Event)
    assert_type(unwrap_webhook(body, headers, secret, cast_to=Event), Any)
    assert_type(event, InvoicePaid | InvoiceVoided)


def the_error_carries_its_reason(error: WebhookVerificationError) -> None:
    assert_type(error.reason, WebhookFailure)
    assert_type(error.message, str)


def wrong_calls(body: bytes, headers: httpx2.Headers, parsed: dict[str, object]) -> None:
    verify_webhook(parsed, headers, "whsec_c2VjcmV0")  # type: ignore[arg-type]
    verify_webhook(body, headers, None)  # type: ignore[arg-type]
    verify_webhook(body, headers, "whsec_c2VjcmV0", seen_ids=["msg_1"])  # type: ignore[arg-type]
    unwrap_webhook(body, headers, "whsec_c2VjcmV0")  # type: ignore[call-overload]
    unwrap_webhook(body, headers, "whsec_c2VjcmV0", InvoicePaid)  # type: ignore[call-overload]
