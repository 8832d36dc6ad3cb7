"""Handlers that tests keep writing: a reply per attempt, an SSE stream that resumes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import Handler, Reply

if TYPE_CHECKING:
    from collections.abc import Sequence

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
