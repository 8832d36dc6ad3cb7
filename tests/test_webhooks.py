"""Standard Webhooks verification, against deliveries signed by ``standardwebhooks``.

Every signature here comes from the independent ``standardwebhooks`` package
(``Webhook(secret).sign(...)``), never from sdkcore, so a shared misreading of the
specification cannot make a test pass. The clock is fixed with ``now=`` except in
the tests of the default clock and of the receiver on a real socket.
"""

from __future__ import annotations

import base64
import hmac
import math
import pickle
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Literal

import httpx2
import pydantic
import pytest
from standardwebhooks.webhooks import Webhook
from typing_extensions import TypedDict

from sdkcore import APIResponseValidationError, BaseModel
from sdkcore._webhooks import (
    WebhookFailure,
    WebhookVerificationError,
    unwrap_webhook,
    verify_webhook,
)
from sdkcore.testing import Headers, Reply, Request

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from sdkcore.testing import LoopbackServer

RAW_KEY = b"canary-webhook-key-0123456789abc"
SECRET = "whsec_" + base64.b64encode(RAW_KEY).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-endpoint-key-0123456789a").decode()
NOW = 1_700_000_000
PAYLOAD = b'{"type": "invoice.paid", "id": "in_1", "amount": 1200}'


def sign(
    payload: bytes = PAYLOAD,
    *,
    msg_id: str = "msg_1",
    timestamp: int = NOW,
    secret: str | bytes = SECRET,
) -> str:
    """The ``webhook-signature`` value ``standardwebhooks`` sends for this delivery."""
    sent_at = datetime.fromtimestamp(timestamp, tz=UTC)
    return Webhook(secret).sign(msg_id, sent_at, payload.decode())


def signed_headers(
    payload: bytes = PAYLOAD,
    *,
    msg_id: str = "msg_1",
    timestamp: int = NOW,
    secret: str | bytes = SECRET,
) -> dict[str, str]:
    signature = sign(payload, msg_id=msg_id, timestamp=timestamp, secret=secret)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def at(seconds: float) -> Callable[[], float]:
    return lambda: seconds


def refusal(
    payload: bytes,
    headers: Mapping[str, str],
    secret: str | bytes = SECRET,
    *,
    now: float = NOW,
    seen_ids: set[str] | None = None,
) -> WebhookVerificationError:
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(payload, headers, secret, now=at(now), seen_ids=seen_ids)
    return caught.value


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in signed_headers().items() if key != name}


def with_header(name: str, value: str) -> dict[str, str]:
    return {**signed_headers(), name: value}


# -- accepted deliveries ---------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param(SECRET, id="whsec-prefixed"),
        pytest.param(SECRET.removeprefix("whsec_"), id="plain-base64"),
        pytest.param(SECRET.rstrip("="), id="unpadded-base64"),
        pytest.param(RAW_KEY, id="raw-bytes"),
        pytest.param(f"  {SECRET}\n", id="surrounding-whitespace"),
    ],
)
def test_a_delivery_signed_by_standardwebhooks_is_accepted_with_each_form_of_the_secret(
    secret: str | bytes,
) -> None:
    verify_webhook(PAYLOAD, signed_headers(), secret, now=at(NOW))


def test_a_raw_bytes_secret_is_the_key_itself_not_base64() -> None:
    headers = signed_headers(secret=RAW_KEY)
    verify_webhook(PAYLOAD, headers, RAW_KEY, now=at(NOW))
    assert refusal(PAYLOAD, headers, base64.b64encode(RAW_KEY)).reason is (
        WebhookFailure.NO_MATCHING_SIGNATURE
    )


def test_a_str_payload_is_verified_as_its_utf8_bytes() -> None:
    text = '{"type": "note", "body": "café ☕"}'
    headers = signed_headers(text.encode())
    verify_webhook(text, headers, SECRET, now=at(NOW))
    assert refusal(text.encode("latin-1", "replace"), headers).reason is (
        WebhookFailure.NO_MATCHING_SIGNATURE
    )


def test_a_parsed_payload_is_refused_with_a_type_error_asking_for_the_raw_body() -> None:
    with pytest.raises(TypeError, match="body as received, bytes or str, not dict"):
        verify_webhook({"type": "invoice.paid"}, signed_headers(), SECRET, now=at(NOW))  # type: ignore[arg-type]  # the mistake under test


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_a_timestamp_within_the_tolerance_either_side_is_accepted(offset: int) -> None:
    verify_webhook(PAYLOAD, signed_headers(), SECRET, now=at(NOW + offset))


def test_tolerance_widens_and_infinity_disables_the_timestamp_window() -> None:
    verify_webhook(PAYLOAD, signed_headers(), SECRET, now=at(NOW + 3600), tolerance=3600)
    verify_webhook(PAYLOAD, signed_headers(timestamp=0), SECRET, now=at(NOW), tolerance=math.inf)
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(PAYLOAD, signed_headers(), SECRET, now=at(NOW + 1), tolerance=0)
    assert caught.value.reason is WebhookFailure.TIMESTAMP_TOO_OLD


@pytest.mark.parametrize("tolerance", [-1, math.nan])
def test_a_negative_or_nan_tolerance_is_a_value_error(tolerance: float) -> None:
    with pytest.raises(ValueError, match="tolerance= is a number of seconds >= 0"):
        verify_webhook(PAYLOAD, signed_headers(), SECRET, now=at(NOW), tolerance=tolerance)


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("{old} {new}", id="matching-second"),
        pytest.param("{new} {old}", id="matching-first"),
        pytest.param("v1a,{new_base64} {new}", id="after-another-version"),
        pytest.param("garbage v1,@@@ {new}", id="after-garbled-entries"),
    ],
)
def test_several_signatures_are_accepted_when_one_matches_as_during_key_rotation(
    template: str,
) -> None:
    new, old = sign(), sign(secret=OTHER_SECRET)
    header = template.format(new=new, old=old, new_base64=new.removeprefix("v1,"))
    verify_webhook(PAYLOAD, with_header("webhook-signature", header), SECRET, now=at(NOW))


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({k.upper(): v for k, v in signed_headers().items()}, id="upper-case-dict"),
        pytest.param({k.title(): v for k, v in signed_headers().items()}, id="title-case-dict"),
        pytest.param(
            httpx2.Headers({k.title(): v for k, v in signed_headers().items()}), id="httpx2"
        ),
        pytest.param(Headers(list(signed_headers().items())), id="sdkcore-testing-headers"),
    ],
)
def test_header_names_match_in_any_case_for_any_mapping(headers: Mapping[str, str]) -> None:
    verify_webhook(PAYLOAD, headers, SECRET, now=at(NOW))


def test_a_signature_header_sent_twice_is_read_as_one_list_of_signatures() -> None:
    pairs = [*without("webhook-signature").items()]
    pairs += [("Webhook-Signature", sign(secret=OTHER_SECRET)), ("webhook-signature", sign())]
    verify_webhook(PAYLOAD, httpx2.Headers(pairs), SECRET, now=at(NOW))
    # A mapping that joins repeated headers with ", " (as most frameworks do) still works.
    verify_webhook(PAYLOAD, Headers(pairs), SECRET, now=at(NOW))
    assert Headers(pairs)["webhook-signature"].count(", ") == 1


def test_an_id_sent_twice_with_one_value_is_accepted_and_with_two_refused() -> None:
    pairs = [*signed_headers().items(), ("Webhook-Id", "msg_1")]
    verify_webhook(PAYLOAD, httpx2.Headers(pairs), SECRET, now=at(NOW))
    forged = httpx2.Headers([*signed_headers().items(), ("Webhook-Id", "msg_2")])
    error = refusal(PAYLOAD, forged)
    assert error.reason is WebhookFailure.DUPLICATE_HEADER
    assert "webhook-id header appears 2 times" in str(error)


def test_the_default_clock_is_the_system_clock() -> None:
    fresh = int(time.time())
    verify_webhook(PAYLOAD, signed_headers(timestamp=fresh), SECRET)
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(PAYLOAD, signed_headers(timestamp=fresh - 3600), SECRET)
    assert caught.value.reason is WebhookFailure.TIMESTAMP_TOO_OLD


# -- refusals --------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """A delivery that must be refused, the reason expected and a word the message names."""

    headers: dict[str, str]
    reason: WebhookFailure
    names: str
    payload: bytes = PAYLOAD
    secret: str | bytes = SECRET
    now: float = NOW


REFUSALS = {
    "wrong-secret": Refused(
        signed_headers(secret=OTHER_SECRET), WebhookFailure.NO_MATCHING_SIGNATURE, "signature"
    ),
    "tampered-body": Refused(
        signed_headers(),
        WebhookFailure.NO_MATCHING_SIGNATURE,
        "signature",
        payload=PAYLOAD.replace(b"1200", b"9900"),
    ),
    "tampered-id": Refused(
        with_header("webhook-id", "msg_2"), WebhookFailure.NO_MATCHING_SIGNATURE, "signature"
    ),
    "tampered-timestamp": Refused(
        with_header("webhook-timestamp", str(NOW + 1)),
        WebhookFailure.NO_MATCHING_SIGNATURE,
        "signature",
    ),
    "stale-timestamp": Refused(
        signed_headers(timestamp=NOW - 301), WebhookFailure.TIMESTAMP_TOO_OLD, "301 seconds old"
    ),
    "stale-by-a-fraction": Refused(
        signed_headers(), WebhookFailure.TIMESTAMP_TOO_OLD, "300.5 seconds old", now=NOW + 300.5
    ),
    "future-timestamp": Refused(
        signed_headers(timestamp=NOW + 301),
        WebhookFailure.TIMESTAMP_IN_FUTURE,
        "301 seconds in the future",
    ),
    **{
        f"timestamp-{value}": Refused(
            with_header("webhook-timestamp", value),
            WebhookFailure.INVALID_TIMESTAMP,
            "webhook-timestamp",
        )
        for value in ["soon", "1.7e9", "1700000000.0", "-1700000000", "0x6553f100", "\uff11\uff17"]
    },
    **{
        f"missing-{name}": Refused(without(name), WebhookFailure.MISSING_HEADER, name)
        for name in ["webhook-id", "webhook-timestamp", "webhook-signature"]
    },
    "no-headers": Refused(
        {}, WebhookFailure.MISSING_HEADER, "webhook-id, webhook-timestamp and webhook-signature"
    ),
    "empty-signature-header": Refused(
        with_header("webhook-signature", "  "), WebhookFailure.MISSING_HEADER, "webhook-signature"
    ),
    **{
        f"garbled-signature-{index}": Refused(
            with_header("webhook-signature", value),
            WebhookFailure.INVALID_SIGNATURE_HEADER,
            "webhook-signature",
        )
        for index, value in enumerate(
            ["garbage", "v1", "v1,", "v1,@@@@", "v1;" + sign()[3:], "v2," + sign()[3:]]
        )
    },
    "empty-secret": Refused(signed_headers(), WebhookFailure.INVALID_SECRET, "empty", secret=""),
    "empty-bytes-secret": Refused(
        signed_headers(), WebhookFailure.INVALID_SECRET, "empty", secret=b""
    ),
    "prefix-only-secret": Refused(
        signed_headers(), WebhookFailure.INVALID_SECRET, "empty", secret="whsec_"
    ),
    "not-base64-secret": Refused(
        signed_headers(), WebhookFailure.INVALID_SECRET, "not base64", secret="whsec_%%canary%%"
    ),
}


@pytest.mark.parametrize("case", REFUSALS.values(), ids=REFUSALS.keys())
def test_each_failed_check_is_refused_with_its_reason_and_says_what_to_do(case: Refused) -> None:
    error = refusal(case.payload, case.headers, case.secret, now=case.now)
    assert error.reason is case.reason
    assert case.names in str(error)
    assert str(error).endswith(case.reason.value)


def test_a_replayed_id_is_refused_and_an_accepted_id_is_recorded() -> None:
    seen: set[str] = set()
    verify_webhook(PAYLOAD, signed_headers(), SECRET, now=at(NOW), seen_ids=seen)
    assert seen == {"msg_1"}
    error = refusal(PAYLOAD, signed_headers(), seen_ids=seen)
    assert error.reason is WebhookFailure.REPLAYED
    assert "'msg_1'" in str(error)
    verify_webhook(PAYLOAD, signed_headers(msg_id="msg_2"), SECRET, now=at(NOW), seen_ids=seen)
    assert seen == {"msg_1", "msg_2"}


def test_an_id_is_recorded_only_when_every_other_check_passed() -> None:
    seen: set[str] = set()
    for case in REFUSALS.values():
        refusal(case.payload, case.headers, case.secret, now=case.now, seen_ids=seen)
    assert seen == set()


def test_a_forged_delivery_with_a_seen_id_is_refused_for_its_signature_not_as_a_replay() -> None:
    # The replay check comes last, so only the secret's holder learns that an id was seen.
    error = refusal(PAYLOAD, signed_headers(secret=OTHER_SECRET), seen_ids={"msg_1"})
    assert error.reason is WebhookFailure.NO_MATCHING_SIGNATURE


def test_a_secret_of_another_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="str or bytes, not NoneType"):
        verify_webhook(PAYLOAD, signed_headers(), None, now=at(NOW))  # type: ignore[arg-type]  # the mistake under test


# -- secrets and constant time ----------------------------------------------------------


def test_no_message_or_repr_contains_the_secret_or_a_valid_signature() -> None:
    valid = sign()[3:]
    canaries = [SECRET, SECRET.removeprefix("whsec_"), RAW_KEY.decode(), valid, "canary"]
    for case in REFUSALS.values():
        error = refusal(case.payload, case.headers, case.secret, now=case.now)
        shown = [str(error), repr(error), repr(error.args), repr(pickle.loads(pickle.dumps(error)))]
        leaked = [c for c in canaries for text in shown if c in text]
        assert leaked == [], f"{error.reason.name}: {shown}"


def test_a_refusal_survives_pickle_with_its_reason() -> None:
    error = refusal(PAYLOAD, signed_headers(timestamp=NOW - 301))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is WebhookVerificationError
    assert (copy.reason, str(copy)) == (WebhookFailure.TIMESTAMP_TOO_OLD, str(error))


def test_every_candidate_is_compared_with_compare_digest_even_after_a_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    wrong = sign(secret=OTHER_SECRET)
    header = f"{sign()} {wrong} v1a,{wrong[3:]} {wrong}"
    verify_webhook(PAYLOAD, with_header("webhook-signature", header), SECRET, now=at(NOW))
    assert len(compared) == 3  # the three v1 entries, not the v1a one
    assert {len(expected) for expected, _ in compared} == {32}


def test_the_decision_is_compare_digest_s_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def never_equal(_a: bytes, _b: bytes) -> bool:
        return False

    monkeypatch.setattr(hmac, "compare_digest", never_equal)
    error = refusal(PAYLOAD, signed_headers())
    assert error.reason is WebhookFailure.NO_MATCHING_SIGNATURE


# -- a receiver on a real socket ---------------------------------------------------------


def receiver(request: Request) -> Reply:
    try:
        verify_webhook(request.body, request.headers, SECRET)
    except WebhookVerificationError as exc:
        return Reply(status=400, text=exc.reason.name)
    return Reply(status=204)


def test_a_receiver_accepts_a_delivery_as_it_arrives_and_refuses_a_tampered_one(
    server: LoopbackServer,
) -> None:
    server.route("POST", "/webhooks", handler=receiver)
    headers = signed_headers(timestamp=int(time.time()))
    with httpx2.Client(base_url=server.url) as http:
        accepted = http.post("/webhooks", content=PAYLOAD, headers=headers)
        tampered = http.post("/webhooks", content=PAYLOAD + b" ", headers=headers)
    assert accepted.status_code == 204
    assert (tampered.status_code, tampered.text) == (400, "NO_MATCHING_SIGNATURE")
    assert server.errors == []


# -- unwrap_webhook ----------------------------------------------------------------------


class InvoicePaid(BaseModel):
    type: Literal["invoice.paid"]
    id: str
    amount: int


class InvoiceVoided(BaseModel):
    type: Literal["invoice.voided"]
    id: str
    reason: str | None = None


Event = Annotated[InvoicePaid | InvoiceVoided, pydantic.Field(discriminator="type")]


class InvoiceDict(TypedDict):
    type: str
    id: str
    amount: int


def test_unwrap_builds_the_model_from_a_verified_payload() -> None:
    event = unwrap_webhook(PAYLOAD, signed_headers(), SECRET, cast_to=InvoicePaid, now=at(NOW))
    assert isinstance(event, InvoicePaid)
    assert (event.type, event.id, event.amount) == ("invoice.paid", "in_1", 1200)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (PAYLOAD, InvoicePaid),
        (b'{"type": "invoice.voided", "id": "in_1", "reason": "duplicate"}', InvoiceVoided),
    ],
)
def test_unwrap_picks_the_member_of_a_discriminated_union_of_events(
    payload: bytes, expected: type[BaseModel]
) -> None:
    event = unwrap_webhook(payload, signed_headers(payload), SECRET, cast_to=Event, now=at(NOW))
    assert (type(event), event.id) == (expected, "in_1")


def test_unwrap_builds_a_typed_dict_and_a_plain_dict() -> None:
    expected = {"type": "invoice.paid", "id": "in_1", "amount": 1200}
    for target in (InvoiceDict, dict[str, object]):
        assert unwrap_webhook(PAYLOAD, signed_headers(), SECRET, cast_to=target, now=at(NOW)) == (
            expected
        )


def test_unwrap_in_strict_mode_refuses_a_payload_that_does_not_fit_and_attaches_it() -> None:
    payload = b'{"type": "invoice.paid", "id": "in_1", "amount": "twelve"}'
    with pytest.raises(APIResponseValidationError) as caught:
        unwrap_webhook(
            payload, signed_headers(payload), SECRET, cast_to=Event, now=at(NOW), strict=True
        )
    assert caught.value.body == {"type": "invoice.paid", "id": "in_1", "amount": "twelve"}


def test_unwrap_in_lenient_mode_keeps_a_payload_that_does_not_fit_as_sent() -> None:
    payload = b'{"type": "invoice.paid", "id": "in_1", "amount": "twelve", "extra": 1}'
    event = unwrap_webhook(payload, signed_headers(payload), SECRET, cast_to=Event, now=at(NOW))
    assert isinstance(event, InvoicePaid)
    assert event.to_dict() == {"type": "invoice.paid", "id": "in_1", "amount": "twelve", "extra": 1}


@pytest.mark.parametrize("strict", [True, False])
def test_unwrap_refuses_a_verified_payload_that_is_not_json_in_either_mode(strict: bool) -> None:
    payload = b"<xml>not json</xml>"
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        unwrap_webhook(
            payload, signed_headers(payload), SECRET, cast_to=Event, now=at(NOW), strict=strict
        )


def test_unwrap_verifies_before_it_parses() -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        unwrap_webhook(b"not json", signed_headers(), SECRET, cast_to=InvoicePaid, now=at(NOW))
    assert caught.value.reason is WebhookFailure.NO_MATCHING_SIGNATURE


def test_unwrap_records_the_id_only_once_the_payload_has_parsed() -> None:
    seen: set[str] = set()
    incomplete = b'{"type": "invoice.paid"}'
    with pytest.raises(APIResponseValidationError):
        unwrap_webhook(
            incomplete,
            signed_headers(incomplete),
            SECRET,
            cast_to=Event,
            now=at(NOW),
            seen_ids=seen,
            strict=True,
        )
    assert seen == set()  # so a redelivery can still be handled once the cause is fixed
    unwrap_webhook(PAYLOAD, signed_headers(), SECRET, cast_to=Event, now=at(NOW), seen_ids=seen)
    assert seen == {"msg_1"}
    with pytest.raises(WebhookVerificationError) as caught:
        unwrap_webhook(PAYLOAD, signed_headers(), SECRET, cast_to=Event, now=at(NOW), seen_ids=seen)
    assert caught.value.reason is WebhookFailure.REPLAYED
