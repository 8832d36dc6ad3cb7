"""The package's ``_client.py``: the sync and async clients on sdkcore's client core.

``Acme(api_key=None, base_url=None, ...)`` reads ``ACME_API_KEY`` and ``ACME_BASE_URL``
(or the variables the configuration names, in order) when they are not given, then
falls back to the document's first server. The key is
sent as the document's security scheme says (bearer, basic, an API-key header or
query parameter) and is never shown in a repr, log or error. Resources are cached
properties that import their module on first use, so building a client loads none.

Example::

    source = emit_client(api)   # the text of _client.py
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .docstrings import docstring
from .emit_resources import class_module, resource_doc
from .emit_types import header
from .imports import Imports

if TYPE_CHECKING:
    from .emit_resources import Split
    from .model import Api, Resource

__all__ = ["article", "either", "emit_client"]


#: The names ``_client.py`` defines at module level, besides the client classes.
_CONSTANTS = ("DEFAULT_BASE_URL", "API_KEY_ENV", "BASE_URL_ENV")


def emit_client(api: Api, split: Split = frozenset()) -> str:
    """The text of ``_client.py``; the resources in ``split`` have a module for their async
    twin (see `emit_resources`)."""
    name = api.client_name
    constants = [*_CONSTANTS, *(["LOG_ENV"] if api.env.log else [])]
    defined = [name, f"Async{name}", f"{name}Error", *constants]
    imports = Imports("_client", defined=set(defined))
    body = [*_preamble(api, imports)]
    for is_async in (False, True):
        body.extend(_client_class(api, imports, split, is_async=is_async))
    exported = ", ".join(f'"{item}"' for item in sorted(defined))
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


def article(word: str) -> str:
    """``word`` after its indefinite article, as a sentence starts: ``An Acme``, ``A MiniLLM``."""
    return f"{'An' if word[:1].lower() in 'aeiou' else 'A'} {word}"


def either(names: tuple[str, ...], *, quote: str = "``") -> str:
    """``A`` or ``A`` (else ``B``): variables read in order, as the docs say it."""
    first, *rest = (f"{quote}{name}{quote}" for name in names)
    return first + (f" (else {', then '.join(rest)})" if rest else "")


def _constants(api: Api) -> list[str]:
    lines = [
        "#: Where the clients go unless ``base_url`` or the environment says otherwise.",
        f"DEFAULT_BASE_URL: {'str' if api.base_url else 'str | None'} = {api.base_url!r}",
        "#: The variables the API key is read from without ``api_key`` (the first one set wins).",
        f"API_KEY_ENV: tuple[str, ...] = {api.env.api_key!r}",
        "#: The variables the base URL is read from without ``base_url`` (the first one set wins).",
        f"BASE_URL_ENV: tuple[str, ...] = {api.env.base_url!r}",
    ]
    if api.env.log:
        lines += [
            "#: ``info`` or ``debug`` here turns on sdkcore's log on stderr (as ``SDKCORE_LOG``).",
            f"LOG_ENV: str = {api.env.log!r}",
        ]
    return lines


def _preamble(api: Api, imports: Imports) -> list[str]:
    """The constants, the error class and the functions that read the environment."""
    name = api.client_name
    error = imports.name("sdkcore", "SdkError")
    environ = f"{imports.module('os')}.environ"
    missing = "no API key" + ("" if api.base_url else ", or no base URL")
    return [
        *_constants(api),
        "",
        "",
        f"class {name}Error({error}):",
        f'    """{article(name)} client was misconfigured ({missing} anywhere)."""',
        "",
        "",
        "def _from_environment(names: tuple[str, ...]) -> str | None:",
        '    """The value of the first of ``names`` set (and not empty) in the environment."""',
        f"    return next(({environ}[name] for name in names if {environ}.get(name)), None)",
        "",
        "",
        *_api_key_function(api),
        *_base_url_function(api, imports),
    ]


def _api_key_function(api: Api) -> list[str]:
    key_doc = "is required" if api.auth.required else "is optional"
    lines = [
        "def _api_key(api_key: str | None) -> str | None:",
        f'    """``api_key``, else {either(api.env.api_key)}; the key {key_doc}."""',
        "    key = api_key if api_key is not None else _from_environment(API_KEY_ENV)",
    ]
    if api.auth.required:
        lines += [
            "    if not key:",
            f"        raise {api.client_name}Error(",
            '            "No API key: pass api_key= to the client or set '
            f'{either(api.env.api_key, quote="")}."',
            "        )",
        ]
    return [*lines, "    return key", "", ""]


def _base_url_function(api: Api, imports: Imports) -> list[str]:
    httpx2 = imports.module("httpx2")
    lines = [
        f"def _base_url(base_url: str | {httpx2}.URL | None) -> str | {httpx2}.URL:",
        f'    """``base_url``, else {either(api.env.base_url)}, else `DEFAULT_BASE_URL`."""',
        "    if base_url is not None:",
        "        return base_url",
    ]
    if api.base_url is not None:
        return [*lines, "    return _from_environment(BASE_URL_ENV) or DEFAULT_BASE_URL", "", ""]
    return [  # the document names no server: one must be given
        *lines,
        "    found = _from_environment(BASE_URL_ENV) or DEFAULT_BASE_URL",
        "    if found is None:",
        f"        raise {api.client_name}Error(",
        f'            "No base URL: pass base_url= or set {either(api.env.base_url, quote="")}."',
        "        )",
        "    return found",
        "",
        "",
    ]


def _client_class(api: Api, imports: Imports, split: Split, *, is_async: bool) -> list[str]:
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
    agent = f"{api.user_agent or api.package + '-python'}/{api.sdk_version}"
    lines.append(f'    _user_agent: {class_var}[str | None] = "{agent}"')
    if api.env.log:
        lines.append(f"    _log_env_var: {class_var}[str | None] = LOG_ENV")
    lines.extend(["", *_init(api, imports, is_async=is_async)])
    if api.auth.kind == "basic":
        imports.module("base64")
    lines.extend(_auth(api))
    for child in api.root.children:
        module = class_module(child, is_async=is_async, split=split)
        lines.extend(_resource_property(imports, child, module, prefix))
    return [*lines, "", ""]


def _client_doc(api: Api, *, is_async: bool) -> str:
    if is_async:
        return f"The async twin of `{api.client_name}`; runs on asyncio and trio."
    first = (
        api.description.split("\n\n", 1)[0] if api.description else f"A client for the {api.title}."
    )
    keys, urls = either(api.env.api_key), either(api.env.base_url)
    log = f" ``{api.env.log}=debug`` shows sdkcore's log on stderr." if api.env.log else ""
    return (
        f"{first}\n\nThe API key comes from ``api_key`` or {keys}, the base URL "
        f"from ``base_url``, {urls} or `DEFAULT_BASE_URL`; raises "
        f"`{api.client_name}Error` when one is missing.{log}"
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


def _resource_property(imports: Imports, child: Resource, module: str, prefix: str) -> list[str]:
    class_name = f"{prefix}{child.class_name}"
    local = imports.name(f".{module}", class_name, typing=True)
    cached = imports.name("functools", "cached_property")
    return [
        "",
        f"    @{cached}",
        f"    def {child.attr}(self) -> {local}:",
        *docstring(resource_doc(child), "        "),
        f"        {imports.statement(f'.{module}', class_name)}",
        "",
        f"        return {local}(self)",
    ]
