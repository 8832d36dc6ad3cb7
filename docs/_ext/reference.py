"""A mkdocs hook: the API reference pages, generated from each package's ``__all__``.

``REFERENCE`` puts every public name of ``sdkcore``, ``sdkcore.testing`` and
``sdkcore.gen`` on one page, by concept; each page renders its names' docstrings
with mkdocstrings. A name in ``__all__`` that no page lists, or a listed name that
``__all__`` lacks, is a warning, so ``mkdocs build --strict`` fails until this table
and the package agree.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mkdocs.structure.files import File

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.hooks.reference")

#: Members SDK authors override or read, though private by name, shown on these classes.
_CLIENT_MEMBERS = [
    "auth_headers",
    "default_headers",
    "_make_status_error",
    "_default_stream_cls",
    "_idempotency_header",
    "_secret_headers",
    "_secret_query_params",
    "_query_format",
    "_user_agent",
    "_retry_count_header",
    "_log_env_var",
    "_tracing",
    "base_url",
    "timeout",
    "max_retries",
    "max_retry_after",
    "stream_idle_timeout",
    "max_body_size",
    "max_decompressed_size",
    "max_event_size",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "request",
    "get_api_list",
    "with_options",
    "copy",
    "close",
]
#: What a page shows: the two methods a page class overrides, then what every page has.
_PAGE_MEMBERS = [
    "_get_page_items",
    "next_page_info",
    "has_next_page",
    "continuation_token",
    "response",
    "request_id",
]
#: The body fields the built-in pages inherit from their rules (private classes).
_PAGE_FIELDS = {
    "Page": ["data"],
    "CursorPage": ["data", "has_more"],
    "OffsetPage": ["data", "total"],
    "LinkPage": ["data"],
}


@dataclass(frozen=True)
class Page:
    """One reference page: its file, title, a sentence of introduction and its names."""

    slug: str
    title: str
    intro: str
    names: list[str]
    #: mkdocstrings options for single names (``{"SyncAPIClient": {"members": [...]}}``).
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Where a name is defined, when a submodule of the same name hides it from griffe.
    paths: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Package:
    """A package whose ``__all__`` the pages must cover."""

    module: str
    pages: list[Page]


REFERENCE = [
    Package(
        "sdkcore",
        [
            Page(
                "clients",
                "Clients and resources",
                "What an SDK subclasses and calls: the clients, their verbs, resources and "
                "the per-call options. Guide: [Getting started](../getting-started.md), "
                "[Configuration](../guide/configuration.md).",
                [
                    "SyncAPIClient",
                    "AsyncAPIClient",
                    "SyncVerb",
                    "AsyncVerb",
                    "SyncAPIResource",
                    "AsyncAPIResource",
                    "make_request_options",
                    "RequestOptions",
                    "FinalRequestOptions",
                    "NOT_GIVEN",
                    "NotGiven",
                    "Omit",
                    "Headers",
                    "Query",
                    "Body",
                    "TimeoutTypes",
                    "PostParser",
                ],
                options={
                    "SyncAPIClient": {"inherited_members": True, "members": _CLIENT_MEMBERS},
                    "AsyncAPIClient": {"inherited_members": True, "members": _CLIENT_MEMBERS},
                },
            ),
            Page(
                "responses",
                "Responses",
                "The parsed, raw and streamed ways to receive a call's result. "
                "Guide: [Responses](../guide/responses.md).",
                [
                    "BaseAPIResponse",
                    "APIResponse",
                    "AsyncAPIResponse",
                    "ResponseContextManager",
                    "AsyncResponseContextManager",
                    "HttpxBinaryResponseContent",
                    "BaseModel",
                ],
                options={
                    "APIResponse": {"inherited_members": True},
                    "AsyncAPIResponse": {"inherited_members": True},
                },
            ),
            Page(
                "wrappers",
                "Raw and streaming wrappers",
                "Give any SDK method a `with_raw_response` and a `with_streaming_response` "
                "twin. Guide: [Responses](../guide/responses.md).",
                [
                    "to_raw_response_wrapper",
                    "async_to_raw_response_wrapper",
                    "to_streamed_response_wrapper",
                    "async_to_streamed_response_wrapper",
                    "to_custom_raw_response_wrapper",
                    "async_to_custom_raw_response_wrapper",
                    "to_custom_streamed_response_wrapper",
                    "async_to_custom_streamed_response_wrapper",
                    "extract_response_type",
                    "RAW_RESPONSE_HEADER",
                    "OVERRIDE_CAST_TO_HEADER",
                ],
            ),
            Page(
                "streams",
                "Streams",
                "Server-Sent Events and JSON Lines, decoded into typed items. "
                "Guide: [Streams](../guide/streams.md).",
                [
                    "Stream",
                    "AsyncStream",
                    "ServerSentEvent",
                    "SSEDecoder",
                    "JSONLDecoder",
                    "AsyncJSONLDecoder",
                ],
                # Their shared members live in a private base class.
                options={
                    "Stream": {"inherited_members": True},
                    "AsyncStream": {"inherited_members": True},
                },
            ),
            Page(
                "downloads",
                "Downloads",
                "Binary responses written or streamed to files, atomically. "
                "Guide: [Downloads](../guide/downloads.md).",
                [
                    "BinaryAPIResponse",
                    "AsyncBinaryAPIResponse",
                    "StreamedBinaryAPIResponse",
                    "AsyncStreamedBinaryAPIResponse",
                    "FileTarget",
                    "ProgressCallback",
                ],
            ),
            Page(
                "pages",
                "Pages",
                "List endpoints as pages that iterate their items across every page. "
                "Guide: [Pages](../guide/pages.md).",
                [
                    "BasePage",
                    "BaseSyncPage",
                    "BaseAsyncPage",
                    "SyncPage",
                    "AsyncPage",
                    "SyncCursorPage",
                    "AsyncCursorPage",
                    "SyncOffsetPage",
                    "AsyncOffsetPage",
                    "SyncLinkPage",
                    "AsyncLinkPage",
                    "AsyncPaginator",
                    "AsyncPageIterator",
                    "PageInfo",
                    "Link",
                    "parse_link_header",
                ],
                options={
                    "BasePage": {"members": _PAGE_MEMBERS},
                    **{
                        f"{side}{kind}": {"inherited_members": fields}
                        for kind, fields in _PAGE_FIELDS.items()
                        for side in ("Sync", "Async")
                    },
                },
            ),
            Page(
                "requests",
                "Uploads and request building",
                "Multipart uploads, parameter transforms, query strings and path templates. "
                "Guide: [Uploads and request building](../guide/requests.md).",
                [
                    "FileContent",
                    "FileTypes",
                    "RequestFiles",
                    "encode_multipart",
                    "MultipartForm",
                    "transform",
                    "async_transform",
                    "PropertyInfo",
                    "Querystring",
                    "path_template",
                ],
            ),
            Page(
                "policy",
                "Retries, hooks, timing and limits",
                "The pieces a client's behaviour is made of, for SDK authors and tests. "
                "Guides: [Configuration](../guide/configuration.md), "
                "[Observability](../guide/observability.md).",
                [
                    "Hooks",
                    "RequestHook",
                    "ResponseHook",
                    "RetryHook",
                    "RetryPolicy",
                    "Retry",
                    "Stop",
                    "StopReason",
                    "Timing",
                    "BodyLimits",
                    "Secrets",
                    "ClientContext",
                    "CallContext",
                    "StatusErrorFactory",
                ],
            ),
            Page(
                "errors",
                "Errors",
                "Every error sdkcore raises derives from `SdkError`. "
                "Guide: [Errors](../guide/errors.md).",
                [
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
                    "BodyTooLargeError",
                    "SSEDecodeError",
                    "JSONLDecodeError",
                    "StreamAlreadyConsumed",
                    "MissingStreamClassError",
                    "PaginationError",
                    "BodyNotReplayableError",
                    "UploadFileChangedError",
                ],
            ),
            Page(
                "webhooks",
                "Webhooks",
                "Standard Webhooks signatures, checked in constant time. "
                "Guide: [Webhooks](../guide/webhooks.md).",
                ["verify_webhook", "unwrap_webhook", "WebhookVerificationError", "WebhookFailure"],
            ),
            Page(
                "aiohttp",
                "aiohttp transport",
                "An `httpx2.AsyncClient` whose requests travel over aiohttp (extra "
                "`sdkcore[aiohttp]`). Guide: [aiohttp transport](../guide/aiohttp.md).",
                ["AiohttpClient", "AiohttpTransport"],
            ),
        ],
    ),
    Package(
        "sdkcore.testing",
        [
            Page(
                "testing",
                "Testing kit",
                "`sdkcore.testing`: a real-socket HTTP/1.1 server for an SDK's tests. "
                "Guide: [Testing your SDK](../guide/testing.md).",
                [
                    "LoopbackServer",
                    "Route",
                    "Request",
                    "Reply",
                    "ReplyFields",
                    "Headers",
                    "HeaderSpec",
                    "SSEEvent",
                    "Handler",
                    "by_attempt",
                    "resumable_sse",
                    "numbered_sse",
                    "Form",
                    "FilePart",
                    "Fault",
                    "CutAfter",
                    "CutMidHeaders",
                    "TrickleHeaders",
                    "Stall",
                    "Drip",
                    "DropAfterEvents",
                    "Fail",
                    "FailTimes",
                    "BadChunked",
                    "OnAttempts",
                    "Rotate",
                    "FaultRate",
                    "Endless",
                    "GzipBomb",
                    "Piece",
                    "Head",
                    "Data",
                    "Pause",
                    "Close",
                    "End",
                    "Raw",
                    "RecordedWaits",
                    "BodyNotKeptError",
                    "FormError",
                    "PortInUseError",
                ],
            ),
        ],
    ),
    Package(
        "sdkcore.testing.pytest_plugin",
        [
            Page(
                "pytest-plugin",
                "pytest fixtures",
                'Register them with `pytest_plugins = ["sdkcore.testing.pytest_plugin"]`. '
                "Guide: [Testing your SDK](../guide/testing.md).",
                ["loopback_server", "loopback_server_factory"],
            ),
        ],
    ),
    Package(
        "sdkcore.gen",
        [
            Page(
                "gen",
                "Generator",
                "`sdkcore.gen`, the library behind the `sdkcore-gen` command (extra "
                "`sdkcore[gen]`). Guide: [Generator](../guide/generator.md).",
                ["generate", "plan", "Generated", "GenerationError", "SpecError"],
                # ``sdkcore.gen.generate`` is also the module that defines the function.
                paths={"generate": "sdkcore.gen.generate.generate"},
            ),
        ],
    ),
]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add ``reference/<slug>.md`` for each page and ``reference/index.md`` listing them all.

    Warns where a table and ``__all__`` differ.
    """
    for package in REFERENCE:
        _check_coverage(package)
        for page in package.pages:
            uri = f"reference/{page.slug}.md"
            files.append(File.generated(config, uri, content=_render(package, page)))
    files.append(File.generated(config, "reference/index.md", content=_overview()))
    return files


def _overview() -> str:
    """Every public name, by page: a table of contents for the whole reference."""
    lines = [
        "# API reference",
        "",
        "Every public name of `sdkcore`, `sdkcore.testing` and `sdkcore.gen`, by concept; "
        "each page renders the docstrings.",
        "",
    ]
    for package in REFERENCE:
        for page in package.pages:
            links = ", ".join(
                f"[`{name}`][{page.paths.get(name, f'{package.module}.{name}')}]"
                for name in page.names
            )
            lines += [f"## [{page.title}]({page.slug}.md)", "", links, ""]
    return "\n".join(lines)


def _check_coverage(package: Package) -> None:
    exported = set(importlib.import_module(package.module).__all__)
    listed = [name for page in package.pages for name in page.names]
    for name in sorted(exported - set(listed)):
        log.warning(
            f"{package.module}.{name} is public but on no reference page: "
            "add it to REFERENCE in docs/_ext/reference.py"
        )
    for name in sorted(set(listed) - exported):
        log.warning(
            f"{package.module}.{name} is on a reference page but not in {package.module}.__all__"
        )
    for name in sorted({name for name in listed if listed.count(name) > 1}):
        log.warning(f"{package.module}.{name} is on more than one reference page")


def _render(package: Package, page: Page) -> str:
    blocks = [f"# {page.title}", "", page.intro, ""]
    for name in page.names:
        blocks.append(f"::: {page.paths.get(name, f'{package.module}.{name}')}")
        options = page.options.get(name)
        if options:
            blocks.append("    options:")
            blocks.extend(f"      {key}: {_yaml(value)}" for key, value in options.items())
        blocks.append("")
    return "\n".join(blocks)


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)
