"""The generator's own model of an API: what the emitters read, and all they read.

Building it (``build.build_api``) parses and resolves the document once and decides
every name; the emitters never look at the document. Types are small immutable
expressions (`Prim`, `Lit`, `ListOf`, `MapOf`, `UnionOf`, `DefRef`); named types are
`ObjectDef` (a model class and a TypedDict) or `AliasDef` (a type alias).

Example::

    api = build_api(load_document(Path("openapi.yaml")), package="acme", client_name="Acme")
    for operation in api.operations:
        print(operation.op_id, operation.method, operation.path)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

__all__ = [
    "AliasDef",
    "Api",
    "Auth",
    "Body",
    "Def",
    "DefRef",
    "EnvVars",
    "Field",
    "ListOf",
    "Lit",
    "LitValue",
    "MapOf",
    "ObjectDef",
    "Operation",
    "PageKind",
    "Param",
    "Prim",
    "PrimKind",
    "Resource",
    "Response",
    "Skipped",
    "TypeExpr",
    "UnionOf",
]

#: The scalar kinds a schema can map to; ``any`` is an unconstrained JSON value and
#: ``file`` an uploaded file (``format: binary`` in a request).
PrimKind: TypeAlias = Literal[
    "str", "int", "float", "bool", "none", "any", "datetime", "date", "file"
]
#: A value a ``Literal[...]`` can hold.
LitValue: TypeAlias = str | int | bool | None
#: The page classes of sdkcore a list endpoint can return.
PageKind: TypeAlias = Literal["page", "cursor", "offset", "link"]


@dataclass(frozen=True, slots=True)
class Prim:
    """A scalar: ``Prim("str")`` is ``str``, ``Prim("none")`` is ``None``."""

    kind: PrimKind


@dataclass(frozen=True, slots=True)
class Lit:
    """``Literal[...]`` of enum or const values (deduplicated, in document order)."""

    values: tuple[LitValue, ...]


@dataclass(frozen=True, slots=True)
class ListOf:
    """A JSON array of ``item``."""

    item: TypeExpr


@dataclass(frozen=True, slots=True)
class MapOf:
    """A JSON object with arbitrary keys whose values are ``value``."""

    value: TypeExpr


@dataclass(frozen=True, slots=True)
class UnionOf:
    """One of ``members``; ``discriminator`` is the tag field's Python name when valid."""

    members: tuple[TypeExpr, ...]
    discriminator: str | None = None


@dataclass(frozen=True, slots=True)
class DefRef:
    """A reference to a named type, by its key in `Api.defs`."""

    key: str


TypeExpr: TypeAlias = Prim | Lit | ListOf | MapOf | UnionOf | DefRef


@dataclass(slots=True)
class Field:
    """A property of an object: its wire name, Python names, type and documentation.

    ``name`` is the model's attribute, ``key`` the TypedDict's key (they differ where a
    name is one of the model's own, such as ``schema``, which a TypedDict may use).
    """

    wire: str
    name: str
    type: TypeExpr
    required: bool
    doc: str = ""
    read_only: bool = False
    key: str = ""


@dataclass(slots=True)
class ObjectDef:
    """An object schema: emitted as a model class and, when requests use it, a TypedDict.

    ``name`` is the model class, ``param_name`` the TypedDict; ``module`` and
    ``param_module`` the modules under ``types/`` that hold them; ``needs_model`` and
    ``needs_param`` say which of the two are emitted; ``extra`` is the type of the
    ``additionalProperties`` (kept by the model as extra fields).
    """

    key: str
    name: str
    doc: str
    fields: list[Field]
    extra: TypeExpr | None = None
    module: str = ""
    param_name: str = ""
    param_module: str = ""
    needs_model: bool = False
    needs_param: bool = False


@dataclass(slots=True)
class AliasDef:
    """A named schema that is not an object (an enum, a union, an array...): a type alias.

    ``param_name`` / ``param_module`` name its request form; an alias written the same
    in a request (a ``Literal``, a scalar) is its own request form.
    """

    key: str
    name: str
    doc: str
    type: TypeExpr
    module: str = ""
    param_name: str = ""
    param_module: str = ""
    needs_model: bool = False
    needs_param: bool = False


Def: TypeAlias = ObjectDef | AliasDef


@dataclass(slots=True)
class Param:
    """An argument of an SDK method: a path, query, header or cookie parameter, or a body field.

    ``wire`` is the name sent, ``name`` the keyword argument; a body field's ``key`` is
    its key in the body's TypedDict (its Python field name).
    """

    wire: str
    name: str
    location: Literal["path", "query", "header", "cookie", "body"]
    type: TypeExpr
    required: bool
    doc: str = ""
    key: str = ""


@dataclass(slots=True)
class Body:
    """A request body: JSON or multipart, expanded into keyword arguments when an object.

    ``fields`` holds the object's properties; a body that is not an object is passed
    whole as the one argument ``value`` (named ``body``); ``stream_field`` the boolean property
    that asks for an event stream; ``file_fields`` the multipart properties sent as
    file parts; ``transform`` tells that the body must go through ``sdkcore.transform``
    (aliases, formats or files inside it).
    """

    kind: Literal["json", "multipart"]
    type: TypeExpr
    required: bool
    fields: list[Param] | None = None
    value: Param | None = None
    stream_field: Param | None = None
    file_fields: list[Param] = field(default_factory=list[Param])
    transform: bool = False
    doc: str = ""


@dataclass(slots=True)
class Response:
    """What a successful call returns.

    ``kind``: ``json`` (``type``), ``none`` (no body), ``binary`` (a file-like body),
    ``text``, or ``jsonl`` (JSON Lines, one ``type`` per line, streamed); ``stream``
    says when the answer is an event stream of ``stream_type``: ``never``, ``always``,
    or ``flag`` (the body's stream field);
    ``page`` the page class for a list endpoint, whose items are ``item_type``.
    """

    kind: Literal["json", "none", "binary", "text", "jsonl"]
    type: TypeExpr | None = None
    media_type: str = "application/json"
    stream: Literal["never", "always", "flag"] = "never"
    stream_type: TypeExpr | None = None
    page: PageKind | None = None
    item_type: TypeExpr | None = None


@dataclass(slots=True)
class Operation:
    """One HTTP operation and the SDK method that calls it.

    ``path`` is the template with Python names as placeholders; ``wire_path`` the
    document's key (``?k=v`` and ``#suffix`` included); ``resource`` the attribute
    path from the client (``("chat", "completions")``) and ``name`` the method.
    """

    op_id: str
    method: str
    path: str
    wire_path: str
    fixed_query: dict[str, str]
    summary: str
    description: str
    deprecated: bool
    params: list[Param]
    body: Body | None
    response: Response
    resource: tuple[str, ...] = ()
    name: str = ""
    tags: list[str] = field(default_factory=list[str])

    @property
    def arguments(self) -> list[Param]:
        """Every argument of the method in signature order: parameters, then the body's."""
        found = list(self.params)
        if self.body is not None:
            found.extend(self.body.fields or [])
            found.extend([self.body.value] if self.body.value is not None else [])
        return found

    @property
    def route(self) -> str:
        """The document's path template without ``?query`` or ``#suffix``: the call's
        name in traces (``GET /things/{thingId}``)."""
        return self.wire_path.split("#", 1)[0].partition("?")[0] or "/"

    @property
    def call_path(self) -> str:
        """``client.chat.completions.create``: how a user reaches the method."""
        return ".".join(("client", *self.resource, self.name))


@dataclass(slots=True)
class Resource:
    """A group of methods (``client.chat.completions``) and its sub-resources.

    ``attr`` is its attribute on the parent; ``class_name`` its sync class
    (the async one is ``Async`` + it); ``module`` its dotted module under the package;
    ``async_module`` the module beside it that takes the async twin when one module
    would be too long.
    """

    path: tuple[str, ...]
    attr: str
    class_name: str
    module: str
    async_module: str = ""
    doc: str = ""
    operations: list[Operation] = field(default_factory=list[Operation])
    children: list[Resource] = field(default_factory=list["Resource"])


@dataclass(frozen=True, slots=True)
class Skipped:
    """An operation that could not be generated, and why."""

    op_id: str
    method: str
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Auth:
    """How the client authenticates: ``bearer``, ``basic``, an API key ``header`` or ``query``.

    ``name`` is the header or query parameter for ``header``/``query``; ``required``
    tells whether a client without a key is refused.
    """

    kind: Literal["bearer", "basic", "header", "query", "none"]
    name: str = ""
    required: bool = True


@dataclass(frozen=True, slots=True)
class EnvVars:
    """The environment variables the clients read when an argument is not given.

    ``api_key`` and ``base_url`` are read in order, the first one set wins; ``log``
    (``info`` or ``debug``) turns on sdkcore's log as ``SDKCORE_LOG`` does (``None``: none).
    """

    api_key: tuple[str, ...]
    base_url: tuple[str, ...]
    log: str | None = None


@dataclass(slots=True)
class Api:
    """The whole API as the emitters see it.

    ``user_agent`` is the SDK's product in the User-Agent (``acme-python``), before
    ``/`` and ``sdk_version``.
    """

    title: str
    description: str
    version: str
    package: str
    client_name: str
    env: EnvVars
    base_url: str | None
    auth: Auth
    defs: dict[str, Def]
    operations: list[Operation]
    root: Resource
    skipped: list[Skipped]
    sdk_version: str = "0.1.0"
    user_agent: str = ""
