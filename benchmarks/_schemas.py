"""The response models, built three times from one definition.

``build`` derives every model from a base class: ``sdkcore.BaseModel``,
``openai.BaseModel`` and plain ``pydantic.BaseModel`` (for the hand-written
peers), so each contender parses into its own family with the same fields.
The stream model is ``ChatCompletionChunk`` as a new user would write it for
OpenAI's ``chat.completion.chunk``: literals for ``object``, ``role`` and
``finish_reason``, optional tool calls, refusal, logprobs and usage.
(No ``from __future__ import annotations`` here: the classes are made inside a
function and pydantic must see the real annotations.)
"""

from types import SimpleNamespace
from typing import Any, Literal

import openai
import pydantic

import sdkcore


def _chunk_models(base: Any) -> Any:
    class FunctionDelta(base):
        name: str | None = None
        arguments: str | None = None

    class ToolCallDelta(base):
        index: int
        id: str | None = None
        type: Literal["function"] | None = None
        function: FunctionDelta | None = None

    class ChoiceDelta(base):
        role: Literal["developer", "system", "user", "assistant", "tool"] | None = None
        content: str | None = None
        tool_calls: list[ToolCallDelta] | None = None
        refusal: str | None = None

    class TopLogprob(base):
        token: str
        logprob: float
        bytes: list[int] | None = None

    class TokenLogprob(base):
        token: str
        logprob: float
        bytes: list[int] | None = None
        top_logprobs: list[TopLogprob]

    class ChoiceLogprobs(base):
        content: list[TokenLogprob] | None = None
        refusal: list[TokenLogprob] | None = None

    class Choice(base):
        index: int
        delta: ChoiceDelta
        finish_reason: (
            Literal["stop", "length", "tool_calls", "content_filter", "function_call"] | None
        ) = None
        logprobs: ChoiceLogprobs | None = None

    class PromptTokensDetails(base):
        cached_tokens: int | None = None
        audio_tokens: int | None = None

    class CompletionTokensDetails(base):
        reasoning_tokens: int | None = None
        audio_tokens: int | None = None
        accepted_prediction_tokens: int | None = None
        rejected_prediction_tokens: int | None = None

    class CompletionUsage(base):
        prompt_tokens: int
        completion_tokens: int
        total_tokens: int
        prompt_tokens_details: PromptTokensDetails | None = None
        completion_tokens_details: CompletionTokensDetails | None = None

    class ChatCompletionChunk(base):
        id: str
        object: Literal["chat.completion.chunk"]
        created: int
        model: str
        system_fingerprint: str | None = None
        choices: list[Choice]
        usage: CompletionUsage | None = None

    return SimpleNamespace(ChatCompletionChunk=ChatCompletionChunk, Usage=CompletionUsage)


def _other_models(base: Any, usage_model: Any) -> SimpleNamespace:
    class Message(base):
        role: str
        content: str | None = None
        refusal: str | None = None
        annotations: list[dict[str, Any]] | None = None

    class Choice(base):
        index: int
        message: Message
        logprobs: dict[str, Any] | None = None
        finish_reason: str | None = None

    class Completion(base):
        id: str
        object: str
        created: int
        model: str
        system_fingerprint: str | None = None
        service_tier: str | None = None
        choices: list[Choice]
        usage: usage_model | None = None  # type: ignore[valid-type]
        metadata: dict[str, str] | None = None

    class Owner(base):
        id: str
        name: str

    class FileObject(base):
        id: str
        object: str
        bytes: int
        created_at: int
        expires_at: int | None = None
        filename: str
        purpose: str
        status: str
        status_details: str | None = None
        tags: list[str]
        owner: Owner

    class FilePage(base):
        data: list[FileObject]
        has_more: bool | None = None

    class Uploaded(base):
        object: str
        bytes: int

    return SimpleNamespace(
        Completion=Completion, FileObject=FileObject, FilePage=FilePage, Uploaded=Uploaded
    )


def build(base: Any) -> SimpleNamespace:
    """The model classes of the benchmarks, derived from ``base``."""
    chunk = _chunk_models(base)
    other = _other_models(base, chunk.Usage)
    return SimpleNamespace(Chunk=chunk.ChatCompletionChunk, **vars(other))


SDKCORE = build(sdkcore.BaseModel)
OPENAI = build(openai.BaseModel)
#: Plain pydantic models for the hand-written peers.
PLAIN = build(pydantic.BaseModel)
