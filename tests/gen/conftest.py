"""Fixtures for the generator's tests: every document of ``specs/`` generated once per session."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from _gen_helpers import SPECS, generate_spec, import_package

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from sdkcore.gen.generate import Generated

#: The documents of ``specs/`` that generate a package, by package name.
DOCUMENTS = sorted(
    [path.name for path in SPECS.glob("*.yaml") if not path.name.endswith(".sdkcore.yaml")]
    + [path.name for path in SPECS.glob("*.json")]
    + ["split"]
)


@pytest.fixture(scope="session")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Every document of ``specs/`` generated once, each into its own package."""
    out = tmp_path_factory.mktemp("generated")
    return {name: generate_spec(name, out) for name in DOCUMENTS}


@pytest.fixture(scope="session")
def sdk(packages: dict[str, Generated]) -> Callable[[str], ModuleType]:
    """Import a generated package by its document's name (once per session)."""
    loaded: dict[str, ModuleType] = {}

    def load(name: str) -> ModuleType:
        if name not in loaded:
            generated = packages[name]
            loaded[name] = import_package(generated.path.parent, generated.path.name)
        return loaded[name]

    return load
