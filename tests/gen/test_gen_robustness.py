"""Malformed parts of a document never sink it: each operation is generated or reported."""

from __future__ import annotations

import importlib
import json
from typing import TYPE_CHECKING

import pytest
from _gen_helpers import import_package, spec, write_document

from sdkcore.gen.generate import generate

if TYPE_CHECKING:
    from pathlib import Path

ODD_SCHEMAS: list[object] = [
    None,
    [],
    "string",
    5,
    {"type": 5},
    {"type": ["string", 5, None]},
    {"properties": []},
    {"properties": {"a": "not a schema"}, "required": "a"},
    {"enum": "abc"},
    {"enum": [[1], {"a": None}, 1.5, None]},
    {"items": []},
    {"type": "array", "items": {"$ref": 5}},
    {"allOf": {}},
    {"allOf": [None, {"$ref": "#/components/schemas/Missing"}]},
    {"oneOf": None, "anyOf": []},
    {"oneOf": [{"type": "string"}], "discriminator": "type"},
    {"oneOf": [{"type": "null"}]},
    {"additionalProperties": "yes"},
    {"type": "object", "properties": {"": {"type": "string"}, "$": {"type": "integer"}}},
    {"const": {"nested": True}},
    {"format": 7, "type": "string"},
]


def test_odd_schemas_parameters_and_responses_generate_or_are_reported(tmp_path: Path) -> None:
    # specs/odd.json puts each of ODD_SCHEMAS in a request and an answer of its own.
    assert json.loads(spec("odd.json").read_text())["paths"]["/odd3"]["post"]["requestBody"] == {
        "content": {"application/json": {"schema": ODD_SCHEMAS[3]}}
    }
    result = generate(spec("odd.json"), package="odd", out=tmp_path / "out")
    generated = {op.op_id for op in result.api.operations}
    skipped = {item.op_id: item.reason for item in result.api.skipped}
    assert {f"odd{index}" for index in range(len(ODD_SCHEMAS))} <= generated | set(skipped)
    assert "get_weird_params" in skipped
    assert skipped["-"].startswith("path item unreadable")
    assert all(reason for reason in skipped.values())
    package = import_package(tmp_path / "out", "odd")
    assert package.Odd(base_url="http://127.0.0.1:9").odd0 is not None


@pytest.mark.parametrize("schema", ODD_SCHEMAS, ids=lambda schema: json.dumps(schema)[:40])
def test_each_odd_schema_alone_still_yields_an_importable_package(
    tmp_path: Path, schema: object
) -> None:
    answer = {"description": "odd", "content": {"application/json": {"schema": schema}}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "One", "version": "1"},
        "paths": {"/thing": {"get": {"responses": {"200": answer}}}},
        "components": {"schemas": {"Odd": schema}},
    }
    result = generate(write_document(tmp_path, document), package="one", out=tmp_path / "out")
    assert len(result.api.operations) + len(result.api.skipped) == 1
    import_package(tmp_path / "out", "one")
    types = importlib.import_module("one.types")
    assert "Odd" in types.__all__
    types.__getattr__("Odd")  # the module behind the name imports
