"""Formatting the emitted modules with ``ruff format``, all at once, as a subprocess.

Ruff runs with ``--isolated`` so that no configuration file around the output (or
around the current directory) changes the result: the same document always gives
the same bytes. It is found as the ``ruff`` module of this interpreter (the ``gen``
extra installs it), else on ``PATH``.

Example::

    formatted = format_sources({"pkg/__init__.py": "x=1\\n"})   # {"pkg/__init__.py": "x = 1\\n"}
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import GenerationError

__all__ = ["format_sources", "ruff_command"]


def ruff_command() -> list[str]:
    """The command that runs ruff; raises `GenerationError` when ruff is not installed."""
    if importlib.util.find_spec("ruff") is not None:
        # -I: the current directory (the generated package, which has a "types" module)
        # must not shadow the standard library of the ruff launcher.
        return [sys.executable, "-I", "-m", "ruff"]
    found = shutil.which("ruff")
    if found is None:
        raise GenerationError("ruff is needed to format the package: pip install 'sdkcore[gen]'")
    return [found]


def format_sources(files: dict[str, str]) -> dict[str, str]:
    """``files`` with every ``.py`` text formatted; raises `GenerationError` when ruff fails."""
    with tempfile.TemporaryDirectory(prefix="sdkcore-gen-") as scratch:
        root = Path(scratch)
        for relative, text in files.items():
            if relative.endswith(".py"):
                path = root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        command = [
            *ruff_command(),
            "format",
            "--isolated",
            "--quiet",
            "--target-version",
            "py311",
            ".",
        ]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise GenerationError(
                f"ruff format failed on the generated code:\n{done.stderr or done.stdout}"
            )
        return {
            relative: (root / relative).read_text(encoding="utf-8")
            if relative.endswith(".py")
            else text
            for relative, text in files.items()
        }
