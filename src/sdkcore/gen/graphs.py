"""Strongly connected components, without recursion (graphs of thousands of schemas).

Mutually recursive schemas share a module, so every import between modules goes one
way and no module imports itself back.

Example::

    strongly_connected(["a", "b", "c"], {"a": ["b"], "b": ["a"], "c": []})
    # [["a", "b"], ["c"]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

__all__ = ["strongly_connected"]


def strongly_connected(nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The components of the graph (Tarjan's algorithm), each sorted, in a stable order.

    A component comes after every component it has edges to; edges to nodes not in
    ``nodes`` are ignored.
    """
    search = _Tarjan(nodes, edges)
    for start in nodes:
        if start not in search.index:
            search.run(start)
    return search.found


class _Tarjan:
    """One depth-first search with an explicit stack instead of recursion."""

    def __init__(self, nodes: Sequence[str], edges: Mapping[str, Sequence[str]]) -> None:
        self.known = set(nodes)
        self.edges = edges
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: list[list[str]] = []

    def _enter(self, node: str, work: list[tuple[str, Iterator[str]]]) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        work.append((node, iter(self.edges.get(node, ()))))

    def run(self, start: str) -> None:
        work: list[tuple[str, Iterator[str]]] = []
        self._enter(start, work)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in self.known), None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    self.low[parent] = min(self.low[parent], self.low[node])
                self._close(node)
            elif child not in self.index:
                self._enter(child, work)
            elif child in self.on_stack:
                self.low[node] = min(self.low[node], self.index[child])

    def _close(self, node: str) -> None:
        if self.low[node] != self.index[node]:
            return
        component: list[str] = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.append(member)
            if member == node:
                break
        self.found.append(sorted(component))
