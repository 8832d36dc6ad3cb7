"""JSON Schemas (OpenAPI 3.0 and 3.1) into type expressions and named types.

`Schemas.type_of` turns a schema into a `TypeExpr`. Objects with properties become
`ObjectDef` s and every ``$ref`` target a named type (`ObjectDef` or `AliasDef`), one
per location however often it is reached, so recursive and mutually recursive
schemas need no special case. Named types are converted from a queue (`drain`), never
by recursion, so a long chain of refs across thousands of files cannot overflow the
stack. A property whose schema is broken becomes ``object`` and a warning; the rest of
the schema still converts.

Example::

    schemas = Schemas(Resolver(docs))
    expr = schemas.type_of({"type": ["string", "null"]}, docs.root, "Name")   # str | None
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .errors import SpecError
from .keywords import (
    MODEL_RESERVED,
    PRIMS,
    STRING_FORMATS,
    STRUCTURAL,
    TYPED_DICT_RESERVED,
    description_of,
    literal_values,
    title_of,
    value_type,
    variant_name,
)
from .loader import Documents, Loc
from .model import (
    AliasDef,
    Def,
    DefRef,
    Field,
    ListOf,
    Lit,
    MapOf,
    ObjectDef,
    Prim,
    TypeExpr,
)
from .naming import Namer, pascal_case, snake_case
from .raw import as_list, as_mapping
from .refs import Resolver, ref_of
from .typeexpr import ANY, NONE, nullable, union

__all__ = ["MAX_DEPTH", "MAX_SCHEMA_NODES", "Schemas"]

#: How deep inline schemas may nest (a YAML alias can make a schema contain itself).
MAX_DEPTH = 100
#: How many schema nodes one document may have: YAML aliases can make a small file
#: describe exponentially many, and the conversion stays bounded in time and memory.
MAX_SCHEMA_NODES = 300_000


@dataclass(slots=True)
class _Merged:
    """The properties of an object schema with its ``allOf`` members folded in."""

    props: dict[str, tuple[object, Loc]] = field(default_factory=dict[str, tuple[object, Loc]])
    required: set[str] = field(default_factory=set[str])
    extra: tuple[object, Loc] | None = None
    others: list[tuple[object, Loc]] = field(default_factory=list[tuple[object, Loc]])


class Schemas:
    """Every named type of one document, keyed by where its schema lives.

    ``defs`` holds them in the order they were found; ``warnings`` the parts of
    schemas that could not be converted (each became ``object``).
    """

    def __init__(self, resolver: Resolver) -> None:
        self.resolver: Resolver = resolver
        self.docs: Documents = resolver.docs
        self.defs: dict[str, Def] = {}
        self.components: list[str] = []
        self.warnings: list[str] = []
        self._preferred: dict[Loc, str] = {}
        self._queue: deque[tuple[str, dict[str, object], Loc, str]] = deque()
        self._nodes = 0
        self._by_object: dict[int, tuple[dict[str, object], str]] = {}
        self._inline_types: dict[int, tuple[dict[str, object], TypeExpr]] = {}

    # -- entry points ---------------------------------------------------------------

    def add_components(self, schemas: dict[str, object], loc: Loc) -> None:
        """Name and convert every schema under ``components.schemas`` (by its key)."""
        for name in schemas:
            try:
                target, where = self.resolver.deref(schemas[name], loc.child(name))
            except SpecError as exc:
                self._broken_component(name, loc.child(name), exc)
                continue
            if where != loc.child(name) and where in self._preferred:
                # One component naming another: an alias keeps both names.
                alias = AliasDef(self.key(loc.child(name)), name, "", DefRef(self.key(where)))
                self.defs[alias.key] = alias
                self.components.append(alias.key)
                continue
            self._preferred.setdefault(where, name)
            self.components.append(self.named(target, where, name))
        self.drain()

    def type_of(self, raw: object, loc: Loc, hint: str, depth: int = 0) -> TypeExpr:
        """The type of the schema ``raw`` found at ``loc``; ``hint`` names inline objects.

        Raises `SpecError` when a ``$ref`` of the schema itself is broken.
        """
        if depth > MAX_DEPTH:
            raise SpecError("schema nested too deeply", where=self.docs.describe(loc))
        self._nodes += 1
        if self._nodes > MAX_SCHEMA_NODES:
            raise SpecError(f"the document has more than {MAX_SCHEMA_NODES} schema nodes")
        schema = as_mapping(raw)
        if schema is None:
            return ANY
        if ref_of(schema) is not None:
            target, where = self.resolver.deref(schema, loc)
            ref = DefRef(self.named(target, where, self._ref_name(where), shared=True))
            return nullable(ref) if schema.get("nullable") is True else ref
        if self._is_object(schema, loc):
            return DefRef(self.named(schema, loc, hint, shared=True))
        # A YAML alias puts one schema object in many places: it is one type, converted
        # once (else a few lines of aliases could stand for exponentially many schemas).
        seen = self._inline_types.get(id(schema))
        if seen is not None:
            return seen[1]
        expr = self._inline(schema, loc, hint, depth)
        self._inline_types[id(schema)] = (schema, expr)
        return expr

    def named(self, raw: object, loc: Loc, name: str, *, shared: bool = False) -> str:
        """The key of the named type for the schema at ``loc``, queued for conversion.

        ``shared``: a schema object already named elsewhere (a YAML alias) keeps that name.
        """
        schema = as_mapping(raw) or {}
        if shared and id(schema) in self._by_object:
            return self._by_object[id(schema)][1]
        key = self.key(loc)
        if key not in self.defs:
            name = self._preferred.get(loc, name)
            self.defs[key] = AliasDef(key, name, "", ANY)
            self._queue.append((key, schema, loc, name))
            # The object is kept with its key so that its id stays its own.
            self._by_object.setdefault(id(schema), (schema, key))
        return key

    def drain(self) -> None:
        """Convert every queued named type (and those they reach)."""
        while self._queue:
            key, schema, loc, name = self._queue.popleft()
            self.defs[key] = self._convert_def(key, schema, loc, name)

    def key(self, loc: Loc) -> str:
        """The key of the named type at ``loc`` (its ``file#/pointer``)."""
        return self.docs.describe(loc)

    # -- named types ----------------------------------------------------------------

    def _convert_def(self, key: str, schema: dict[str, object], loc: Loc, name: str) -> Def:
        doc = description_of(schema) or title_of(schema)
        try:
            if self._is_object(schema, loc):
                return self._object_def(key, schema, loc, name, doc)
            return AliasDef(key, name, doc, self._inline(schema, loc, name, 0))
        except SpecError as exc:
            self.warnings.append(f"{name}: {exc}; typed as object")
            return AliasDef(key, name, doc, ANY)

    def _object_def(
        self, key: str, schema: dict[str, object], loc: Loc, name: str, doc: str
    ) -> ObjectDef:
        merged = _Merged()
        self._merge(schema, loc, merged, frozenset({loc}))
        names, keys = Namer(MODEL_RESERVED), Namer(TYPED_DICT_RESERVED)
        fields = [
            self._field(wire, raw, where, name, wire in merged.required, (names, keys))
            for wire, (raw, where) in merged.props.items()
        ]
        extra = None
        if merged.extra is not None and as_mapping(merged.extra[0]) is not None:
            extra = self._safe_type(merged.extra[0], merged.extra[1], f"{name}Value", name)
        return ObjectDef(key, name, doc, fields, extra)

    def _field(
        self,
        wire: str,
        raw: object,
        loc: Loc,
        owner: str,
        required: bool,
        namers: tuple[Namer, Namer],
    ) -> Field:
        expr = self._safe_type(raw, loc, owner + pascal_case(wire), f"{owner}.{wire}")
        read_only = (as_mapping(raw) or {}).get("readOnly") is True
        name, key = (namer.claim(snake_case(wire)) for namer in namers)
        return Field(wire, name, expr, required, description_of(raw), read_only, key)

    def _safe_type(self, raw: object, loc: Loc, hint: str, what: str) -> TypeExpr:
        try:
            return self.type_of(raw, loc, hint, 1)
        except SpecError as exc:
            self.warnings.append(f"{what}: {exc}; typed as object")
            return ANY

    def _broken_component(self, name: str, loc: Loc, exc: SpecError) -> None:
        self.warnings.append(f"{name}: {exc}; typed as object")
        alias = AliasDef(self.key(loc), name, "", ANY)
        self.defs[alias.key] = alias
        self.components.append(alias.key)

    def _merge(
        self, schema: dict[str, object], loc: Loc, merged: _Merged, seen: frozenset[Loc]
    ) -> None:
        for index, member in enumerate(as_list(schema.get("allOf"))):
            where = loc.child("allOf", index)
            target, target_loc = self.resolver.deref(member, where)
            part = as_mapping(target)
            if target_loc in seen or part is None:
                continue
            if self._has_object_parts(part):
                self._merge(part, target_loc, merged, seen | {target_loc})
            else:
                merged.others.append((member, where))
        for wire, raw in (as_mapping(schema.get("properties")) or {}).items():
            merged.props[wire] = (raw, loc.child("properties", wire))
        required = as_list(schema.get("required"))
        merged.required.update(item for item in required if isinstance(item, str))
        if "additionalProperties" in schema:
            merged.extra = (schema["additionalProperties"], loc.child("additionalProperties"))

    def _has_object_parts(self, schema: dict[str, object]) -> bool:
        return as_mapping(schema.get("properties")) is not None or bool(
            as_list(schema.get("allOf"))
        )

    def _is_object(self, schema: dict[str, object], loc: Loc) -> bool:
        if schema.get("oneOf") or schema.get("anyOf") or "enum" in schema or "const" in schema:
            return False
        if as_mapping(schema.get("properties")):
            return True
        if not isinstance(schema.get("allOf"), list):
            return False
        merged = _Merged()
        try:
            self._merge(schema, loc, merged, frozenset({loc}))
        except SpecError:
            return False
        return bool(merged.props)

    def _ref_name(self, loc: Loc) -> str:
        if loc in self._preferred:
            return self._preferred[loc]
        words = [key for key in loc.pointer if key not in STRUCTURAL and not key.isdigit()]
        if not words:
            stem = loc.file.rsplit("/", 1)[-1].split(".", 1)[0]
            return pascal_case(stem)
        return "".join(pascal_case(word) for word in words[-2:])

    # -- inline types ---------------------------------------------------------------

    def _inline(self, schema: dict[str, object], loc: Loc, hint: str, depth: int) -> TypeExpr:
        kind = schema.get("type")
        kinds = [item for item in as_list(kind) if isinstance(item, str)]
        null = schema.get("nullable") is True or kind == "null" or "null" in kinds
        if "const" in schema:
            expr = self._enum([schema["const"]], schema, loc, hint, depth)
        elif as_list(schema.get("enum")) or schema.get("enum") == []:
            expr = self._enum(as_list(schema["enum"]), schema, loc, hint, depth)
        elif schema.get("oneOf") or schema.get("anyOf"):
            expr = self._union(schema, loc, hint, depth)
        elif as_list(schema.get("allOf")):
            expr = self._all_of(schema, loc, hint, depth)
        elif kinds:
            expr = union(self._typed({**schema, "type": item}, loc, hint, depth) for item in kinds)
        else:
            expr = self._typed(schema, loc, hint, depth)
        return nullable(expr) if null else expr

    def _typed(self, schema: dict[str, object], loc: Loc, hint: str, depth: int) -> TypeExpr:
        kind = schema.get("type")
        if kind == "string":
            text_format = schema.get("format")
            if isinstance(text_format, str) and text_format in STRING_FORMATS:
                return STRING_FORMATS[text_format]
            return Prim("file") if "contentMediaType" in schema else Prim("str")
        if isinstance(kind, str) and kind in PRIMS:
            return PRIMS[kind]
        if kind == "array" or "items" in schema or "prefixItems" in schema:
            return ListOf(self._items(schema, loc, hint, depth))
        if kind == "object" or "additionalProperties" in schema:
            extra = as_mapping(schema.get("additionalProperties"))
            if extra is None:
                return MapOf(ANY)
            where = loc.child("additionalProperties")
            return MapOf(self.type_of(extra, where, f"{hint}Value", depth + 1))
        return ANY

    def _items(self, schema: dict[str, object], loc: Loc, hint: str, depth: int) -> TypeExpr:
        if as_mapping(schema.get("items")) is not None:
            return self.type_of(schema["items"], loc.child("items"), f"{hint}Item", depth + 1)
        prefix = as_list(schema.get("prefixItems"))
        return union(
            self.type_of(item, loc.child("prefixItems", index), f"{hint}Item{index + 1}", depth + 1)
            for index, item in enumerate(prefix)
        )

    def _enum(
        self, values: list[object], schema: dict[str, object], loc: Loc, hint: str, depth: int
    ) -> TypeExpr:
        unique: list[object] = []
        for value in values:
            if not any(type(known) is type(value) and known == value for known in unique):
                unique.append(value)
        null = any(value is None for value in unique)
        present = [value for value in unique if value is not None]
        literal = [value for value in present if isinstance(value, str | int | bool)]
        if len(literal) != len(present):
            expr = union(value_type(value) for value in present)
        elif literal:
            expr = Lit(tuple(literal_values(literal)))
        else:
            rest = {key: value for key, value in schema.items() if key not in ("enum", "const")}
            expr = self._typed(rest, loc, hint, depth) if present or not null else NONE
        return nullable(expr) if null else expr

    def _union(self, schema: dict[str, object], loc: Loc, hint: str, depth: int) -> TypeExpr:
        word = "oneOf" if schema.get("oneOf") else "anyOf"
        types = [
            self.type_of(
                member, loc.child(word, index), hint + variant_name(member, index), depth + 1
            )
            for index, member in enumerate(as_list(schema[word]))
        ]
        tag = (as_mapping(schema.get("discriminator")) or {}).get("propertyName")
        return union(types, tag if isinstance(tag, str) else None)

    def _all_of(self, schema: dict[str, object], loc: Loc, hint: str, depth: int) -> TypeExpr:
        types = [
            self.type_of(member, loc.child("allOf", index), hint, depth + 1)
            for index, member in enumerate(as_list(schema["allOf"]))
        ]
        known = [expr for expr in types if expr != ANY]
        return known[0] if known else ANY
