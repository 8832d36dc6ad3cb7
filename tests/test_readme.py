"""The README's Python blocks: each type-checks under ``mypy --strict`` and runs.

The block that starts with ``# acme.py`` is the README's SDK module; every other block
is a complete program (or a test module, run with pytest) that imports it. They run
against a real loopback server answering the routes the README's SDK calls, found
through ``ACME_BASE_URL``, as the SDK reads it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sdkcore.testing import CutAfter, LoopbackServer, OnAttempts, Reply, Request

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

pytestmark = pytest.mark.slow


def python_blocks() -> list[str]:
    return _BLOCK.findall(README.read_text())


def write_blocks(directory: Path) -> list[Path]:
    """The SDK module as ``acme.py`` and every other block as ``block_NN.py``."""
    programs: list[Path] = []
    for number, block in enumerate(python_blocks()):
        if block.startswith("# acme.py"):
            (directory / "acme.py").write_text(block)
            continue
        path = directory / f"block_{number:02d}.py"
        path.write_text(block)
        programs.append(path)
    assert (directory / "acme.py").exists(), "the README lost its SDK module"
    return programs


def test_the_readme_has_an_sdk_module_and_programs_that_use_it(tmp_path: Path) -> None:
    programs = write_blocks(tmp_path)
    assert len(programs) >= 10
    uses = [p for p in programs if "from acme import" in p.read_text()]
    assert len(uses) >= 8


def test_every_python_block_of_the_readme_passes_mypy_strict(tmp_path: Path) -> None:
    programs = write_blocks(tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(tmp_path / ".mypy-cache"),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-pretty",
            str(tmp_path / "acme.py"),
            *map(str, programs),
        ],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def routes(server: LoopbackServer) -> None:
    """What the README's SDK calls, answered as an API would."""
    things = {f"t{n}": {"id": f"t{n}", "name": f"thing {n}"} for n in range(1, 6)}
    server.route("GET", "/v1/things/{thing_id}", handler=_thing(things))
    server.route(
        "GET",
        "/v1/things/{thing_id}/content",
        Reply(body=bytes(range(256)) * 512, ranges=True),
        fault=OnAttempts(CutAfter(40_000), attempts={1}),
    )
    server.route("GET", "/v1/things", handler=_listing(list(things.values())))
    server.route(
        "GET", "/v1/events", sse=[{"data": {"text": w}} for w in ("a", "b")] + ["data: [DONE]\n\n"]
    )
    server.route("POST", "/v1/files", handler=_stored)


def _thing(things: dict[str, dict[str, str]]) -> object:
    def answer(request: Request) -> Reply:
        found = things.get(request.path_params["thing_id"])
        if found is None:
            error = {"error": {"message": "No such thing", "type": "not_found", "code": "nope"}}
            return Reply(status=404, json=error, headers={"x-request-id": "req_1"})
        headers = {"x-ratelimit-remaining-requests": "99", "x-request-id": "req_2"}
        return Reply(json=found, headers=headers)

    return answer


def _listing(items: list[dict[str, str]]) -> object:
    def answer(request: Request) -> Reply:
        limit = int(request.query.get("limit", "20"))
        after = request.query.get("after")
        start = 0 if after is None else [i["id"] for i in items].index(after) + 1
        page = items[start : start + limit]
        return Reply(json={"data": page, "has_more": start + limit < len(items)})

    return answer


def _stored(request: Request) -> Reply:
    form = request.form()
    files = {name: [part.filename for part in parts] for name, parts in form.files.items()}
    return Reply(json={"fields": form.fields, "files": files})


def test_every_python_block_of_the_readme_runs_against_the_test_server(tmp_path: Path) -> None:
    programs = write_blocks(tmp_path)
    with LoopbackServer() as server:
        routes(server)
        env = {
            **os.environ,
            "ACME_BASE_URL": server.url_for("/v1"),
            "ACME_API_KEY": "sk-readme-test",
            "PYTHONPATH": str(tmp_path),
        }
        failures = []
        for program in programs:
            is_test = "\ndef test_" in "\n" + program.read_text()
            command = (
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
                if is_test
                else [sys.executable]
            )
            done = subprocess.run(
                [*command, str(program)],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            if done.returncode != 0:
                failures.append(
                    f"{program.name}:\n{program.read_text()}\n{done.stdout}{done.stderr}"
                )
        assert server.errors == []
    assert failures == []
