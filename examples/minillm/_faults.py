"""The embedded server's own faults, written on sdkcore.testing's public `Fault` API.

`TokenPacing` makes a completion stream like a model (a wait for the first
token, then uneven gaps); `CutOnAttempt` cuts one chosen call of a route, so
a resumed download is not cut again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sdkcore.testing import CutAfter, Data, Fault, Pause

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sdkcore.testing import Piece, Request

__all__ = ["CutOnAttempt", "TokenPacing"]


@dataclass(frozen=True)
class TokenPacing(Fault):
    """Wait `first` seconds before the body (the model reading the prompt), then make each
    pause between streamed items last between `low` and `high` seconds.

    Deterministic per request attempt, like a model whose tokens come unevenly.
    """

    low: float
    high: float
    first: float = 0.0
    seed: int = 0

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """The pieces, with a first pause and each `Pause` replaced by one of random length."""
        rng = random.Random(f"{self.seed}:{request.attempt}")
        waiting_for_body = self.first > 0
        for piece in pieces:
            if waiting_for_body and isinstance(piece, Data):
                waiting_for_body = False
                yield Pause(self.first)
            yield Pause(rng.uniform(self.low, self.high)) if isinstance(piece, Pause) else piece


@dataclass(frozen=True)
class CutOnAttempt(Fault):
    """Hang up after `n_bytes` of body, only on the route's `attempt`-th call."""

    n_bytes: int
    attempt: int

    def shape(self, request: Request, pieces: Iterator[Piece]) -> Iterator[Piece]:
        """`pieces`, cut on the chosen attempt."""
        if request.attempt != self.attempt:
            return pieces
        return CutAfter(self.n_bytes).shape(request, pieces)
