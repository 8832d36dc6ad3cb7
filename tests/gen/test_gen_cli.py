"""The ``sdkcore-gen`` command: its two outputs, exit statuses and reruns."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from _gen_helpers import spec, write_document

from sdkcore.gen.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def _files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_list_prints_the_operation_id_the_call_and_the_http_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", str(spec("notags.yaml"))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "get\tclient.default.get\tGET /",
        "get_items\tclient.items.list\tGET /items",
        "head_items\tclient.items.head\tHEAD /items",
        "fastSearch\tclient.search.list\tGET /search?mode=fast",
        "slowSearch\tclient.search.slow_search\tGET /search#slow",
        "post_items_id_archive\tclient.items.archive\tPOST /items/{id}/archive",
    ]


def test_generate_reports_each_operation_it_cannot_generate_and_writes_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["generate", str(spec("broken.yaml")), "--package", "broken", "--out", str(tmp_path)]
    )
    captured = capsys.readouterr()
    assert status == 0
    rows = [line.split("\t") for line in captured.out.splitlines()]
    assert [row[:3] for row in rows] == [
        ["not generated", "-", "* /bad-item"],
        ["not generated", "getBadRef", "GET /bad-ref"],
        ["not generated", "postForm", "POST /bad-body"],
        ["not generated", "getBadResponse", "GET /bad-response"],
        ["not generated", "getRemote", "GET /remote"],
    ]
    reasons = [row[3] for row in rows]
    assert "#/nowhere" in reasons[0]
    assert "#/components/parameters/Nope" in reasons[1]
    assert "application/x-www-form-urlencoded is not supported" in reasons[2]
    assert "other-file-that-does-not-exist.yaml" in reasons[3]
    assert "remote $ref not supported" in reasons[4]
    assert "Good.later" in captured.err
    assert (tmp_path / "broken" / "resources" / "good.py").is_file()


def test_generate_fails_when_no_package_can_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.yaml"
    assert main(["generate", str(missing), "--package", "x", "--out", str(tmp_path / "out")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_package_name_that_is_not_an_identifier_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["generate", str(spec("basic.yaml")), "--package", "my-sdk", "--out", str(tmp_path)])
        == 1
    )
    assert "--package must be a Python identifier" in capsys.readouterr().err


def test_a_directory_not_written_by_the_generator_is_never_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "basic").mkdir()
    (tmp_path / "basic" / "mine.py").write_text("precious = True\n")
    assert (
        main(["generate", str(spec("basic.yaml")), "--package", "basic", "--out", str(tmp_path)])
        == 1
    )
    assert "not written by sdkcore-gen" in capsys.readouterr().err
    assert (tmp_path / "basic" / "mine.py").read_text() == "precious = True\n"


def test_a_rerun_writes_identical_files_and_drops_stale_ones(tmp_path: Path) -> None:
    argv = ["generate", str(spec("split")), "--package", "library", "--out", str(tmp_path)]
    assert main(argv) == 0
    first = _files(tmp_path / "library")
    (tmp_path / "library" / "stale.py").write_text("old = 1\n")
    assert main(argv) == 0
    assert _files(tmp_path / "library") == first


def test_the_client_name_option_names_the_clients_and_their_variables(tmp_path: Path) -> None:
    argv = ["generate", str(spec("basic.yaml")), "--package", "petstore", "--out", str(tmp_path)]
    assert main([*argv, "--client-name", "PetStore"]) == 0
    client = (tmp_path / "petstore" / "_client.py").read_text()
    assert "class PetStore(SyncAPIClient):" in client
    assert "class AsyncPetStore(AsyncAPIClient):" in client
    assert '"PET_STORE_API_KEY"' in client


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sdkcore.gen", "list", str(spec("split"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "listBooks\tclient.books.list\tGET /books"


def test_configured_names_and_skips_show_in_list_and_generate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "names.yaml"
    config.write_text(
        "operations:\n  fastSearch: {method: search.fast}\n  GET /items: {skip: not public}\n"
    )
    assert main(["list", str(spec("notags.yaml")), "--config", str(config)]) == 0
    listed = capsys.readouterr().out
    assert "fastSearch\tclient.search.fast\tGET /search?mode=fast" in listed
    assert "GET /items\n" not in listed
    argv = ["generate", str(spec("notags.yaml")), "--package", "bare", "--out", str(tmp_path)]
    assert main([*argv, "--config", str(config)]) == 0
    assert (
        "not generated\tget_items\tGET /items\tskipped by configuration: not public"
        in capsys.readouterr().out
    )


@pytest.mark.slow
@pytest.mark.parametrize("document", ["unions.yaml", "recursive.yaml", "enums.yaml"])
def test_runs_with_different_hash_seeds_write_the_same_bytes(tmp_path: Path, document: str) -> None:
    written = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        command = [sys.executable, "-m", "sdkcore.gen", "generate", str(spec(document))]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [*command, "--package", "pkg", "--out", str(out)],
            env=env,
            check=True,
            capture_output=True,
        )
        written.append(_files(out / "pkg"))
    assert written[0] == written[1]


# -- without PyYAML: only YAML documents need it ----------------------------------------


def _without_yaml(*lines: str) -> subprocess.CompletedProcess[str]:
    """Run ``lines`` in a fresh interpreter where ``import yaml`` fails."""
    script = "import sys\nsys.modules['yaml'] = None\n" + "\n".join(lines)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )


def test_the_command_s_help_works_without_pyyaml() -> None:
    done = _without_yaml("from sdkcore.gen.cli import main", "main(['--help'])")
    assert done.returncode == 0, done.stderr
    assert "sdkcore-gen" in done.stdout


def test_a_yaml_document_without_pyyaml_names_the_gen_extra(tmp_path: Path) -> None:
    document = write_document(
        tmp_path,
        {
            "openapi": "3.1.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/things": {
                    "get": {
                        "operationId": "listThings",
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            },
        },
    )
    done = _without_yaml(
        "from sdkcore.gen.cli import main",
        f"print(main(['list', {str(document)!r}]))",
        f"print(main(['list', {str(spec('basic.yaml'))!r}]))",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "listThings\tclient.things.retrieve\tGET /things"
    assert done.stdout.splitlines()[-2:] == ["0", "1"]  # JSON reads, YAML cannot
    assert "reading YAML needs PyYAML, which the gen extra installs" in done.stderr
    assert 'pip install "sdkcore[gen]"' in done.stderr
