"""Scenario 4: sequential small requests through the raw-response wrapper, and one 5 MB list.

sdkcore: ``to_raw_response_wrapper(resource.retrieve)()`` then ``.parse()``;
openai: ``openai._legacy_response.to_raw_response_wrapper`` (what
``client.<resource>.with_raw_response`` uses) around the generic ``OpenAI.get``,
then ``.parse()``; httpx2 (no SDK): ``Client.get`` and ``model_validate_json``.
The 5 MB body is a JSON list parsed into ``list[FileObject]`` by each side.
"""

from __future__ import annotations

from typing import Any

import httpx2
import openai
import pydantic
from openai import _legacy_response
from openai._base_client import make_request_options as openai_request_options

import sdkcore
from benchmarks import _schemas
from benchmarks._harness import OPENAI, PLAIN, SDKCORE, Row, Settings, interleave, make_row

NAME = "raw-requests"
SMALL = "/json/small"
BIG = "/json/big"


class Completions(sdkcore.SyncAPIResource):
    """The smallest SDK resource: one method that accepts ``extra_headers``."""

    def retrieve(self, *, extra_headers: dict[str, str] | None = None) -> Any:
        options = sdkcore.make_request_options(extra_headers=extra_headers)
        return self._get(SMALL, cast_to=_schemas.SDKCORE.Completion, options=options)


def run(settings: Settings) -> list[Row]:
    """Two rows: the small requests, and the 5 MB list."""
    requests = 400 if settings.quick else 2_000
    ours = sdkcore.SyncAPIClient(settings.base_url, max_retries=0)
    theirs = openai.OpenAI(base_url=settings.base_url, api_key="x", max_retries=0)
    plain = httpx2.Client(base_url=settings.base_url)
    try:
        small = _time_small(ours, theirs, plain, requests, settings.rounds)
        big = _time_big(ours, theirs, plain, settings.rounds)
    finally:
        ours.close()
        theirs.close()
        plain.close()
    return [
        # "Within 10% of plain httpx2 + pydantic": sdkcore time <= 1.1 x plain time.
        make_row(
            f"4 raw response + parse, {requests:,} x 2 KB",
            small,
            target_openai=2.2,
            target_peer=round(1 / 1.1, 2),
        ),
        # 7.85x and 0.99x: RESULTS.md before this run.
        make_row("4 5 MB JSON list -> list[Model]", big, target_openai=7.85, target_peer=0.99),
    ]


def _time_small(
    ours: sdkcore.SyncAPIClient,
    theirs: openai.OpenAI,
    plain: httpx2.Client,
    requests: int,
    rounds: int,
) -> dict[str, list[float]]:
    raw_ours = sdkcore.to_raw_response_wrapper(Completions(ours).retrieve)

    def retrieve_openai(*, extra_headers: dict[str, str] | None = None) -> Any:
        options = openai_request_options(extra_headers=extra_headers)
        return theirs.get(SMALL, cast_to=_schemas.OPENAI.Completion, options=options)

    raw_theirs = _legacy_response.to_raw_response_wrapper(retrieve_openai)
    plain_model = _schemas.PLAIN.Completion

    def with_sdkcore() -> None:
        for _ in range(requests):
            response = raw_ours()
            _check(response.parse(), response.request_id)

    def with_openai() -> None:
        for _ in range(requests):
            response = raw_theirs()
            _check(response.parse(), response.request_id)

    def with_httpx2() -> None:
        for _ in range(requests):
            response = plain.get(SMALL)
            _check(plain_model.model_validate_json(response.content), "-")

    return interleave({SDKCORE: with_sdkcore, OPENAI: with_openai, PLAIN: with_httpx2}, rounds)


def _time_big(
    ours: sdkcore.SyncAPIClient, theirs: openai.OpenAI, plain: httpx2.Client, rounds: int
) -> dict[str, list[float]]:
    ours_type = list[_schemas.SDKCORE.FileObject]  # type: ignore[name-defined]
    theirs_type = list[_schemas.OPENAI.FileObject]  # type: ignore[name-defined]
    plain_adapter = pydantic.TypeAdapter(list[_schemas.PLAIN.FileObject])  # type: ignore[name-defined]

    def with_sdkcore() -> None:
        _check_list(ours.get(BIG, cast_to=ours_type))

    def with_openai() -> None:
        _check_list(theirs.get(BIG, cast_to=theirs_type))

    def with_httpx2() -> None:
        _check_list(plain_adapter.validate_json(plain.get(BIG).content))

    return interleave({SDKCORE: with_sdkcore, OPENAI: with_openai, PLAIN: with_httpx2}, rounds)


def _check(completion: Any, request_id: str | None) -> None:
    if completion.usage.total_tokens != 1690 or not request_id:
        raise RuntimeError(f"unexpected completion: {completion!r}")


def _check_list(items: Any) -> None:
    if len(items) < 10_000 or items[-1].owner.name != "Bench User":
        raise RuntimeError("unexpected file list")
