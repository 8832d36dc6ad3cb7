"""The generator end to end: load, resolve and model the document, emit, format, write.

Example::

    result = generate(Path("openapi.yaml"), package="acme", out=Path("src"))
    print(result.path, len(result.api.operations), "methods")
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .build import BuildResult, build_api
from .config import load_config
from .emit_package import emit_package, oversized
from .errors import GenerationError
from .format import format_sources
from .loader import load_document
from .writer import write_package

if TYPE_CHECKING:
    from pathlib import Path

    from .model import Api

__all__ = ["Generated", "generate", "plan"]


@dataclass(frozen=True, slots=True)
class Generated:
    """What a run wrote: the package's path, its file count, the model and the warnings."""

    path: Path
    files: int
    api: Api
    warnings: list[str]


def plan(
    spec: Path, *, package: str, client_name: str | None, config_path: Path | None
) -> BuildResult:
    """The model of the SDK ``spec`` would give, without writing anything.

    Raises `GenerationError` for an unusable document, configuration or package name.
    """
    if not package.isidentifier() or keyword.iskeyword(package) or not package.isascii():
        raise GenerationError(f"--package must be a Python identifier, got {package!r}")
    if client_name is not None and not (client_name.isidentifier() and client_name.isascii()):
        raise GenerationError(f"--client-name must be a Python identifier, got {client_name!r}")
    config = load_config(spec, config_path)
    return build_api(load_document(spec), package=package, client_name=client_name, config=config)


def generate(
    spec: Path,
    *,
    package: str,
    out: Path,
    client_name: str | None = None,
    config_path: Path | None = None,
) -> Generated:
    """Write the SDK package for ``spec`` to ``out/package``.

    Raises `GenerationError` when no package can be written.
    """
    result = plan(spec, package=package, client_name=client_name, config_path=config_path)
    files = format_sources(emit_package(result.api))
    split = oversized(result.api, files)
    if split:  # the formatted length decides, so that a rerun splits the same modules
        files = format_sources(emit_package(result.api, split))
    path = write_package(files, out, package)
    return Generated(path, len(files), result.api, result.warnings)
