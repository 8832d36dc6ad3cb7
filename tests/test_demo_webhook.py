"""``python -m examples.minillm webhook verify|sign``: Standard Webhooks deliveries checked
with `sdkcore.verify_webhook`, the failed check named; signed deliveries that another
implementation (``standardwebhooks``) accepts."""

from __future__ import annotations

import base64
import datetime
import json
import shlex
import time
from typing import TYPE_CHECKING

import pytest
import standardwebhooks
from examples.minillm._report import CLIError
from examples.minillm._webhook import parse_headers, read_headers_file, sign

from test_demo_cli import run_cli

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "whsec_" + base64.b64encode(b"minillm-test-webhook-secret-0123").decode()
PAYLOAD = b'{"type": "file.created", "data": {"id": "file-1"}}'


def signed_by_standardwebhooks(payload: bytes, *, at: float | None = None) -> dict[str, str]:
    """The headers another implementation signs `payload` with."""
    sent = time.time() if at is None else at
    delivery = "msg_test_1"
    when = datetime.datetime.fromtimestamp(sent, datetime.UTC)
    signature = standardwebhooks.Webhook(SECRET).sign(delivery, when, payload.decode())
    return {
        "webhook-id": delivery,
        "webhook-timestamp": str(int(sent)),
        "webhook-signature": signature,
    }


def header_args(headers: dict[str, str]) -> list[str]:
    return [arg for name, value in headers.items() for arg in ("--header", f"{name}={value}")]


def test_sign_makes_headers_another_implementation_accepts() -> None:
    headers = sign(PAYLOAD, SECRET)

    standardwebhooks.Webhook(SECRET).verify(PAYLOAD, headers)  # raises if it does not match
    assert headers["webhook-signature"].startswith("v1,")
    assert int(headers["webhook-timestamp"]) == pytest.approx(time.time(), abs=5)


def test_headers_parse_from_name_value_pairs_in_either_form() -> None:
    parsed = parse_headers(["Webhook-Id=msg_1", "webhook-timestamp: 1717000000", "x=a=b"])

    assert parsed == {"webhook-id": "msg_1", "webhook-timestamp": "1717000000", "x": "a=b"}
    with pytest.raises(CLIError, match="'name=value' or 'name: value'"):
        parse_headers(["no-separator"])


def test_headers_file_may_be_json_or_header_lines(tmp_path: Path) -> None:
    as_json = tmp_path / "headers.json"
    as_json.write_text(json.dumps({"Webhook-Id": "msg_1"}))
    as_lines = tmp_path / "headers.txt"
    as_lines.write_text("Webhook-Id: msg_1\n\nWebhook-Signature: v1,abc=\n")

    assert read_headers_file(as_json) == {"webhook-id": "msg_1"}
    assert read_headers_file(as_lines) == {"webhook-id": "msg_1", "webhook-signature": "v1,abc="}
    as_json.write_text('{"webhook-id": 1}')
    with pytest.raises(CLIError, match="JSON object of header names to strings"):
        read_headers_file(as_json)


@pytest.mark.slow
def test_verify_accepts_a_genuine_delivery(tmp_path: Path) -> None:
    payload = tmp_path / "body.json"
    payload.write_bytes(PAYLOAD)
    headers = signed_by_standardwebhooks(PAYLOAD)

    result = run_cli("webhook", "verify", str(payload), "--secret", SECRET, *header_args(headers))

    assert result.returncode == 0, result.stderr
    assert f"verified: webhook msg_test_1 ({len(PAYLOAD)} bytes, signed" in result.stdout
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("payload", "NO_MATCHING_SIGNATURE"),
        ("old", "TIMESTAMP_TOO_OLD"),
        ("no-id", "MISSING_HEADER"),
        ("secret", "NO_MATCHING_SIGNATURE"),
    ],
)
def test_verify_names_the_check_that_failed(tmp_path: Path, change: str, reason: str) -> None:
    payload = tmp_path / "body.json"
    payload.write_bytes(PAYLOAD.replace(b"file-1", b"file-2") if change == "payload" else PAYLOAD)
    headers = signed_by_standardwebhooks(
        PAYLOAD, at=time.time() - 3600 if change == "old" else None
    )
    if change == "no-id":
        del headers["webhook-id"]
    secret = "whsec_" + base64.b64encode(b"another-secret-of-32-bytes-long!").decode()
    headers_file = tmp_path / "headers.json"
    headers_file.write_text(json.dumps(headers))

    result = run_cli(
        "webhook", "verify", str(payload), "--headers-file", str(headers_file),
        "--secret", secret if change == "secret" else SECRET,
    )  # fmt: skip

    assert result.returncode == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert error.startswith(f"error: webhook refused, {reason}: ")
    assert SECRET not in result.stderr
    assert headers.get("webhook-signature", "v1,").split(",", 1)[1] not in result.stderr


@pytest.mark.slow
def test_sign_prints_header_arguments_that_verify_takes(tmp_path: Path) -> None:
    payload = tmp_path / "body.json"
    payload.write_bytes(PAYLOAD)

    signed = run_cli("webhook", "sign", str(payload), "--secret", SECRET)
    arguments = shlex.split(signed.stdout)
    verified = run_cli("webhook", "verify", str(payload), "--secret", SECRET, *arguments)

    assert signed.returncode == 0, signed.stderr
    assert len(signed.stdout.splitlines()) == 3
    assert verified.returncode == 0, verified.stderr
