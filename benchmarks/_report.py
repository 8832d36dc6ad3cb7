"""The results as Markdown: the targets table, the per-event costs of the SSE rows, notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from benchmarks._harness import (
    AIOHTTP_FLOOR,
    EVENTSOURCE,
    FLOOR,
    FLOORS,
    HTTPX_SSE,
    OPENAI,
    SDKCORE,
    SDKCORE_AIOHTTP,
)

if TYPE_CHECKING:
    from benchmarks._harness import Row

#: The columns of the per-event table, in order.
PER_EVENT = (SDKCORE, SDKCORE_AIOHTTP, OPENAI, EVENTSOURCE, HTTPX_SSE, FLOOR, AIOHTTP_FLOOR)
_MET = {True: "yes", False: "**no**", None: "-"}


def seconds(value: float) -> str:
    """``value`` seconds, in ms below ten seconds."""
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _target(value: float | None) -> str:
    return "-" if value is None else f">= {value:g}x"


def _time(row: Row, name: str | None) -> str:
    if name is None or name not in row.times:
        return "-"
    return seconds(row.times[name])


def _named(row: Row, name: str | None) -> str:
    cell = _time(row, name)
    return cell if cell == "-" else f"{cell} ({name})"


def targets_table(rows: list[Row]) -> list[str]:
    """One line per row: times, ratios to openai and to the fastest peer, targets, met."""
    lines = [
        "| scenario | sdkcore | openai | fastest peer | floor | vs openai | target | met "
        "| vs fastest peer | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|:---:|",
    ]
    for row in rows:
        if row.skipped:
            lines.append(f"| {row.scenario} | {row.skipped} |" + " - |" * 9)
            continue
        cells = [
            row.scenario,
            _time(row, row.subject) + ("" if row.subject == SDKCORE else f" ({row.subject})"),
            _time(row, OPENAI),
            _named(row, row.peer),
            _named(row, row.floor()),
            _ratio(row.vs_openai),
            _target(row.target_openai),
            _MET[row.met_openai],
            _ratio(row.vs_peer),
            _target(row.target_peer),
            _MET[row.met_peer],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def per_event_table(rows: list[Row]) -> list[str]:
    """Microseconds per event of every contender of the SSE rows, and sdkcore above the floor."""
    measured = [row for row in rows if row.events and not row.skipped and row.subject == SDKCORE]
    if not measured:
        return []
    columns = [name for name in PER_EVENT if any(name in row.times for row in measured)]
    header = [f"{name} (floor)" if name in FLOORS else name for name in columns]
    lines = [
        "| scenario (us per event) | " + " | ".join(header) + " | sdkcore above floor |",
        "|---|" + "---:|" * (len(columns) + 1),
    ]
    for row in measured:
        assert row.events is not None
        per = {name: row.times[name] / row.events * 1e6 for name in row.times}
        cells = [f"{per[name]:.2f}" if name in per else "-" for name in columns]
        floor = row.floor()
        above = f"{per[SDKCORE] - per[floor]:.2f}" if floor else "-"
        lines.append(f"| {row.scenario} | " + " | ".join(cells) + f" | {above} |")
    return lines


def summary(rows: list[Row]) -> list[str]:
    """The sentences for RESULTS.md: sdkcore's cost per event against the floor."""
    out = []
    for row in rows:
        floor = row.floor()
        if not row.events or row.skipped or floor is None:
            continue
        ours = row.times[row.subject] / row.events * 1e6
        base = row.times[floor] / row.events * 1e6
        out.append(
            f"- {row.scenario}: {row.subject} costs {ours:.2f} us per event "
            f"against a floor of {base:.2f} us ({floor})."
        )
    return out


def report(rows: list[Row]) -> str:
    """Everything, in the order RESULTS.md shows it."""
    lines = targets_table(rows)
    per_event = per_event_table(rows)
    if per_event:
        lines += ["", *per_event, "", *summary(rows)]
    notes = [f"- {row.scenario}: {note}" for row in rows for note in row.notes]
    if notes:
        lines += ["", *notes]
    judged = [met for row in rows for met in (row.met_openai, row.met_peer) if met is not None]
    lines += ["", f"targets met: {sum(judged)} of {len(judged)}"]
    waiting = [row.scenario for row in rows if row.skipped]
    if waiting:
        lines.append("rows not measured: " + "; ".join(waiting))
    return "\n".join(lines)
