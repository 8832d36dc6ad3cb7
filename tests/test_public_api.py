"""The public surface: every contract name imports from ``sdkcore`` and is documented."""

from __future__ import annotations

import inspect

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
]

# The protocol methods whose async spelling differs; each pair is compared as one.
_TWIN_NAMES = {
    "__iter__": "iter",
    "__aiter__": "iter",
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
