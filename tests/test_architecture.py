"""The package's layering, read from the source with ``ast``.

Each module imports only from modules listed above it in ``LAYERS``, so the
response layer never sees the client and no import cycle can form. Imports under
``if TYPE_CHECKING:`` are exempt: they exist only for annotations.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sdkcore"

LAYERS = [
    "_constants",
    "_typing",
    "_types",
    "_transport",
    "_exceptions",
    "_sse",
    "_retries",
    "_models",
    "_qs",
    "_transform",
    "_multipart",
    "_options",
    "_context",
    "_attempts",
    "_body",
    "_files",
    "_binary",
    "_parsing",
    "_webhooks",
    "_events",
    "_streaming",
    "_jsonl",
    "_response",
    "_downloads",
    "_wrappers",
    "_verbs",
    "_flow",
    "_base_client",
    "_client",
    "_resource",
    "_aiohttp",
    "__init__",
]
RESPONSE_LAYER = [
    "_parsing",
    "_events",
    "_streaming",
    "_jsonl",
    "_response",
    "_downloads",
    "_wrappers",
]
MAX_LINES = 450


def _runtime_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            exempt.update(id(child) for child in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in exempt:
            found.add((node.module or "").split(".")[0])
    return found


def test_every_module_of_the_package_has_a_layer() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert modules <= set(LAYERS)


@pytest.mark.parametrize("module", LAYERS)
def test_module_imports_only_from_layers_above_it(module: str) -> None:
    if not (PACKAGE / f"{module}.py").exists():
        pytest.skip(reason=f"{module} is planned but not written yet")
    above = set(LAYERS[: LAYERS.index(module)])
    assert _runtime_imports(module) <= above


@pytest.mark.parametrize("module", RESPONSE_LAYER)
def test_response_layer_never_imports_the_client(module: str) -> None:
    assert not _runtime_imports(module) & {"_base_client", "_client", "_flow", "_resource"}


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_source_files_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES
