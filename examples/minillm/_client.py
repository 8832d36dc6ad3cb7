"""The MiniLLM clients: `MiniLLM` (sync) and `AsyncMiniLLM`, on sdkcore's client core.

Each client owns its resources (``client.models``, ``client.chat.completions``,
``client.files``, ``client.audio.speech``, ``client.usage``) and authenticates with
a bearer key. When not given, the key comes from ``MINILLM_API_KEY`` (else
``OPENAI_API_KEY``) and the base URL from ``MINILLM_BASE_URL`` (else
``OPENAI_BASE_URL``, else `DEFAULT_BASE_URL`), so the clients work against any
OpenAI-compatible server as well as the embedded one. Every request says
``User-Agent: minillm-python/<version> sdkcore/<version> python/<version>``;
``MINILLM_LOG=debug`` (or ``info``) shows sdkcore's log on stderr, never a key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

import httpx2

from sdkcore import AsyncAPIClient, AsyncStream, SdkError, Stream, SyncAPIClient

from .resources import (
    AsyncAudio,
    AsyncChat,
    AsyncFiles,
    AsyncModels,
    AsyncUsage,
    Audio,
    Chat,
    Files,
    Models,
    Usage,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "API_KEY_VARIABLES",
    "BASE_URL_VARIABLES",
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "LOG_VARIABLE",
    "AsyncMiniLLM",
    "MiniLLM",
    "MiniLLMError",
    "from_environment",
]

__version__ = "0.1.0"

#: Where the clients go when neither ``base_url`` nor the environment says otherwise.
DEFAULT_BASE_URL = "https://api.openai.com/v1"
#: Ten minutes for a whole call (long completions), five seconds to connect.
DEFAULT_TIMEOUT = httpx2.Timeout(600.0, connect=5.0)
#: Where the key comes from when ``api_key`` is not given, first match wins.
API_KEY_VARIABLES = ("MINILLM_API_KEY", "OPENAI_API_KEY")
#: Where the base URL comes from when ``base_url`` is not given, first match wins.
BASE_URL_VARIABLES = ("MINILLM_BASE_URL", "OPENAI_BASE_URL")
#: ``MINILLM_LOG=info|debug`` turns on sdkcore's log on stderr (as ``SDKCORE_LOG`` does).
LOG_VARIABLE = "MINILLM_LOG"


class MiniLLMError(SdkError):
    """A MiniLLM client was misconfigured (for example, no API key anywhere)."""


def from_environment(names: tuple[str, ...]) -> str | None:
    """The value of the first of `names` set (and not empty) in the environment.

    Example: ``from_environment(API_KEY_VARIABLES)``
    """
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


def resolve_api_key(api_key: str | None) -> str:
    """`api_key`, else ``MINILLM_API_KEY`` / ``OPENAI_API_KEY``; raises `MiniLLMError`
    when none is set."""
    key = api_key if api_key is not None else from_environment(API_KEY_VARIABLES)
    if not key:
        raise MiniLLMError(
            "No API key: pass api_key= to the client or set the MINILLM_API_KEY "
            "(or OPENAI_API_KEY) environment variable."
        )
    return key


def resolve_base_url(base_url: str | httpx2.URL | None) -> str | httpx2.URL:
    """`base_url`, else ``MINILLM_BASE_URL`` / ``OPENAI_BASE_URL``, else `DEFAULT_BASE_URL`."""
    if base_url is not None:
        return base_url
    return from_environment(BASE_URL_VARIABLES) or DEFAULT_BASE_URL


class MiniLLM(SyncAPIClient):
    """A sync client for OpenAI-compatible APIs.

    Raises `MiniLLMError` when no API key is given or in the environment.

    Example::

        with MiniLLM(api_key="sk-...", base_url="http://127.0.0.1:8000/v1") as client:
            print([model.id for model in client.models.list()])
    """

    _default_stream_cls: ClassVar[type[Any] | None] = Stream
    _user_agent: ClassVar[str | None] = f"minillm-python/{__version__}"
    _log_env_var: ClassVar[str | None] = LOG_VARIABLE

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx2.URL | None = None,
        timeout: float | httpx2.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        stream_idle_timeout: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx2.Client | None = None,
    ) -> None:
        self.api_key = resolve_api_key(api_key)
        super().__init__(
            resolve_base_url(base_url),
            timeout=timeout,
            max_retries=max_retries,
            stream_idle_timeout=stream_idle_timeout,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
        )
        self.models = Models(self)
        self.chat = Chat(self)
        self.files = Files(self)
        self.audio = Audio(self)
        self.usage = Usage(self)

    @property
    def auth_headers(self) -> dict[str, str]:
        """The bearer key; sdkcore keeps it out of every repr, log and error."""
        return {"Authorization": f"Bearer {self.api_key}"}


class AsyncMiniLLM(AsyncAPIClient):
    """The async twin of `MiniLLM`; runs on asyncio and trio.

    Example::

        async with AsyncMiniLLM(api_key="sk-...") as client:
            stream = await client.chat.completions.create(model=m, messages=msgs, stream=True)
            async for chunk in stream:
                print(chunk.text, end="")
    """

    _default_stream_cls: ClassVar[type[Any] | None] = AsyncStream
    _user_agent: ClassVar[str | None] = f"minillm-python/{__version__}"
    _log_env_var: ClassVar[str | None] = LOG_VARIABLE

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx2.URL | None = None,
        timeout: float | httpx2.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        stream_idle_timeout: float | None = None,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx2.AsyncClient | None = None,
    ) -> None:
        self.api_key = resolve_api_key(api_key)
        super().__init__(
            resolve_base_url(base_url),
            timeout=timeout,
            max_retries=max_retries,
            stream_idle_timeout=stream_idle_timeout,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
        )
        self.models = AsyncModels(self)
        self.chat = AsyncChat(self)
        self.files = AsyncFiles(self)
        self.audio = AsyncAudio(self)
        self.usage = AsyncUsage(self)

    @property
    def auth_headers(self) -> dict[str, str]:
        """The bearer key; sdkcore keeps it out of every repr, log and error."""
        return {"Authorization": f"Bearer {self.api_key}"}
