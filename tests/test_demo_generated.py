"""The MiniLLM example's SDK is what sdkcore-gen writes from ``examples/minillm/openapi.yaml``
(and ``openapi.sdkcore.yaml`` beside it): regenerating it gives the committed files byte for
byte, every operation of the document is generated, and the package passes
``ruff format --check`` and ``mypy --strict`` with no configuration of its own.

After changing the document, its settings or the generator: ``make example-sdk``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sdkcore.gen.emit_package import MAX_MODULE_LINES
from sdkcore.gen.format import ruff_command
from sdkcore.gen.generate import Generated, generate

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minillm"
#: Every operation of the document, as ``sdkcore-gen list`` prints where it lives.
CALLS = {
    "listModels": "client.models.list",
    "retrieveModel": "client.models.retrieve",
    "createChatCompletion": "client.chat.completions.create",
    "listFiles": "client.files.list",
    "createFile": "client.files.create",
    "retrieveFile": "client.files.retrieve",
    "downloadFile": "client.files.content",
    "listFileEvents": "client.files.events",
    "createSpeech": "client.audio.speech.create",
    "retrieveUsage": "client.usage.retrieve",
}


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The example's SDK written again from its document, into a directory of its own."""
    out = tmp_path_factory.mktemp("example-sdk")
    return generate(EXAMPLE / "openapi.yaml", package="sdk", out=out)


def test_regenerating_the_example_sdk_gives_the_committed_files_byte_for_byte(
    regenerated: Generated,
) -> None:
    committed = _files(EXAMPLE / "sdk")
    written = _files(regenerated.path)
    assert sorted(written) == sorted(committed), "run `make example-sdk` and commit the result"
    changed = [name for name in written if written[name] != committed[name]]
    assert changed == [], f"stale: {changed}; run `make example-sdk` and commit the result"


def test_every_operation_of_the_document_is_generated_where_the_cli_calls_it(
    regenerated: Generated,
) -> None:
    api = regenerated.api
    assert api.skipped == []
    assert {operation.op_id: operation.call_path for operation in api.operations} == CALLS
    assert regenerated.warnings == []


def test_every_generated_module_stays_under_the_length_limit(regenerated: Generated) -> None:
    lengths = {
        path.relative_to(regenerated.path).as_posix(): path.read_text().count("\n")
        for path in regenerated.path.rglob("*.py")
    }
    assert max(lengths.values()) <= MAX_MODULE_LINES, lengths


@pytest.mark.slow
def test_the_example_sdk_is_ruff_formatted(regenerated: Generated) -> None:
    done = subprocess.run(
        [*ruff_command(), "format", "--isolated", "--check", str(regenerated.path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_example_sdk_passes_mypy_strict_with_no_configuration(
    regenerated: Generated,
) -> None:
    # From the package's own directory: no pyproject.toml around it lends it settings.
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", regenerated.path.name],
        cwd=regenerated.path.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
