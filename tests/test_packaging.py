"""The built distribution works on its own: the wheel in a clean virtual environment.

The sdist and the wheel are built from a copy of the checkout (so the shared tree gets
no build output), the wheel from the sdist as ``python -m build`` does, which also shows
that the sdist holds everything the wheel needs. The wheel goes into a new venv without
system site packages; pip fetches the runtime dependencies from the index, so a
dependency missing from ``pyproject.toml`` fails here instead of on a user's machine.
The runtime is checked before the ``gen`` extra is added, so it is known to work on the
four runtime dependencies alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "site", "dist", "build", "*.egg-info", "__pycache__", ".*_cache",
    ".coverage*", "htmlcov",
)  # fmt: skip

#: Run inside the installed venv: what an SDK author's first lines would do.
_PROBE = """
import importlib.metadata, json, pathlib
import sdkcore
from sdkcore.testing import LoopbackServer

with LoopbackServer() as server:
    server.route("GET", "/ping", json={"ok": True})
    with sdkcore.SyncAPIClient(server.url) as client:
        answer = client.get("/ping", cast_to=dict[str, object])

package = pathlib.Path(sdkcore.__file__).parent
print(json.dumps({
    "version": sdkcore.__version__,
    "metadata_version": importlib.metadata.version("sdkcore"),
    "location": str(package),
    "py_typed": (package / "py.typed").is_file(),
    "answer": answer,
}))
"""


@dataclass(frozen=True)
class Installed:
    """What the built and installed distribution showed."""

    wheel: Path
    sdist: Path
    venv: Path
    probe: dict[str, object]


def _run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as file:
        version = tomllib.load(file)["project"]["version"]
    assert isinstance(version, str)
    return version


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The sdist and wheel built, the wheel installed in a clean venv and probed there."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_COPIED)
    out = work / "dist"
    _run(sys.executable, "-m", "build", "--outdir", out, source)
    (wheel,) = out.glob("sdkcore-*.whl")
    (sdist,) = out.glob("sdkcore-*.tar.gz")
    env = work / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env)
    python = env / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", wheel)
    # Run from an empty directory, so the checkout cannot be imported by accident.
    probe = json.loads(_run(python, "-c", _PROBE, cwd=work))
    _run(python, "-m", "pip", "install", "--quiet", f"{wheel}[gen]")
    return Installed(wheel=wheel, sdist=sdist, venv=env, probe=probe)


def test_wheel_holds_py_typed_and_the_sdkcore_gen_console_script(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
        (entry_points,) = (name for name in names if name.endswith(".dist-info/entry_points.txt"))
        scripts = wheel.read(entry_points).decode()
    assert "sdkcore/py.typed" in names
    assert {"sdkcore/testing/__init__.py", "sdkcore/gen/cli.py"} <= names
    assert "[console_scripts]" in scripts
    assert "sdkcore-gen = sdkcore.gen.cli:main" in scripts


def test_sdist_holds_the_sources_py_typed_and_the_readme(installed: Installed) -> None:
    import tarfile

    with tarfile.open(installed.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "src/sdkcore/py.typed"} <= names
    assert "src/sdkcore/__init__.py" in names


def test_installed_package_comes_from_the_venv_not_the_checkout(installed: Installed) -> None:
    location = Path(str(installed.probe["location"]))
    assert location.is_relative_to(installed.venv)
    assert not location.is_relative_to(ROOT / "src")


def test_installed_version_is_the_project_version(installed: Installed) -> None:
    version = _project_version()
    assert installed.probe["version"] == version
    assert installed.probe["metadata_version"] == version


def test_installed_package_ships_py_typed(installed: Installed) -> None:
    assert installed.probe["py_typed"] is True


def test_installed_client_calls_a_local_server_with_only_the_runtime_dependencies(
    installed: Installed,
) -> None:
    assert installed.probe["answer"] == {"ok": True}


def test_installed_sdkcore_gen_console_script_prints_its_help(installed: Installed) -> None:
    out = _run(installed.venv / "bin" / "sdkcore-gen", "--help")
    assert "usage: sdkcore-gen" in out
    assert "generate" in out
    assert "list" in out
