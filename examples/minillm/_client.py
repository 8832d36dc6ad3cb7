"""The MiniLLM clients: `MiniLLM` (sync) and `AsyncMiniLLM`, on sdkcore's client core.

Each client owns its resources (``client.models``, ``client.chat.completions``,
``client.files``, ``client.audio.speech``) and authenticates with a bearer key.
Both read ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL`` when not given, so they work
against any OpenAI-compatible server as well as the embedded one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

import httpx2

from sdkcore import AsyncAPIClient, AsyncStream, Omit, SdkError, Stream, SyncAPIClient

from .resources import AsyncAudio, AsyncChat, AsyncFiles, AsyncModels, Audio, Chat, Files, Models

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "AsyncMiniLLM", "MiniLLM", "MiniLLMError"]

__version__ = "0.1.0"

#: Where the clients go when neither ``base_url`` nor ``OPENAI_BASE_URL`` says otherwise.
DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: Ten minutes for a whole call (long completions), five seconds to connect.
DEFAULT_TIMEOUT = httpx2.Timeout(600.0, connect=5.0)

_USER_AGENT = f"minillm-python/{__version__}"


class MiniLLMError(SdkError):
    """A MiniLLM client was misconfigured (for example, no API key anywhere)."""


def resolve_api_key(api_key: str | None) -> str:
    """`api_key`, else ``OPENAI_API_KEY``; raises `MiniLLMError` when both are missing."""
    key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY")
    if not key:
        raise MiniLLMError(
            "No API key: pass api_key= to the client or set the OPENAI_API_KEY "
            "environment variable."
        )
    return key


def resolve_base_url(base_url: str | httpx2.URL | None) -> str | httpx2.URL:
    """`base_url`, else ``OPENAI_BASE_URL``, else `DEFAULT_BASE_URL`."""
    if base_url is not None:
        return base_url
    return os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL


class MiniLLM(SyncAPIClient):
    """A sync client for OpenAI-compatible APIs.

    Raises `MiniLLMError` when no API key is given or in the environment.

    Example::

        with MiniLLM(api_key="sk-...", base_url="http://127.0.0.1:8000/v1") as client:
            print([model.id for model in client.models.list().data])
    """

    _default_stream_cls: ClassVar[type[Any] | None] = Stream

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx2.URL | None = None,
        timeout: float | httpx2.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        stream_idle_timeout: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.Client | None = None,
    ) -> None:
        self.api_key = resolve_api_key(api_key)
        super().__init__(
            resolve_base_url(base_url),
            timeout=timeout,
            max_retries=max_retries,
            stream_idle_timeout=stream_idle_timeout,
            default_headers=default_headers,
            http_client=http_client,
        )
        self.models = Models(self)
        self.chat = Chat(self)
        self.files = Files(self)
        self.audio = Audio(self)

    @property
    def auth_headers(self) -> dict[str, str]:
        """The bearer key; sdkcore keeps it out of every repr, log and error."""
        return {"Authorization": f"Bearer {self.api_key}"}

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        """sdkcore's defaults plus a User-Agent naming this SDK."""
        return {"User-Agent": _USER_AGENT, **super().default_headers}


class AsyncMiniLLM(AsyncAPIClient):
    """The async twin of `MiniLLM`; runs on asyncio and trio.

    Example::

        async with AsyncMiniLLM(api_key="sk-...") as client:
            stream = await client.chat.completions.create(model=m, messages=msgs, stream=True)
            async for chunk in stream:
                print(chunk.text, end="")
    """

    _default_stream_cls: ClassVar[type[Any] | None] = AsyncStream

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx2.URL | None = None,
        timeout: float | httpx2.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        stream_idle_timeout: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.api_key = resolve_api_key(api_key)
        super().__init__(
            resolve_base_url(base_url),
            timeout=timeout,
            max_retries=max_retries,
            stream_idle_timeout=stream_idle_timeout,
            default_headers=default_headers,
            http_client=http_client,
        )
        self.models = AsyncModels(self)
        self.chat = AsyncChat(self)
        self.files = AsyncFiles(self)
        self.audio = AsyncAudio(self)

    @property
    def auth_headers(self) -> dict[str, str]:
        """The bearer key; sdkcore keeps it out of every repr, log and error."""
        return {"Authorization": f"Bearer {self.api_key}"}

    @property
    def default_headers(self) -> dict[str, str | Omit]:
        """sdkcore's defaults plus a User-Agent naming this SDK."""
        return {"User-Agent": _USER_AGENT, **super().default_headers}
