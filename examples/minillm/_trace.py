"""The tour's trace: sdkcore's OpenTelemetry spans, kept in memory and printed as a tree.

`TraceRecorder` sets a global tracer provider whose spans go to an in-memory exporter
(``opentelemetry-sdk``, a dev dependency); a client made afterwards traces every call
through it: one span per call (``GET /models``), a CLIENT span per attempt under it.
Without ``opentelemetry-sdk`` installed, `TraceRecorder.start` returns ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

__all__ = ["TraceRecorder"]

#: The attributes shown for each span, in this order, when the span has them.
SHOWN_ATTRIBUTES: Final = (
    "http.response.status_code",
    "http.request.resend_count",
    "error.type",
)


class TraceRecorder:
    """Spans of every traced call, kept in memory until printed.

    Example::

        recorder = TraceRecorder.start()  # before the client is made
        client.models.list()
        recorder.print_tree()
    """

    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self._exporter = exporter

    @classmethod
    def start(cls) -> TraceRecorder | None:
        """Install the in-memory provider as the global one; ``None`` without the SDK."""
        try:
            from opentelemetry import trace
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
                InMemorySpanExporter,
            )
        except ImportError:
            return None
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        return cls(exporter)

    def clear(self) -> None:
        """Forget the spans recorded so far."""
        self._exporter.clear()

    def print_tree(self) -> None:
        """Print the finished spans, each under its parent, with timings and attributes."""
        spans = self._exporter.get_finished_spans()
        print("  the trace (OpenTelemetry spans, from an in-memory exporter):")
        if not spans:
            print("    (no spans: this sdkcore does not trace yet)")
        ids = {span.context.span_id for span in spans if span.context is not None}
        roots = [span for span in spans if span.parent is None or span.parent.span_id not in ids]
        for root in sorted(roots, key=_started):
            _print_span(root, spans, depth=0)


def _started(span: ReadableSpan) -> int:
    return span.start_time or 0


def _print_span(span: ReadableSpan, spans: Sequence[ReadableSpan], *, depth: int) -> None:
    took = ((span.end_time or 0) - (span.start_time or 0)) / 1e6
    attributes = span.attributes or {}
    details = [f"{name}={attributes[name]!s}" for name in SHOWN_ATTRIBUTES if name in attributes]
    line = f"{'  ' * depth}    {span.name}  [{span.kind.name}, {took:.0f} ms]  " + "  ".join(
        details
    )
    print(line.rstrip())
    own_id = span.context.span_id if span.context is not None else None
    children = [
        child for child in spans if child.parent is not None and child.parent.span_id == own_id
    ]
    for child in sorted(children, key=_started):
        _print_span(child, spans, depth=depth + 1)
