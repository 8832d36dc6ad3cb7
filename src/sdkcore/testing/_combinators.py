"""Faults that choose which hits of a route another fault applies to.

`OnAttempts` picks hits by number, `Rotate` gives each hit the next fault in turn,
`FaultRate` picks a seeded random share. They read only `Request.attempt`, so a
test fails the same hits on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._faults import Fault

if TYPE_CHECKING:
    from collections.abc import Container, Iterable, Iterator

    from ._model import Reply, Request
    from ._pieces import Piece


class _Chooser(Fault):
    """A fault that hands each request to the fault `choose` names (None: no fault)."""

    def choose(self, request: Request) -> Fault | None:
        """The fault for `request`, or None to leave it alone."""
        raise NotImplementedError

    def prepare(self, request: Request, reply: Reply) -> Reply:
        """The chosen fault's reply, else `reply`."""
        fault = self.choose(request)
        return reply if fault is None else fault.prepare(request, reply)

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The chosen fault's pieces, else `pieces`."""
        fault = self.choose(request)
        return pieces if fault is None else fault.shape(request, pieces)


@dataclass(frozen=True, init=False)
class OnAttempts(_Chooser):
    """Apply `fault` only to the route's hits whose `Request.attempt` is in `attempts`.

    `attempts` is any collection of hit numbers, counted from 1: ``{1}``,
    ``range(1, 3)``, ``{2, 4}``. A fault that counts hits itself (`FailTimes`) still
    sees the route's attempt numbers; `Fail` fails whichever hit it is given.

    Example::

        faults = [OnAttempts(CutAfter(100_000), attempts={1}), OnAttempts(Fail(), attempts={2})]
        server.route("GET", "/f", body=data, ranges=True, faults=faults)
    """

    fault: Fault
    attempts: Container[int]

    def __init__(self, fault: Fault, attempts: Iterable[int]) -> None:
        # A range stays a range (cheap to hold even when long); anything else is frozen.
        chosen = attempts if isinstance(attempts, range) else frozenset(attempts)
        object.__setattr__(self, "fault", fault)
        object.__setattr__(self, "attempts", chosen)

    def choose(self, request: Request) -> Fault | None:
        """`fault` when the request's attempt is one of `attempts`."""
        return self.fault if request.attempt in self.attempts else None


@dataclass(frozen=True, init=False)
class Rotate(_Chooser):
    """Give each hit of the route the next of `faults` in turn: hit 1 the first, and so on.

    After the last fault it starts over. ``Fault()`` is a fault that does nothing,
    for a healthy hit in the rotation. Raises `ValueError` without faults.

    Example::

        fault = FaultRate(0.2, Rotate(CutMidHeaders(), CutAfter(10), Fail(drop=True)), seed=1)
    """

    faults: tuple[Fault, ...]

    def __init__(self, *faults: Fault) -> None:
        if not faults:
            raise ValueError("Rotate needs at least one fault")
        object.__setattr__(self, "faults", faults)

    def choose(self, request: Request) -> Fault | None:
        """The fault whose turn `request` is."""
        return self.faults[(request.attempt - 1) % len(self.faults)]


@dataclass(frozen=True)
class FaultRate(_Chooser):
    """Apply `fault` to a fraction `rate` of a route's hits, the same hits for the same `seed`.

    The choice depends only on `seed` and `Request.attempt`, so a load test fails
    the same requests on every run.

    Example: ``FaultRate(0.1, Fail(status=503), seed=7)``
    """

    rate: float
    fault: Fault
    seed: int = 0

    def hits(self, request: Request) -> bool:
        """True when `fault` applies to `request`."""
        return random.Random(f"{self.seed}:{request.attempt}").random() < self.rate

    def choose(self, request: Request) -> Fault | None:
        """`fault` for the chosen hits."""
        return self.fault if self.hits(request) else None
