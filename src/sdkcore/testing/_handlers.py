"""Handlers that tests keep writing: a reply per attempt, SSE streams that resume."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from ._model import Handler, Reply

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from ._model import Request, SSEEvent


def by_attempt(*replies: Reply | Handler) -> Handler:
    """A handler answering a route's n-th hit with the n-th reply; the last one repeats.

    An entry may be a handler, called for its hit. Raises `ValueError` without replies.

    Example::

        answer = by_attempt(Reply(status=503), Reply(status=429), Reply(json={"ok": True}))
        server.route("POST", "/v1/things", handler=answer)
    """
    if not replies:
        raise ValueError("by_attempt needs at least one reply")

    def handler(request: Request) -> Reply:
        chosen = replies[min(request.attempt, len(replies)) - 1]
        return chosen if isinstance(chosen, Reply) else chosen(request)

    return handler


def resumable_sse(events: Sequence[SSEEvent], *, interval: float = 0.0) -> Handler:
    """A handler streaming `events`, resuming after the one the ``Last-Event-ID`` names.

    An event's id is the ``id`` field of a dict event. Without the header, or with
    an id none of `events` has, the stream starts from the beginning (as a server
    that no longer knows the id would). Pair it with `DropAfterEvents` or `OnAttempts`.

    Example::

        events = [{"id": str(n), "data": {"n": n}} for n in range(5)]
        server.route("GET", "/events", handler=resumable_sse(events), fault=DropAfterEvents(2))
    """

    def handler(request: Request) -> Reply:
        start = _after_id(events, request.headers.get("last-event-id"))
        return Reply(sse=events[start:], interval=interval)

    return handler


def _after_id(events: Sequence[SSEEvent], last_id: str | None) -> int:
    if last_id is not None:
        for index, event in enumerate(events):
            if _event_id(event) == last_id:
                return index + 1
    return 0


def _event_id(event: SSEEvent) -> str | None:
    if isinstance(event, str | bytes) or "id" not in event:
        return None
    return str(event["id"])


def numbered_sse(
    stop: int | None = None, *, interval: float = 0.0, retry: int | None = None
) -> Handler:
    """A handler streaming events numbered from 0, each ``{"id": n, "data": {"n": n}}``.

    The stream ends before `stop`, or goes on until the client leaves when `stop` is
    None. A request with ``Last-Event-ID: k`` resumes at ``k + 1``. `retry` sends a
    ``retry:`` field (milliseconds) first; `interval` waits between events.

    Example::

        server.route("GET", "/ticks", handler=numbered_sse(interval=0.02))  # forever
        server.route("GET", "/events", handler=numbered_sse(10), fault=DropAfterEvents(4))
    """

    def handler(request: Request) -> Reply:
        start = _number_after(request.headers.get("last-event-id"))
        return Reply(sse=_numbered(start, stop, retry), interval=interval)

    return handler


def _number_after(last_id: str | None) -> int:
    return int(last_id) + 1 if last_id is not None and last_id.isdigit() else 0


def _numbered(start: int, stop: int | None, retry: int | None) -> Iterator[SSEEvent]:
    if retry is not None:
        yield {"retry": retry}
    numbers = itertools.count(start) if stop is None else range(start, stop)
    for n in numbers:
        yield {"id": n, "data": {"n": n}}
