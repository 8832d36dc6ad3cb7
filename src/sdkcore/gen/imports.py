"""The imports of one emitted module, and the name each imported thing has there.

A name the module defines itself, or that two imports share, is imported under an
alias (``Completions`` the model, in the module of the ``Completions`` resource, is
``CompletionsModel`` there), so emitted code never shadows or clashes. Package
modules are given from the package root (``types.pet``) and imported relatively.

Example::

    imports = Imports("resources.pets", defined={"Pets", "AsyncPets"})
    imports.name("sdkcore", "NotGiven")              # "NotGiven"
    imports.name("types.pets", "Pets", typing=True)  # "PetsModel"
    print(imports.render())
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Imports", "relative"]

#: The standard-library modules emitted code imports (grouped before the others).
_STDLIB = frozenset(
    {
        "base64",
        "builtins",
        "collections",
        "datetime",
        "functools",
        "importlib",
        "os",
        "types",
        "typing",
    }
)


def relative(current: str, target: str) -> str:
    """``target`` (a module path inside the package) as a relative import from ``current``.

    >>> relative("resources.chat.completions", "types.chat_completion")
    '...types.chat_completion'
    >>> relative("types.pet", "types.tag")
    '.tag'
    """
    package = current.split(".")[:-1] if current else []
    parts = target.split(".") if target else []
    common = 0
    while common < min(len(package), len(parts) - 1) and package[common] == parts[common]:
        common += 1
    return "." * (len(package) - common + 1) + ".".join(parts[common:])


#: Where an import is written, weakest first: inside a function only, under
#: ``if TYPE_CHECKING:``, or at the top of the module.
_PLACES = ("local", "typing", "runtime")


@dataclass(frozen=True, slots=True)
class _Import:
    module: str
    name: str
    local: str
    place: str


class Imports:
    """Collects ``from x import y [as z]`` lines for one module; `name` gives ``y``'s local name.

    ``current`` is the module's path inside the package (``""`` for the package's
    ``__init__``); modules starting with ``.`` are the package's own.
    """

    def __init__(self, current: str, *, defined: set[str] | frozenset[str] = frozenset()) -> None:
        self.current = current
        self._taken = set(defined)
        self._imports: dict[tuple[str, str], _Import] = {}
        self._modules: set[str] = set()

    def module(self, name: str) -> str:
        """``import name`` (a whole module, e.g. ``httpx2``); returns ``name``."""
        self._modules.add(name)
        self._taken.add(name)
        return name

    def name(self, module: str, name: str, *, typing: bool = False, local: bool = False) -> str:
        """The local name of ``name`` from ``module``.

        ``typing`` imports it for type checkers only; ``local`` reserves the name for an
        import inside a function (`statement`) without importing it at the top. A
        package module is written with a leading ``.`` (``.types.pet``).
        """
        key = (module, name)
        place = "local" if local else "typing" if typing else "runtime"
        found = self._imports.get(key)
        if found is not None:
            if _PLACES.index(place) > _PLACES.index(found.place):
                self._imports[key] = _Import(module, name, found.local, place)
            return found.local
        given = self._free_name(module, name)
        self._taken.add(given)
        self._imports[key] = _Import(module, name, given, place)
        return given

    def _free_name(self, module: str, name: str) -> str:
        given = name
        number = 1
        suffix = "Resource" if module.startswith(".resources") else "Model"
        while given in self._taken:
            if name[:1].isupper():
                given = f"{name}{suffix}" if number == 1 else f"{name}{suffix}{number}"
            else:
                given = f"{name}_{number}"
            number += 1
        return given

    def statement(self, module: str, name: str) -> str:
        """The ``from ... import ...`` line for one import made by `name` (for local imports)."""
        found = self._imports[module, name]
        return self._line(found.module, [found])

    def _source(self, module: str) -> str:
        return relative(self.current, module[1:]) if module.startswith(".") else module

    def _line(self, module: str, items: list[_Import]) -> str:
        names = ", ".join(
            item.name if item.name == item.local else f"{item.name} as {item.local}"
            for item in sorted(items, key=lambda item: (item.name, item.local))
        )
        return f"from {self._source(module)} import {names}"

    def render(self) -> str:
        """Every import, grouped (``__future__``, standard library, others, the package's own),
        with the type-checking-only ones under ``if TYPE_CHECKING:``."""
        typing = [item for item in self._imports.values() if item.place == "typing"]
        checking = self.name("typing", "TYPE_CHECKING") if typing else ""
        runtime = [item for item in self._imports.values() if item.place == "runtime"]
        lines = ["from __future__ import annotations", "", *self._groups(runtime, self._modules)]
        if typing:
            lines.append(f"if {checking}:")
            lines.extend(f"    {line}" if line else "" for line in self._groups(typing, set()))
        return "\n".join(lines).rstrip() + "\n"

    def _groups(self, items: list[_Import], modules: set[str]) -> list[str]:
        by_module: dict[str, list[_Import]] = {}
        for item in items:
            by_module.setdefault(item.module, []).append(item)
        sections: list[list[str]] = [[], [], []]
        for module in modules:
            sections[_section(module)].append(f"import {module}")
        for module, found in by_module.items():
            sections[_section(module)].append(self._line(module, found))
        lines: list[str] = []
        for section in sections:
            if section:
                lines.extend([*sorted(section, key=_sort_key), ""])
        return lines


def _section(module: str) -> int:
    if module.startswith("."):
        return 2
    return 0 if module.split(".", 1)[0] in _STDLIB else 1


def _sort_key(line: str) -> tuple[bool, str]:
    return (line.startswith("from"), line)
