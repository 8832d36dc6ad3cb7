"""A griffe extension: sdkcore's docstrings, written for ``help()``, read as Markdown.

sdkcore's docstrings hold doctest examples (``>>>`` lines) and reST literal blocks
(a line ending in ``::`` and an indented block). Markdown would show ``>>>`` as
nested block quotes and keep the ``::``, so each becomes a fenced code block. A
``#:`` comment above an attribute or a type alias becomes its docstring, as Sphinx
reads it (griffe reads only a string literal below the assignment). An attribute
set in ``__init__`` shows its type, not the parameter it was set from.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import Any

import griffe

_FENCE = "```"


class PlainDocstrings(griffe.Extension):
    """Rewrites each docstring once, when griffe has built its object."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if isinstance(obj, griffe.Attribute) and "instance-attribute" in obj.labels:
            # ``self.host = host`` in ``__init__``: the value is a parameter, not a default.
            obj.value = None
        if obj.docstring is None and obj.is_attribute:
            comment = _comment_above(obj)
            if comment:
                obj.docstring = griffe.Docstring(comment, parent=obj)
        if obj.docstring is not None:
            obj.docstring.value = to_markdown(obj.docstring.value)


def _comment_above(obj: griffe.Object) -> str:
    """The ``#:`` lines right above the object's first line, without the markers."""
    if obj.lineno is None or isinstance(obj.filepath, list):
        return ""
    lines = _source_lines(str(obj.filepath))
    found: list[str] = []
    index = obj.lineno - 2
    while index >= 0 and lines[index].strip().startswith("#:"):
        found.insert(0, lines[index].strip()[2:].strip())
        index -= 1
    return " ".join(found)


@cache
def _source_lines(path: str) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()


def to_markdown(text: str) -> str:
    """``text`` with doctest runs and ``::`` literal blocks turned into fenced blocks."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    in_fence = False
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith(_FENCE):
            in_fence = not in_fence
        if in_fence or stripped.startswith(_FENCE):
            out.append(line)
            index += 1
        elif stripped.startswith(">>>"):
            index = _doctest(lines, index, out)
        elif stripped.endswith("::") and _literal_follows(lines, index):
            index = _literal(lines, index, out)
        else:
            out.append(line)
            index += 1
    return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _doctest(lines: list[str], index: int, out: list[str]) -> int:
    """A doctest run, up to the next blank line, as a ``pycon`` block."""
    margin = " " * _indent(lines[index])
    block: list[str] = []
    while index < len(lines) and lines[index].strip():
        block.append(lines[index][len(margin) :])
        index += 1
    out.extend([f"{margin}{_FENCE}pycon", *(margin + line for line in block), margin + _FENCE])
    return index


def _literal_follows(lines: list[str], index: int) -> bool:
    """Whether a more indented, non-blank line follows the ``::`` line (after blanks)."""
    following = index + 1
    while following < len(lines) and not lines[following].strip():
        following += 1
    return following < len(lines) and _indent(lines[following]) > _indent(lines[index])


def _literal(lines: list[str], index: int, out: list[str]) -> int:
    """``Text::`` and its indented block: ``Text:`` and a fenced block."""
    line = lines[index]
    margin = " " * _indent(line)
    head = line.rstrip()[:-2].rstrip()
    if head.strip():
        out.extend([f"{head}:", ""])
    index += 1
    block: list[str] = []
    while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > len(margin)):
        block.append(lines[index])
        index += 1
    while block and not block[-1].strip():
        block.pop()
    while block and not block[0].strip():
        block.pop(0)
    depth = min(_indent(text) for text in block if text.strip())
    body = [text[depth:] for text in block]
    language = _language("\n".join(body))
    out.extend([f"{margin}{_FENCE}{language}", *(margin + text for text in body), margin + _FENCE])
    if index < len(lines):
        out.append("")
    return index


def _language(code: str) -> str:
    """``python`` for code that parses as Python, ``console`` for a shell line, else ``text``."""
    if code.lstrip().startswith("$ "):
        return "console"
    try:
        ast.parse(code)
    except SyntaxError:
        return "text"
    return "python"
