"""The MiniLLM example SDK's listings, uploads and usage query, against its embedded server:
cursor pages (``files.list``), ``Link``-header pages (``files.events``), multipart uploads
parsed by the server (``files.create``), and camelCase ISO-dated queries (``usage``)."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

import pytest
from examples.minillm import AsyncMiniLLM, MiniLLM, MiniLLMServer
from examples.minillm.sdk.types import FileEvent, FileObject, UsageReport

from sdkcore import (
    AsyncCursorPage,
    AsyncLinkPage,
    BadRequestError,
    NotFoundError,
    SyncCursorPage,
    SyncLinkPage,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SAMPLE_ID = "file-minillm-sample"
STARTING_FILES = 13  # the sample and twelve small ones


@pytest.fixture
def server() -> Iterator[MiniLLMServer]:
    with MiniLLMServer(bandwidth=None, first_token_delay=0.0, token_delay=(0.0, 0.0)) as running:
        yield running


@pytest.fixture
def client(server: MiniLLMServer) -> Iterator[MiniLLM]:
    with MiniLLM(api_key="sk-test", base_url=server.base_url) as sync_client:
        yield sync_client


def listing_queries(server: MiniLLMServer, path: str) -> list[dict[str, str]]:
    return [request.query for request in server.requests if request.path == path]


# -- cursor pages ------------------------------------------------------------------------


def test_files_list_walks_every_cursor_page_with_limit_and_after(
    server: MiniLLMServer, client: MiniLLM
) -> None:
    first = client.files.list(limit=5)

    assert isinstance(first, SyncCursorPage)
    assert len(first.data) == 5
    assert first.has_more is True
    pages = list(first.iter_pages())
    assert [len(page.data) for page in pages] == [5, 5, 3]
    ids = [stored.id for stored in first]
    assert len(ids) == len(set(ids)) == STARTING_FILES
    assert all(isinstance(stored, FileObject) for page in pages for stored in page.data)
    queries = listing_queries(server, "/v1/files")
    assert queries[1] == {"limit": "5", "after": pages[0].data[-1].id}
    assert pages[-1].has_more is False


@pytest.mark.anyio
async def test_files_list_walks_every_cursor_page_with_limit_and_after_async(
    server: MiniLLMServer,
) -> None:
    async with AsyncMiniLLM(api_key="sk-test", base_url=server.base_url) as client:
        first = await client.files.list(limit=5)
        assert isinstance(first, AsyncCursorPage)
        sizes = [len(page.data) async for page in first.iter_pages()]
        ids = [stored.id async for stored in client.files.list(limit=5)]
    assert sizes == [5, 5, 3]
    assert len(ids) == len(set(ids)) == STARTING_FILES
    assert listing_queries(server, "/v1/files")[1]["after"] == first.data[-1].id


def test_files_list_raw_response_parses_to_a_page_that_goes_on(client: MiniLLM) -> None:
    raw = client.files.with_raw_response.list(limit=6, purpose="batch")
    assert raw.status_code == 200
    page = raw.parse()
    assert isinstance(page, SyncCursorPage)
    batch = list(page)
    assert len(batch) == 8
    assert {stored.purpose for stored in batch} == {"batch"}
    with client.files.with_streaming_response.list(limit=2, order="asc") as streamed:
        oldest = streamed.parse()
    assert [stored.id for stored in oldest.data] == [SAMPLE_ID, "file-minillm-0001"]


def test_the_server_refuses_a_limit_out_of_range_naming_it(client: MiniLLM) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.files.list(limit=0)
    assert caught.value.param == "limit"


# -- Link pages --------------------------------------------------------------------------


def test_files_events_follow_the_link_header_across_pages(
    server: MiniLLMServer, client: MiniLLM
) -> None:
    for _ in range(4):
        client.files.content("file-minillm-0001")

    first = client.files.events("file-minillm-0001", per_page=2)

    assert isinstance(first, SyncLinkPage)
    assert 'rel="next"' in first.response.headers["link"]
    events = list(first)
    assert all(isinstance(event, FileEvent) for event in events)
    assert [event.type for event in events] == ["file.created"] + ["file.downloaded"] * 4
    assert [len(page.data) for page in first.iter_pages()] == [2, 2, 1]
    pages_asked = [
        q.get("page") for q in listing_queries(server, "/v1/files/file-minillm-0001/events")
    ]
    assert pages_asked[:3] == [None, "2", "3"]
    raw = client.files.with_raw_response.events("file-minillm-0001", per_page=2)
    assert len(list(raw.parse())) == 5
    with client.files.with_streaming_response.events("file-minillm-0001", per_page=4) as streamed:
        assert streamed.headers["link"].count("page=2") == 2  # rel="next" and rel="last"
        assert len(list(streamed.parse())) == 5


@pytest.mark.anyio
async def test_files_events_follow_the_link_header_across_pages_async(
    server: MiniLLMServer,
) -> None:
    async with AsyncMiniLLM(api_key="sk-test", base_url=server.base_url) as client:
        await client.files.content("file-minillm-0002")
        first = await client.files.events("file-minillm-0002", per_page=1)
        assert isinstance(first, AsyncLinkPage)
        events = [
            event.type async for event in client.files.events("file-minillm-0002", per_page=1)
        ]
    assert events == ["file.created", "file.downloaded"]


def test_events_of_an_unknown_file_raise_not_found(client: MiniLLM) -> None:
    with pytest.raises(NotFoundError, match="file-nope"):
        client.files.events("file-nope")


# -- uploads ---------------------------------------------------------------------------


def test_files_create_streams_the_path_as_multipart_and_the_server_stores_it(
    server: MiniLLMServer, client: MiniLLM, tmp_path: Path
) -> None:
    path = tmp_path / "prompts.jsonl"
    path.write_bytes(b'{"prompt": "hi"}\n' * 40_000)
    reports: list[tuple[int, int | None]] = []

    stored = client.files.create(
        file=path, purpose="batch", upload_progress=lambda *r: reports.append(r)
    )

    assert isinstance(stored, FileObject)
    assert (stored.filename, stored.bytes, stored.purpose) == (
        "prompts.jsonl",
        path.stat().st_size,
        "batch",
    )
    request = server.requests[-1]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    form = request.form()
    assert form.fields["purpose"] == ["batch"]
    assert form.files["file"][0].filename == "prompts.jsonl"
    kept = server.store.get(stored.id)
    assert kept.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(reports) > 2
    assert reports[-1] == (request.body_size, request.body_size)
    assert client.files.retrieve(stored.id).bytes == stored.bytes
    assert client.files.content(stored.id).content == path.read_bytes()


@pytest.mark.anyio
async def test_files_create_streams_the_path_as_multipart_and_the_server_stores_it_async(
    server: MiniLLMServer, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"notes\n" * 10_000)
    async with AsyncMiniLLM(api_key="sk-test", base_url=server.base_url) as client:
        stored = await client.files.create(file=path, purpose="user_data")
        listed = [stored.id async for stored in client.files.list(limit=100)]
    assert server.store.get(stored.id).data == path.read_bytes()
    assert listed[0] == stored.id  # newest first


def test_an_upload_answered_429_is_resent_whole(tmp_path: Path) -> None:
    path = tmp_path / "retry.jsonl"
    path.write_bytes(bytes(range(256)) * 1000)
    with (
        MiniLLMServer(faults=True, bandwidth=None) as server,
        MiniLLM(api_key="sk-test", base_url=server.base_url) as client,
    ):
        raw = client.files.with_raw_response.create(file=path, purpose="batch")
        stored = raw.parse()
        assert raw.retries_taken == 1
        assert server.store.get(stored.id).data == path.read_bytes()


def test_the_server_refuses_an_upload_without_a_purpose(
    server: MiniLLMServer, client: MiniLLM
) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.post("/files", cast_to=FileObject, body={}, files={"file": b"data"})
    assert caught.value.param == "purpose"


# -- the usage query -------------------------------------------------------------------


def test_usage_sends_camel_case_names_and_iso_dates(server: MiniLLMServer, client: MiniLLM) -> None:
    client.chat.completions.create(model="minillm-1", messages=[{"role": "user", "content": "a b"}])
    today = datetime.datetime.now(datetime.UTC).date()
    start = today - datetime.timedelta(days=2)

    report = client.usage.retrieve(start_date=start, end_date=today, group_by=["model"])

    assert server.requests[-1].query_items == [
        ("startDate", start.isoformat()),
        ("endDate", today.isoformat()),
        ("groupBy", "model"),
    ]
    assert isinstance(report, UsageReport)
    assert (report.start_date, report.end_date) == (start, today)
    assert [bucket.date for bucket in report.data] == [
        start,
        start + datetime.timedelta(days=1),
        today,
    ]
    last = report.data[-1]
    assert (last.model, last.requests, last.input_tokens) == ("minillm-1", 1, 2)


@pytest.mark.anyio
async def test_usage_sends_camel_case_names_and_iso_dates_async(server: MiniLLMServer) -> None:
    async with AsyncMiniLLM(api_key="sk-test", base_url=server.base_url) as client:
        raw = await client.usage.with_raw_response.retrieve(
            start_date=datetime.date(2024, 6, 1), end_date=datetime.date(2024, 6, 3)
        )
        report = await raw.parse()
    assert raw.http_request.url.query == b"startDate=2024-06-01&endDate=2024-06-03"
    assert [bucket.requests for bucket in report.data] == [0, 0, 0]


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"start_date": "2024-06-01"}, "start_date"),
        ({"startDate": "06/01/2024"}, "startDate"),
        ({"startDate": "2024-06-05", "endDate": "2024-06-01"}, "endDate"),
        ({"startDate": "2024-06-01", "endDate": "2024-06-02", "groupBy": "day"}, "groupBy"),
    ],
)
def test_the_usage_endpoint_checks_the_wire_names_and_dates(
    client: MiniLLM, query: dict[str, str], param: str
) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.get("/usage", cast_to=UsageReport, options={"params": query})
    assert caught.value.param == param
