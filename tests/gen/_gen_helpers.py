"""Generating SDKs from the small documents in ``specs/`` and importing them in tests.

Each document shows one OpenAPI feature. `generate_spec` writes its package into a
directory; `import_package` imports it under a fresh name so packages from several
documents (and two runs of one) never collide in ``sys.modules``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sdkcore.gen.generate import Generated, generate

if TYPE_CHECKING:
    from types import ModuleType

SPECS = Path(__file__).parent / "specs"


def spec(name: str) -> Path:
    """The path of a document in ``specs/``."""
    return SPECS / name


def generate_spec(
    name: str,
    out: Path,
    *,
    package: str | None = None,
    client_name: str | None = None,
    config: Path | None = None,
) -> Generated:
    """Generate ``specs/<name>`` into ``out`` as ``package`` (default: the file's stem)."""
    package = package or Path(name).stem.replace("-", "_")
    return generate(
        spec(name), package=package, out=out, client_name=client_name, config_path=config
    )


def import_package(out: Path, package: str) -> ModuleType:
    """Import the generated ``out/package`` (a fresh import each time)."""
    for loaded in [
        name for name in sys.modules if name == package or name.startswith(f"{package}.")
    ]:
        del sys.modules[loaded]
    sys.path.insert(0, str(out))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(out))


def write_document(
    directory: Path, document: dict[str, object], name: str = "openapi.json"
) -> Path:
    """Write ``document`` as JSON into ``directory`` and return its path."""
    import json

    path = directory / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def class_fields(source: str, class_name: str) -> dict[str, str]:
    """The annotated fields of ``class_name`` in ``source``: name -> annotation (with default)."""
    import ast

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            found: dict[str, str] = {}
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    text = ast.unparse(item.annotation)
                    if item.value is not None:
                        text += f" = {ast.unparse(item.value)}"
                    found[item.target.id] = text
            return found
    raise AssertionError(f"no class {class_name} in the source")


def aliases(source: str) -> dict[str, str]:
    """The ``Name: TypeAlias = ...`` aliases of ``source``: name -> value."""
    import ast

    found: dict[str, str] = {}
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            found[node.target.id] = ast.unparse(node.value)
    return found


def read(generated: Generated, relative: str) -> str:
    """The text of one generated file."""
    return (generated.path / relative).read_text(encoding="utf-8")
