"""How many connections a client's pool has lent out: the one count every test of
"no connection left checked out" reads, whatever the transport.

httpx2's own transports keep an httpcore2 pool (requests being served, and
connections not yet idle); ``AiohttpTransport`` keeps aiohttp's connector and a slot
per response not yet closed. Both are private internals, read only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sdkcore._aiohttp import AiohttpTransport

if TYPE_CHECKING:
    import httpx2


def lent_out(http: httpx2.Client | httpx2.AsyncClient) -> int:
    """Connections of ``http``'s pool still serving a request or a response."""
    transport: Any = http._transport  # pyright: ignore[reportPrivateUsage]
    if isinstance(transport, AiohttpTransport):
        # aiohttp gives a connection back as soon as a small body is read whole; the
        # transport's own slot is held until the response is closed, as httpcore2 holds
        # its connection: count whichever is more.
        connector: Any = transport.connector
        acquired = 0 if connector is None else len(connector._acquired)
        slots: Any = transport._slots
        held = 0 if slots is None else transport._limits.max_connections - slots._value
        return max(acquired, held)
    pool: Any = transport._pool
    busy = [c for c in pool.connections if not c.is_idle() and not c.is_closed()]
    return len(pool._requests) + len(busy)
