"""The whole generated package as ``{path: text}``, from the `Api` model alone.

Layout of ``DIR/NAME/``::

    __init__.py        the clients, their error, sdkcore's errors, __version__
    _client.py         Acme, AsyncAcme
    _utils.py          what the methods share (arguments left out, headers, files)
    _version.py
    py.typed
    resources/         one module per resource (a package when it has sub-resources);
                       past 400 lines its async twin has a module beside it
    types/             one module per model or request type, a lazy __init__

Example::

    files = emit_package(api)
    print(sorted(files)[:3])   # ['__init__.py', '_client.py', '_utils.py']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .docstrings import docstring
from .emit_client import emit_client
from .emit_resources import emit_resources
from .emit_types import emit_types, header

if TYPE_CHECKING:
    from .emit_resources import Split
    from .model import Api

__all__ = ["ERRORS", "MAX_MODULE_LINES", "emit_package", "oversized"]

#: The longest resource module kept whole; a longer one gives its async twin a module.
MAX_MODULE_LINES = 400

#: sdkcore's errors, re-exported by the package so users catch ``acme.NotFoundError``.
ERRORS = (
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
)


def emit_package(api: Api, split: Split = frozenset()) -> dict[str, str]:
    """Every file of the package by its path inside ``DIR/NAME/``; the resources in ``split``
    keep their async twin in a module of its own."""
    files = {
        "__init__.py": _init(api),
        "_client.py": emit_client(api, split),
        "_utils.py": _utils(api),
        "_version.py": _version(api),
        "py.typed": "",
    }
    files.update(emit_resources(api, split))
    files.update(emit_types(api))
    return dict(sorted(files.items()))


def oversized(api: Api, files: dict[str, str]) -> Split:
    """The resources whose module in ``files`` (formatted) is longer than `MAX_MODULE_LINES`."""
    found: set[tuple[str, ...]] = set()
    todo = list(api.root.children)
    while todo:
        resource = todo.pop()
        text = files.get(resource.module.replace(".", "/") + ".py", "")
        if text.count("\n") > MAX_MODULE_LINES:
            found.add(resource.path)
        todo.extend(resource.children)
    return frozenset(found)


def _version(api: Api) -> str:
    return f'{header(api)}\n"""The package\'s version."""\n\n__version__ = {api.sdk_version!r}\n'


def _init(api: Api) -> str:
    name = api.client_name
    example = f"from {api.package} import {name}\n\n    client = {name}()"
    doc = f"{api.title}: a typed client on sdkcore.\n\nExample::\n\n    {example}"
    names = sorted(
        [*ERRORS, "NOT_GIVEN", "NotGiven", name, f"Async{name}", f"{name}Error", "__version__"]
    )
    lines = [
        header(api),
        *docstring(doc, ""),
        "",
        "from sdkcore import (",
        *(f"    {error} as {error}," for error in (*ERRORS, "NOT_GIVEN", "NotGiven")),
        ")",
        "",
        f"from ._client import Async{name} as Async{name}",
        f"from ._client import {name} as {name}",
        f"from ._client import {name}Error as {name}Error",
        "from ._version import __version__ as __version__",
        "",
        "__all__ = [",
        *(f'    "{item}",' for item in names),
        "]",
    ]
    return "\n".join(lines) + "\n"


def _utils(api: Api) -> str:
    multipart = any(op.body is not None and op.body.kind == "multipart" for op in api.operations)
    file_imports = ", FileTypes" if multipart else ""
    sections = [
        header(api),
        '"""What the generated methods share: request data without the arguments left out."""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        *(["from typing import cast"] if multipart else []),
        "",
        f"from sdkcore import NOT_GIVEN, Headers, NotGiven, Omit, Query{file_imports}",
        "",
        _UTILS,
    ]
    if multipart:
        sections.append(_FILES)
    return "\n".join(sections).rstrip() + "\n"


_UTILS = '''
def given(values: Mapping[str, object]) -> dict[str, object]:
    """``values`` without the entries left as ``NOT_GIVEN``."""
    return {key: value for key, value in values.items() if not isinstance(value, NotGiven)}


def body(value: object) -> object:
    """A whole request body argument, ``None`` when it was left out."""
    return None if isinstance(value, NotGiven) else value


def query(values: Mapping[str, object], extra: Query | None) -> dict[str, object]:
    """The method's query parameters that were given, then ``extra_query`` over them."""
    return {**given(values), **(extra or {})}


def header_text(value: object) -> str:
    """A header value as text (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def headers(values: Mapping[str, object], extra: Headers | None) -> dict[str, str | Omit]:
    """The method's headers that were given, as text, then ``extra_headers`` over them."""
    sent: dict[str, str | Omit] = {}
    for name, value in values.items():
        if isinstance(value, Omit | str):
            sent[name] = value
        elif value is not None and not isinstance(value, NotGiven):
            sent[name] = header_text(value)
    return {**sent, **(extra or {})}


def cookies(values: Mapping[str, object]) -> str | NotGiven:
    """A ``Cookie`` header from the cookie parameters that were given (``NOT_GIVEN`` if none)."""
    found = given(values).items()
    pairs = [f"{name}={header_text(value)}" for name, value in found if value is not None]
    return "; ".join(pairs) if pairs else NOT_GIVEN
'''

_FILES = '''

def files(fields: Mapping[str, object]) -> list[tuple[str, FileTypes]]:
    """The file parts of a multipart body: one per file, a list of files repeating its field."""
    parts: list[tuple[str, FileTypes]] = []
    for name, value in fields.items():
        if isinstance(value, NotGiven):
            continue
        # The method's signature typed these as FileTypes (or a list of them) already.
        files = cast("list[FileTypes]", value) if isinstance(value, list) else [value]
        parts.extend((name, cast("FileTypes", file)) for file in files)
    return parts
'''
