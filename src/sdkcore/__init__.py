"""sdkcore: the runtime under typed Python HTTP API clients.

Every public name is importable from here; the modules behind them are private,
and each public class and function reports ``sdkcore`` as its module, so reprs,
tracebacks and pickles name ``sdkcore.NotFoundError``, not a private path.
"""

from ._aiohttp import AiohttpClient as AiohttpClient
from ._aiohttp import AiohttpTransport as AiohttpTransport
from ._binary import HttpxBinaryResponseContent as HttpxBinaryResponseContent
from ._client import AsyncAPIClient as AsyncAPIClient
from ._client import SyncAPIClient as SyncAPIClient
from ._constants import OVERRIDE_CAST_TO_HEADER as OVERRIDE_CAST_TO_HEADER
from ._constants import RAW_RESPONSE_HEADER as RAW_RESPONSE_HEADER
from ._constants import VERSION
from ._context import BodyLimits as BodyLimits
from ._context import CallContext as CallContext
from ._context import ClientContext as ClientContext
from ._context import StatusErrorFactory as StatusErrorFactory
from ._context import Timing as Timing
from ._downloads import AsyncBinaryAPIResponse as AsyncBinaryAPIResponse
from ._downloads import AsyncStreamedBinaryAPIResponse as AsyncStreamedBinaryAPIResponse
from ._downloads import BinaryAPIResponse as BinaryAPIResponse
from ._downloads import StreamedBinaryAPIResponse as StreamedBinaryAPIResponse
from ._exceptions import APIConnectionError as APIConnectionError
from ._exceptions import APIError as APIError
from ._exceptions import APIResponseValidationError as APIResponseValidationError
from ._exceptions import APIStatusError as APIStatusError
from ._exceptions import APITimeoutError as APITimeoutError
from ._exceptions import AuthenticationError as AuthenticationError
from ._exceptions import BadRequestError as BadRequestError
from ._exceptions import BodyTooLargeError as BodyTooLargeError
from ._exceptions import ConflictError as ConflictError
from ._exceptions import InternalServerError as InternalServerError
from ._exceptions import JSONLDecodeError as JSONLDecodeError
from ._exceptions import MissingStreamClassError as MissingStreamClassError
from ._exceptions import NotFoundError as NotFoundError
from ._exceptions import PermissionDeniedError as PermissionDeniedError
from ._exceptions import RateLimitError as RateLimitError
from ._exceptions import SdkError as SdkError
from ._exceptions import SSEDecodeError as SSEDecodeError
from ._exceptions import StreamAlreadyConsumed as StreamAlreadyConsumed
from ._exceptions import UnprocessableEntityError as UnprocessableEntityError
from ._files import FileTarget as FileTarget
from ._hooks import Hooks as Hooks
from ._hooks import RequestHook as RequestHook
from ._hooks import ResponseHook as ResponseHook
from ._hooks import RetryHook as RetryHook
from ._jsonl import AsyncJSONLDecoder as AsyncJSONLDecoder
from ._jsonl import JSONLDecoder as JSONLDecoder
from ._links import Link as Link
from ._links import parse_link_header as parse_link_header
from ._models import BaseModel as BaseModel
from ._multipart import BodyNotReplayableError as BodyNotReplayableError
from ._multipart import FileContent as FileContent
from ._multipart import FileTypes as FileTypes
from ._multipart import MultipartForm as MultipartForm
from ._multipart import RequestFiles as RequestFiles
from ._multipart import UploadFileChangedError as UploadFileChangedError
from ._multipart import encode_multipart as encode_multipart
from ._options import FinalRequestOptions as FinalRequestOptions
from ._options import RequestOptions as RequestOptions
from ._options import make_request_options as make_request_options
from ._page_info import PageInfo as PageInfo
from ._page_info import PaginationError as PaginationError
from ._pages import BasePage as BasePage
from ._pagination import AsyncCursorPage as AsyncCursorPage
from ._pagination import AsyncLinkPage as AsyncLinkPage
from ._pagination import AsyncOffsetPage as AsyncOffsetPage
from ._pagination import AsyncPage as AsyncPage
from ._pagination import AsyncPageIterator as AsyncPageIterator
from ._pagination import AsyncPaginator as AsyncPaginator
from ._pagination import BaseAsyncPage as BaseAsyncPage
from ._pagination import BaseSyncPage as BaseSyncPage
from ._pagination import SyncCursorPage as SyncCursorPage
from ._pagination import SyncLinkPage as SyncLinkPage
from ._pagination import SyncOffsetPage as SyncOffsetPage
from ._pagination import SyncPage as SyncPage
from ._qs import Querystring as Querystring
from ._qs import path_template as path_template
from ._resource import AsyncAPIResource as AsyncAPIResource
from ._resource import SyncAPIResource as SyncAPIResource
from ._response import APIResponse as APIResponse
from ._response import AsyncAPIResponse as AsyncAPIResponse
from ._response import AsyncResponseContextManager as AsyncResponseContextManager
from ._response import BaseAPIResponse as BaseAPIResponse
from ._response import ResponseContextManager as ResponseContextManager
from ._retries import Retry as Retry
from ._retries import RetryPolicy as RetryPolicy
from ._retries import Stop as Stop
from ._retries import StopReason as StopReason
from ._secrets import Secrets as Secrets
from ._sse import ServerSentEvent as ServerSentEvent
from ._sse import SSEDecoder as SSEDecoder
from ._streaming import AsyncStream as AsyncStream
from ._streaming import Stream as Stream
from ._tracing import CallTrace as CallTrace
from ._tracing import CallTracer as CallTracer
from ._transform import PropertyInfo as PropertyInfo
from ._transform import async_transform as async_transform
from ._transform import transform as transform
from ._types import NOT_GIVEN as NOT_GIVEN
from ._types import Body as Body
from ._types import Headers as Headers
from ._types import NotGiven as NotGiven
from ._types import Omit as Omit
from ._types import PostParser as PostParser
from ._types import ProgressCallback as ProgressCallback
from ._types import Query as Query
from ._types import TimeoutTypes as TimeoutTypes
from ._verbs import AsyncVerb as AsyncVerb
from ._verbs import SyncVerb as SyncVerb
from ._webhooks import WebhookFailure as WebhookFailure
from ._webhooks import WebhookVerificationError as WebhookVerificationError
from ._webhooks import unwrap_webhook as unwrap_webhook
from ._webhooks import verify_webhook as verify_webhook
from ._wrappers import async_to_custom_raw_response_wrapper as async_to_custom_raw_response_wrapper
from ._wrappers import (
    async_to_custom_streamed_response_wrapper as async_to_custom_streamed_response_wrapper,
)
from ._wrappers import async_to_raw_response_wrapper as async_to_raw_response_wrapper
from ._wrappers import async_to_streamed_response_wrapper as async_to_streamed_response_wrapper
from ._wrappers import extract_response_type as extract_response_type
from ._wrappers import to_custom_raw_response_wrapper as to_custom_raw_response_wrapper
from ._wrappers import to_custom_streamed_response_wrapper as to_custom_streamed_response_wrapper
from ._wrappers import to_raw_response_wrapper as to_raw_response_wrapper
from ._wrappers import to_streamed_response_wrapper as to_streamed_response_wrapper

__version__ = VERSION

__all__ = [
    "NOT_GIVEN",
    "OVERRIDE_CAST_TO_HEADER",
    "RAW_RESPONSE_HEADER",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AiohttpClient",
    "AiohttpTransport",
    "AsyncAPIClient",
    "AsyncAPIResource",
    "AsyncAPIResponse",
    "AsyncBinaryAPIResponse",
    "AsyncCursorPage",
    "AsyncJSONLDecoder",
    "AsyncLinkPage",
    "AsyncOffsetPage",
    "AsyncPage",
    "AsyncPageIterator",
    "AsyncPaginator",
    "AsyncResponseContextManager",
    "AsyncStream",
    "AsyncStreamedBinaryAPIResponse",
    "AsyncVerb",
    "AuthenticationError",
    "BadRequestError",
    "BaseAPIResponse",
    "BaseAsyncPage",
    "BaseModel",
    "BasePage",
    "BaseSyncPage",
    "BinaryAPIResponse",
    "Body",
    "BodyLimits",
    "BodyNotReplayableError",
    "BodyTooLargeError",
    "CallContext",
    "CallTrace",
    "CallTracer",
    "ClientContext",
    "ConflictError",
    "FileContent",
    "FileTarget",
    "FileTypes",
    "FinalRequestOptions",
    "Headers",
    "Hooks",
    "HttpxBinaryResponseContent",
    "InternalServerError",
    "JSONLDecodeError",
    "JSONLDecoder",
    "Link",
    "MissingStreamClassError",
    "MultipartForm",
    "NotFoundError",
    "NotGiven",
    "Omit",
    "PageInfo",
    "PaginationError",
    "PermissionDeniedError",
    "PostParser",
    "ProgressCallback",
    "PropertyInfo",
    "Query",
    "Querystring",
    "RateLimitError",
    "RequestFiles",
    "RequestHook",
    "RequestOptions",
    "ResponseContextManager",
    "ResponseHook",
    "Retry",
    "RetryHook",
    "RetryPolicy",
    "SSEDecodeError",
    "SSEDecoder",
    "SdkError",
    "Secrets",
    "ServerSentEvent",
    "StatusErrorFactory",
    "Stop",
    "StopReason",
    "Stream",
    "StreamAlreadyConsumed",
    "StreamedBinaryAPIResponse",
    "SyncAPIClient",
    "SyncAPIResource",
    "SyncCursorPage",
    "SyncLinkPage",
    "SyncOffsetPage",
    "SyncPage",
    "SyncVerb",
    "TimeoutTypes",
    "Timing",
    "UnprocessableEntityError",
    "UploadFileChangedError",
    "WebhookFailure",
    "WebhookVerificationError",
    "async_to_custom_raw_response_wrapper",
    "async_to_custom_streamed_response_wrapper",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "async_transform",
    "encode_multipart",
    "extract_response_type",
    "make_request_options",
    "parse_link_header",
    "path_template",
    "to_custom_raw_response_wrapper",
    "to_custom_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
    "transform",
    "unwrap_webhook",
    "verify_webhook",
]


def _name_the_package_as_their_module() -> None:
    for name in __all__:
        value = globals()[name]
        named = isinstance(value, type) or hasattr(value, "__code__")
        if named and getattr(value, "__module__", "").startswith(f"{__name__}._"):
            value.__module__ = __name__


_name_the_package_as_their_module()
