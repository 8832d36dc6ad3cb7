"""Generated SDKs making real calls against the loopback server, sync and async."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pytest

import sdkcore

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType

    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

PET = {"id": "p1", "name": "Rex", "createdAt": "2024-01-02T03:04:05Z", "kind": "dog", "tag": None}


def test_a_json_call_sends_the_body_and_the_key_and_returns_the_model(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("POST", "/v1/adoptions", json=PET)
    with basic.Basic(api_key="sk-test", base_url=server.url_for("/v1")) as client:
        pet = client.adoptions.create(name="Rex")
    assert type(pet).__name__ == "Pet"
    assert (pet.id, pet.kind, pet.tag) == ("p1", "dog", None)
    assert pet.created_at == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    sent = server.requests[-1]
    assert sent.json() == {"name": "Rex"}
    assert sent.headers["authorization"] == "Bearer sk-test"


async def test_a_json_call_sends_the_body_and_the_key_and_returns_the_model_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("POST", "/v1/adoptions", json=PET)
    async with basic.AsyncBasic(api_key="sk-test", base_url=server.url_for("/v1")) as client:
        pet = await client.adoptions.create(name="Rex", tag="good")
    assert type(pet).__name__ == "Pet"
    assert pet.name == "Rex"
    assert server.requests[-1].json() == {"name": "Rex", "tag": "good"}


def test_the_key_and_base_url_come_from_the_environment(
    server: LoopbackServer, sdk: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    basic = sdk("basic.yaml")
    monkeypatch.setenv("BASIC_API_KEY", "from-env")
    monkeypatch.setenv("BASIC_BASE_URL", server.url_for("/v1"))
    server.route("POST", "/v1/adoptions", json=PET)
    with basic.Basic() as client:
        client.adoptions.create(name="Rex")
    assert server.requests[-1].headers["authorization"] == "Bearer from-env"


def test_a_client_without_a_key_is_refused_by_name(
    sdk: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch
) -> None:
    basic = sdk("basic.yaml")
    monkeypatch.delenv("BASIC_API_KEY", raising=False)
    with pytest.raises(basic.BasicError, match="BASIC_API_KEY"):
        basic.Basic()


def test_the_document_server_is_the_default_base_url(sdk: Callable[[str], ModuleType]) -> None:
    basic = sdk("basic.yaml")
    with basic.Basic(api_key="k") as client:
        assert str(client.base_url) == "https://pets.example.com/v1/"


def test_an_api_key_header_scheme_sends_the_key_in_that_header(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    library = sdk("split")
    server.route("GET", "/books", json=[{"id": "b1", "title": "Dune", "author": {"name": "Frank"}}])
    with library.Split(api_key="lib-key", base_url=server.url) as client:
        books = client.books.list(limit=5)
    assert [book.title for book in books] == ["Dune"]
    assert books[0].author.name == "Frank"
    sent = server.requests[-1]
    assert sent.headers["x-library-key"] == "lib-key"
    assert sent.query == {"limit": "5"}


def test_fixed_query_of_the_path_key_and_declared_query_are_sent(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    bare = sdk("notags.yaml")
    server.route("GET", "/search", json=["a", "b"])
    with bare.Notags(base_url=server.url) as client:
        found = client.search.list(q="dogs", extra_query={"page": 2})
    assert found == ["a", "b"]
    assert server.requests[-1].query_items == [("mode", "fast"), ("q", "dogs"), ("page", "2")]


def test_a_discriminated_union_answer_parses_into_its_member(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    zoo = sdk("unions.yaml")
    server.route("GET", "/animal", json={"type": "dog", "good": True})
    with zoo.Unions(base_url=server.url) as client:
        animal = client.animal.retrieve()
    assert type(animal).__name__ == "Dog"
    assert animal.good is True


async def test_a_discriminated_union_answer_parses_into_its_member_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    zoo = sdk("unions.yaml")
    server.route("GET", "/animal", json={"type": "cat", "lives": 9})
    async with zoo.AsyncUnions(base_url=server.url) as client:
        animal = await client.animal.retrieve()
    assert type(animal).__name__ == "Cat"
    assert animal.lives == 9


def test_stream_true_returns_a_typed_stream_and_asks_for_event_stream(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    chat = sdk("sse.yaml")
    server.route(
        "POST",
        "/v1/chat/completions",
        sse=[{"data": {"delta": "Hel"}}, {"data": {"delta": "lo"}}, {"data": "[DONE]"}],
    )
    with chat.Sse(base_url=server.url_for("/v1")) as client:
        stream = client.chat.completions.create(prompt="hi", stream=True)
        assert isinstance(stream, sdkcore.Stream)
        chunks = [chunk.delta for chunk in stream]
    assert chunks == ["Hel", "lo"]
    sent = server.requests[-1]
    assert sent.headers["accept"] == "text/event-stream"
    assert sent.json() == {"prompt": "hi", "stream": True}


async def test_stream_true_returns_a_typed_stream_and_asks_for_event_stream_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    chat = sdk("sse.yaml")
    server.route("POST", "/v1/chat/completions", sse=[{"data": {"delta": "a"}}, {"data": "[DONE]"}])
    async with chat.AsyncSse(base_url=server.url_for("/v1")) as client:
        stream = await client.chat.completions.create(prompt="hi", stream=True)
        assert isinstance(stream, sdkcore.AsyncStream)
        chunks = [chunk.delta async for chunk in stream]
    assert chunks == ["a"]


def test_without_stream_the_same_method_returns_the_model(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    chat = sdk("sse.yaml")
    server.route("POST", "/v1/chat/completions", json={"id": "c1", "text": "Hello"})
    with chat.Sse(base_url=server.url_for("/v1")) as client:
        completion = client.chat.completions.create(prompt="hi")
    assert (type(completion).__name__, completion.text) == ("Completion", "Hello")
    assert server.requests[-1].headers["accept"] == "application/json"
    assert server.requests[-1].json() == {"prompt": "hi"}


def test_an_event_stream_only_answer_is_always_a_stream_of_the_tagged_union(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    chat = sdk("sse.yaml")
    events = [{"data": {"type": "token", "text": "x"}}, {"data": {"type": "done"}}]
    server.route("GET", "/v1/events", sse=events)
    with (
        chat.Sse(base_url=server.url_for("/v1")) as client,
        client.events.retrieve(topic="t") as stream,
    ):
        received = [type(event).__name__ for event in stream]
    assert received == ["EventToken", "EventDone"]
    assert server.requests[-1].headers["accept"] == "text/event-stream"
    assert server.requests[-1].query == {"topic": "t"}


def test_a_binary_answer_is_binary_content_and_asks_for_its_media_type(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    media = sdk("binary.yaml")
    server.route("POST", "/speech", body=b"RIFF....", content_type="audio/wav")
    with media.Binary(base_url=server.url) as client:
        audio = client.speech.create(text="hello")
    assert isinstance(audio, sdkcore.HttpxBinaryResponseContent)
    assert audio.content == b"RIFF...."
    assert server.requests[-1].headers["accept"] == "audio/*"


def test_a_binary_answer_streams_to_a_file_through_the_streaming_view(
    server: LoopbackServer, sdk: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    media = sdk("binary.yaml")
    server.route("POST", "/speech", body=b"x" * 100_000, content_type="audio/wav")
    target = tmp_path / "speech.wav"
    with media.Binary(base_url=server.url) as client:
        with client.speech.with_streaming_response.create(text="hello") as response:
            assert isinstance(response, sdkcore.StreamedBinaryAPIResponse)
            response.stream_to_file(target)
        raw = client.speech.with_raw_response.create(text="hello")
    assert target.read_bytes() == b"x" * 100_000
    assert isinstance(raw, sdkcore.BinaryAPIResponse)
    assert raw.parse() == b"x" * 100_000


async def test_a_binary_answer_streams_to_a_file_through_the_streaming_view_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    media = sdk("binary.yaml")
    server.route("POST", "/speech", body=b"y" * 1000, content_type="audio/wav")
    target = tmp_path / "speech.wav"
    async with (
        media.AsyncBinary(base_url=server.url) as client,
        client.speech.with_streaming_response.create(text="hello") as response,
    ):
        assert isinstance(response, sdkcore.AsyncStreamedBinaryAPIResponse)
        await response.stream_to_file(target)
    assert target.read_bytes() == b"y" * 1000


def test_a_text_answer_is_a_string(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    media = sdk("binary.yaml")
    server.route("GET", "/report", text="a,b\n1,2\n", content_type="text/csv")
    with media.Binary(base_url=server.url) as client:
        assert client.report.retrieve() == "a,b\n1,2\n"
    assert server.requests[-1].headers["accept"] == "text/csv"


def test_the_raw_view_returns_the_response_whose_parse_is_the_model(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("POST", "/v1/adoptions", json=PET, headers={"x-request-id": "req-1"})
    with basic.Basic(api_key="k", base_url=server.url_for("/v1")) as client:
        response = client.adoptions.with_raw_response.create(name="Rex")
        assert isinstance(response, sdkcore.APIResponse)
        assert response.request_id == "req-1"
        assert response.parse().name == "Rex"


async def test_the_streaming_view_defers_the_body_until_asked_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("POST", "/v1/adoptions", json=PET)
    async with (
        basic.AsyncBasic(api_key="k", base_url=server.url_for("/v1")) as client,
        client.adoptions.with_streaming_response.create(name="Rex") as response,
    ):
        assert isinstance(response, sdkcore.AsyncAPIResponse)
        pet = await response.parse()
    assert pet.id == "p1"


def test_a_status_error_is_the_package_s_error_class(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("POST", "/v1/adoptions", status=404, json={"error": {"message": "no such pet"}})
    with (
        basic.Basic(api_key="k", base_url=server.url_for("/v1")) as client,
        pytest.raises(basic.NotFoundError),
    ):
        client.adoptions.create(name="Rex")


def test_a_list_query_parameter_repeats_its_name(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    reserved = sdk("reserved.yaml")
    server.route("GET", "/request/a%2Fb/type", json=["t"])
    with reserved.Reserved(base_url=server.url) as client:
        assert client.request_.type.list("a/b", list=["x", "y"]) == ["t"]
    assert server.requests[-1].query_items == [("list", "x"), ("list", "y")]


def test_path_parameters_are_one_escaped_segment(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("GET", "/v1/pets/a%2F..%3Fb", json=PET)
    with basic.Basic(api_key="k", base_url=server.url_for("/v1")) as client:
        assert client.pets.retrieve("a/..?b").id == "p1"
    assert server.requests[-1].path == "/v1/pets/a%2F..%3Fb"


def test_a_body_with_renamed_keys_goes_out_under_its_wire_names(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    reserved = sdk("reserved.yaml")
    answer = {"class": "c", "from": "f", "json": "j", "camelCase": "x", "camel_case": "y"}
    server.route("POST", "/request/in%201", json=answer)
    with reserved.Reserved(base_url=server.url) as client:
        item = client.request_.update(
            "in 1",
            class_="c",
            from_="f",
            json="j",
            camel_case="x",
            camel_case_="y",
            datetime_=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC),
            timeout_=1.5,
            self_="me",
            extra_headers_="h",
        )
    assert (item.class_, item.from_, item.json_, item.camel_case, item.camel_case_) == (
        "c",
        "f",
        "j",
        "x",
        "y",
    )
    sent = server.requests[-1]
    assert sent.json() == {
        "class": "c",
        "from": "f",
        "json": "j",
        "camelCase": "x",
        "camel_case": "y",
        "datetime": "2024-05-06T07:08:09+00:00",
    }
    assert sent.query == {"timeout": "1.5", "self": "me"}
    assert sent.headers["extra_headers"] == "h"


async def test_a_body_with_renamed_keys_goes_out_under_its_wire_names_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    reserved = sdk("reserved.yaml")
    server.route("POST", "/request/x", json={"class": "c", "from": "f"})
    async with reserved.AsyncReserved(base_url=server.url) as client:
        item = await client.request_.update("x", class_="c", from_="f", model_config="m")
    assert item.model_config_ is None
    assert server.requests[-1].json() == {"class": "c", "from": "f", "model_config": "m"}


def test_a_multipart_body_sends_file_parts_and_form_fields(
    server: LoopbackServer, sdk: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    uploads = sdk("multipart.yaml")
    server.route("POST", "/uploads", json={"id": "u1", "bytes": 5})
    extra = tmp_path / "notes.txt"
    extra.write_bytes(b"notes")
    with uploads.Multipart(base_url=server.url) as client:
        upload = client.uploads.create(
            file=("data.jsonl", b"{}\n{}\n", "application/jsonl"),
            purpose="batch",
            extras=[extra, ("more.bin", b"\x00\x01")],
            meta={"owner": "me"},
        )
    assert (type(upload).__name__, upload.id) == ("Upload", "u1")
    form = server.requests[-1].form()
    assert form.fields == {"purpose": ["batch"], "meta[owner]": ["me"]}
    [file] = form.files["file"]
    assert (file.filename, file.content_type, file.data) == (
        "data.jsonl",
        "application/jsonl",
        b"{}\n{}\n",
    )
    assert [(part.filename, part.data) for part in form.files["extras"]] == [
        ("notes.txt", b"notes"),
        ("more.bin", b"\x00\x01"),
    ]


async def test_a_multipart_body_sends_file_parts_and_form_fields_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    uploads = sdk("multipart.yaml")
    server.route("POST", "/uploads", json={"id": "u2", "bytes": 3})
    async with uploads.AsyncMultipart(base_url=server.url) as client:
        upload = await client.uploads.create(file=("a.txt", b"abc"), purpose="assistants")
    assert upload.bytes == 3
    form = server.requests[-1].form()
    assert form.fields == {"purpose": ["assistants"]}
    assert form.files["file"][0].data == b"abc"


def test_an_api_key_query_scheme_sends_the_key_with_every_call(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    notes = sdk("openapi31.yaml")
    note = {"id": 7, "kind": "note", "body": None, "archived_at": None}
    server.route("GET", "/notes/7", json=note)
    with notes.Openapi31(api_key="q-key", base_url=server.url) as client:
        found = client.notes.retrieve(7)
    assert (found.id, found.kind, found.body) == (7, "note", None)
    assert server.requests[-1].query == {"api_key": "q-key"}


def test_with_options_copies_the_client_with_its_own_arguments(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    basic = sdk("basic.yaml")
    server.route("POST", "/v1/adoptions", json=PET)
    with basic.Basic(
        api_key="first", base_url=server.url_for("/v1"), default_query={"team": "a"}
    ) as client:
        other = client.with_options(api_key="second", max_retries=0)
        assert type(other) is basic.Basic
        other.adoptions.create(name="Rex")
        client.adoptions.create(name="Rex")
    sent = server.requests
    assert [request.headers["authorization"] for request in sent] == [
        "Bearer second",
        "Bearer first",
    ]
    assert [request.query for request in sent] == [{"team": "a"}, {"team": "a"}]
    assert sent[0].headers["user-agent"].startswith("basic-python/0.1.0 sdkcore/")


def test_a_json_lines_answer_is_decoded_one_typed_row_at_a_time(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    media = sdk("binary.yaml")
    server.route(
        "GET", "/export", body=b'{"n": 1}\n{"n": 2}\n', content_type="application/x-ndjson"
    )
    with media.Binary(base_url=server.url) as client, client.export.retrieve() as rows:
        assert isinstance(rows, sdkcore.JSONLDecoder)
        assert [(type(row).__name__, row.n) for row in rows] == [
            ("ExportRetrieveLine", 1),
            ("ExportRetrieveLine", 2),
        ]
    assert server.requests[-1].headers["accept"] == "application/x-ndjson"


async def test_a_json_lines_answer_is_decoded_one_typed_row_at_a_time_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    media = sdk("binary.yaml")
    server.route("GET", "/export", body=b'{"n": 3}\n', content_type="application/x-ndjson")
    async with media.AsyncBinary(base_url=server.url) as client:
        rows = await client.export.retrieve()
        assert isinstance(rows, sdkcore.AsyncJSONLDecoder)
        assert [row.n async for row in rows] == [3]


def test_a_head_operation_goes_through_the_client_s_request(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    bare = sdk("notags.yaml")
    server.route("HEAD", "/items", status=200)
    with bare.Notags(base_url=server.url) as client:
        assert client.items.head(if_none_match='"v1"') is None
    sent = server.requests[-1]
    assert (sent.method, sent.headers["if-none-match"]) == ("HEAD", '"v1"')


async def test_a_head_operation_goes_through_the_client_s_request_async(
    server: LoopbackServer, sdk: Callable[[str], ModuleType]
) -> None:
    bare = sdk("notags.yaml")
    server.route("HEAD", "/items", status=200)
    async with bare.AsyncNotags(base_url=server.url) as client:
        assert await client.items.head() is None
    assert server.requests[-1].method == "HEAD"
