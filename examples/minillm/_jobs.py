"""`Job`: one CLI command to run on a client, as the sync and async runners take it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

__all__ = ["Job"]


@dataclass(frozen=True)
class Job:
    """The command (``"chat"``, ``"files ls"``...), its parsed arguments and the models.

    Example: ``Job("files ls", args, model="minillm-1", voice_model="minillm-voice")``
    """

    command: str
    args: argparse.Namespace
    model: str
    voice_model: str

    def text(self, name: str) -> str:
        """The string argument `name`."""
        return str(getattr(self.args, name))

    def number(self, name: str) -> int | None:
        """The optional whole-number argument `name`."""
        value = getattr(self.args, name, None)
        return None if value is None else int(value)

    def path(self, name: str) -> Path:
        """The path argument `name`."""
        return Path(getattr(self.args, name))

    def date(self, name: str) -> datetime.date | None:
        """The optional date argument `name`."""
        value = getattr(self.args, name, None)
        return value if isinstance(value, datetime.date) else None
