"""Type expressions as Python annotations, for models, request TypedDicts and arguments.

The same `TypeExpr` is written three ways: in a **model** (``list[Pet]``, a
discriminated union as ``Annotated[A | B, Field(discriminator="type")]``), in a
**TypedDict** of request data (``Sequence[PetParam]``, dates as
``Annotated[str | datetime, PropertyInfo(format="iso8601")]``, files as
``FileTypes``) and as a method **argument** (like the TypedDict, without the
``Annotated`` metadata that only ``transform`` reads). A builtin that a field or
method of the class shadows is written ``builtins.str``.

Example::

    writer = TypeWriter(defs, imports, flavor="model", here="types.pet")
    writer.render(ListOf(DefRef(key)))   # "list[Pet]"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from .model import (
    AliasDef,
    Def,
    DefRef,
    ListOf,
    Lit,
    LitValue,
    MapOf,
    ObjectDef,
    Prim,
    TypeExpr,
    UnionOf,
)
from .naming import BUILTIN_TYPES

if TYPE_CHECKING:
    from .imports import Imports

__all__ = ["Flavor", "TypeWriter", "literal"]

Flavor = Literal["model", "typeddict", "argument"]
_SCALARS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "any": "object"}


def literal(value: LitValue) -> str:
    """``value`` as Python source (``'a'``, ``1``, ``True``, ``None``)."""
    return repr(value)


class TypeWriter:
    """Writes annotations into one module; names it needs are added to ``imports``.

    ``here`` is the module being written (types defined there are used by name);
    ``shadowed`` the names the current class body rebinds; ``typing_only`` imports
    the package's types for type checkers only (resource modules).
    """

    def __init__(
        self,
        defs: dict[str, Def],
        imports: Imports,
        *,
        flavor: Flavor,
        here: str = "",
        typing_only: bool = False,
    ) -> None:
        self.defs = defs
        self.imports = imports
        self.flavor: Flavor = flavor
        self.here = here
        self.typing_only = typing_only
        self.shadowed: set[str] = set()
        #: Set while writing a run-time expression whose names are imported locally.
        self.local_only = False

    def render(self, expr: TypeExpr) -> str:
        """The annotation for ``expr``."""
        if isinstance(expr, Prim):
            return self._prim(expr)
        if isinstance(expr, Lit):
            name = self.imports.name("typing", "Literal")
            return f"{name}[{', '.join(literal(value) for value in expr.values)}]"
        if isinstance(expr, ListOf):
            if self.flavor == "model":
                return f"{self.builtin('list')}[{self.render(expr.item)}]"
            return f"{self.imports.name('collections.abc', 'Sequence')}[{self.render(expr.item)}]"
        if isinstance(expr, MapOf):
            if self.flavor == "model":
                return f"{self.builtin('dict')}[{self.builtin('str')}, {self.render(expr.value)}]"
            mapping = self.imports.name("collections.abc", "Mapping")
            return f"{mapping}[{self.builtin('str')}, {self.render(expr.value)}]"
        if isinstance(expr, UnionOf):
            return self._union(expr)
        return self.ref(expr)

    def ref(self, expr: DefRef) -> str:
        """The name of the model (or the TypedDict) a reference points to, imported."""
        found = self.defs[expr.key]
        if self.flavor == "model" or (isinstance(found, AliasDef) and not found.needs_param):
            name, module = found.name, found.module
        else:
            name, module = found.param_name, found.param_module
        if f"types.{module}" == self.here:
            return name
        return self.imports.name(
            f".types.{module}", name, typing=self.typing_only, local=self.local_only
        )

    def builtin(self, name: str) -> str:
        """``name`` (a builtin), or ``builtins.name`` where the scope shadows it."""
        if name in self.shadowed and name in BUILTIN_TYPES:
            return f"{self.imports.module('builtins')}.{name}"
        return name

    def _prim(self, expr: Prim) -> str:
        kind = expr.kind
        if kind in _SCALARS:
            return self.builtin(_SCALARS[kind])
        if kind == "none":
            return "None"
        if kind == "file":
            if self.flavor == "model":
                return self.builtin("str")
            return self.imports.name("sdkcore", "FileTypes")
        module = self.imports.module("datetime")
        plain = f"{module}.{kind}"
        if self.flavor == "model":
            return plain
        text = f"{self.builtin('str')} | {plain}"
        if self.flavor == "argument":
            return text
        annotated = self.imports.name("typing", "Annotated")
        info = self.imports.name("sdkcore", "PropertyInfo")
        return f'{annotated}[{text}, {info}(format="iso8601")]'

    def _union(self, expr: UnionOf) -> str:
        text = " | ".join(self.render(member) for member in expr.members)
        if expr.discriminator is None or self.flavor != "model":
            return text
        annotated = self.imports.name("typing", "Annotated")
        field = self.imports.name("pydantic", "Field")
        union = self.imports.name("typing", "Union")
        members = ", ".join(self.render(member) for member in expr.members)
        return f"{annotated}[{union}[{members}], {field}(discriminator={expr.discriminator!r})]"

    def is_class(self, expr: TypeExpr) -> bool:
        """Whether ``expr`` is a model class (usable as ``cast_to`` as it is)."""
        return isinstance(expr, DefRef) and isinstance(self.defs.get(expr.key), ObjectDef)
