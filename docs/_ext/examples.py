"""A mkdocs hook: every example on the pages is checked against the package.

Each ``python`` fenced block must parse; each name it imports from ``sdkcore``,
``sdkcore.testing`` or ``sdkcore.gen`` must exist there; and each call of a public
function or class (imported, or one of ``sdkcore``'s public names used bare) must bind
to its signature: no unknown keyword, no missing required argument. Every code line
fits the page without scrolling (``MAX_CODE_WIDTH``). A failure is a
warning naming the page and the line, so ``mkdocs build --strict`` fails on a stale
example.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.examples")

_FENCED = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<code>.*?)^(?P=indent)```", re.M | re.S
)
#: The widest code line a page shows without scrolling, next to both sidebars at 1280 px.
MAX_CODE_WIDTH = 80
_PACKAGES = ("sdkcore", "sdkcore.testing", "sdkcore.gen")
_DUMMY = object()


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Check the page's code blocks; the page itself is left as it is."""
    for match in _FENCED.finditer(markdown):
        line = markdown.count("\n", 0, match.start()) + 2
        code = _dedent(match.group("code"), match.group("indent"))
        problems = check_example(code) if match.group("lang") == "python" else []
        problems += _too_wide(code)
        for problem in problems:
            log.warning(f"{page.file.src_uri}, code block at line {line}: {problem}")
    return markdown


def _too_wide(code: str) -> list[str]:
    return [
        f"line {number} is {len(text)} characters wide (at most {MAX_CODE_WIDTH} fit)"
        for number, text in enumerate(code.split("\n"), start=1)
        if len(text) > MAX_CODE_WIDTH
    ]


def _dedent(code: str, indent: str) -> str:
    lines = code.split("\n")
    return "\n".join(line[len(indent) :] if line.startswith(indent) else line for line in lines)


def check_example(code: str) -> list[str]:
    """What is wrong with one example: a syntax error, a missing name, a call that cannot bind."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return [f"does not parse: {exc.msg} (line {exc.lineno})"]
    problems: list[str] = []
    names = _bare_names()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _PACKAGES:
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    names[alias.asname or alias.name] = getattr(module, alias.name)
                else:
                    problems.append(f"{node.module} has no {alias.name!r}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
            problem = _binds(names[node.func.id], node)
            if problem:
                problems.append(f"{node.func.id}(...) at line {node.lineno}: {problem}")
    return problems


def _bare_names() -> dict[str, Any]:
    import sdkcore

    return {name: getattr(sdkcore, name) for name in sdkcore.__all__}


def _binds(target: Any, call: ast.Call) -> str | None:
    """Why ``call`` cannot bind to ``target``'s signature, or ``None``."""
    unpacked = any(isinstance(arg, ast.Starred) for arg in call.args)
    if unpacked or any(keyword.arg is None for keyword in call.keywords):
        return None
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    try:
        keywords = {keyword.arg: _DUMMY for keyword in call.keywords if keyword.arg}
        signature.bind(*[_DUMMY] * len(call.args), **keywords)
    except TypeError as exc:
        return str(exc)
    return None
