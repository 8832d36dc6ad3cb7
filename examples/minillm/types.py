"""The MiniLLM API's types: response models (`sdkcore.BaseModel`) and request params.

The response models follow the OpenAI wire format, so they parse the answers of
any OpenAI-compatible server. Like every `sdkcore.BaseModel`, they keep fields
they do not declare, and a model built from a response carries `_request_id`.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal, Required, TypeAlias

from typing_extensions import TypedDict

from sdkcore import BaseModel, PropertyInfo

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionMessageParam",
    "Choice",
    "ChoiceDelta",
    "ChunkChoice",
    "CompletionUsage",
    "FileEvent",
    "FileObject",
    "FilePurpose",
    "Model",
    "SpeechResponseFormat",
    "StreamOptions",
    "UsageBucket",
    "UsageGroup",
    "UsageParams",
    "UsageReport",
]


class Model(BaseModel):
    """A model the server offers (``GET /models``)."""

    id: str
    created: int
    object: Literal["model"] = "model"
    owned_by: str


class CompletionUsage(BaseModel):
    """Token counts of one completion."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletionMessage(BaseModel):
    """The message the model wrote."""

    role: Literal["assistant"] = "assistant"
    content: str | None = None


class Choice(BaseModel):
    """One alternative answer of a `ChatCompletion`."""

    index: int
    message: ChatCompletionMessage
    finish_reason: str | None = None


class ChatCompletion(BaseModel):
    """A whole chat completion (``POST /chat/completions`` without ``stream``)."""

    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: CompletionUsage | None = None


class ChoiceDelta(BaseModel):
    """What one streamed chunk adds to a choice."""

    role: str | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    """One choice of a `ChatCompletionChunk`."""

    index: int
    delta: ChoiceDelta
    finish_reason: str | None = None


class ChatCompletionChunk(BaseModel):
    """One Server-Sent Event of a streamed chat completion.

    With ``stream_options={"include_usage": True}`` the last chunk has no
    choices and carries `usage`.
    """

    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: CompletionUsage | None = None

    @property
    def text(self) -> str:
        """The content this chunk adds (``""`` when it adds none)."""
        return "".join(choice.delta.content or "" for choice in self.choices)


class FileObject(BaseModel):
    """A file stored on the server (``GET /files/{id}``)."""

    id: str
    object: Literal["file"] = "file"
    bytes: int
    created_at: int
    filename: str
    purpose: str


class FileEvent(BaseModel):
    """Something that happened to a stored file (``GET /files/{id}/events``)."""

    id: str
    object: Literal["file.event"] = "file.event"
    type: str
    created_at: int
    file_id: str
    message: str


class UsageBucket(BaseModel):
    """One day of usage, for one model when grouped by model."""

    object: Literal["usage.bucket"] = "usage.bucket"
    date: datetime.date
    model: str | None = None
    requests: int
    input_tokens: int
    output_tokens: int


class UsageReport(BaseModel):
    """The answer of ``GET /usage``: a bucket per day (and per group) in the range."""

    object: Literal["usage.report"] = "usage.report"
    start_date: datetime.date
    end_date: datetime.date
    data: list[UsageBucket]


class ChatCompletionMessageParam(TypedDict, total=False):
    """One message of the conversation sent to ``chat.completions.create``."""

    role: Required[Literal["system", "user", "assistant"]]
    content: Required[str]
    name: str


class StreamOptions(TypedDict, total=False):
    """Options of a streamed completion: ``include_usage`` adds a final usage chunk."""

    include_usage: bool


#: What a usage report can be split by.
UsageGroup: TypeAlias = Literal["model"]
#: What a file is for; the server accepts any of these.
FilePurpose: TypeAlias = Literal["assistants", "batch", "fine-tune", "vision", "user_data"]


class UsageParams(TypedDict, total=False):
    """The query of ``usage.retrieve``, as Python names; `sdkcore.transform` turns it into
    the API's camelCase names with ISO 8601 dates (``startDate=2024-06-01``)."""

    start_date: Required[
        Annotated[datetime.date, PropertyInfo(alias="startDate", format="iso8601")]
    ]
    end_date: Annotated[datetime.date, PropertyInfo(alias="endDate", format="iso8601")]
    group_by: Annotated[list[UsageGroup], PropertyInfo(alias="groupBy")]


#: The audio formats ``audio.speech.create`` can ask for.
SpeechResponseFormat: TypeAlias = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
