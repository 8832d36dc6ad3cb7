"""The generated packages pass ``ruff format --check`` and ``mypy --strict`` and load lazily."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import sdkcore
import sdkcore.gen
from sdkcore.gen.format import ruff_command
from sdkcore.gen.generate import generate

if TYPE_CHECKING:
    from sdkcore.gen.generate import Generated


def _sdkcore_names(package: Path) -> set[str]:
    """Every name the package imports from sdkcore."""
    names: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "sdkcore":
                names.update(alias.name for alias in node.names)
    return names


def test_every_name_a_generated_package_imports_from_sdkcore_is_exported(
    packages: dict[str, Generated],
) -> None:
    for name, generated in packages.items():
        missing = sorted(_sdkcore_names(generated.path) - set(sdkcore.__all__))
        assert not missing, f"{name} imports {missing} from sdkcore"


@pytest.mark.slow
def test_every_generated_file_is_ruff_formatted(packages: dict[str, Generated]) -> None:
    roots = sorted({str(generated.path) for generated in packages.values()})
    done = subprocess.run(
        [*ruff_command(), "format", "--isolated", "--check", *roots],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_generated_packages_pass_mypy_strict_with_no_configuration(
    packages: dict[str, Generated],
) -> None:
    out = next(iter(packages.values())).path.parent
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            *(g.path.name for g in packages.values()),
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _loaded_after(generated: Generated, code: str) -> list[str]:
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(generated.path.parent)!r})\n"
        f"{code}\n"
        f"names = sorted(m for m in sys.modules if m.startswith({generated.path.name!r}))\n"
        "print('\\n'.join(names))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.slow
def test_importing_and_building_the_client_loads_no_resource_or_model(
    packages: dict[str, Generated],
) -> None:
    generated = packages["sse.yaml"]
    loaded = _loaded_after(generated, "import sse\nclient = sse.Sse(base_url='http://127.0.0.1:9')")
    assert loaded == ["sse", "sse._client", "sse._version"]


@pytest.mark.slow
def test_a_resource_loads_its_module_and_no_model_until_a_call(
    packages: dict[str, Generated],
) -> None:
    generated = packages["sse.yaml"]
    loaded = _loaded_after(
        generated, "import sse\nsse.Sse(base_url='http://127.0.0.1:9').chat.completions"
    )
    assert [name for name in loaded if ".types" in name] == []
    assert "sse.resources.chat.completions" in loaded
    assert "sse.resources.events" not in loaded


@pytest.mark.slow
def test_thousands_of_files_linked_by_refs_generate_without_deep_recursion(tmp_path: Path) -> None:
    count = 3000
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for index in range(count):
        link = {"$ref": f"s{index + 1}.yaml"} if index + 1 < count else {"type": "string"}
        (schemas / f"s{index}.yaml").write_text(
            f"type: object\nproperties:\n  value: {{type: integer}}\n  next: {json.dumps(link)}\n"
        )
    answer = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "schemas/s0.yaml"}}},
    }
    root = {
        "openapi": "3.1.0",
        "info": {"title": "Chain", "version": "1"},
        "servers": [{"url": "https://chain.example.com"}],
        "paths": {"/head": {"get": {"responses": {"200": answer}}}},
    }
    (tmp_path / "openapi.json").write_text(json.dumps(root))
    started = time.perf_counter()
    result = generate(tmp_path, package="chain", out=tmp_path / "out")
    assert time.perf_counter() - started < 60
    models = sorted((result.path / "types").glob("s*.py"))
    assert len(models) == count
    assert "next: S2 | None = None" in (result.path / "types" / "s1.py").read_text()


def test_the_runtime_never_imports_the_generator() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sdkcore, sys; print(any(m.startswith('sdkcore.gen') for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_the_generator_imports_only_public_names_of_sdkcore() -> None:
    package = Path(sdkcore.gen.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").startswith("sdkcore")
                and node.level == 0
            ):
                assert node.module == "sdkcore", f"{path.name} imports {node.module}"
                assert all(alias.name in sdkcore.__all__ for alias in node.names), path.name


@pytest.mark.slow
def test_the_generated_packages_pass_pyright_strict(packages: dict[str, Generated]) -> None:
    out = next(iter(packages.values())).path.parent
    config = out / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.11"}))
    binary = Path(sys.executable).parent / "basedpyright"
    env = {**os.environ, "PATH": f"{binary.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        done = subprocess.run(
            [str(binary), *(g.path.name for g in packages.values())],
            cwd=out,
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    finally:
        config.unlink()
    assert done.returncode == 0, done.stdout + done.stderr
