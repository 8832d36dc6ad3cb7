"""Scenario 6: iterate every item of a cursor-paginated list, 100 pages of 100 items.

sdkcore: ``client.get_api_list(path, model=FileObject, page=sdkcore.SyncCursorPage[FileObject])``
then ``for item in page`` (contract section 6); openai: its runtime's
``get_api_list`` with ``openai.pagination.SyncCursorPage``; httpx2 (no SDK): a
loop of ``Client.get(path, params={"after": last_id})`` and ``model_validate_json``
on a plain page model while ``has_more``. Until sdkcore has ``SyncCursorPage``
and ``get_api_list``, the row is skipped with a note.
"""

from __future__ import annotations

from typing import Any

import httpx2
import openai
from openai.pagination import SyncCursorPage as OpenAICursorPage

import sdkcore
from benchmarks import _schemas
from benchmarks._harness import (
    OPENAI,
    PLAIN,
    SDKCORE,
    Row,
    Settings,
    guarded,
    interleave,
    make_row,
    missing_feature,
)

NAME = "pagination"
LIMIT = 100


def run(settings: Settings) -> list[Row]:
    """One row; skipped while sdkcore has no cursor pages."""
    pages = 20 if settings.quick else 100
    title = f"6 cursor pages, {pages} x {LIMIT} items"
    waiting = missing_feature("SyncCursorPage")
    if waiting is None and not hasattr(sdkcore.SyncAPIClient, "get_api_list"):
        waiting = "skipped: waiting on SyncAPIClient.get_api_list"
    if waiting:
        return [Row(title, skipped=waiting)]
    return guarded(title, lambda: [_measure(settings, title, pages * LIMIT)])


def _measure(settings: Settings, title: str, total: int) -> Row:
    path = f"/list/{total}"
    ours = sdkcore.SyncAPIClient(settings.base_url, max_retries=0)
    theirs = openai.OpenAI(base_url=settings.base_url, api_key="x", max_retries=0)
    plain = httpx2.Client(base_url=settings.base_url)
    ours_item, theirs_item = _schemas.SDKCORE.FileObject, _schemas.OPENAI.FileObject
    ours_page = sdkcore.SyncCursorPage[ours_item]  # type: ignore[attr-defined,valid-type]
    theirs_page = OpenAICursorPage[theirs_item]  # type: ignore[valid-type]
    plain_page = _schemas.PLAIN.FilePage

    def with_sdkcore() -> None:
        first = ours.get_api_list(path, model=ours_item, page=ours_page)  # type: ignore[attr-defined]
        _check(list(first), total)

    def with_openai() -> None:
        _check(list(theirs.get_api_list(path, model=theirs_item, page=theirs_page)), total)

    def with_httpx2() -> None:
        items: list[Any] = []
        params: dict[str, str] = {}
        while True:
            page = plain_page.model_validate_json(plain.get(path, params=params).content)
            items += page.data
            if not page.has_more or not page.data:
                break
            params = {"after": page.data[-1].id}
        _check(items, total)

    try:
        times = interleave(
            {SDKCORE: with_sdkcore, OPENAI: with_openai, PLAIN: with_httpx2}, settings.rounds
        )
    finally:
        ours.close()
        theirs.close()
        plain.close()
    row = make_row(title, times)
    row.notes.append(
        "us per item: "
        + ", ".join(f"{name} {t / total * 1e6:.2f}" for name, t in row.times.items())
    )
    return row


def _check(items: list[Any], total: int) -> None:
    if len(items) != total or items[-1].id != f"file-{total - 1:024d}":
        raise RuntimeError(f"expected {total} items ending with the last, got {len(items)}")
