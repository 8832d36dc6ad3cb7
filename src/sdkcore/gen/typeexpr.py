"""Building and walking type expressions (`sdkcore.gen.model.TypeExpr`).

`union` keeps unions flat and duplicate-free with ``None`` last, so two schemas
that mean the same type give the same expression; `refs` lists the named types an
expression uses and `replace_refs` rewrites them.

Example::

    union([Prim("str"), union([Prim("int"), Prim("str")]), Prim("none")])
    # UnionOf(members=(Prim("str"), Prim("int"), Prim("none")))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import DefRef, ListOf, Lit, LitValue, MapOf, Prim, TypeExpr, UnionOf

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

__all__ = ["ANY", "NONE", "map_unions", "nullable", "refs", "replace_refs", "strip_none", "union"]

ANY = Prim("any")
NONE = Prim("none")


def union(members: Iterable[TypeExpr], discriminator: str | None = None) -> TypeExpr:
    """The union of ``members``: flattened, deduplicated, ``None`` last, literals merged.

    ``any`` absorbs everything (``object | None`` stays ``object``); one member is itself.
    """
    flat: list[TypeExpr] = []
    for member in members:
        parts = (
            member.members
            if isinstance(member, UnionOf) and not member.discriminator
            else (member,)
        )
        flat.extend(part for part in parts if part not in flat)
    if ANY in flat:
        return ANY
    flat = _merge_literals(flat)
    has_none = NONE in flat
    rest = [member for member in flat if member != NONE]
    ordered = [*rest, NONE] if has_none else rest
    if not ordered:
        return ANY
    if len(ordered) == 1:
        return ordered[0]
    if discriminator is not None and has_none and len(rest) > 1:
        # A nullable tagged union: the tag applies to the members, None stays outside.
        return UnionOf((UnionOf(tuple(rest), discriminator), NONE))
    return UnionOf(tuple(ordered), discriminator if not has_none else None)


def _merge_literals(members: list[TypeExpr]) -> list[TypeExpr]:
    literals = [member for member in members if isinstance(member, Lit)]
    if len(literals) < 2:
        return members
    values: list[LitValue] = []
    for literal in literals:
        values.extend(value for value in literal.values if not _contains(values, value))
    merged = Lit(tuple(values))
    first = members.index(literals[0])
    rest = [member for member in members if not isinstance(member, Lit)]
    return [*rest[:first], merged, *rest[first:]]


def _contains(values: list[LitValue], value: LitValue) -> bool:
    # True == 1 in Python, but Literal[True] and Literal[1] are different types.
    return any(type(known) is type(value) and known == value for known in values)


def nullable(expr: TypeExpr) -> TypeExpr:
    """``expr | None``."""
    return union([expr, NONE])


def strip_none(expr: TypeExpr) -> TypeExpr:
    """``expr`` without its ``None`` member (``any`` when nothing else is left)."""
    if isinstance(expr, UnionOf):
        return union(member for member in expr.members if member != NONE)
    return ANY if expr == NONE else expr


def refs(expr: TypeExpr) -> Iterator[str]:
    """The keys of the named types ``expr`` uses, in order, with repeats."""
    if isinstance(expr, DefRef):
        yield expr.key
    elif isinstance(expr, ListOf):
        yield from refs(expr.item)
    elif isinstance(expr, MapOf):
        yield from refs(expr.value)
    elif isinstance(expr, UnionOf):
        for member in expr.members:
            yield from refs(member)


def replace_refs(expr: TypeExpr, change: Callable[[DefRef], TypeExpr]) -> TypeExpr:
    """``expr`` with every `DefRef` replaced by ``change(ref)``; unions stay normalised."""
    if isinstance(expr, DefRef):
        return change(expr)
    if isinstance(expr, ListOf):
        return ListOf(replace_refs(expr.item, change))
    if isinstance(expr, MapOf):
        return MapOf(replace_refs(expr.value, change))
    if isinstance(expr, UnionOf):
        members = [replace_refs(member, change) for member in expr.members]
        return union(members, expr.discriminator)
    return expr


def map_unions(expr: TypeExpr, change: Callable[[UnionOf], TypeExpr]) -> TypeExpr:
    """``expr`` with every union (innermost first) replaced by ``change(union)``."""
    if isinstance(expr, ListOf):
        return ListOf(map_unions(expr.item, change))
    if isinstance(expr, MapOf):
        return MapOf(map_unions(expr.value, change))
    if isinstance(expr, UnionOf):
        members = tuple(map_unions(member, change) for member in expr.members)
        return change(UnionOf(members, expr.discriminator))
    return expr
