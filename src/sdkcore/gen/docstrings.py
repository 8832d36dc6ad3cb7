"""Docstrings from the document's prose, safe whatever the prose contains.

Descriptions are Markdown written by someone else: they may hold three double
quotes in a row, backslashes, a trailing quote, tabs, carriage returns, NUL or other
control characters. `docstring` escapes all of that, so the emitted file always
parses and its docstring reads back as the original text.

Example::

    docstring("A path: C:\\temp", indent="    ")   # the backslash is doubled
"""

from __future__ import annotations

import re

__all__ = ["clean", "docstring", "summary"]

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def clean(text: str) -> str:
    """``text`` with line endings normalised, tabs expanded, trailing spaces and outer
    blank lines removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n").strip()


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = _CONTROL.sub(
        lambda match: (
            f"\\x{ord(match.group()):02x}"
            if ord(match.group()) < 256
            else f"\\u{ord(match.group()):04x}"
        ),
        text,
    )
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    return text


def docstring(text: str, indent: str) -> list[str]:
    """The lines of a docstring holding ``text`` (none when ``text`` is empty)."""
    body = _escape(clean(text))
    if not body:
        return []
    lines = body.split("\n")
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    rendered = [f'{indent}"""{lines[0]}']
    rendered.extend(f"{indent}{line}" if line else "" for line in lines[1:])
    rendered.append(f'{indent}"""')
    return rendered


def summary(text: str) -> str:
    """The first sentence-ish line of ``text``, for one-line docs."""
    first = clean(text).split("\n\n", 1)[0].replace("\n", " ")
    return first.strip()
