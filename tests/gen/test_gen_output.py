"""What every generated SDK does besides its calls' shape: upload progress on multipart
methods, calls traced under the document's path template, and resource modules kept
under the length limit by moving the async twin beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from _gen_helpers import import_package, write_document
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from sdkcore.gen import generate
from sdkcore.gen.emit_package import MAX_MODULE_LINES

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType

    from sdkcore.gen.generate import Generated
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

PET = {"id": "p1", "name": "Rex", "createdAt": "2024-01-02T03:04:05Z", "kind": "dog", "tag": None}


# -- upload progress ----------------------------------------------------------------


def _recorder(reports: list[tuple[int, int | None]]) -> Callable[[int, int | None], None]:
    """An ``upload_progress`` callback that keeps every ``(bytes_sent, total)`` in ``reports``."""

    def record(sent: int, total: int | None) -> None:
        reports.append((sent, total))

    return record


def test_a_multipart_method_reports_upload_progress(
    server: LoopbackServer, sdk: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    uploads = sdk("multipart.yaml")
    server.route("POST", "/uploads", json={"id": "u1", "bytes": 300_000})
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 1200)
    reports: list[tuple[int, int | None]] = []
    with uploads.Multipart(base_url=server.url) as client:
        client.uploads.create(file=path, purpose="batch", upload_progress=_recorder(reports))
    sent = server.requests[-1].body_size
    assert len(reports) > 1
    assert reports[-1] == (sent, sent)
    assert server.requests[-1].form().files["file"][0].data == path.read_bytes()


async def test_a_multipart_method_reports_upload_progress_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    uploads = sdk("multipart.yaml")
    server.route("POST", "/uploads", json={"id": "u2", "bytes": 3})
    reports: list[tuple[int, int | None]] = []
    async with uploads.AsyncMultipart(base_url=server.url) as client:
        await client.uploads.create(
            file=("a.txt", b"abc"),
            purpose="assistants",
            upload_progress=_recorder(reports),
        )
    sent = server.requests[-1].body_size
    assert reports[-1] == (sent, sent)


# -- traces ---------------------------------------------------------------------------


def test_a_call_is_traced_under_the_document_s_path_template(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    server.route("GET", "/v1/pets/p1", json=PET)
    with basic.Basic(api_key="sk-test", base_url=server.url_for("/v1")) as plain:
        client = plain.with_options(tracer_provider=provider)
        assert client.pets.retrieve("p1").id == "p1"
    names = {span.name for span in exporter.get_finished_spans()}
    assert names == {"GET /pets/{petId}"}  # the call and its attempt, by the document's route


# -- long resource modules ------------------------------------------------------------


def _many_operations(count: int) -> dict[str, object]:
    """A document with one resource of ``count`` documented operations."""
    paths: dict[str, object] = {}
    for number in range(count):
        doc = " ".join(["Every word of this summary makes the method's docstring longer."] * 3)
        paths[f"/things/op{number}"] = {
            "post": {
                "operationId": f"thingOp{number}",
                "tags": ["things"],
                "summary": doc,
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    name: {"type": "string", "description": doc}
                                    for name in ("alpha", "beta", "gamma")
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Long", "version": "1"},
        "servers": [{"url": "https://long.example.com"}],
        "paths": paths,
    }


def test_a_resource_module_past_the_limit_keeps_its_async_twin_beside_it(
    tmp_path: Path, server: LoopbackServer
) -> None:
    document = write_document(tmp_path, _many_operations(8))
    config = tmp_path / "openapi.sdkcore.yaml"
    config.write_text("group_by: tag\n")
    generated = generate(document, package="long", out=tmp_path / "out")
    resources = generated.path / "resources"
    sync_text = (resources / "things.py").read_text()
    async_text = (resources / "things_async.py").read_text()
    assert "class Things(" in sync_text
    assert "class AsyncThings(" not in sync_text
    assert "class AsyncThings(" in async_text
    assert "class AsyncThingsWithRawResponse:" in async_text
    for path in generated.path.rglob("*.py"):
        assert path.read_text().count("\n") <= MAX_MODULE_LINES, path
    long = import_package(tmp_path / "out", "long")
    server.route("POST", "/things/op7", json={})
    with long.Long(base_url=server.url) as client:
        client.things.thing_op7(alpha="a")
    assert server.requests[-1].json() == {"alpha": "a"}
    assert (
        type(long.AsyncLong(base_url=server.url).things).__module__ == "long.resources.things_async"
    )


def test_a_short_resource_module_keeps_both_twins(packages: dict[str, Generated]) -> None:
    path = packages["basic.yaml"].path / "resources" / "adoptions.py"
    text = path.read_text()
    assert "class Adoptions(" in text
    assert "class AsyncAdoptions(" in text
    assert not (path.parent / "adoptions_async.py").exists()
