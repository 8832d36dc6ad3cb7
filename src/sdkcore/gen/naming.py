"""Python names from the document's names: snake_case, PascalCase, safe identifiers.

Every name the generator emits goes through here, and through a `Namer` that keeps
the names of one scope unique, so the same document always gives the same names.

Example::

    snake_case("getHTTPResponse")   # "get_http_response"
    pascal_case("chat.completion")  # "ChatCompletion"
    namer = Namer(reserved={"self"})
    namer.claim("self")             # "self_"
"""

from __future__ import annotations

import keyword
import re
import unicodedata

__all__ = [
    "BUILTIN_TYPES",
    "Namer",
    "is_identifier",
    "module_name",
    "pascal_case",
    "safe_identifier",
    "snake_case",
]

_ACRONYM = re.compile(r"([A-Z]+)([A-Z][a-z])")
_WORD_START = re.compile(r"([a-z0-9])([A-Z])")
_NOT_WORD = re.compile(r"[^0-9a-zA-Z_]+|_+")
_NOT_ALNUM = re.compile(r"[^0-9a-zA-Z]+")
#: The builtins the emitted annotations use: a field or method of the same name
#: shadows them in a class body, so they are written ``builtins.x`` there.
BUILTIN_TYPES = frozenset(
    {"str", "int", "float", "bool", "bytes", "object", "list", "dict", "type"}
)
_HARD_KEYWORDS = frozenset(keyword.kwlist)


def _ascii_words(name: str) -> str:
    # NFKC first: Python compares identifiers after it, so two spellings of one name
    # would otherwise become two names that Python sees as one.
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch if ch.isascii() else "_" for ch in text)


def snake_case(name: str) -> str:
    """``name`` as a lower-case snake_case identifier (``x`` for a name with no letters).

    >>> snake_case("fine-tuning.jobs")
    'fine_tuning_jobs'
    """
    text = _ascii_words(name)
    text = _ACRONYM.sub(r"\1_\2", text)
    text = _WORD_START.sub(r"\1_\2", text)
    words = [word for word in _NOT_WORD.split(text) if word]
    result = "_".join(words).lower()
    if not result:
        return "x"
    return f"x_{result}" if result[0].isdigit() else result


def pascal_case(name: str) -> str:
    """``name`` as a PascalCase class name, keeping the casing inside each word.

    >>> pascal_case("OpenAIFile"), pascal_case("chat.completion_chunk")
    ('OpenAIFile', 'ChatCompletionChunk')
    """
    words = [word for word in _NOT_ALNUM.split(_ascii_words(name)) if word]
    result = "".join(word[0].upper() + word[1:] for word in words)
    if not result:
        return "Model"
    return f"M{result}" if result[0].isdigit() else result


def module_name(class_name: str) -> str:
    """The snake_case module name of a class (``OpenAIFile`` -> ``open_ai_file``)."""
    return snake_case(class_name)


def is_identifier(name: str) -> bool:
    """Whether ``name`` can be a Python attribute or keyword-argument name."""
    return name.isidentifier() and name not in _HARD_KEYWORDS and name.isascii()


def safe_identifier(name: str) -> str:
    """``name`` with a trailing ``_`` when it is a Python keyword (``from`` -> ``from_``)."""
    return f"{name}_" if name in _HARD_KEYWORDS else name


class Namer:
    """Unique names within one scope: a taken or reserved name gets ``_`` then a number.

    >>> namer = Namer(reserved={"json"})
    >>> namer.claim("json"), namer.claim("id"), namer.claim("id")
    ('json_', 'id', 'id_2')
    """

    def __init__(
        self, reserved: set[str] | frozenset[str] = frozenset(), *, sep: str = "_"
    ) -> None:
        self._reserved = frozenset(reserved)
        self._taken: set[str] = set()
        self._sep = sep

    def taken(self, name: str) -> bool:
        """Whether ``name`` is reserved or already given out."""
        return name in self._taken or name in self._reserved or name in _HARD_KEYWORDS

    def claim(self, preferred: str) -> str:
        """``preferred`` if free, else the first free variant of it; the result is taken."""
        name = preferred
        if self.taken(name) and self._sep == "_" and not name.endswith("_"):
            name = f"{preferred}_"
        number = 2
        while self.taken(name):
            name = f"{preferred}{self._sep}{number}"
            number += 1
        self._taken.add(name)
        return name
