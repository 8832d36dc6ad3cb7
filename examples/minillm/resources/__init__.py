"""The MiniLLM resources, one module per API area, each with a sync and an async class."""

from .audio import AsyncAudio, AsyncSpeech, Audio, Speech
from .chat import AsyncChat, AsyncCompletions, Chat, Completions
from .files import AsyncFiles, Files
from .models import AsyncModels, Models
from .usage import AsyncUsage, Usage

__all__ = [
    "AsyncAudio",
    "AsyncChat",
    "AsyncCompletions",
    "AsyncFiles",
    "AsyncModels",
    "AsyncSpeech",
    "AsyncUsage",
    "Audio",
    "Chat",
    "Completions",
    "Files",
    "Models",
    "Speech",
    "Usage",
]
