"""The package's ``_client.py``: the sync and async clients on sdkcore's client core.

``Acme(api_key=None, base_url=None, ...)`` reads ``ACME_API_KEY`` and ``ACME_BASE_URL``
when they are not given, then falls back to the document's first server. The key is
sent as the document's security scheme says (bearer, basic, an API-key header or
query parameter) and is never shown in a repr, log or error. Resources are cached
properties that import their module on first use, so building a client loads none.

Example::

    source = emit_client(api)   # the text of _client.py
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .docstrings import docstring
from .emit_resources import resource_doc
from .emit_types import header
from .imports import Imports

if TYPE_CHECKING:
    from .model import Api, Resource

__all__ = ["emit_client"]


def emit_client(api: Api) -> str:
    """The text of ``_client.py``."""
    name = api.client_name
    imports = Imports("_client", defined={name, f"Async{name}", f"{name}Error", "DEFAULT_BASE_URL"})
    body = [*_preamble(api, imports)]
    for is_async in (False, True):
        body.extend(_client_class(api, imports, is_async=is_async))
    exported = ", ".join(
        f'"{item}"' for item in sorted([name, f"Async{name}", f"{name}Error", "DEFAULT_BASE_URL"])
    )
    doc = f"The {api.title} clients: `{name}` and `Async{name}`."
    parts = [
        header(api),
        *docstring(doc, ""),
        "",
        imports.render(),
        f"__all__ = [{exported}]",
        "",
        *body,
    ]
    return "\n".join(parts).rstrip() + "\n"


def _preamble(api: Api, imports: Imports) -> list[str]:
    name = api.client_name
    env = api.env_prefix
    error = imports.name("sdkcore", "SdkError")
    os_module = imports.module("os")
    httpx2 = imports.module("httpx2")
    key_doc = "is required" if api.auth.required else "is optional"
    lines = [
        f"#: Where the clients go unless ``base_url`` or ``{env}_BASE_URL`` says otherwise.",
        f"DEFAULT_BASE_URL: str | None = {api.base_url!r}",
        "",
        "",
        f"class {name}Error({error}):",
        f'    """A {name} client was misconfigured (no API key, or no base URL anywhere)."""',
        "",
        "",
        "def _api_key(api_key: str | None) -> str | None:",
        f'    """``api_key``, else ``{env}_API_KEY``; the key {key_doc}."""',
        f'    key = api_key if api_key is not None else {os_module}.environ.get("{env}_API_KEY")',
    ]
    if api.auth.required:
        lines += [
            "    if not key:",
            f"        raise {name}Error(",
            f'            "No API key: pass api_key= to the client or set {env}_API_KEY."',
            "        )",
        ]
    lines += [
        "    return key",
        "",
        "",
        f"def _base_url(base_url: str | {httpx2}.URL | None) -> str | {httpx2}.URL:",
        f'    """``base_url``, else ``{env}_BASE_URL``, else `DEFAULT_BASE_URL`."""',
        "    if base_url is not None:",
        "        return base_url",
        f'    found = {os_module}.environ.get("{env}_BASE_URL") or DEFAULT_BASE_URL',
        "    if found is None:",
        f'        raise {name}Error("No base URL: pass base_url= or set {env}_BASE_URL.")',
        "    return found",
        "",
        "",
    ]
    return lines


def _client_class(api: Api, imports: Imports, *, is_async: bool) -> list[str]:
    prefix = "Async" if is_async else ""
    name = f"{prefix}{api.client_name}"
    base = imports.name("sdkcore", "AsyncAPIClient" if is_async else "SyncAPIClient")
    stream = imports.name("sdkcore", "AsyncStream" if is_async else "Stream")
    class_var = imports.name("typing", "ClassVar")
    any_name = imports.name("typing", "Any")
    doc = _client_doc(api, is_async=is_async)
    lines = [f"class {name}({base}):", *docstring(doc, "    "), ""]
    lines.append(f"    _default_stream_cls: {class_var}[type[{any_name}] | None] = {stream}")
    if api.auth.kind == "header" and api.auth.name.lower() not in (
        "authorization",
        "api-key",
        "x-api-key",
    ):
        secret = api.auth.name.lower()
        secrets = f"{base}._secret_headers | {{{secret!r}}}"
        lines.append(f"    _secret_headers: {class_var}[frozenset[str]] = {secrets}")
    agent = f"{api.package}-python/{api.sdk_version}"
    lines.append(f'    _user_agent: {class_var}[str | None] = "{agent}"')
    lines.extend(["", *_init(api, imports, is_async=is_async)])
    if api.auth.kind == "basic":
        imports.module("base64")
    lines.extend(_auth(api))
    for child in api.root.children:
        lines.extend(_resource_property(imports, child, prefix))
    return [*lines, "", ""]


def _client_doc(api: Api, *, is_async: bool) -> str:
    if is_async:
        return f"The async twin of `{api.client_name}`; runs on asyncio and trio."
    first = (
        api.description.split("\n\n", 1)[0] if api.description else f"A client for the {api.title}."
    )
    env = api.env_prefix
    return (
        f"{first}\n\nThe API key comes from ``api_key`` or ``{env}_API_KEY``, the base URL "
        f"from ``base_url``, ``{env}_BASE_URL`` or `DEFAULT_BASE_URL`; raises "
        f"`{api.client_name}Error` when one is missing."
    )


def _init(api: Api, imports: Imports, *, is_async: bool) -> list[str]:
    httpx2 = imports.module("httpx2")
    mapping = imports.name("collections.abc", "Mapping")
    not_given = imports.name("sdkcore", "NotGiven")
    default = imports.name("sdkcore", "NOT_GIVEN")
    hooks = imports.name("sdkcore", "Hooks")
    http_client = f"{httpx2}.AsyncClient" if is_async else f"{httpx2}.Client"
    query = "default_query"
    if api.auth.kind == "query":
        # The key rides along as a query parameter; sdkcore redacts it wherever a URL shows.
        key = f"{{**(default_query or {{}}), {api.auth.name!r}: self.api_key}}"
        query = f"{key} if self.api_key else default_query"
    return [
        "    def __init__(",
        "        self,",
        "        *,",
        "        api_key: str | None = None,",
        f"        base_url: str | {httpx2}.URL | None = None,",
        f"        timeout: float | {httpx2}.Timeout | None | {not_given} = {default},",
        "        max_retries: int = 2,",
        "        stream_idle_timeout: float | None = None,",
        f"        default_headers: {mapping}[str, str] | None = None,",
        f"        default_query: {mapping}[str, object] | None = None,",
        f"        hooks: {hooks} | None = None,",
        f"        http_client: {http_client} | None = None,",
        "        _strict_response_validation: bool = False,",
        "    ) -> None:",
        "        self.api_key = _api_key(api_key)",
        "        super().__init__(",
        "            _base_url(base_url),",
        "            timeout=timeout,",
        "            max_retries=max_retries,",
        "            stream_idle_timeout=stream_idle_timeout,",
        "            default_headers=default_headers,",
        f"            default_query={query},",
        "            hooks=hooks,",
        "            http_client=http_client,",
        "            _strict_response_validation=_strict_response_validation,",
        "        )",
    ]


def _auth(api: Api) -> list[str]:
    kind = api.auth.kind
    if kind in ("none", "query"):
        return []
    if kind == "bearer":
        value = 'f"Bearer {self.api_key}"'
        header_name = "Authorization"
    elif kind == "basic":
        # The key is "user:password", sent base64-encoded as RFC 7617 says.
        value = 'f"Basic {base64.b64encode(self.api_key.encode()).decode()}"'
        header_name = "Authorization"
    else:
        value = "self.api_key"
        header_name = api.auth.name
    return [
        "",
        "    @property",
        "    def auth_headers(self) -> dict[str, str]:",
        '        """The key as the API expects it (never shown in a repr, log or error)."""',
        f"        return {{{header_name!r}: {value}}} if self.api_key else {{}}",
    ]


def _resource_property(imports: Imports, child: Resource, prefix: str) -> list[str]:
    class_name = f"{prefix}{child.class_name}"
    local = imports.name(f".{child.module}", class_name, typing=True)
    cached = imports.name("functools", "cached_property")
    return [
        "",
        f"    @{cached}",
        f"    def {child.attr}(self) -> {local}:",
        *docstring(resource_doc(child), "        "),
        f"        {imports.statement(f'.{child.module}', class_name)}",
        "",
        f"        return {local}(self)",
    ]
