"""The suite itself: every async test runs on asyncio and on trio, and no skip goes unexplained.

The suite is collected in a subprocess (``pytest --collect-only``) with a small plugin
that records, for each collected test, whether it is a coroutine, the ``anyio_backend``
it runs on and its other parameters; the skips written in the test sources are read
with ``ast``.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections import defaultdict
from pathlib import Path
from typing import TypedDict

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
BACKENDS = ["asyncio", "trio"]
#: Modules whose async tests run on asyncio alone, each with the reason.
ASYNCIO_ONLY = {
    "tests/test_aiohttp_transport.py": "aiohttp needs an asyncio event loop",
}


class Record(TypedDict):
    """One collected test, as the collector writes it."""

    nodeid: str
    test: str
    is_async: bool
    backend: str | None
    others: list[tuple[str, str]]
    skips: list[str]


#: Collects the suite and writes one record per test to the file named by argv[1].
COLLECTOR = textwrap.dedent(
    """
    import inspect
    import json
    import sys

    import pytest


    def _skip_reason(marker):
        if marker.name == "skip":
            return marker.kwargs.get("reason", marker.args[0] if marker.args else "")
        return marker.kwargs.get("reason", "")


    class Recorder:
        def __init__(self):
            self.records = []

        def pytest_collection_modifyitems(self, items):
            for item in items:
                function = getattr(item, "function", None)
                callspec = getattr(item, "callspec", None)
                params = dict(callspec.params) if callspec else {}
                self.records.append({
                    "nodeid": item.nodeid,
                    "test": f"{item.path}::{getattr(item, 'originalname', item.name)}",
                    "is_async": inspect.iscoroutinefunction(function),
                    "backend": params.get("anyio_backend"),
                    # The same parameter objects serve both backends, so their reprs
                    # pair the asyncio and trio variants of one test.
                    "others": sorted(
                        (name, repr(value)) for name, value in params.items()
                        if name != "anyio_backend"
                    ),
                    "skips": [
                        _skip_reason(marker)
                        for name in ("skip", "skipif")
                        for marker in item.iter_markers(name=name)
                    ],
                })


    recorder = Recorder()
    code = pytest.main(
        ["--collect-only", "-q", "-p", "no:cacheprovider", "tests"], plugins=[recorder]
    )
    with open(sys.argv[1], "w") as out:
        json.dump(recorder.records, out)
    sys.exit(code)
    """
)


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> list[Record]:
    """One record per test the suite collects."""
    out = tmp_path_factory.mktemp("collected") / "items.json"
    done = subprocess.run(
        [sys.executable, "-c", COLLECTOR, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    records: list[Record] = json.loads(out.read_text())
    return records


@pytest.mark.slow
def test_the_collected_suite_has_async_tests_and_sync_tests(
    collected: list[Record],
) -> None:
    kinds = {record["is_async"] for record in collected}
    assert kinds == {True, False}
    assert any(
        record["nodeid"].startswith(f"tests/{Path(__file__).name}::") for record in collected
    )


@pytest.mark.slow
def test_every_async_test_runs_once_on_each_backend(collected: list[Record]) -> None:
    backends: dict[str, list[str | None]] = defaultdict(list)
    for record in collected:
        if record["nodeid"].split("::")[0] in ASYNCIO_ONLY:
            assert record["backend"] in ("asyncio", None), record["nodeid"]
            continue
        if record["is_async"]:
            variant = f"{record['test']} {record['others']}"
            backends[variant].append(record["backend"])
    assert backends
    lopsided = {variant: found for variant, found in backends.items() if not _balanced(found)}
    assert lopsided == {}


def _balanced(backends: list[str | None]) -> bool:
    """Each backend, and only those, as often as the other (equal parameters may repeat)."""
    return (
        sorted(set(map(str, backends))) == BACKENDS and len(set(map(backends.count, BACKENDS))) == 1
    )


@pytest.mark.slow
def test_no_collected_test_carries_a_skip_without_a_reason(
    collected: list[Record],
) -> None:
    unexplained = [
        record["nodeid"]
        for record in collected
        if any(not str(reason).strip() for reason in record["skips"])
    ]
    assert unexplained == []


def _skip_calls_without_reason(source: str) -> list[int]:
    """Lines of ``pytest.skip(...)`` / ``pytest.importorskip(...)`` calls that give no reason."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if ast.unparse(node.func) == "pytest.skip":
            reason = node.args[0] if node.args else _keyword(node, "reason")
        elif ast.unparse(node.func) == "pytest.importorskip":
            reason = _keyword(node, "reason")
        else:
            continue
        if reason is None or (isinstance(reason, ast.Constant) and not str(reason.value).strip()):
            lines.append(node.lineno)
    return lines


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in call.keywords if kw.arg == name), None)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("pytest.skip()", [1]),
        ("pytest.skip('')", [1]),
        ("pytest.skip('no network here')", []),
        ("pytest.skip(reason='no network here')", []),
        ("pytest.importorskip('numpy')", [1]),
        ("pytest.importorskip('numpy', reason='numpy is optional')", []),
        ("other.skip()", []),
    ],
)
def test_skip_calls_without_a_reason_are_found(source: str, expected: list[int]) -> None:
    assert _skip_calls_without_reason(source) == expected


def test_no_test_source_skips_without_a_reason() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := _skip_calls_without_reason(path.read_text()))
    }
    assert found == {}
