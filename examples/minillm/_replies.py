"""The embedded server's answers in the OpenAI format: successes, errors, and reading input.

A handler raises `ReplyError` to answer with an ``{"error": {...}}`` object; the
readers here raise it for input the API refuses, naming the parameter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sdkcore.testing import Reply

if TYPE_CHECKING:
    from sdkcore.testing import Handler, Request

__all__ = ["ReplyError", "error_body", "int_query", "json_object", "ok", "static"]


class ReplyError(Exception):
    """Raised by a handler to answer with an OpenAI-style error object."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, param: str | None = None
    ) -> None:
        super().__init__(message)
        self.reply = Reply(status=status, json=error_body(message, code=code, param=param))


def error_body(
    message: str,
    *,
    code: str | None,
    kind: str = "invalid_request_error",
    param: str | None = None,
) -> dict[str, object]:
    """The OpenAI error object."""
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def ok(payload: object) -> Reply:
    """A 200 JSON answer."""
    return Reply(json=payload)


def static(payload: object) -> Handler:
    """A handler that always answers `payload`."""
    reply = ok(payload)

    def answer(request: Request) -> Reply:
        return reply

    return answer


def json_object(request: Request) -> dict[str, object]:
    """The request's JSON object body; 400 for anything else."""
    try:
        body = request.json()
    except ValueError:
        raise ReplyError(400, "We could not parse the JSON body of your request.") from None
    if not isinstance(body, dict):
        raise ReplyError(400, "The request body must be a JSON object.")
    return body


def int_query(request: Request, name: str, *, default: int, low: int, high: int) -> int:
    """The whole-number query parameter `name`, from `low` to `high`; 400 otherwise."""
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        message = f"'{name}' must be a whole number from {low} to {high}, got {raw!r}."
        raise ReplyError(400, message, code="invalid_parameter", param=name)
    return int(raw)
