"""`RecordedWaits`: a client timing that records its waits instead of sleeping."""

from __future__ import annotations

from sdkcore import Timing


class RecordedWaits:
    """Waits recorded, never slept, and a fixed jitter: retry tests that take no time.

    Pass ``waits.timing`` as a client's ``_timing=``; ``waits.seconds`` lists every
    backoff or ``Retry-After`` wait the client asked for, in order. The clock stays
    real (timeouts still hold); ``random_value`` is what the jitter draws (0.0: the
    full backoff).

    Example::

        waits = RecordedWaits()
        client = Acme(server.url, _timing=waits.timing)
        client.things.get("t1")  # retried twice
        assert waits.seconds == [0.5, 1.0]
    """

    def __init__(self, *, random_value: float = 0.0) -> None:
        self.seconds: list[float] = []
        self.timing: Timing = Timing(
            sleep=self.seconds.append,
            async_sleep=self._async_sleep,
            random=lambda: random_value,
        )

    async def _async_sleep(self, seconds: float) -> None:
        import anyio.lowlevel

        self.seconds.append(seconds)
        await anyio.lowlevel.checkpoint()  # a wait lets other tasks run, as a real one would

    def __repr__(self) -> str:
        return f"RecordedWaits(seconds={self.seconds!r})"
