"""The MiniLLM example's SDK is what sdkcore-gen writes from ``examples/minillm/openapi.yaml``
(and ``openapi.sdkcore.yaml`` beside it): regenerating it gives the committed files byte for
byte, every operation of the document is generated, and the package passes
``ruff format --check`` and ``mypy --strict`` with no configuration of its own. The document
describes what the embedded server serves: every route, and answers that the generated
models accept in strict mode.

After changing the document, its settings or the generator: ``make example-sdk``.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from examples.minillm import MiniLLM, MiniLLMServer

from sdkcore.gen.emit_package import MAX_MODULE_LINES
from sdkcore.gen.format import ruff_command
from sdkcore.gen.generate import Generated, generate

if TYPE_CHECKING:
    from collections.abc import Iterator

    from examples.minillm.sdk.types import ChatCompletionRequestMessageParam

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


# -- the document and the server ---------------------------------------------------------


def test_the_document_describes_every_route_the_server_serves(
    regenerated: Generated, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = regenerated.api
    described = {(op.method.upper(), f"/v1{op.route}") for op in api.operations}
    served: set[tuple[str, str]] = set()
    server = MiniLLMServer()

    def record(method: str, path: str, **route: Any) -> None:
        served.add((method, path))

    monkeypatch.setattr(server.http, "route", record)
    server.set_faults(False)  # declares every route again, into `record`
    assert served == described
    assert (api.base_url, api.auth.kind, api.auth.required) == (
        "https://api.openai.com/v1",
        "bearer",
        True,
    )


@pytest.fixture(scope="module")
def strict() -> Iterator[MiniLLM]:
    """A client that refuses any answer the document's schemas do not allow."""
    server = MiniLLMServer(bandwidth=None, first_token_delay=0.0, token_delay=(0.0, 0.0))
    with (
        server,
        MiniLLM(api_key="sk-test", base_url=server.base_url, _strict_response_validation=True) as c,
    ):
        yield c


def test_the_server_s_json_answers_match_the_document_s_schemas(
    strict: MiniLLM, tmp_path: Path
) -> None:
    hello: list[ChatCompletionRequestMessageParam] = [{"role": "user", "content": "hello"}]
    assert [model.id for model in strict.models.list()] == [
        "minillm-1",
        "minillm-1-mini",
        "minillm-voice",
    ]
    assert strict.models.retrieve("minillm-1").object == "model"
    completion = strict.chat.completions.create(model="minillm-1", messages=hello, max_tokens=3)
    assert completion.choices[0].finish_reason == "length"
    with strict.chat.completions.create(
        model="minillm-1", messages=hello, stream=True, stream_options={"include_usage": True}
    ) as stream:
        chunks = list(stream)
    assert chunks[-1].usage is not None
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"notes\n")
    stored = strict.files.create(file=upload, purpose="user_data")
    assert strict.files.retrieve(stored.id).bytes == 6
    assert len(list(strict.files.list(limit=5, order="asc"))) == 14
    assert [event.type for event in strict.files.events(stored.id, per_page=1)] == ["file.created"]
    today = datetime.datetime.now(datetime.UTC).date()
    report = strict.usage.retrieve(start_date=today, group_by=["model"])
    assert report.data[0].model == "minillm-1"
