"""Names and numbers that the rest of sdkcore agrees on.

Every default a user can change lives here, so that the docs, the errors that
name a limit and the code that enforces it read the same value.
"""

from __future__ import annotations

from typing import Final

import httpx2

#: The version of sdkcore, as in the package metadata.
VERSION: Final = "0.2.0"

#: Request header the response wrappers set to ask for a raw or streamed
#: response instead of the parsed object. Removed before the request is sent.
RAW_RESPONSE_HEADER: Final = "X-Sdkcore-Raw-Response"

#: Request header the custom wrappers set to pick the response class
#: (for example ``BinaryAPIResponse``). Removed before the request is sent.
OVERRIDE_CAST_TO_HEADER: Final = "X-Sdkcore-Override-Cast-To"

#: Response header that carries the request id.
REQUEST_ID_HEADER: Final = "x-request-id"

DEFAULT_TIMEOUT: Final = httpx2.Timeout(timeout=600.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_MAX_RETRY_AFTER: Final = 60.0
DEFAULT_CONNECTION_LIMITS: Final = httpx2.Limits(
    max_connections=1000, max_keepalive_connections=100
)

INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0

#: Largest Server-Sent Event (or unterminated line) the decoder buffers.
DEFAULT_MAX_EVENT_SIZE: Final = 1_048_576
#: Largest JSON Lines line the decoder buffers.
DEFAULT_MAX_LINE_SIZE: Final = 1_048_576
#: Largest body that ``parse()`` / ``read()`` hold in memory (decompressed).
DEFAULT_MAX_BODY_SIZE: Final = 256 * 1_048_576
#: Largest size a *compressed* body (gzip, deflate) may expand to when read into memory:
#: a decompression bomb stops here, while uncompressed bodies keep ``DEFAULT_MAX_BODY_SIZE``.
DEFAULT_MAX_DECOMPRESSED_SIZE: Final = 64 * 1_048_576
#: Largest error body read to build an ``APIStatusError``.
MAX_ERROR_BODY_SIZE: Final = 1_048_576

#: Chunk size for file downloads when the caller gives none.
DEFAULT_CHUNK_SIZE: Final = 65_536

#: Headers whose values never appear in a repr, a log line or an error.
DEFAULT_SECRET_HEADERS: Final = frozenset({"authorization", "api-key", "x-api-key"})
#: Query parameters whose values never appear in a URL that sdkcore shows.
DEFAULT_SECRET_QUERY_PARAMS: Final = frozenset(
    {"api_key", "api-key", "key", "access_token", "token"}
)
REDACTED: Final = "<redacted>"
#: Wait before an opt-in SSE reconnect when the server sent no ``retry`` field.
DEFAULT_RECONNECT_DELAY: Final = 1.0
