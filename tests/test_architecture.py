"""The package's layering, read from the source with ``ast``.

Each module imports only from modules listed above it in ``LAYERS``, so the
response layer never sees the client and no import cycle can form. Imports under
``if TYPE_CHECKING:`` are exempt: they exist only for annotations.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sdkcore import CallContext, SyncAPIClient
from sdkcore._base_client import BaseClient

if TYPE_CHECKING:
    from _sdk import Acme
    from sdkcore.testing import LoopbackServer

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "sdkcore"

LAYERS = [
    "_constants",
    "_typing",
    "_types",
    "_transport",
    "_secrets",
    "_exceptions",
    "_logging",
    "_sse",
    "_retries",
    "_models",
    "_qs",
    "_transform",
    "_multipart",
    "_links",
    "_page_info",
    "_pages",
    "_options",
    "_tracing",
    "_context",
    "_attempts",
    "_body",
    "_files",
    "_binary",
    "_parsing",
    "_webhooks",
    "_events",
    "_streaming",
    "_jsonl",
    "_response",
    "_downloads",
    "_page_fetch",
    "_pagination",
    "_wrappers",
    "_verbs",
    "_hooks",
    "_flow",
    "_settings",
    "_base_client",
    "_client",
    "_resource",
    "_aiohttp",
    "__init__",
]
RESPONSE_LAYER = [
    "_parsing",
    "_events",
    "_streaming",
    "_jsonl",
    "_response",
    "_downloads",
    "_wrappers",
]
MAX_LINES = 450


def _runtime_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            exempt.update(id(child) for child in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in exempt:
            found.add((node.module or "").split(".")[0])
    return found


def test_every_module_of_the_package_has_a_layer() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert modules == set(LAYERS)


@pytest.mark.parametrize("module", LAYERS)
def test_module_imports_only_from_layers_above_it(module: str) -> None:
    above = set(LAYERS[: LAYERS.index(module)])
    assert _runtime_imports(module) <= above


@pytest.mark.parametrize("module", RESPONSE_LAYER)
def test_response_layer_never_imports_the_client(module: str) -> None:
    assert not _runtime_imports(module) & {"_base_client", "_client", "_flow", "_resource"}


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_source_files_stay_small(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES


# --- nothing below the client reaches back up to it ------------------------------------------

CLIENT_MODULES = {"_base_client", "_client", "_resource", "_verbs"}
BELOW_THE_CLIENT = LAYERS[: LAYERS.index("_verbs")]


def _all_imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    return {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1
    }


@pytest.mark.parametrize("module", BELOW_THE_CLIENT)
def test_nothing_below_the_client_imports_it_not_even_for_annotations(module: str) -> None:
    assert not _all_imports(module) & CLIENT_MODULES


def _reachable(root: object, depth: int = 6) -> list[object]:
    """Objects reachable from ``root`` through instance attributes and containers.

    Functions and bound methods are not followed: the call context hands down
    capabilities (the error factory, how to send again), never the client itself.
    """
    seen: dict[int, object] = {}
    todo = [(root, 0)]
    while todo:
        value, level = todo.pop()
        if id(value) in seen or level > depth:
            continue
        if isinstance(value, (str, bytes, int, float, type)) or inspect.isroutine(value):
            continue
        seen[id(value)] = value
        children: list[object] = []
        if isinstance(value, dict):
            children += [*value.keys(), *value.values()]
        elif isinstance(value, (list, tuple, set, frozenset)):
            children += list(value)
        children += list(getattr(value, "__dict__", {}).values())
        for slot in getattr(type(value), "__slots__", ()):
            children.append(getattr(value, slot, None))
        todo += [(child, level + 1) for child in children]
    return list(seen.values())


def test_responses_streams_and_downloads_hold_no_client(
    server: LoopbackServer, client: Acme
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    server.route("GET", "/things/t1/content", body=b"abc")
    server.route("GET", "/things/events", sse=[{"data": {"text": "a"}}])
    raw = client.things.with_raw_response.get("t1")
    stream = client.things.events()
    with client.things.with_streaming_response.content("t1") as download:
        reachable = [o for root in (raw, stream, download, raw.parse()) for o in _reachable(root)]
    stream.close()
    assert any(isinstance(o, CallContext) for o in reachable)  # what they hold instead
    assert [o for o in reachable if isinstance(o, BaseClient)] == []


def test_a_minimal_sdk_client_shows_only_the_contracts_names() -> None:
    class Minimal(SyncAPIClient):
        @property
        def auth_headers(self) -> dict[str, str]:
            return {"Authorization": "Bearer k"}

    contract = {
        "auth_headers",
        "base_url",
        "close",
        "copy",
        "default_headers",
        "delete",
        "get",
        "get_api_list",
        "max_body_size",
        "max_decompressed_size",
        "max_event_size",
        "max_retries",
        "max_retry_after",
        "patch",
        "post",
        "put",
        "request",
        "stream_idle_timeout",
        "timeout",
        "with_options",
    }
    with Minimal("http://127.0.0.1:9") as client:
        public = {name for name in dir(client) if not name.startswith("_")}
    assert public <= contract, public - contract
