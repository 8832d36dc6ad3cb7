"""Schemas into models and request types, one OpenAPI feature per document in ``specs/``."""

from __future__ import annotations

import ast
import inspect
from typing import TYPE_CHECKING

from _gen_helpers import aliases, class_fields, read

if TYPE_CHECKING:
    from sdkcore.gen.generate import Generated


def test_openapi_31_type_arrays_const_and_nullable(packages: dict[str, Generated]) -> None:
    fields = class_fields(read(packages["openapi31.yaml"], "types/note.py"), "Note")
    assert fields == {
        "id": "int",
        "kind": "Literal['note']",
        "body": "str | None",
        "score": "float | int | None = None",
        "archived_at": "datetime.datetime | None",
        "labels": "list[str] | None = None",
        "meta": "dict[str, int] | None = None",
    }


def test_openapi_30_nullable_makes_an_optional_type(packages: dict[str, Generated]) -> None:
    fields = class_fields(read(packages["basic.yaml"], "types/pet.py"), "Pet")
    assert fields["tag"] == "str | None = None"
    assert (
        fields["created_at"] == "datetime.datetime | None = Field(default=None, alias='createdAt')"
    )
    assert fields["kind"] == "Literal['dog', 'cat'] | None = None"


def test_all_of_members_are_merged_into_one_model(packages: dict[str, Generated]) -> None:
    source = read(packages["allof.yaml"], "types/square.py")
    assert class_fields(source, "Square") == {
        "name": "str",
        "created": "int | None = None",
        "side": "float",
    }
    assert "A square, named and dated." in source


def test_all_of_around_one_ref_keeps_the_ref_and_the_description(
    packages: dict[str, Generated],
) -> None:
    source = read(packages["allof.yaml"], "types/paint.py")
    assert class_fields(source, "Paint") == {"color": "Color | None = None"}
    assert "The paint's color." in source


def test_discriminators_make_tagged_unions_with_or_without_a_mapping(
    packages: dict[str, Generated],
) -> None:
    zoo = packages["unions.yaml"]
    tagged = "Annotated[Union[Cat, Dog], Field(discriminator='type')]"
    assert aliases(read(zoo, "types/animal.py")) == {"Animal": tagged}
    assert aliases(read(zoo, "types/pet.py")) == {"Pet": tagged}


def test_a_discriminator_that_pydantic_cannot_use_becomes_a_plain_union(
    packages: dict[str, Generated],
) -> None:
    assert aliases(read(packages["unions.yaml"], "types/creature.py")) == {"Creature": "Cat | Fish"}


def test_a_nullable_tagged_union_keeps_its_tag_inside(packages: dict[str, Generated]) -> None:
    fields = class_fields(read(packages["unions.yaml"], "types/pen.py"), "Pen")
    assert (
        fields["maybe"] == "Annotated[Union[Cat, Dog], Field(discriminator='type')] | None = None"
    )
    assert fields["id"] == "Id | None = None"
    assert aliases(read(packages["unions.yaml"], "types/id.py")) == {"Id": "str | int"}


def test_odd_enums_become_literals_or_their_base_types(packages: dict[str, Generated]) -> None:
    enums = packages["enums.yaml"]
    found = {name: aliases(read(enums, f"types/{module}.py"))[name] for name, module in [
        ("Empty", "empty"),
        ("Mixed", "mixed"),
        ("WithNull", "with_null"),
        ("Duplicated", "duplicated"),
        ("Floats", "floats"),
        ("Objects", "objects"),
        ("OnlyNull", "only_null"),
        ("BoolAndInt", "bool_and_int"),
    ]}  # fmt: skip
    assert found == {
        "Empty": "str",
        "Mixed": "Literal[1, 'one', True]",
        "WithNull": "Literal['a', 'b'] | None",
        "Duplicated": "Literal['x', 'y']",
        "Floats": "float | int",
        "Objects": "dict[str, object] | list[object]",
        "OnlyNull": "None",
        "BoolAndInt": "Literal[True, 1, False, 0]",
    }


def test_enum_values_that_are_not_identifiers_stay_exact(packages: dict[str, Generated]) -> None:
    source = read(packages["enums.yaml"], "types/not_identifiers.py")
    value = ast.literal_eval(aliases(source)["NotIdentifiers"].removeprefix("Literal"))
    assert value == ["with space", "1st", "class", "a-b", 'quote"inside', "back\\slash", ""]


def test_recursive_and_mutually_recursive_models_share_a_module_and_rebuild(
    packages: dict[str, Generated],
) -> None:
    trees = packages["recursive.yaml"]
    node = read(trees, "types/node.py")
    assert class_fields(node, "Node") == {
        "name": "str",
        "children": "list[Node] | None = None",
        "parent": "Node | None = None",
    }
    assert "Node.model_rebuild()" in node
    pair = read(trees, "types/file.py")
    assert class_fields(pair, "File") == {"folder": "Folder | None = None"}
    assert class_fields(pair, "Folder") == {"files": "list[File] | None = None"}
    assert not (trees.path / "types" / "folder.py").exists()


def test_a_type_defined_only_by_itself_closes_its_loop_with_object(
    packages: dict[str, Generated],
) -> None:
    trees = packages["recursive.yaml"]
    assert aliases(read(trees, "types/json.py")) == {
        "Json": "str | float | list[object] | dict[str, object]"
    }
    assert aliases(read(trees, "types/loop.py")) == {"Loop": "object"}
    assert any("Loop" in warning and "loops" in warning for warning in trees.warnings)


def test_request_types_are_typed_dicts_with_required_keys(packages: dict[str, Generated]) -> None:
    source = read(packages["recursive.yaml"], "types/node_param.py")
    assert class_fields(source, "NodeParam") == {
        "name": "Required[str]",
        "children": "Sequence[NodeParam]",
        "parent": "NodeParam",
    }


def test_reserved_and_clashing_field_names_keep_the_wire_name_as_alias(
    packages: dict[str, Generated],
) -> None:
    fields = class_fields(read(packages["reserved.yaml"], "types/item.py"), "Item")
    assert fields["class_"] == "builtins.str = Field(alias='class')"
    assert fields["from_"] == "builtins.str = Field(alias='from')"
    assert fields["json_"] == "builtins.str | None = Field(default=None, alias='json')"
    assert (
        fields["model_config_"] == "builtins.str | None = Field(default=None, alias='model_config')"
    )
    assert fields["private"] == "builtins.str | None = Field(default=None, alias='_private')"
    assert fields["str"] == "builtins.str | None = None"
    assert fields["list"] == "builtins.list[builtins.str] | None = None"
    assert fields["camel_case"] == "builtins.str | None = Field(default=None, alias='camelCase')"
    assert fields["camel_case_"] == "builtins.str | None = Field(default=None, alias='camel_case')"


def test_typed_dict_keys_use_names_a_model_cannot(packages: dict[str, Generated]) -> None:
    fields = class_fields(read(packages["reserved.yaml"], "types/item_param.py"), "ItemParam")
    assert fields["json"] == "builtins.str"
    assert fields["schema"] == "Mapping[builtins.str, builtins.object]"
    assert fields["class_"] == "Required[Annotated[builtins.str, PropertyInfo(alias='class')]]"


def test_descriptions_with_quotes_backslashes_and_controls_survive_in_docstrings(
    packages: dict[str, Generated],
) -> None:
    tree = ast.parse(read(packages["docs.yaml"], "types/tricky.py"))
    tricky = next(node for node in tree.body if isinstance(node, ast.ClassDef))
    assert ast.get_docstring(tricky) == (
        'Triple quotes """ and a backslash \\d and \\N{BULLET} and a trailing quote"'
    )
    field_docs = [
        inspect.cleandoc(node.value.value)
        for node in tricky.body[1:]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    ]
    assert field_docs[0] == "Line one\nline two    tabbed \x00 nul \x0b vt \u2028 separator"
    assert field_docs[1] == '\'\'\' single triple quotes and """""" six'
