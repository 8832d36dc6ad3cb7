"""Decisions that need every type converted: discriminators, cycles, what is emitted.

* A discriminator stays only where pydantic can use it: every member is an object
  whose tag field is required and a string ``Literal``, the tags distinct; otherwise
  the union is a plain (smart-mode) union.
* A cycle made of aliases alone (``Json = str | list[Json]``) cannot be written as a
  plain type alias: its closing reference becomes ``object``.
* ``needs_model`` / ``needs_param`` mark which named types get a model (every
  component, and what answers reach) and a TypedDict (what requests reach).
* ``Body.transform`` is set when a body holds aliased keys, dates or nested files.

Example::

    finalize_types(schemas.defs, operations, schemas.components)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import (
    AliasDef,
    Def,
    DefRef,
    ListOf,
    Lit,
    MapOf,
    ObjectDef,
    Operation,
    Param,
    Prim,
    TypeExpr,
    UnionOf,
)
from .typeexpr import ANY, map_unions, refs, replace_refs, union

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "finalize_types",
    "model_refs",
    "needs_transform",
    "object_of",
    "param_invariant",
    "param_refs",
]

_PARAM_PRIMS = frozenset({Prim("file"), Prim("datetime"), Prim("date")})


def finalize_types(
    defs: dict[str, Def], operations: list[Operation], components: list[str]
) -> None:
    """Settle discriminators and alias cycles, then mark what is emitted (in place)."""
    _rewrite(defs, operations, lambda expr: map_unions(expr, lambda u: _checked_union(u, defs)))
    _break_alias_cycles(defs)
    _mark(defs, operations, components)
    transformed = _transformed(defs)
    for operation in operations:
        body = operation.body
        if body is not None and body.fields is not None:
            sent = [field for field in body.fields if field not in body.file_fields]
            body.transform = any(needs_transform(field.type, transformed) for field in sent)
        elif body is not None:
            body.transform = needs_transform(body.type, transformed)


def object_of(defs: dict[str, Def], expr: TypeExpr) -> ObjectDef | None:
    """The object a reference (through any aliases) names, or ``None``."""
    seen: set[str] = set()
    while isinstance(expr, DefRef) and expr.key not in seen:
        seen.add(expr.key)
        found = defs.get(expr.key)
        if isinstance(found, ObjectDef):
            return found
        if not isinstance(found, AliasDef):
            return None
        expr = found.type
    return None


def _checked_union(found: UnionOf, defs: dict[str, Def]) -> TypeExpr:
    if found.discriminator is None:
        return found
    names: set[str] = set()
    tags: set[str] = set()
    for member in found.members:
        target = object_of(defs, member)
        field = (
            next((f for f in target.fields if f.wire == found.discriminator), None)
            if target
            else None
        )
        if field is None or not field.required or not isinstance(field.type, Lit):
            return union(found.members)
        values = field.type.values
        if not all(isinstance(value, str) for value in values) or tags & set(map(str, values)):
            return union(found.members)
        tags.update(map(str, values))
        names.add(field.name)
    return UnionOf(found.members, names.pop()) if len(names) == 1 else union(found.members)


def _rewrite(
    defs: dict[str, Def], operations: list[Operation], change: Callable[[TypeExpr], TypeExpr]
) -> None:
    for found in defs.values():
        if isinstance(found, ObjectDef):
            for field in found.fields:
                field.type = change(field.type)
        else:
            found.type = change(found.type)
    for operation in operations:
        for param in _params(operation):
            param.type = change(param.type)
        if operation.body is not None:
            operation.body.type = change(operation.body.type)
        response = operation.response
        for name in ("type", "stream_type", "item_type"):
            value = getattr(response, name)
            if value is not None:
                setattr(response, name, change(value))


def _params(operation: Operation) -> Iterator[Param]:
    yield from operation.params
    if operation.body is not None and operation.body.fields is not None:
        yield from operation.body.fields


def _alias_children(defs: dict[str, Def], key: str) -> list[str]:
    found = defs[key]
    assert isinstance(found, AliasDef)
    return sorted({ref for ref in refs(found.type) if isinstance(defs.get(ref), AliasDef)})


def _without(expr: TypeExpr, key: str) -> TypeExpr:
    """``expr`` with its references to ``key`` replaced by ``object``."""
    return replace_refs(expr, lambda ref: ANY if ref.key == key else ref)


def _break_alias_cycles(defs: dict[str, Def]) -> None:
    """Depth-first over alias-to-alias references; each edge back into the path is cut."""
    state: dict[str, bool] = {}  # True while on the current path, False once done
    for start in sorted(key for key, found in defs.items() if isinstance(found, AliasDef)):
        if start in state:
            continue
        state[start] = True
        stack = [(start, iter(_alias_children(defs, start)))]
        while stack:
            key, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[key] = False
                stack.pop()
            elif state.get(child) is True:
                alias = defs[key]
                assert isinstance(alias, AliasDef)
                alias.type = _without(alias.type, child)
            elif child not in state:
                state[child] = True
                stack.append((child, iter(_alias_children(defs, child))))


def param_invariant(expr: TypeExpr, defs: dict[str, Def]) -> bool:
    """Whether ``expr`` is written the same in a model and in a request (no objects,
    containers, files or dates), so requests can reuse the model's alias."""
    if isinstance(expr, Prim):
        return expr not in _PARAM_PRIMS
    if isinstance(expr, Lit):
        return True
    if isinstance(expr, UnionOf):
        return all(param_invariant(member, defs) for member in expr.members)
    if isinstance(expr, DefRef):
        found = defs.get(expr.key)
        return isinstance(found, AliasDef) and param_invariant(found.type, defs)
    return False


def param_refs(found: Def) -> Iterator[str]:
    """The named types the request form of ``found`` uses (read-only fields left out)."""
    if isinstance(found, ObjectDef):
        for field in found.fields:
            if not field.read_only:
                yield from refs(field.type)
    else:
        yield from refs(found.type)


def model_refs(found: Def) -> Iterator[str]:
    """The named types the model of ``found`` uses."""
    if isinstance(found, ObjectDef):
        for field in found.fields:
            yield from refs(field.type)
    else:
        yield from refs(found.type)


def _reach(
    defs: dict[str, Def], roots: Iterator[str], step: Callable[[Def], Iterator[str]]
) -> set[str]:
    seen: set[str] = set()
    todo = [key for key in roots if key in defs]
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(ref for ref in step(defs[key]) if ref in defs and ref not in seen)
    return seen


def _mark(defs: dict[str, Def], operations: list[Operation], components: list[str]) -> None:
    request_roots = [ref for op in operations for param in _params(op) for ref in refs(param.type)]
    request_roots += [ref for op in operations if op.body is not None for ref in refs(op.body.type)]
    for key in _reach(defs, iter(request_roots), param_refs):
        found = defs[key]
        invariant = isinstance(found, AliasDef) and param_invariant(found.type, defs)
        found.needs_param = not invariant
        found.needs_model = found.needs_model or invariant
    answer_roots = [*components, *(key for key, found in defs.items() if found.needs_model)]
    for op in operations:
        for expr in (op.response.type, op.response.stream_type, op.response.item_type):
            answer_roots.extend(refs(expr) if expr is not None else ())
    for key in _reach(defs, iter(answer_roots), model_refs):
        defs[key].needs_model = True


def _direct_prims(expr: TypeExpr) -> bool:
    if isinstance(expr, Prim):
        return expr in _PARAM_PRIMS
    if isinstance(expr, ListOf):
        return _direct_prims(expr.item)
    if isinstance(expr, MapOf):
        return _direct_prims(expr.value)
    if isinstance(expr, UnionOf):
        return any(_direct_prims(member) for member in expr.members)
    return False


def _transformed(defs: dict[str, Def]) -> set[str]:
    """The named types whose request data needs ``transform``, directly or through others."""
    users: dict[str, set[str]] = {}
    found: set[str] = set()
    for key, item in defs.items():
        types = (
            [f.type for f in item.fields if not f.read_only]
            if isinstance(item, ObjectDef)
            else [item.type]
        )
        renamed = isinstance(item, ObjectDef) and any(
            f.key != f.wire for f in item.fields if not f.read_only
        )
        if renamed or any(_direct_prims(expr) for expr in types):
            found.add(key)
        for expr in types:
            for ref in refs(expr):
                users.setdefault(ref, set()).add(key)
    todo = list(found)
    while todo:
        for user in users.get(todo.pop(), ()):
            if user not in found:
                found.add(user)
                todo.append(user)
    return found


def needs_transform(expr: TypeExpr, transformed: set[str]) -> bool:
    """Whether request data of type ``expr`` must go through ``sdkcore.transform``."""
    return _direct_prims(expr) or any(ref in transformed for ref in refs(expr))
