"""What a document cannot say, in an optional configuration file next to it.

The file is YAML (or JSON), found as ``--config PATH``, else ``<spec>.sdkcore.yaml`` or
``<spec stem>.sdkcore.yaml`` beside a spec file (``openapi.yaml.sdkcore.yaml``,
``openapi.sdkcore.yaml``), else ``sdkcore-gen.yaml`` in the spec's directory (or in the
spec directory itself). Keys (all
optional)::

    client_name: Acme          # the client classes (the CLI's --client-name wins)
    version: 1.2.0             # the generated package's __version__ (default 0.1.0)
    user_agent: acme-python    # the User-Agent's product, before /<version>
                               # (default: <package>-python)
    env:                       # environment variables the clients read (defaults:
      api_key: [ACME_API_KEY, OTHER_KEY]   # ACME_API_KEY and ACME_BASE_URL; a list is
      base_url: ACME_BASE_URL              # read in order, the first one set wins)
      log: ACME_LOG            # info|debug turns on sdkcore's log (as SDKCORE_LOG)
    group_by: path             # resources from path segments (default) or "tag"
    strip_prefix: [v1]         # leading path segments left out of resource names
                               # (default: one leading version segment such as v1)
    operations:                # per operation, by operationId or "METHOD /path"
      createChatCompletion:
        method: chat.completions.create   # where the method lives, and its name
        page: cursor           # cursor | offset | page | link | none
        stream: stream         # the body's stream flag; true: always; false: never
      GET /health:
        skip: checked by the load balancer only    # not generated, with this reason

Example::

    config = load_config(Path("openapi.yaml"), None)
    config.operation("createChatCompletion").method   # "chat.completions.create"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .errors import GenerationError, SpecError
from .loader import parse_file
from .raw import as_list, as_mapping

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Config", "EnvConfig", "OperationConfig", "find_config", "load_config"]

_PAGES = frozenset({"cursor", "offset", "page", "link", "none"})
_TOP_KEYS = frozenset(
    {"client_name", "version", "user_agent", "env", "group_by", "strip_prefix", "operations"}
)
_OPERATION_KEYS = frozenset({"method", "page", "stream", "skip"})
_ENV_KEYS = frozenset({"api_key", "base_url", "log"})
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PRODUCT = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


@dataclass(frozen=True, slots=True)
class OperationConfig:
    """The settings of one operation; ``None`` leaves a decision to the generator.

    ``stream`` is ``True`` (always an event stream), ``False`` (never) or the name of
    the body property that asks for one.
    """

    method: str | None = None
    page: Literal["cursor", "offset", "page", "link", "none"] | None = None
    stream: bool | str | None = None
    skip: str | None = None


@dataclass(frozen=True, slots=True)
class EnvConfig:
    """The environment variables the clients read; ``None`` keeps the generator's default
    (named after the client: ``ACME_API_KEY``, ``ACME_BASE_URL``, no log variable)."""

    api_key: tuple[str, ...] | None = None
    base_url: tuple[str, ...] | None = None
    log: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration (defaults when there is no file)."""

    client_name: str | None = None
    version: str = "0.1.0"
    user_agent: str | None = None
    env: EnvConfig = EnvConfig()
    group_by: Literal["path", "tag"] = "path"
    strip_prefix: tuple[str, ...] | None = None
    operations: dict[str, OperationConfig] = field(default_factory=dict[str, OperationConfig])

    def operation(self, *keys: str) -> OperationConfig:
        """The settings of the operation known by any of ``keys`` (its id, "METHOD /path")."""
        for key in keys:
            if key in self.operations:
                return self.operations[key]
        return OperationConfig()


def find_config(spec: Path) -> Path | None:
    """The configuration file that belongs to ``spec``, if there is one."""
    directory = spec if spec.is_dir() else spec.parent
    candidates = (
        []
        if spec.is_dir()
        else [
            spec.with_name(f"{spec.name}.sdkcore.yaml"),
            spec.with_name(f"{spec.stem}.sdkcore.yaml"),
        ]
    )
    candidates.append(directory / "sdkcore-gen.yaml")
    return next((path for path in candidates if path.is_file()), None)


def load_config(spec: Path, explicit: Path | None) -> Config:
    """The configuration for ``spec``: ``explicit``, else the one found beside it.

    Raises `GenerationError` naming the key when the file is malformed.
    """
    path = explicit if explicit is not None else find_config(spec)
    if path is None:
        return Config()
    try:
        raw = parse_file(path)
    except SpecError as exc:
        raise GenerationError(f"configuration {path}: {exc}") from exc
    try:
        return _config(raw or {})
    except ValueError as exc:
        raise GenerationError(f"configuration {path}: {exc}") from exc


_PageSetting = Literal["cursor", "offset", "page", "link", "none"]
_PAGE_OF: dict[object, _PageSetting] = {
    "cursor": "cursor",
    "offset": "offset",
    "page": "page",
    "link": "link",
    "none": "none",
}


def _mapping(value: object, what: str, allowed: frozenset[str] | None = None) -> dict[str, object]:
    mapping = as_mapping(value)
    if mapping is None:
        raise ValueError(f"{what} must be a mapping")
    unknown = sorted(set(mapping) - allowed) if allowed is not None else []
    if unknown:
        known = ", ".join(sorted(allowed or ()))
        raise ValueError(f"unknown key {unknown[0]!r} in {what} (known: {known})")
    return mapping


def _text(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{what} must be a string")


def _config(raw: object) -> Config:
    top = _mapping(raw, "the configuration", _TOP_KEYS)
    group_by = top.get("group_by", "path")
    if group_by not in ("path", "tag"):
        raise ValueError("group_by must be 'path' or 'tag'")
    prefix = top.get("strip_prefix")
    items = as_list(prefix)
    segments = [item for item in items if isinstance(item, str)]
    if prefix is not None and (prefix != items or len(segments) != len(items)):
        raise ValueError("strip_prefix must be a list of path segments")
    operations = _mapping(top.get("operations") or {}, "operations")
    user_agent = _text(top.get("user_agent"), "user_agent")
    if user_agent is not None and not _PRODUCT.fullmatch(user_agent):
        raise ValueError("user_agent must be one product token, like 'acme-python'")
    return Config(
        client_name=_text(top.get("client_name"), "client_name"),
        version=_text(top.get("version"), "version") or "0.1.0",
        user_agent=user_agent,
        env=_env(top.get("env")),
        group_by="tag" if group_by == "tag" else "path",
        strip_prefix=None if prefix is None else tuple(segments),
        operations={key: _operation(value, key) for key, value in operations.items()},
    )


def _env(raw: object) -> EnvConfig:
    if raw is None:
        return EnvConfig()
    entry = _mapping(raw, "env", _ENV_KEYS)
    log = _text(entry.get("log"), "env.log")
    if log is not None and not _ENV_NAME.fullmatch(log):
        raise ValueError(f"env.log must be a variable name, got {log!r}")
    return EnvConfig(
        api_key=_names(entry.get("api_key"), "env.api_key"),
        base_url=_names(entry.get("base_url"), "env.base_url"),
        log=log,
    )


def _names(raw: object, what: str) -> tuple[str, ...] | None:
    """A variable name or a non-empty list of them, in the order they are read."""
    if raw is None:
        return None
    names = [raw] if isinstance(raw, str) else as_list(raw)
    if not names or not all(isinstance(name, str) and _ENV_NAME.fullmatch(name) for name in names):
        raise ValueError(f"{what} must be a variable name or a non-empty list of them, got {raw!r}")
    return tuple(str(name) for name in names)


def _operation(raw: object, key: str) -> OperationConfig:
    entry = _mapping(raw, f"operations.{key}", _OPERATION_KEYS)
    page = entry.get("page")
    if page is not None and page not in _PAGE_OF:
        raise ValueError(f"operations.{key}.page must be one of {', '.join(sorted(_PAGES))}")
    stream = entry.get("stream")
    if stream is not None and not isinstance(stream, bool | str):
        raise ValueError(f"operations.{key}.stream must be true, false or a body field name")
    method = _text(entry.get("method"), f"operations.{key}.method")
    if method is not None and not all(part.isidentifier() for part in method.split(".")):
        raise ValueError(f"operations.{key}.method must be dotted identifiers like 'chat.create'")
    skip = entry.get("skip")
    return OperationConfig(
        method=method,
        page=_PAGE_OF.get(page),
        stream=stream,
        skip=None if skip is None else str(skip),
    )
