"""Loading documents and following ``$ref``: files, directories, YAML quirks, broken parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from _gen_helpers import spec, write_document

from sdkcore.gen.config import load_config
from sdkcore.gen.errors import GenerationError, SpecError
from sdkcore.gen.generate import plan
from sdkcore.gen.loader import Loc, load_document
from sdkcore.gen.refs import Resolver

if TYPE_CHECKING:
    from pathlib import Path

MINIMAL = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {}}


def test_a_directory_with_one_root_loads_that_root() -> None:
    docs = load_document(spec("split"))
    assert docs.describe(docs.root) == "openapi.yaml#"


def test_a_directory_with_two_roots_is_refused_naming_both(tmp_path: Path) -> None:
    write_document(tmp_path, MINIMAL, "a.json")
    write_document(tmp_path, MINIMAL, "b.json")
    with pytest.raises(GenerationError, match=r"exactly one.*a\.json, b\.json"):
        load_document(tmp_path)


def test_a_directory_without_a_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "schema.yaml").write_text("type: object\n")
    with pytest.raises(GenerationError, match="found none"):
        load_document(tmp_path)


def test_swagger_2_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = write_document(tmp_path, {"swagger": "2.0", "paths": {}})
    with pytest.raises(GenerationError, match=r"Swagger 2\.0"):
        load_document(path)


def test_a_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("openapi: [3.1\n")
    with pytest.raises(GenerationError, match="not valid JSON or YAML"):
        load_document(path)


def test_yaml_reads_keys_as_text_and_only_true_false_as_booleans(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: T, version: 1}\npaths: {}\n"
        "x-codes: {200: ok, true: yes}\nx-enum: [yes, no, on, off, 2024-01-02]\n"
    )
    root = load_document(path).root_value
    assert root["x-codes"] == {"200": "ok", "true": "yes"}
    assert root["x-enum"] == ["yes", "no", "on", "off", "2024-01-02"]


def test_refs_resolve_relative_to_the_file_they_appear_in() -> None:
    docs = load_document(spec("split"))
    resolver = Resolver(docs)
    book, loc = resolver.deref({"$ref": "paths/book.yaml"}, docs.root)
    assert isinstance(book, dict)
    # A local ref inside paths/book.yaml means paths/book.yaml, not the root.
    answer, answer_loc = resolver.deref(book["get"]["responses"]["200"], loc)
    assert docs.describe(answer_loc) == "paths/book.yaml#/components/responses/BookAnswer"
    assert isinstance(answer, dict)
    assert answer["description"] == "one book"


def test_a_ref_chain_that_loops_raises_spec_error(tmp_path: Path) -> None:
    path = write_document(tmp_path, {**MINIMAL, "x-a": {"$ref": "#/x-b"}, "x-b": {"$ref": "#/x-a"}})
    docs = load_document(path)
    with pytest.raises(SpecError, match="loops"):
        Resolver(docs).deref({"$ref": "#/x-a"}, docs.root)


def test_json_pointer_escapes_are_decoded(tmp_path: Path) -> None:
    path = write_document(tmp_path, {**MINIMAL, "x-a/b": {"x~y": {"v": 1}}})
    docs = load_document(path)
    value, loc = Resolver(docs).deref({"$ref": "#/x-a~1b/x~0y"}, docs.root)
    assert value == {"v": 1}
    assert loc == Loc(docs.root.file, ("x-a/b", "x~y"))


def test_path_item_operation_and_parameter_refs_across_files_all_generate() -> None:
    api = plan(spec("split"), package="library", client_name=None, config_path=None).api
    placed = {op.op_id: (op.call_path, op.method, op.path) for op in api.operations}
    assert placed == {
        "listBooks": ("client.books.list", "get", "/books"),
        "getBook": ("client.books.retrieve", "get", "/books/{book_id}"),
        "getAuthor": ("client.authors.retrieve", "get", "/authors/{author_id}"),
    }
    list_books = next(op for op in api.operations if op.op_id == "listBooks")
    assert [(param.wire, param.location) for param in list_books.params] == [("limit", "query")]
    assert not api.skipped


def test_a_schema_reached_through_two_files_is_one_model() -> None:
    api = plan(spec("split"), package="library", client_name=None, config_path=None).api
    names = sorted(found.name for found in api.defs.values() if found.needs_model)
    assert names == ["Author", "Book"]


def test_server_variables_take_their_defaults_in_the_base_url() -> None:
    api = plan(spec("split"), package="library", client_name=None, config_path=None).api
    assert api.base_url == "https://library.example.com/api/v2"
    assert (api.auth.kind, api.auth.name) == ("header", "X-Library-Key")


def test_the_configuration_beside_the_document_is_found(tmp_path: Path) -> None:
    path = write_document(tmp_path, MINIMAL, "api.json")
    (tmp_path / "api.sdkcore.yaml").write_text("group_by: tag\noperations:\n  x: {page: none}\n")
    config = load_config(path, None)
    assert config.group_by == "tag"
    assert config.operation("x").page == "none"


def test_an_unknown_configuration_key_is_refused_by_name(tmp_path: Path) -> None:
    path = write_document(tmp_path, MINIMAL, "api.json")
    (tmp_path / "sdkcore-gen.yaml").write_text("operations:\n  x: {pages: cursor}\n")
    with pytest.raises(GenerationError, match=r"unknown key 'pages' in operations\.x"):
        load_config(path, None)


def test_a_configuration_named_after_the_whole_spec_file_is_found(tmp_path: Path) -> None:
    path = write_document(tmp_path, MINIMAL, "api.json")
    (tmp_path / "api.json.sdkcore.yaml").write_text("client_name: Acme\nversion: 2.0.0\n")
    config = load_config(path, None)
    assert (config.client_name, config.version) == ("Acme", "2.0.0")


def test_webhooks_and_operation_servers_are_named_in_the_warnings(tmp_path: Path) -> None:
    answer = {"200": {"description": "ok"}}
    operation = {"operationId": "ping", "servers": [{"url": "https://other"}], "responses": answer}
    document = {**MINIMAL, "paths": {"/ping": {"get": operation}}, "webhooks": {"x": {}}}
    result = plan(
        write_document(tmp_path, document), package="p", client_name=None, config_path=None
    )
    assert result.warnings == [
        "ping: its own servers are not used",
        "webhooks: 1 not generated (an API calls them; clients do not)",
    ]
    assert [op.op_id for op in result.api.operations] == ["ping"]
