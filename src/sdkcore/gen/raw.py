"""Typed views of the document's raw values (parsed JSON or YAML).

Example::

    paths = as_mapping(root.get("paths")) or {}
    tags = [tag for tag in as_list(operation.get("tags")) if isinstance(tag, str)]
"""

from __future__ import annotations

from typing import cast

__all__ = ["as_list", "as_mapping"]


def as_mapping(value: object) -> dict[str, object] | None:
    """``value`` when it is a mapping (the loader's keys are always strings), else ``None``."""
    # The one place raw document values get a static type: the loader makes every
    # mapping key a string, so a dict here is a ``dict[str, object]``.
    return cast("dict[str, object]", value) if isinstance(value, dict) else None


def as_list(value: object) -> list[object]:
    """``value`` when it is a list, else an empty list."""
    return cast("list[object]", value) if isinstance(value, list) else []
