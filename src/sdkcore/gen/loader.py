"""Reading an OpenAPI document: one file, or a directory of files linked by ``$ref``.

`load_document` finds the root (the file with a top-level ``openapi`` key) and returns
`Documents`, which parses every other file once, when a ``$ref`` first reaches it.
YAML is read as YAML 1.2 would be (only ``true``/``false`` are booleans, dates stay
strings) and mapping keys are always strings (``200:`` is ``"200"``).

Example::

    docs = load_document(Path("specs/"))
    print(docs.describe(docs.root))   # "openapi.yaml#"
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import GenerationError, SpecError
from .raw import as_list, as_mapping

__all__ = ["MAX_FILE_SIZE", "YAML_HINT", "Documents", "Loc", "load_document", "parse_file"]

#: The largest file the loader reads; a bigger one is refused rather than parsed.
MAX_FILE_SIZE = 64 * 1024 * 1024
_SUFFIXES = (".yaml", ".yml", ".json")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})

#: What a YAML document needs when PyYAML is missing (JSON documents need nothing).
YAML_HINT = 'reading YAML needs PyYAML, which the gen extra installs: pip install "sdkcore[gen]"'
_BOOL_TAG = "tag:yaml.org,2002:bool"
_DROPPED_TAGS = frozenset({"tag:yaml.org,2002:timestamp", _BOOL_TAG})


def _key_text(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _construct_mapping(loader: Any, node: Any) -> dict[str, object]:
    loader.flatten_mapping(node)
    pairs = loader.construct_pairs(node, deep=True)
    return {_key_text(key): value for key, value in pairs}


@functools.cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its safe loader (the C one when built) with YAML 1.2 booleans, dates
    kept as text and string keys; imported on first use, so that ``sdkcore-gen --help``
    and JSON documents work without it. Raises `ImportError` when it is missing."""
    # PyYAML ships no type information (and the stubs are not a dependency): it is
    # used through ``Any``, in this function only.
    yaml: Any = importlib.import_module("yaml")
    loader: Any = type("_Loader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    return yaml, loader


@dataclass(frozen=True, slots=True)
class Loc:
    """A place in the document: a file and a JSON pointer into it (as its segments).

    >>> Loc("/specs/api.yaml", ("paths", "/pets")).child("get")
    Loc(file='/specs/api.yaml', pointer=('paths', '/pets', 'get'))
    """

    file: str
    pointer: tuple[str, ...] = ()

    def child(self, *keys: str | int) -> Loc:
        """The location of ``keys`` below this one."""
        return Loc(self.file, self.pointer + tuple(str(key) for key in keys))


class Documents:
    """The files of one document, each parsed once; `at` reads any `Loc`.

    Raises `SpecError` for a file that cannot be read or parsed, or a pointer that
    leads nowhere.
    """

    def __init__(self, root_file: Path, parsed: dict[str, object] | None = None) -> None:
        self.root: Loc = Loc(str(root_file.resolve()))
        self.base_dir: Path = root_file.resolve().parent
        self._files: dict[str, object] = dict(parsed or {})

    def file(self, path: str) -> object:
        """The parsed content of ``path`` (absolute); parsed on first use."""
        if path not in self._files:
            self._files[path] = parse_file(Path(path))
        return self._files[path]

    def at(self, loc: Loc) -> object:
        """The value at ``loc``; raises `SpecError` when the pointer leads nowhere."""
        value = self.file(loc.file)
        for depth, key in enumerate(loc.pointer):
            mapping, items = as_mapping(value), as_list(value)
            if mapping is not None and key in mapping:
                value = mapping[key]
            elif key.isdigit() and int(key) < len(items):
                value = items[int(key)]
            else:
                where = self.describe(Loc(loc.file, loc.pointer[:depth]))
                raise SpecError(f"nothing at {key!r}", where=where)
        return value

    @property
    def root_value(self) -> dict[str, object]:
        """The root document (checked to be a mapping by `load_document`)."""
        value = as_mapping(self.file(self.root.file))
        assert value is not None
        return value

    def describe(self, loc: Loc) -> str:
        """``loc`` as ``file#/json/pointer``, the file relative to the root's directory."""
        try:
            name = Path(loc.file).relative_to(self.base_dir).as_posix()
        except ValueError:
            name = loc.file
        escaped = (key.replace("~", "~0").replace("/", "~1") for key in loc.pointer)
        return f"{name}#" + "".join(f"/{key}" for key in escaped)


def parse_file(path: Path) -> object:
    """The JSON or YAML content of ``path``; raises `SpecError` when it cannot be read,
    and `GenerationError` naming ``pip install "sdkcore[gen]"`` for YAML without PyYAML."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_SIZE:
            raise SpecError(f"file larger than {MAX_FILE_SIZE} bytes", where=str(path))
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise SpecError("no such file", where=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read file: {exc}", where=str(path)) from exc
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise SpecError(f"not valid JSON: {exc}", where=str(path)) from exc
    try:
        yaml, loader = _yaml()
    except ImportError as exc:
        raise GenerationError(f"{path}: {YAML_HINT}") from exc
    try:
        return yaml.load(text, Loader=loader)
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        raise SpecError(f"not valid JSON or YAML: {exc}", where=str(path)) from exc


def load_document(spec: Path) -> Documents:
    """The document at ``spec``: a file, or a directory holding exactly one root.

    Raises `GenerationError` when there is no root, more than one, or the root is not
    an OpenAPI 3 document.
    """
    if spec.is_dir():
        root, parsed = _find_root(spec)
    else:
        root, parsed = spec, {}
    try:
        value = parsed.get(str(root.resolve())) or parse_file(root)
    except SpecError as exc:
        raise GenerationError(str(exc)) from exc
    _check_root(value, root)
    return Documents(root, {**parsed, str(root.resolve()): value})


def _check_root(found: object, root: Path) -> None:
    value = as_mapping(found)
    if value is None:
        raise GenerationError(f"{root}: the document is not a mapping")
    version = value.get("openapi")
    if "swagger" in value and version is None:
        raise GenerationError(f"{root}: Swagger 2.0 documents are not supported (OpenAPI 3.x is)")
    if not str(version).startswith("3."):
        raise GenerationError(f"{root}: not an OpenAPI 3 document (openapi: {version!r})")


def _candidate_files(directory: Path) -> list[Path]:
    found: list[Path] = []
    for here, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        found.extend(Path(here, name) for name in sorted(files) if name.endswith(_SUFFIXES))
    return found


def _find_root(directory: Path) -> tuple[Path, dict[str, object]]:
    roots: list[Path] = []
    parsed: dict[str, object] = {}
    for path in _candidate_files(directory):
        try:
            if path.stat().st_size > MAX_FILE_SIZE or b"openapi" not in path.read_bytes():
                continue
            value = parse_file(path)
        except (OSError, SpecError):
            continue
        parsed[str(path.resolve())] = value
        if isinstance(value, dict) and "openapi" in value:
            roots.append(path)
    if len(roots) != 1:
        names = ", ".join(str(path.relative_to(directory)) for path in roots) or "none"
        raise GenerationError(
            f"{directory}: expected exactly one file with a top-level 'openapi' key, found {names}"
        )
    return roots[0], parsed
