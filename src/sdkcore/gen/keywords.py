"""What JSON Schema's words mean for the generator: types, formats, names, descriptions.

The tables the schema converter reads (scalar types, string formats, the field names a
model or a TypedDict cannot take) and the small readings of raw schemas it needs.

Example::

    description_of({"description": " A pet. "})   # "A pet."
    value_type(1.5)                                 # Prim("float")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import ListOf, LitValue, MapOf, Prim, TypeExpr
from .naming import pascal_case
from .raw import as_list, as_mapping
from .typeexpr import ANY, NONE

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "MODEL_RESERVED",
    "PRIMS",
    "STRING_FORMATS",
    "STRUCTURAL",
    "TYPED_DICT_RESERVED",
    "description_of",
    "literal_values",
    "title_of",
    "value_type",
    "variant_name",
]

#: Field names a model cannot use as they are (its own attributes and the names its
#: annotations need); such fields get a trailing ``_`` and keep the wire name as alias.
MODEL_RESERVED = frozenset(
    {
        "builtins", "datetime", "typing", "copy", "dict", "json", "schema", "schema_json",
        "construct", "validate", "to_dict", "to_json", "fields", "parse_obj", "parse_raw",
        "parse_file", "from_orm", "update_forward_refs", "model_config", "model_fields",
        "model_computed_fields", "model_extra", "model_fields_set", "model_construct",
        "model_copy", "model_dump", "model_dump_json", "model_json_schema",
        "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
        "model_validate_json", "model_validate_strings",
    }
)  # fmt: skip
#: Keys a request TypedDict cannot use as they are (the names its annotations need).
TYPED_DICT_RESERVED = frozenset({"builtins", "datetime", "typing"})
#: Pointer segments that say where in a schema a place is, not what it is named.
STRUCTURAL = frozenset(
    {"properties", "items", "allOf", "oneOf", "anyOf", "additionalProperties", "components",
     "schemas", "definitions", "$defs", "schema", "content", "prefixItems"}
)  # fmt: skip
#: JSON Schema's scalar ``type`` words.
PRIMS: dict[str, TypeExpr] = {
    "integer": Prim("int"),
    "number": Prim("float"),
    "boolean": Prim("bool"),
    "null": NONE,
}
#: String ``format`` words with a type of their own.
STRING_FORMATS: dict[str, TypeExpr] = {
    "date-time": Prim("datetime"),
    "date": Prim("date"),
    "binary": Prim("file"),
}


def description_of(raw: object) -> str:
    """The ``description`` of a schema or other object, stripped (``""`` when none)."""
    text = (as_mapping(raw) or {}).get("description")
    return text.strip() if isinstance(text, str) else ""


def title_of(schema: dict[str, object]) -> str:
    """The ``title`` of a schema, stripped (``""`` when none)."""
    title = schema.get("title")
    return title.strip() if isinstance(title, str) else ""


def value_type(value: object) -> TypeExpr:
    """The type of one enum value that a ``Literal`` cannot hold."""
    if isinstance(value, bool):
        return Prim("bool")
    if isinstance(value, int):
        return Prim("int")
    if isinstance(value, float):
        return Prim("float")
    if isinstance(value, str):
        return Prim("str")
    if isinstance(value, list):
        return ListOf(ANY)
    return MapOf(ANY) if as_mapping(value) is not None else ANY


def literal_values(values: Sequence[object]) -> list[LitValue]:
    """The values a ``Literal`` can hold, in order."""
    return [value for value in values if isinstance(value, str | int | bool) or value is None]


def variant_name(member: object, index: int) -> str:
    """The name part of an inline union member: its title, its ``type`` tag, or its place."""
    schema = as_mapping(member) or {}
    title = schema.get("title")
    if isinstance(title, str) and title.strip():
        return pascal_case(title)
    tag = as_mapping((as_mapping(schema.get("properties")) or {}).get("type")) or {}
    values = as_list(tag.get("enum")) or [tag.get("const")]
    if len(values) == 1 and isinstance(values[0], str):
        return pascal_case(values[0])
    return f"Variant{index + 1}"
