"""What the embedded server knows and computes, without any HTTP: its models, a tiny
deterministic "language model", the stored files and the speech synthesiser.

`server.py` turns these into OpenAI-format HTTP answers.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "AUDIO_TYPES",
    "MODELS",
    "PURPOSES",
    "SAMPLE_FILE_ID",
    "Completion",
    "StoredFile",
    "complete",
    "sample_file",
    "seeded_files",
    "speech_audio",
]

MIB: Final = 1024 * 1024
#: (id, created) of every model the server offers.
MODELS: Final = (
    ("minillm-1", 1_717_000_000),
    ("minillm-1-mini", 1_717_100_000),
    ("minillm-voice", 1_717_200_000),
)
OWNER: Final = "minillm"
SAMPLE_FILE_ID: Final = "file-minillm-sample"
#: Content types of the speech formats.
AUDIO_TYPES: Final = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
#: The purposes a stored file may have.
PURPOSES: Final = ("assistants", "batch", "fine-tune", "vision", "user_data")
_TOKEN: Final = re.compile(r"\s*\S+")
_AUDIO_BYTES_PER_WORD: Final = 6 * 1024
#: How many small files the server starts with, besides the sample (several pages' worth).
SEEDED_FILES: Final = 12


@dataclass(frozen=True)
class StoredFile:
    """A file the server stores: metadata and deterministic content."""

    id: str
    filename: str
    purpose: str
    created_at: int
    data: bytes = field(repr=False)

    @functools.cached_property
    def sha256(self) -> str:
        """The SHA-256 of `data`, hex."""
        return hashlib.sha256(self.data).hexdigest()

    @property
    def etag(self) -> str:
        """A strong ETag for `data` (resumed downloads send it back in ``If-Range``)."""
        return f'"{self.sha256[:32]}"'

    def as_json(self) -> dict[str, object]:
        """The OpenAI ``file`` object."""
        return {
            "id": self.id,
            "object": "file",
            "bytes": len(self.data),
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": self.purpose,
        }


def sample_file(size: int = 8 * MIB) -> StoredFile:
    """The sample file: `size` pseudo-random bytes, the same on every run."""
    data = hashlib.shake_256(b"minillm sample file").digest(size)
    return StoredFile(SAMPLE_FILE_ID, "minillm-sample.bin", "fine-tune", 1_717_300_000, data)


def seeded_files(count: int = SEEDED_FILES) -> list[StoredFile]:
    """Small JSONL files the server starts with, so that listings span several pages."""
    files = []
    for number in range(1, count + 1):
        lines = [
            f'{{"prompt": "question {number}.{line}", "answer": "{line}"}}' for line in range(3)
        ]
        purpose = "batch" if number % 3 else "fine-tune"
        data = ("\n".join(lines) + "\n").encode()
        created = 1_717_400_000 + number * 3_600
        files.append(
            StoredFile(
                f"file-minillm-{number:04d}", f"set-{number:02d}.jsonl", purpose, created, data
            )
        )
    return files


@dataclass(frozen=True)
class Completion:
    """One answer of the model: its tokens and the counts the API reports."""

    id: str
    created: int
    model: str
    tokens: tuple[str, ...]
    prompt_tokens: int
    finish_reason: str

    def usage(self) -> dict[str, int]:
        """The OpenAI ``usage`` object."""
        completion = len(self.tokens)
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
        }

    def as_json(self) -> dict[str, object]:
        """The whole ``chat.completion`` object."""
        message = {"role": "assistant", "content": "".join(self.tokens)}
        choice = {"index": 0, "message": message, "finish_reason": self.finish_reason}
        return {**self._head("chat.completion"), "choices": [choice], "usage": self.usage()}

    def chunks(self, *, include_usage: bool = False) -> Iterator[dict[str, object]]:
        """The ``chat.completion.chunk`` objects of the streamed answer, in order."""
        yield self._chunk({"role": "assistant", "content": ""})
        for token in self.tokens:
            yield self._chunk({"content": token})
        yield self._chunk({}, finish_reason=self.finish_reason)
        if include_usage:
            yield {**self._head("chat.completion.chunk"), "choices": [], "usage": self.usage()}

    def _chunk(self, delta: dict[str, str], finish_reason: str | None = None) -> dict[str, object]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        return {**self._head("chat.completion.chunk"), "choices": [choice]}

    def _head(self, kind: str) -> dict[str, object]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}


def complete(model: str, prompts: list[str], max_tokens: int | None = None) -> Completion:
    """The model's answer to a conversation whose message texts are `prompts`."""
    last = " ".join(prompts[-1].split()) if prompts else ""
    quoted = last if len(last) <= 60 else last[:57] + "..."
    text = (
        f'You asked: "{quoted}". I am MiniLLM, a tiny deterministic model living inside '
        "sdkcore's embedded test server. I stream one token every 20 to 40 ms as "
        "Server-Sent Events, so you can watch them arrive and time the first one."
    )
    tokens = tuple(_TOKEN.findall(text))
    finish_reason = "stop"
    if max_tokens is not None and max_tokens < len(tokens):
        tokens, finish_reason = tokens[:max_tokens], "length"
    prompt_tokens = sum(len(_TOKEN.findall(prompt)) for prompt in prompts)
    created = int(time.time())
    return Completion(
        f"chatcmpl-{uuid.uuid4().hex[:24]}", created, model, tokens, prompt_tokens, finish_reason
    )


def speech_audio(text: str, voice: str) -> bytes:
    """Fake audio for `text`: an ID3 tag, then noise sized by the word count."""
    size = _AUDIO_BYTES_PER_WORD * max(1, len(text.split()))
    noise = hashlib.shake_256(f"{voice}:{text}".encode()).digest(size)
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + noise
