"""From a loaded document to the `Api` model, in one pass: the generator's front end.

Components are converted first (they keep their names), then each operation: where
it lives, its arguments, body and answer. An operation that cannot be generated is
kept in ``Api.skipped`` with the reason; nothing else is dropped.

Example::

    api = build_api(load_document(Path("openapi.yaml")), package="acme", client_name="Acme")
    print(len(api.operations), "operations,", len(api.skipped), "skipped")
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .collect import RawOperation, collect_operations
from .errors import SpecError
from .finalize import finalize_types
from .keywords import description_of
from .layout import build_resources, name_types
from .model import Api, Auth, EnvVars, Operation, Skipped
from .naming import pascal_case, snake_case
from .operations import OperationBuilder
from .raw import as_list, as_mapping
from .refs import Resolver
from .resources import OpShape, place_operations
from .schemas import Schemas

if TYPE_CHECKING:
    from .config import Config
    from .loader import Documents

__all__ = ["BuildResult", "build_api", "default_client_name"]

_VARIABLE = re.compile(r"{([^{}]*)}")


class BuildResult:
    """The `Api` and the warnings met on the way (parts typed as ``object``, bodies left out)."""

    def __init__(self, api: Api, warnings: list[str]) -> None:
        self.api = api
        self.warnings = warnings


def default_client_name(package: str) -> str:
    """The client class for a package name (``acme_sdk`` -> ``AcmeSdk``)."""
    return pascal_case(package)


def build_api(
    docs: Documents, *, package: str, client_name: str | None, config: Config
) -> BuildResult:
    """The model of the document's API, every name decided."""
    schemas = Schemas(Resolver(docs))
    root = docs.root_value
    components_loc = docs.root.child("components", "schemas")
    components = as_mapping((as_mapping(root.get("components")) or {}).get("schemas")) or {}
    schemas.add_components(components, components_loc)
    builder = OperationBuilder(schemas, config)
    operations, skipped = _operations(builder, config)
    finalize_types(schemas.defs, operations, schemas.components)
    name_types(schemas.defs, schemas.components)
    name = client_name or config.client_name or default_client_name(package)
    info = as_mapping(root.get("info")) or {}
    api = Api(
        title=str(info.get("title") or name),
        description=description_of(info),
        version=str(info.get("version") or ""),
        package=package,
        client_name=name,
        env=_env_vars(name, config),
        base_url=_base_url(root),
        auth=_auth(root),
        defs=schemas.defs,
        operations=operations,
        root=build_resources(operations, _tag_docs(root)),
        skipped=skipped,
        sdk_version=config.version,
        user_agent=config.user_agent or f"{package}-python",
    )
    return BuildResult(api, [*schemas.warnings, *builder.warnings, *_unused_parts(root)])


def _env_vars(client_name: str, config: Config) -> EnvVars:
    """The configured variables, else ``ACME_API_KEY`` and ``ACME_BASE_URL`` for ``Acme``."""
    prefix = snake_case(client_name).upper()
    return EnvVars(
        api_key=config.env.api_key or (f"{prefix}_API_KEY",),
        base_url=config.env.base_url or (f"{prefix}_BASE_URL",),
        log=config.env.log,
    )


def _operations(builder: OperationBuilder, config: Config) -> tuple[list[Operation], list[Skipped]]:
    """Every operation built, or skipped with the reason (and where, when it is a part)."""
    resolver = builder.schemas.resolver
    raws, skipped = collect_operations(resolver)
    raws = _configured_skips(raws, skipped, config)
    places = _places(resolver, raws, config)
    operations: list[Operation] = []
    for raw in raws:
        try:
            operations.append(builder.build(raw, *places[raw.index]))
        except SpecError as exc:
            skipped.append(Skipped(raw.op_id, raw.method.upper(), raw.wire_path, str(exc)))
    return operations, skipped


def _configured_skips(
    raws: list[RawOperation], skipped: list[Skipped], config: Config
) -> list[RawOperation]:
    kept: list[RawOperation] = []
    for raw in raws:
        reason = config.operation(raw.op_id, f"{raw.method.upper()} {raw.wire_path}").skip
        if reason is None:
            kept.append(raw)
        else:
            skipped.append(
                Skipped(
                    raw.op_id,
                    raw.method.upper(),
                    raw.wire_path,
                    f"skipped by configuration: {reason}",
                )
            )
    return kept


def _places(
    resolver: Resolver, raws: list[RawOperation], config: Config
) -> dict[int, tuple[tuple[str, ...], str]]:
    shapes = [
        OpShape(
            raw.index,
            raw.op_id,
            raw.method,
            raw.path,
            raw.wire_path,
            raw.tags,
            _answers_list(resolver, raw),
            config.operation(raw.op_id, f"{raw.method.upper()} {raw.wire_path}").method,
        )
        for raw in raws
        if raw.error is None
    ]
    places = place_operations(shapes, group_by=config.group_by, strip_prefix=config.strip_prefix)
    for raw in raws:
        places.setdefault(raw.index, ((), snake_case(raw.op_id)))
    return places


def _answers_list(resolver: Resolver, raw: RawOperation) -> bool:
    """A quick look at the answer: an array, or an object with a ``data`` array."""
    if raw.method != "get":
        return False
    try:
        for code, value in (as_mapping(raw.raw.get("responses")) or {}).items():
            if not code.startswith("2"):
                continue
            response, loc = resolver.mapping(value, raw.loc.child("responses", code))
            for media, entry in (as_mapping(response.get("content")) or {}).items():
                schema, where = resolver.mapping(
                    (as_mapping(entry) or {}).get("schema", {}),
                    loc.child("content", media, "schema"),
                )
                if schema.get("type") == "array":
                    return True
                data = (as_mapping(schema.get("properties")) or {}).get("data")
                if data is not None:
                    data_schema, _ = resolver.mapping(data, where.child("properties", "data"))
                    return data_schema.get("type") == "array"
    except SpecError:
        return False
    return False


def _unused_parts(root: dict[str, object]) -> list[str]:
    """What the document describes that a client does not call, said once each."""
    webhooks = as_mapping(root.get("webhooks")) or {}
    if not webhooks:
        return []
    return [f"webhooks: {len(webhooks)} not generated (an API calls them; clients do not)"]


def _tag_docs(root: dict[str, object]) -> dict[str, str]:
    docs: dict[str, str] = {}
    for item in as_list(root.get("tags")):
        tag = as_mapping(item) or {}
        if isinstance(tag.get("name"), str) and description_of(tag):
            docs[str(tag["name"])] = description_of(tag)
    return docs


def _base_url(root: dict[str, object]) -> str | None:
    servers = as_list(root.get("servers"))
    server = as_mapping(servers[0]) if servers else None
    url = server.get("url") if server is not None else None
    if not isinstance(url, str):
        return None
    variables = as_mapping(server.get("variables")) if server is not None else None

    def substitute(match: re.Match[str]) -> str:
        variable = as_mapping((variables or {}).get(match.group(1))) or {}
        default = variable.get("default")
        return str(default) if default is not None else match.group(0)

    url = _VARIABLE.sub(substitute, url)
    return url if re.match(r"^https?://", url) else None


def _auth(root: dict[str, object]) -> Auth:
    schemes = as_mapping((as_mapping(root.get("components")) or {}).get("securitySchemes")) or {}
    security = as_list(root.get("security"))
    wanted = [name for requirement in security for name in (as_mapping(requirement) or {})]
    required = bool(wanted) and all(as_mapping(item) for item in security)
    for name in [*wanted, *schemes]:
        scheme = as_mapping(schemes.get(name))
        if scheme is not None:
            return _scheme(scheme, required)
    return Auth("none", required=False)


def _scheme(scheme: dict[str, object], required: bool) -> Auth:
    kind = scheme.get("type")
    if kind == "apiKey" and isinstance(scheme.get("name"), str):
        place = scheme.get("in")
        if place == "header":
            return Auth("header", str(scheme["name"]), required)
        if place == "query":
            return Auth("query", str(scheme["name"]), required)
    if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic":
        return Auth("basic", required=required)
    return Auth("bearer", required=required)
