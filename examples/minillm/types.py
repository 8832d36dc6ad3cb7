"""The MiniLLM API's types: response models (`sdkcore.BaseModel`) and request params.

The response models follow the OpenAI wire format, so they parse the answers of
any OpenAI-compatible server. Like every `sdkcore.BaseModel`, they keep fields
they do not declare, and a model built from a response carries `_request_id`.
"""

from __future__ import annotations

from typing import Literal, Required, TypeAlias

from typing_extensions import TypedDict

from sdkcore import BaseModel

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionMessage",
    "ChatCompletionMessageParam",
    "Choice",
    "ChoiceDelta",
    "ChunkChoice",
    "CompletionUsage",
    "FileList",
    "FileObject",
    "Model",
    "ModelList",
    "SpeechResponseFormat",
    "StreamOptions",
]


class Model(BaseModel):
    """A model the server offers (``GET /models``)."""

    id: str
    created: int
    object: Literal["model"] = "model"
    owned_by: str


class ModelList(BaseModel):
    """The answer of ``GET /models``."""

    object: Literal["list"] = "list"
    data: list[Model]


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


class FileList(BaseModel):
    """The answer of ``GET /files``."""

    object: Literal["list"] = "list"
    data: list[FileObject]


class ChatCompletionMessageParam(TypedDict, total=False):
    """One message of the conversation sent to ``chat.completions.create``."""

    role: Required[Literal["system", "user", "assistant"]]
    content: Required[str]
    name: str


class StreamOptions(TypedDict, total=False):
    """Options of a streamed completion: ``include_usage`` adds a final usage chunk."""

    include_usage: bool


#: The audio formats ``audio.speech.create`` can ask for.
SpeechResponseFormat: TypeAlias = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
