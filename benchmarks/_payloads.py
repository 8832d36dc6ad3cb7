"""The bodies the benchmark server sends, built deterministically (stdlib only).

The server imports this module, and so do the scenarios, to know what to expect.
The stream is shaped like a real ``/v1/chat/completions`` stream with
``stream_options={"include_usage": true}``: a first chunk with the role, chunks
of one to three tokens, a chunk with the finish reason, a last chunk with the
usage and no choices, then ``data: [DONE]``. Each chunk carries the fields the
API sends today, ``service_tier`` and ``obfuscation`` included (which the models
do not declare, so they exercise the "extra fields kept" path).
"""

from __future__ import annotations

import json

_TOKENS = (" The", " answer", " is", " forty", "-two", ",", " über", " 日本", " and", " the")
_TOKENS += (" question", " remains", " open", ".", "\n\n", " Let", "'s", " see", ":", " **")


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _text(i: int) -> str:
    """One to three tokens of text for the ``i``-th chunk."""
    return "".join(_TOKENS[(i * 7 + k) % len(_TOKENS)] for k in range(1 + i % 3))


def _usage() -> dict[str, object]:
    return {
        "prompt_tokens": 1234,
        "completion_tokens": 456,
        "total_tokens": 1690,
        "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def chat_chunk(i: int, events: int) -> dict[str, object]:
    """The ``i``-th of ``events`` chat.completion.chunk objects (about 300 bytes each)."""
    delta: dict[str, object] = {"content": _text(i)}
    finish: str | None = None
    if i == 0:
        delta = {"role": "assistant", "content": "", "refusal": None}
    elif i == events - 2:
        delta, finish = {}, "stop"
    choices = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
    last = i == events - 1
    return {
        "id": "chatcmpl-BxKq2R7bT4nVw8LmZpQa1sYdEfGhJ",
        "object": "chat.completion.chunk",
        "created": 1_718_000_000 + i // 50,
        "model": "gpt-4o-mini-2024-07-18",
        "service_tier": "default",
        "system_fingerprint": "fp_0f03d4f0ee",
        "choices": [] if last else choices,
        "usage": _usage() if last else None,
        "obfuscation": "aBcDeFgHiJ"[: 2 + i % 8],
    }


def sse_events(events: int) -> list[bytes]:
    """``events`` ``data:`` events of chat chunks, then ``data: [DONE]``, one bytes each."""
    out = [b"data: " + _dumps(chat_chunk(i, events)) + b"\n\n" for i in range(events)]
    out.append(b"data: [DONE]\n\n")
    return out


def sse_body(events: int) -> bytes:
    """The whole event stream as one bytes object."""
    return b"".join(sse_events(events))


def completion(i: int = 0) -> dict[str, object]:
    """A chat.completion object of about 2 KB."""
    text = " ".join(f"word{(i + k) % 97}" for k in range(150))
    return {
        "id": f"chatcmpl-{i:08d}AbC9xKq2R7bT4nVw8LmZpQa1",
        "object": "chat.completion",
        "created": 1_718_000_000 + i,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_0f03d4f0ee",
        "service_tier": "default",
        "choices": [
            {
                "index": k,
                "message": {
                    "role": "assistant",
                    "content": text[: 300 + 50 * k],
                    "refusal": None,
                    "annotations": [],
                },
                "logprobs": None,
                "finish_reason": "stop",
            }
            for k in range(3)
        ],
        "usage": _usage(),
        "metadata": {"user": "bench", "trace": "t-0001", "region": "eu-west-1"},
    }


def small_json() -> bytes:
    """One ~2 KB chat.completion object."""
    return _dumps(completion())


def file_object(i: int) -> dict[str, object]:
    """One file object (~250 bytes), of the big list and of the list pages."""
    return {
        "id": f"file-{i:024d}",
        "object": "file",
        "bytes": 100_000 + i * 7,
        "created_at": 1_700_000_000 + i,
        "expires_at": None,
        "filename": f"training-data-{i:06d}.jsonl",
        "purpose": "fine-tune",
        "status": "processed",
        "status_details": None,
        "tags": ["bench", f"shard-{i % 16}"],
        "owner": {"id": f"user-{i % 100:04d}", "name": "Bench User"},
    }


def big_json(target: int = 5 * 1_048_576) -> bytes:
    """A JSON list of file objects, about ``target`` bytes long."""
    one = len(_dumps(file_object(0))) + 1
    return _dumps([file_object(i) for i in range(target // one)])


def cursor_page(start: int, limit: int, total: int) -> bytes:
    """One page of a cursor-paginated list of ``total`` file objects, as OpenAI lists them."""
    data = [file_object(i) for i in range(start, min(start + limit, total))]
    return _dumps(
        {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": start + limit < total,
        }
    )


def index_after(cursor: str) -> int:
    """The index of the item that follows the one whose id is ``cursor``."""
    return int(cursor.removeprefix("file-")) + 1
