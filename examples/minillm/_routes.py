"""The embedded server's model, chat, speech and usage endpoints, as handlers.

Each turns a `Request` into a `Reply` in the OpenAI format, raising `ReplyError`
for input the API refuses; `server.py` puts them behind authentication and faults.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from sdkcore.testing import Reply, SSEEvent

from ._backend import AUDIO_TYPES, MODELS, OWNER, complete, speech_audio
from ._replies import ReplyError, json_object, ok
from ._store import MAX_USAGE_DAYS

if TYPE_CHECKING:
    from sdkcore.testing import Request

    from ._store import UsageLedger

__all__ = ["ApiRoutes", "model_json"]

#: The wire names ``GET /usage`` takes, in the API's camelCase.
USAGE_PARAMETERS: Final = ("startDate", "endDate", "groupBy")
_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_SPEECH_CHUNK: Final = 4 * 1024


def model_json(model_id: str, created: int) -> dict[str, object]:
    """The OpenAI ``model`` object."""
    return {"id": model_id, "object": "model", "created": created, "owned_by": OWNER}


class ApiRoutes:
    """The handlers; completions are counted in `ledger`, speech paced `speech_interval` apart."""

    def __init__(
        self, ledger: UsageLedger, *, token_delay: tuple[float, float], speech_interval: float
    ) -> None:
        self.ledger = ledger
        self.token_delay = token_delay
        self.speech_interval = speech_interval

    def list_models(self, request: Request) -> Reply:
        """``GET /models``."""
        return ok({"object": "list", "data": [model_json(*model) for model in MODELS]})

    def retrieve_model(self, request: Request) -> Reply:
        """``GET /models/{model}``."""
        wanted = request.path_params["model"]
        for model_id, created in MODELS:
            if model_id == wanted:
                return ok(model_json(model_id, created))
        raise ReplyError(404, f"The model `{wanted}` does not exist.", code="model_not_found")

    def chat(self, request: Request) -> Reply:
        """``POST /chat/completions``: whole, or streamed as SSE chunks."""
        body = json_object(request)
        model = body.get("model")
        if model not in {model_id for model_id, _ in MODELS}:
            message = f"The model `{model}` does not exist or you do not have access to it."
            raise ReplyError(404, message, code="model_not_found", param="model")
        max_tokens = body.get("max_tokens")
        completion = complete(
            str(model),
            _message_texts(body.get("messages")),
            max_tokens if isinstance(max_tokens, int) else None,
        )
        usage = completion.usage()
        self.ledger.add(
            str(model),
            input_tokens=usage["prompt_tokens"],
            output_tokens=usage["completion_tokens"],
        )
        if body.get("stream") is not True:
            return ok(completion.as_json())
        options = body.get("stream_options")
        with_usage = isinstance(options, Mapping) and options.get("include_usage") is True
        events: list[SSEEvent] = [{"data": c} for c in completion.chunks(include_usage=with_usage)]
        events.append({"data": "[DONE]"})
        return Reply(sse=events, interval=sum(self.token_delay) / 2)

    def speech(self, request: Request) -> Reply:
        """``POST /audio/speech``: the audio, sent a chunk at a time as if generated."""
        body = json_object(request)
        text, voice = body.get("input"), body.get("voice")
        if not isinstance(text, str) or not text.strip() or not isinstance(voice, str):
            raise ReplyError(400, "'input' (non-empty) and 'voice' are required strings.")
        audio_format = body.get("response_format", "mp3")
        if audio_format not in AUDIO_TYPES:
            message = f"Unsupported response_format {audio_format!r}."
            raise ReplyError(400, message, param="response_format")
        return Reply(
            body=speech_audio(text, voice),
            content_type=AUDIO_TYPES[str(audio_format)],
            chunk_size=_SPEECH_CHUNK,
            interval=self.speech_interval,
        )

    def usage(self, request: Request) -> Reply:
        """``GET /usage?startDate=&endDate=&groupBy=``: checks the wire names and dates."""
        _refuse_unknown_parameters(request)
        today = datetime.datetime.now(datetime.UTC).date()
        start = _iso_date(request, "startDate")
        end = _iso_date(request, "endDate") if "endDate" in request.query else today
        if start is None or end is None:
            raise ReplyError(400, "'startDate' is required (YYYY-MM-DD).", param="startDate")
        if end < start or (end - start).days >= MAX_USAGE_DAYS:
            message = f"endDate must be from startDate to {MAX_USAGE_DAYS - 1} days after it."
            raise ReplyError(400, message, param="endDate")
        groups = [value for name, value in request.query_items if name == "groupBy"]
        if any(group != "model" for group in groups):
            raise ReplyError(400, f"'groupBy' can only be 'model', got {groups}.", param="groupBy")
        buckets = self.ledger.report(start, end, by_model=bool(groups))
        report = {"start_date": start.isoformat(), "end_date": end.isoformat(), "data": buckets}
        return ok({"object": "usage.report", **report})


def _refuse_unknown_parameters(request: Request) -> None:
    for name, _ in request.query_items:
        if name in USAGE_PARAMETERS:
            continue
        camel = re.sub(r"_([a-z])", lambda match: match.group(1).upper(), name)
        hint = f"did you mean '{camel}'?" if camel in USAGE_PARAMETERS else "not a parameter."
        message = (
            f"Unknown query parameter '{name}': {hint} This API takes startDate, endDate, groupBy."
        )
        raise ReplyError(400, message, code="unknown_parameter", param=name)


def _iso_date(request: Request, name: str) -> datetime.date | None:
    raw = request.query.get(name)
    if raw is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        message = f"'{name}' must be an ISO 8601 date (YYYY-MM-DD), got {raw!r}."
        raise ReplyError(400, message, code="invalid_date", param=name) from None


def _message_texts(messages: object) -> list[str]:
    if not isinstance(messages, list) or not messages:
        raise ReplyError(400, "'messages' must be a non-empty array of messages.")
    texts = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str):
            raise ReplyError(400, "Each message needs a 'role' and a string 'content'.")
        texts.append(content)
    return texts
