"""Names: identifiers from the document's names, and where each operation lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from _gen_helpers import spec

from sdkcore.gen.generate import plan
from sdkcore.gen.naming import Namer, pascal_case, snake_case
from sdkcore.gen.resources import OpShape, place_operations

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("getHTTPResponse", "get_http_response"),
        ("fine-tuning.jobs", "fine_tuning_jobs"),
        ("OpenAIFile", "open_ai_file"),
        ("X-Request-ID", "x_request_id"),
        ("_private", "private"),
        ("2fa", "x_2fa"),
        ("!!!", "x"),
        ("café", "caf"),
    ],
)
def test_snake_case_gives_a_lower_case_identifier(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("OpenAIFile", "OpenAIFile"),
        ("chat.completion_chunk", "ChatCompletionChunk"),
        ("2fa.code", "M2faCode"),
    ],
)
def test_pascal_case_keeps_the_casing_inside_words(name: str, expected: str) -> None:
    assert pascal_case(name) == expected


def test_namer_avoids_keywords_reserved_names_and_repeats() -> None:
    namer = Namer({"json"})
    assert [namer.claim(name) for name in ("json", "class", "id", "id", "id")] == [
        "json_",
        "class_",
        "id",
        "id_",
        "id_2",
    ]


def _shape(index: int, method: str, path: str, *, lists: bool = False, op_id: str = "") -> OpShape:
    return OpShape(
        index, op_id or f"op{index}", method, path.split("?")[0].split("#")[0], path, [], lists
    )


def test_methods_are_named_from_the_http_method_and_the_path_shape() -> None:
    shapes = [
        _shape(0, "get", "/v1/things", lists=True),
        _shape(1, "post", "/v1/things"),
        _shape(2, "get", "/v1/things/{id}"),
        _shape(3, "patch", "/v1/things/{id}"),
        _shape(4, "delete", "/v1/things/{id}"),
        _shape(5, "post", "/v1/things/{id}/cancel"),
        _shape(6, "get", "/v1/things/{id}/parts", lists=True),
        _shape(7, "get", "/v1/settings"),
    ]
    places = place_operations(shapes, group_by="path", strip_prefix=None)
    assert [places[index] for index in range(8)] == [
        (("things",), "list"),
        (("things",), "create"),
        (("things",), "retrieve"),
        (("things",), "update"),
        (("things",), "delete"),
        (("things",), "cancel"),
        (("things", "parts"), "list"),
        (("settings",), "retrieve"),
    ]


def test_a_fixed_query_variant_yields_the_plain_name_to_the_plain_path() -> None:
    shapes = [
        _shape(0, "post", "/responses?beta=true", op_id="beta_createResponse"),
        _shape(1, "post", "/responses", op_id="createResponse"),
    ]
    places = place_operations(shapes, group_by="path", strip_prefix=None)
    assert places == {0: (("responses",), "beta_create_response"), 1: (("responses",), "create")}


def test_a_method_never_hides_a_sub_resource_of_the_same_name() -> None:
    shapes = [
        _shape(0, "post", "/threads", op_id="createThread"),
        _shape(1, "post", "/threads/runs", op_id="createThreadAndRun"),
        _shape(2, "get", "/threads/{id}/runs", lists=True, op_id="listRuns"),
    ]
    places = place_operations(shapes, group_by="path", strip_prefix=None)
    assert places[1] == (("threads",), "create_thread_and_run")
    assert places[2] == (("threads", "runs"), "list")


def test_group_by_tag_uses_the_tag_and_the_operation_id() -> None:
    shape = OpShape(
        0, "listPetsByOwner", "get", "/owners/{id}/pets", "/owners/{id}/pets", ["Pet Store"], True
    )
    places = place_operations([shape], group_by="tag", strip_prefix=None)
    assert places[0] == (("pet_store",), "list_pets_by_owner")


def test_a_resource_named_like_a_client_member_gets_an_underscore() -> None:
    places = place_operations(
        [_shape(0, "post", "/request/{id}")], group_by="path", strip_prefix=None
    )
    assert places[0] == (("request_",), "update")


def test_operations_without_tags_or_ids_still_get_names() -> None:
    api = plan(spec("notags.yaml"), package="bare", client_name=None, config_path=None).api
    placed = {(op.method.upper(), op.wire_path): op.call_path for op in api.operations}
    assert placed == {
        ("GET", "/"): "client.default.get",
        ("HEAD", "/items"): "client.items.head",
        ("GET", "/items"): "client.items.list",
        ("GET", "/search?mode=fast"): "client.search.list",
        ("GET", "/search#slow"): "client.search.slow_search",
        ("POST", "/items/{id}/archive"): "client.items.archive",
    }
    fast = next(op for op in api.operations if op.op_id == "fastSearch")
    assert (fast.path, fast.fixed_query) == ("/search", {"mode": "fast"})


def test_models_are_named_by_their_component_key_never_their_title() -> None:
    api = plan(spec("titles.yaml"), package="titles", client_name=None, config_path=None).api
    names = {
        found.key.rsplit("/", 1)[-1]: found.name for found in api.defs.values() if found.needs_model
    }
    assert names["User"] == "User"
    assert names["Account"] == "Account"
    assert names["user"] == "User2"
    assert names["Field"] == "Field2"
    assert names["BaseModel"] == "BaseModel2"
    assert names["2fa.code"] == "M2faCode"


def test_the_configuration_decides_page_kinds_and_streams(tmp_path: Path) -> None:
    config = tmp_path / "sdkcore-gen.yaml"
    config.write_text(
        "operations:\n"
        "  listCursorThings: {page: none}\n"
        "  listPlainThings: {page: offset}\n"
        "  createCompletion: {stream: false}\n"
        "  watchEvents: {stream: false}\n"
    )
    pages = plan(spec("pages.yaml"), package="lists", client_name=None, config_path=config).api
    kinds = {op.op_id: op.response.page for op in pages.operations}
    assert kinds == {
        "listCursorThings": None,
        "listOffsetThings": "offset",
        "listPlainThings": "offset",
        "listLinkedThings": "link",
    }
    chat = plan(spec("sse.yaml"), package="chat", client_name=None, config_path=config).api
    streams = {op.op_id: op.response.stream for op in chat.operations}
    assert streams == {"createCompletion": "never", "watchEvents": "never"}
