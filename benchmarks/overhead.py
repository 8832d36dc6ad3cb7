"""Scenario 8: what hooks and tracing cost per request (2,000 sequential 2 KB requests).

Variants, each in a fresh process because a tracer provider (or a missing
package) is process-wide: sdkcore as it is; with ``hooks=Hooks(on_request=...,
on_response=..., on_retry=...)`` (contract section 8; the request hook adds a
header, as signing does); with OpenTelemetry's SDK configured (a
``TracerProvider`` with a ``BatchSpanProcessor`` into an exporter that drops the
spans); and with ``opentelemetry`` made unimportable, as if the extra were not
installed. Each child warms up, then times ``client.get(path, cast_to=Completion)``
``REPEATS`` times and reports the median.
A variant whose feature sdkcore lacks is left out; tracing counts as present
when a configured provider receives spans from a request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import sdkcore
from benchmarks._children import interleave_children, run_child
from benchmarks._harness import (
    SDKCORE,
    Row,
    Settings,
    accepts,
    guarded,
    medians,
    missing_feature,
)

NAME = "overhead"
HOOKS = "sdkcore + Hooks"
OTEL = "sdkcore + OTel SDK"
NO_OTEL = "sdkcore, OTel not installed"
PATH = "/json/small"
_MODULE = "benchmarks.overhead"
#: Timed loops per child process, of which the median is kept.
REPEATS = 3
#: The variants each row compares with plain sdkcore.
SHOWN = {HOOKS: (HOOKS,), OTEL: (OTEL, NO_OTEL)}


def run(settings: Settings) -> list[Row]:
    """Two rows, hooks and tracing, each skipped until its feature exists."""
    requests = 400 if settings.quick else 2_000
    titles = {
        HOOKS: f"8 hooks, cost per request ({requests:,} x 2 KB)",
        OTEL: f"8 tracing, cost per request ({requests:,} x 2 KB)",
    }
    waiting = {HOOKS: _hooks_missing(), OTEL: _tracing_missing(settings.base_url)}
    variants = [SDKCORE]
    if not waiting[HOOKS]:
        variants.append(HOOKS)
    if not waiting[OTEL]:
        variants += [OTEL, NO_OTEL]
    if len(variants) == 1:
        return [Row(titles[key], skipped=waiting[key]) for key in titles]
    measured = guarded(titles[HOOKS], lambda: [_measure(settings, requests, variants)])
    if measured[0].skipped:  # it failed: say so on both rows
        return [Row(title, skipped=measured[0].skipped) for title in titles.values()]
    mid = measured[0].times
    return [
        Row(title, skipped=waiting[key]) if waiting[key] else _cost_row(title, mid, key, requests)
        for key, title in titles.items()
    ]


def _hooks_missing() -> str | None:
    waiting = missing_feature("Hooks")
    if waiting is None and not accepts(sdkcore.SyncAPIClient.__init__, "hooks"):
        waiting = "skipped: waiting on hooks= on the clients"
    return waiting


def _tracing_missing(base_url: str) -> str | None:
    if run_child(_MODULE, ["probe", base_url, "1"])["spans"] > 0:
        return None
    return "skipped: waiting on tracing (a configured provider received no span)"


def _measure(settings: Settings, requests: int, variants: list[str]) -> Row:
    def one(name: str) -> dict[str, Any]:
        prelude = _BLOCK_OTEL if name == NO_OTEL else ""
        return run_child(_MODULE, [name, settings.base_url, str(requests)], prelude=prelude)

    results = interleave_children(variants, settings.rounds, one)
    return Row(
        "overhead", medians({name: [x["seconds"] for x in runs] for name, runs in results.items()})
    )


def _cost_row(title: str, mid: dict[str, float], key: str, requests: int) -> Row:
    shown = SHOWN[key]
    row = Row(title, {name: mid[name] for name in (SDKCORE, *shown)})
    base = mid[SDKCORE] / requests * 1e6
    costs = []
    for name in shown:
        per = mid[name] / requests * 1e6
        costs.append(f"{name} {per:.1f} ({per - base:+.1f})")
    row.notes.append(f"us per request: {SDKCORE} {base:.1f}; " + "; ".join(costs))
    return row


# -- the child process ----------------------------------------------------------


#: Run before anything is imported: as if the extra were not installed (``import
#: opentelemetry`` fails and ``importlib.util.find_spec`` finds nothing).
_BLOCK_OTEL = "import sys\nsys.modules['opentelemetry'] = None"


def _client(name: str, base_url: str) -> Any:
    if name in (OTEL, "probe"):
        _configure_otel(probe=name == "probe")
    if name == HOOKS:
        hooks = sdkcore.Hooks(  # type: ignore[attr-defined]
            on_request=lambda request, attempt: request.headers.__setitem__("x-sig", "bench"),
            on_response=lambda response, attempt: response.status_code,
            on_retry=lambda response, attempt: None,
        )
        return sdkcore.SyncAPIClient(base_url, max_retries=0, hooks=hooks)  # type: ignore[call-arg]
    return sdkcore.SyncAPIClient(base_url, max_retries=0)


_SPANS: list[Any] = []


def _configure_otel(*, probe: bool) -> None:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import (
        BatchSpanProcessor,
        SimpleSpanProcessor,
        SpanExporter,
        SpanExportResult,
    )

    class Dropping(SpanExporter):
        def export(self, spans: Any) -> SpanExportResult:
            if probe:
                _SPANS.extend(spans)
            return SpanExportResult.SUCCESS

    provider = TracerProvider()
    processor = SimpleSpanProcessor if probe else BatchSpanProcessor
    provider.add_span_processor(processor(Dropping()))
    trace.set_tracer_provider(provider)


def child_main(name: str, base_url: str, requests: int) -> None:
    """Time ``requests`` requests after a warm-up; print ``{"seconds"}`` (or the spans) as JSON."""
    from benchmarks import _schemas

    client = _client(name, base_url)
    model = _schemas.SDKCORE.Completion
    with client:
        if name == "probe":
            client.get(PATH, cast_to=model)
            print(json.dumps({"spans": len(_SPANS)}))
            return
        for _ in range(200):
            client.get(PATH, cast_to=model)
        runs = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            for _ in range(requests):
                if client.get(PATH, cast_to=model).usage.total_tokens != 1690:
                    raise RuntimeError("unexpected completion")
            runs.append(time.perf_counter() - start)
        print(json.dumps({"seconds": statistics.median(runs)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", nargs=3, metavar=("NAME", "URL", "REQUESTS"), required=True)
    args = parser.parse_args()
    name, base_url, requests = args.child
    child_main(name, base_url, int(requests))


if __name__ == "__main__":
    main()
