"""The public surface: every contract name imports from ``sdkcore`` and is documented."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import sdkcore

CONTRACT_NAMES = [
    "BaseAPIResponse",
    "APIResponse",
    "AsyncAPIResponse",
    "BinaryAPIResponse",
    "AsyncBinaryAPIResponse",
    "StreamedBinaryAPIResponse",
    "AsyncStreamedBinaryAPIResponse",
    "HttpxBinaryResponseContent",
    "MissingStreamClassError",
    "StreamAlreadyConsumed",
    "ResponseContextManager",
    "AsyncResponseContextManager",
    "to_raw_response_wrapper",
    "async_to_raw_response_wrapper",
    "to_streamed_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_custom_raw_response_wrapper",
    "async_to_custom_raw_response_wrapper",
    "to_custom_streamed_response_wrapper",
    "async_to_custom_streamed_response_wrapper",
    "RAW_RESPONSE_HEADER",
    "OVERRIDE_CAST_TO_HEADER",
    "extract_response_type",
    "SyncAPIResource",
    "AsyncAPIResource",
    "ServerSentEvent",
    "SSEDecoder",
    "SSEDecodeError",
    "Stream",
    "AsyncStream",
    "SyncAPIClient",
    "AsyncAPIClient",
    "FinalRequestOptions",
    "make_request_options",
    "SdkError",
    "APIError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "BaseModel",
    "JSONLDecoder",
    "AsyncJSONLDecoder",
    "BasePage",
    "PageInfo",
    "SyncPage",
    "AsyncPage",
    "SyncCursorPage",
    "AsyncCursorPage",
    "SyncOffsetPage",
    "AsyncOffsetPage",
    "SyncLinkPage",
    "AsyncLinkPage",
    "AsyncPaginator",
    "PaginationError",
]


@pytest.mark.parametrize("name", CONTRACT_NAMES)
def test_contract_name_is_exported_from_the_package(name: str) -> None:
    assert name in sdkcore.__all__
    assert getattr(sdkcore, name) is not None


def test_all_lists_only_names_that_exist() -> None:
    missing = [name for name in sdkcore.__all__ if not hasattr(sdkcore, name)]
    assert missing == []


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in sdkcore.__all__
        if inspect.isclass(getattr(sdkcore, n)) or inspect.isfunction(getattr(sdkcore, n))
    ],
)
def test_every_public_class_and_function_has_a_docstring(name: str) -> None:
    doc = inspect.getdoc(getattr(sdkcore, name))
    assert doc, f"sdkcore.{name} has no docstring"


def test_every_error_derives_from_sdk_error() -> None:
    errors = [getattr(sdkcore, n) for n in sdkcore.__all__ if n.endswith(("Error", "Consumed"))]
    assert errors
    for error in errors:
        assert issubclass(error, sdkcore.SdkError), error


SYNC_ASYNC_PAIRS = [
    (sdkcore.APIResponse, sdkcore.AsyncAPIResponse),
    (sdkcore.BinaryAPIResponse, sdkcore.AsyncBinaryAPIResponse),
    (sdkcore.StreamedBinaryAPIResponse, sdkcore.AsyncStreamedBinaryAPIResponse),
    (sdkcore.Stream, sdkcore.AsyncStream),
    (sdkcore.SyncAPIClient, sdkcore.AsyncAPIClient),
    (sdkcore.SyncAPIResource, sdkcore.AsyncAPIResource),
    (sdkcore.JSONLDecoder, sdkcore.AsyncJSONLDecoder),
    (sdkcore.SyncVerb, sdkcore.AsyncVerb),
    (sdkcore.BaseSyncPage, sdkcore.BaseAsyncPage),
    (sdkcore.SyncPage, sdkcore.AsyncPage),
    (sdkcore.SyncCursorPage, sdkcore.AsyncCursorPage),
    (sdkcore.SyncOffsetPage, sdkcore.AsyncOffsetPage),
    (sdkcore.SyncLinkPage, sdkcore.AsyncLinkPage),
]

# The protocol methods whose async spelling differs; each pair is compared as one.
_TWIN_NAMES = {
    "__iter__": "iter",
    "__aiter__": "iter",
    "__next__": "next",
    "__anext__": "next",
    "__call__": "call",
    "__enter__": "enter",
    "__aenter__": "enter",
    "__exit__": "exit",
    "__aexit__": "exit",
    "resend": "resend",
    "aresend": "resend",
    "pause": "pause",
    "apause": "pause",
}


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    methods = {}
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name in _TWIN_NAMES:
            methods[_TWIN_NAMES[name]] = inspect.signature(member)
        elif not name.startswith("_"):
            methods[name] = inspect.signature(member)
    return methods


#: Names whose annotation differs between the twins only by the sync/async spelling.
_ASYNC_SPELLING = {
    "AsyncAPIResponse": "APIResponse",
    "AsyncBinaryAPIResponse": "BinaryAPIResponse",
    "AsyncStreamedBinaryAPIResponse": "StreamedBinaryAPIResponse",
    "AsyncStream": "Stream",
    "AsyncAPIClient": "SyncAPIClient",
    "AsyncJSONLDecoder": "JSONLDecoder",
    "AsyncIterator": "Iterator",
    "AsyncGenerator": "Generator",
    "AsyncResponseContextManager": "ResponseContextManager",
    "_AsyncStreamT": "_StreamT",
    "_AsyncPageT": "_SyncPageT",
    "httpx2.AsyncClient": "httpx2.Client",
}


def _sync_spelling(annotation: object) -> str:
    text = str(annotation)
    for async_name, sync_name in _ASYNC_SPELLING.items():
        text = text.replace(async_name, sync_name)
    return text.replace("Awaitable[", "[")


def _parameters(signature: inspect.Signature) -> list[tuple[str, object, object, str]]:
    return [
        (p.name, p.kind, p.default, _sync_spelling(p.annotation))
        for p in signature.parameters.values()
    ]


@pytest.mark.parametrize(("sync_cls", "async_cls"), SYNC_ASYNC_PAIRS)
def test_sync_and_async_twins_have_the_same_parameter_annotations(
    sync_cls: type, async_cls: type
) -> None:
    sync_methods = _public_methods(sync_cls)
    async_methods = _public_methods(async_cls)
    async_methods.pop("aclose", None)
    for name, signature in sync_methods.items():
        assert _parameters(signature) == _parameters(async_methods[name]), name


@pytest.mark.parametrize(("sync_cls", "async_cls"), SYNC_ASYNC_PAIRS)
def test_sync_and_async_twins_have_the_same_methods_and_signatures(
    sync_cls: type, async_cls: type
) -> None:
    sync_methods = _public_methods(sync_cls)
    async_methods = _public_methods(async_cls)
    async_methods.pop("aclose", None)  # AsyncStream.aclose is an alias of close
    assert sync_methods.keys() == async_methods.keys()
    for name, signature in sync_methods.items():
        sync_params = [(p.name, p.kind, p.default) for p in signature.parameters.values()]
        async_params = [
            (p.name, p.kind, p.default) for p in async_methods[name].parameters.values()
        ]
        assert sync_params == async_params, name


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in sdkcore.__all__
        if inspect.isclass(getattr(sdkcore, n)) or inspect.isfunction(getattr(sdkcore, n))
    ],
)
def test_every_public_class_and_function_names_the_package_as_its_module(name: str) -> None:
    value = getattr(sdkcore, name)
    if value.__name__ != name:  # an alias of a class from elsewhere (``Body = object``)
        assert not value.__module__.startswith("sdkcore._")
        return
    assert value.__module__ == "sdkcore"


def test_errors_show_the_package_in_reprs_and_tracebacks() -> None:
    assert repr(sdkcore.NotFoundError) == "<class 'sdkcore.NotFoundError'>"
    assert sdkcore.Stream.__module__ == "sdkcore"


# --- every type a public signature names is public too ----------------------------------------

_PACKAGE = Path(sdkcore.__file__).parent


def _imported_names(module_name: str) -> dict[str, tuple[str, str]]:
    """``name -> (module, original name)`` for every ``from .x import y`` in a module."""
    path = _PACKAGE / (module_name.removeprefix("sdkcore.").replace(".", "/") + ".py")
    found: dict[str, tuple[str, str]] = {}
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                found[alias.asname or alias.name] = (f"sdkcore.{node.module}", alias.name)
    return found


def _annotations_of(value: object) -> list[str]:
    members: list[object] = [value]
    if inspect.isclass(value):
        members = [
            member
            for name, member in vars(value).items()
            if not name.startswith("_") or name in ("__init__", "__call__")
        ]
    texts: list[str] = []
    for member in members:
        function = member.fget if isinstance(member, property) else member
        if callable(function) and hasattr(function, "__annotations__"):
            texts += [str(a) for a in function.__annotations__.values()]
    return texts


def _names_in(annotation: str) -> set[str]:
    try:
        tree = ast.parse(annotation, mode="eval")
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _private_types_named(name: str) -> set[str]:
    value = getattr(sdkcore, name)
    module = getattr(value, "__wrapped_module__", None) or _defining_module(name)
    imported = _imported_names(module)
    hidden: set[str] = set()
    for annotation in _annotations_of(value):
        for used in _names_in(annotation):
            if used not in imported:
                continue
            source, original = imported[used]
            target = getattr(importlib.import_module(source), original, None)
            if target is not None and getattr(sdkcore, original, None) is not target:
                hidden.add(f"{original} (from {source})")
    return hidden


def _defining_module(name: str) -> str:
    for node in ast.parse((_PACKAGE / "__init__.py").read_text()).body:
        if isinstance(node, ast.ImportFrom) and any(
            (alias.asname or alias.name) == name for alias in node.names
        ):
            return f"sdkcore.{node.module}"
    raise LookupError(name)


@pytest.mark.parametrize(
    "name",
    [
        n
        for n in sdkcore.__all__
        if inspect.isclass(getattr(sdkcore, n)) or inspect.isfunction(getattr(sdkcore, n))
    ],
)
def test_every_type_a_public_signature_names_is_exported(name: str) -> None:
    assert _private_types_named(name) == set()


def test_the_package_version_is_the_projects() -> None:
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert sdkcore.__version__ == project["project"]["version"]
