"""The response models, built twice from one definition: on sdkcore's and openai's BaseModel.

Both families have the same fields, so each runtime parses into its own base class.
(No ``from __future__ import annotations`` here: the classes are made inside a
function and pydantic must see the real annotations.)
"""

from types import SimpleNamespace
from typing import Any, Literal

import openai
import pydantic

import sdkcore


def build(base: Any) -> SimpleNamespace:
    """The model classes of the benchmarks, derived from ``base``."""

    class Delta(base):
        role: Literal["system", "user", "assistant", "tool"] | None = None
        content: str | None = None

    class ChoiceLogprobs(base):
        content: list[dict[str, Any]] | None = None

    class StreamChoice(base):
        index: int
        delta: Delta
        logprobs: ChoiceLogprobs | None = None
        finish_reason: str | None = None

    class Chunk(base):
        id: str
        object: str
        created: int
        model: str
        system_fingerprint: str | None = None
        choices: list[StreamChoice]

    class Message(base):
        role: str
        content: str | None = None
        refusal: str | None = None
        annotations: list[dict[str, Any]] | None = None

    class Choice(base):
        index: int
        message: Message
        logprobs: ChoiceLogprobs | None = None
        finish_reason: str | None = None

    class PromptTokensDetails(base):
        cached_tokens: int | None = None
        audio_tokens: int | None = None

    class CompletionTokensDetails(base):
        reasoning_tokens: int | None = None
        audio_tokens: int | None = None
        accepted_prediction_tokens: int | None = None
        rejected_prediction_tokens: int | None = None

    class Usage(base):
        prompt_tokens: int
        completion_tokens: int
        total_tokens: int
        prompt_tokens_details: PromptTokensDetails | None = None
        completion_tokens_details: CompletionTokensDetails | None = None

    class Completion(base):
        id: str
        object: str
        created: int
        model: str
        system_fingerprint: str | None = None
        service_tier: str | None = None
        choices: list[Choice]
        usage: Usage | None = None
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

    return SimpleNamespace(Chunk=Chunk, Completion=Completion, FileObject=FileObject)


SDKCORE = build(sdkcore.BaseModel)
OPENAI = build(openai.BaseModel)
#: Plain pydantic models for the "no SDK" ceiling.
PLAIN = build(pydantic.BaseModel)
