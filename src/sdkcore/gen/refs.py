"""``$ref`` resolution: local (``#/...``) and relative-file refs, wherever they appear.

A ref resolves relative to the file it appears in. `Resolver.deref` follows a chain
of refs to the value at its end and returns that value with its `Loc`, so refs
inside it resolve against the right file in turn. A chain that loops, leaves the
document (``http://...``) or leads nowhere raises `SpecError`.

Example::

    resolver = Resolver(docs)
    value, loc = resolver.deref({"$ref": "schemas/pet.yaml"}, docs.root.child("paths"))
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import SpecError
from .loader import Documents, Loc
from .raw import as_mapping

__all__ = ["MAX_REF_CHAIN", "Resolver", "ref_of"]

#: The longest chain of refs to refs followed before it is taken for a loop.
MAX_REF_CHAIN = 64


def ref_of(value: object) -> str | None:
    """The ``$ref`` string of ``value``, if it is a mapping with one."""
    mapping = as_mapping(value)
    ref = None if mapping is None else mapping.get("$ref")
    return ref if isinstance(ref, str) else None


class Resolver:
    """Follows ``$ref`` chains across the files of one document.

    >>> resolver.target("#/components/schemas/Pet", docs.root)
    Loc(file='/specs/openapi.yaml', pointer=('components', 'schemas', 'Pet'))
    """

    def __init__(self, docs: Documents) -> None:
        self.docs = docs

    def target(self, ref: str, at: Loc) -> Loc:
        """Where ``ref``, written in the file of ``at``, points."""
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            raise SpecError(f"remote $ref not supported: {ref}", where=self.docs.describe(at))
        file = at.file
        if parts.path:
            file = str((Path(at.file).parent / unquote(parts.path)).resolve())
        return Loc(file, _pointer(unquote(parts.fragment)))

    def deref(self, value: object, loc: Loc) -> tuple[object, Loc]:
        """``value`` itself, or the value its ref chain ends at, with its location."""
        seen: list[Loc] = []
        while (ref := ref_of(value)) is not None:
            if len(seen) >= MAX_REF_CHAIN or loc in seen:
                raise SpecError(f"$ref chain loops: {ref}", where=self.docs.describe(loc))
            seen.append(loc)
            target = self.target(ref, loc)
            try:
                value = self.docs.at(target)
            except SpecError as exc:
                raise SpecError(
                    f"$ref target not found: {ref} ({exc.reason})", where=self.docs.describe(loc)
                ) from exc
            loc = target
        return value, loc

    def mapping(self, value: object, loc: Loc) -> tuple[dict[str, object], Loc]:
        """`deref`, then check that the result is a mapping (else `SpecError`)."""
        target, where = self.deref(value, loc)
        mapping = as_mapping(target)
        if mapping is None:
            raise SpecError("expected a mapping", where=self.docs.describe(where))
        return mapping, where


def _pointer(fragment: str) -> tuple[str, ...]:
    if not fragment or fragment == "/":
        return () if not fragment else ("",)
    if not fragment.startswith("/"):
        raise SpecError(f"unsupported $ref fragment (not a JSON pointer): #{fragment}")
    return tuple(key.replace("~1", "/").replace("~0", "~") for key in fragment[1:].split("/"))
