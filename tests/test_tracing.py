"""OpenTelemetry spans over the real loopback server: one span per call, a CLIENT span per
attempt, each attempt's ``traceparent`` on the wire, streams and downloads ending their span.

Every test gets its own ``TracerProvider`` with an ``InMemorySpanExporter`` and passes it to
the client (``tracer_provider=``): OpenTelemetry's global provider can be set only once per
process, so the in-process tests never touch it. The global rule (a provider set before the
client is made) and ``import sdkcore`` without opentelemetry run in subprocesses.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NoOpTracerProvider, SpanKind, StatusCode

from _sdk import Acme, AsyncAcme, Chunk, Thing
from sdkcore import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    Hooks,
    NotFoundError,
    make_request_options,
)
from sdkcore.testing import CutAfter, FailTimes, OnAttempts, Reply

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx2

    from sdkcore.testing import LoopbackServer, Request

pytestmark = pytest.mark.anyio

TEMPLATE = "/things/{thing_id}"
CANARY = "sk-canary-query-4b1d0e"
EVENTS = [{"data": {"text": "a"}}, {"data": {"text": "b"}}, {"data": {"text": "c"}}]
BODY = bytes(range(256)) * 400


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    """A provider of this test only, handed to the clients: the global one stays unset."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


def finished(exporter: InMemorySpanExporter) -> tuple[ReadableSpan, list[ReadableSpan]]:
    """The one call span and its attempt spans (in the order they started)."""
    spans = exporter.get_finished_spans()
    calls = [s for s in spans if s.kind is SpanKind.INTERNAL]
    assert len(calls) == 1, [s.name for s in spans]
    attempts = sorted((s for s in spans if s.kind is SpanKind.CLIENT), key=_start)
    assert len(attempts) + 1 == len(spans)
    return calls[0], attempts


def attributes_of(span: ReadableSpan) -> dict[str, object]:
    return dict(span.attributes or {})


def _start(span: ReadableSpan) -> int:
    assert span.start_time is not None
    return span.start_time


def traceparent_of(span: ReadableSpan) -> str:
    context = span.get_span_context()
    assert context is not None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def assert_attempts_sent_their_own_traceparent(
    call: ReadableSpan, attempts: list[ReadableSpan], requests: list[Request]
) -> None:
    assert len(requests) == len(attempts)
    call_context = call.get_span_context()
    assert call_context is not None
    for span, request in zip(attempts, requests, strict=True):
        assert span.parent is not None
        assert span.parent.span_id == call_context.span_id
        assert span.parent.trace_id == call_context.trace_id
        assert request.headers["traceparent"] == traceparent_of(span)


def templated(client: Acme, thing_id: str, **options: Any) -> Thing:
    """A call that names its path template, as a generated SDK does."""
    request_options = make_request_options(path_template=TEMPLATE, **options)
    return client.get(f"/things/{thing_id}", cast_to=Thing, options=request_options)


async def templated_async(client: AsyncAcme, thing_id: str, **options: Any) -> Thing:
    request_options = make_request_options(path_template=TEMPLATE, **options)
    return await client.get(f"/things/{thing_id}", cast_to=Thing, options=request_options)


def assert_one_good_attempt(server: LoopbackServer, exporter: InMemorySpanExporter) -> None:
    call, attempts = finished(exporter)
    assert call.name == "GET /things/{thing_id}"
    assert call.status.status_code is StatusCode.UNSET
    assert call.attributes == {
        "http.request.method": "GET",
        "url.template": TEMPLATE,
        "http.response.status_code": 200,
    }
    (attempt,) = attempts
    assert attempt.name == "GET /things/{thing_id}"
    assert attempt.attributes == {
        "http.request.method": "GET",
        "server.address": "127.0.0.1",
        "server.port": server.port,
        "url.full": server.url_for("/things/t1"),
        "http.response.status_code": 200,
    }
    assert_attempts_sent_their_own_traceparent(call, attempts, server.requests)


# --- one call, one attempt ------------------------------------------------------------------


def test_a_call_is_one_span_named_after_its_method_and_path_template(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    with Acme(server.url, tracer_provider=provider) as client:
        assert templated(client, "t1").id == "t1"
    assert_one_good_attempt(server, exporter)


async def test_a_call_is_one_span_named_after_its_method_and_path_template_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        assert (await templated_async(client, "t1")).id == "t1"
    assert_one_good_attempt(server, exporter)


def test_a_call_without_a_path_template_is_named_after_its_method(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("POST", "/things", json={"id": "t1"})
    with Acme(server.url, tracer_provider=provider) as client:
        client.post("/things", cast_to=Thing, body={"name": "n"})
    call, (attempt,) = finished(exporter)
    assert (call.name, attempt.name) == ("POST", "POST")
    assert "url.template" not in (call.attributes or {})


# --- retries ---------------------------------------------------------------------------------


def assert_resend_counts(server: LoopbackServer, exporter: InMemorySpanExporter) -> None:
    call, attempts = finished(exporter)
    assert [attributes_of(a).get("http.request.resend_count") for a in attempts] == [None, 1, 2]
    assert [attributes_of(a)["http.response.status_code"] for a in attempts] == [503, 503, 200]
    assert [attributes_of(a).get("error.type") for a in attempts] == ["503", "503", None]
    assert [a.status.status_code for a in attempts] == [
        StatusCode.ERROR,
        StatusCode.ERROR,
        StatusCode.UNSET,
    ]
    assert call.status.status_code is StatusCode.UNSET
    assert_attempts_sent_their_own_traceparent(call, attempts, server.requests)
    # One trace, three different spans on the wire.
    assert len({r.headers["traceparent"] for r in server.requests}) == 3


def test_each_retry_is_an_attempt_span_with_its_resend_count_and_traceparent(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(2, status=503))
    with Acme(server.url, tracer_provider=provider) as client:
        templated(client, "t1")
    assert_resend_counts(server, exporter)


async def test_each_retry_is_an_attempt_span_with_its_resend_count_and_traceparent_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"}, fault=FailTimes(2, status=503))
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        await templated_async(client, "t1")
    assert_resend_counts(server, exporter)


# --- failures -------------------------------------------------------------------------------


def assert_not_found(exporter: InMemorySpanExporter) -> None:
    call, (attempt,) = finished(exporter)
    for span in (call, attempt):
        assert attributes_of(span)["error.type"] == "404"
        assert attributes_of(span)["http.response.status_code"] == 404
        assert span.status.status_code is StatusCode.ERROR
    assert call.status.description is not None
    assert "404" in call.status.description


def test_a_404_gives_error_type_404_and_an_error_status(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    with Acme(server.url, tracer_provider=provider) as client, pytest.raises(NotFoundError):
        templated(client, "missing")
    assert_not_found(exporter)


async def test_a_404_gives_error_type_404_and_an_error_status_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        with pytest.raises(NotFoundError):
            await templated_async(client, "missing")
    assert_not_found(exporter)


def assert_dropped(exporter: InMemorySpanExporter, error: APIConnectionError) -> None:
    call, attempts = finished(exporter)
    assert type(error.__cause__).__qualname__ == "RemoteProtocolError"
    assert [attributes_of(a).get("error.type") for a in attempts] == ["RemoteProtocolError"] * 2
    assert all("http.response.status_code" not in (a.attributes or {}) for a in attempts)
    assert attributes_of(call)["error.type"] == "RemoteProtocolError"
    assert call.status.status_code is StatusCode.ERROR


def test_a_transport_failure_gives_the_exception_type(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={}, fault=FailTimes(2, drop=True))
    with (
        Acme(server.url, tracer_provider=provider, max_retries=1) as client,
        pytest.raises(APIConnectionError) as raised,
    ):
        templated(client, "t1")
    assert_dropped(exporter, raised.value)


async def test_a_transport_failure_gives_the_exception_type_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={}, fault=FailTimes(2, drop=True))
    async with AsyncAcme(server.url, tracer_provider=provider, max_retries=1) as client:
        with pytest.raises(APIConnectionError) as raised:
            await templated_async(client, "t1")
    assert_dropped(exporter, raised.value)


def test_a_hook_that_raises_ends_both_spans_with_its_type(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    def refuse(request: httpx2.Request, attempt: int) -> None:
        raise PermissionError("not today")

    hooks = Hooks(on_request=refuse)
    with (
        Acme(server.url, tracer_provider=provider, hooks=hooks) as client,
        pytest.raises(PermissionError),
    ):
        templated(client, "t1")
    call, (attempt,) = finished(exporter)
    assert (
        attributes_of(call)["error.type"]
        == attributes_of(attempt)["error.type"]
        == "PermissionError"
    )
    assert server.requests == []


# --- secrets ----------------------------------------------------------------------------------


def assert_no_secret_in_spans(exporter: InMemorySpanExporter, server: LoopbackServer) -> None:
    call, (attempt,) = finished(exporter)
    assert attributes_of(attempt)["url.full"] == server.url_for("/things/t1?api_key=<redacted>&v=1")
    for span in (call, attempt):
        shown = [*(span.attributes or {}).values(), span.status.description, span.name]
        assert not any(CANARY in str(value) for value in shown)
    assert server.requests[0].query["api_key"] == CANARY  # it was sent, only never shown


def test_secret_query_values_are_absent_from_url_full_and_every_attribute(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", status=500, json={"error": {"message": "no"}})
    with (
        Acme(server.url, tracer_provider=provider, max_retries=0) as client,
        pytest.raises(APIStatusError),
    ):
        templated(client, "t1", extra_query={"api_key": CANARY, "v": "1"})
    assert_no_secret_in_spans(exporter, server)


def test_credentials_in_the_url_show_as_the_conventions_redacted_pair(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    base_url = server.url.replace("http://", f"http://me:{CANARY}@")
    with Acme(base_url, tracer_provider=provider) as client:
        templated(client, "t1")
    _, (attempt,) = finished(exporter)
    url = server.url_for("/things/t1").replace("http://", "http://REDACTED:REDACTED@")
    assert attributes_of(attempt)["url.full"] == url


async def test_secret_query_values_are_absent_from_url_full_and_every_attribute_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", status=500, json={"error": {"message": "no"}})
    async with AsyncAcme(server.url, tracer_provider=provider, max_retries=0) as client:
        with pytest.raises(APIStatusError):
            await templated_async(client, "t1", extra_query={"api_key": CANARY, "v": "1"})
    assert_no_secret_in_spans(exporter, server)


# --- streams ----------------------------------------------------------------------------------


def stream_span(exporter: InMemorySpanExporter) -> ReadableSpan | None:
    calls = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.INTERNAL]
    return calls[0] if calls else None


def assert_stream_recorded(
    exporter: InMemorySpanExporter, events: int, first: float | None, error: str | None = None
) -> None:
    span = stream_span(exporter)
    assert span is not None
    attributes = dict(span.attributes or {})
    assert attributes["sdkcore.stream.events"] == events
    assert attributes.get("sdkcore.stream.time_to_first_event") == first
    assert attributes.get("error.type") == error
    expected = StatusCode.UNSET if error is None else StatusCode.ERROR
    assert span.status.status_code is expected


def test_a_stream_call_span_ends_only_when_the_stream_is_exhausted(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", sse=EVENTS)
    with Acme(server.url, tracer_provider=provider) as client:
        stream = client.things.events()
        assert stream_span(exporter) is None
        assert next(stream) == Chunk(text="a")
        assert stream_span(exporter) is None
        assert [c.text for c in stream] == ["b", "c"]
    first = stream.time_to_first_event
    assert first is not None
    assert first.total_seconds() > 0
    assert_stream_recorded(exporter, 3, first.total_seconds())
    call, attempts = finished(exporter)
    assert_attempts_sent_their_own_traceparent(call, attempts, server.requests)


async def test_a_stream_call_span_ends_only_when_the_stream_is_exhausted_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", sse=EVENTS)
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        stream = await client.things.events()
        assert stream_span(exporter) is None
        assert await anext(stream) == Chunk(text="a")
        assert stream_span(exporter) is None
        assert [c.text async for c in stream] == ["b", "c"]
    first = stream.time_to_first_event
    assert first is not None
    assert_stream_recorded(exporter, 3, first.total_seconds())
    call, attempts = finished(exporter)
    assert_attempts_sent_their_own_traceparent(call, attempts, server.requests)


def test_a_stream_closed_early_ends_its_span_with_the_events_delivered(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", sse=EVENTS)
    with Acme(server.url, tracer_provider=provider) as client:
        with client.things.events() as stream:
            next(stream)
        assert stream.time_to_first_event is not None
        assert_stream_recorded(exporter, 1, stream.time_to_first_event.total_seconds())
        client.things.events().close()  # never iterated: no first event
    spans = [s for s in exporter.get_finished_spans() if s.kind is SpanKind.INTERNAL]
    assert spans[-1].attributes == {
        "http.request.method": "GET",
        "http.response.status_code": 200,
        "sdkcore.stream.events": 0,
    }


async def test_a_stream_closed_early_ends_its_span_with_the_events_delivered_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", sse=EVENTS)
    async with (
        AsyncAcme(server.url, tracer_provider=provider) as client,
        await client.things.events() as stream,
    ):
        await anext(stream)
    assert stream.time_to_first_event is not None
    assert_stream_recorded(exporter, 1, stream.time_to_first_event.total_seconds())


ERROR_EVENTS: list[dict[str, object]] = [
    {"data": {"text": "a"}},
    {"data": {"error": {"message": "bad", "status": 400}}},
]


def test_a_stream_that_fails_ends_its_span_with_the_error(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", sse=ERROR_EVENTS)
    with Acme(server.url, tracer_provider=provider) as client:
        stream = client.things.events()
        with stream, pytest.raises(APIStatusError):
            list(stream)
    assert stream.time_to_first_event is not None
    assert_stream_recorded(exporter, 1, stream.time_to_first_event.total_seconds(), error="400")


async def test_a_stream_that_fails_ends_its_span_with_the_error_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", sse=ERROR_EVENTS)
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        stream = await client.things.events()
        with pytest.raises(APIStatusError):
            async with stream:
                [c async for c in stream]
    assert stream.time_to_first_event is not None
    assert_stream_recorded(exporter, 1, stream.time_to_first_event.total_seconds(), error="400")


OVERLOADED = [{"data": {"error": {"type": "overloaded_error", "message": "busy"}}}]


def overloaded_once(request: Request) -> Reply:
    """A stream whose first answer's first event is a retryable error."""
    return Reply(sse=OVERLOADED if request.attempt == 1 else EVENTS)


def assert_stream_retry_traced(server: LoopbackServer, exporter: InMemorySpanExporter) -> None:
    call, attempts = finished(exporter)
    assert [attributes_of(a).get("http.request.resend_count") for a in attempts] == [None, 1]
    assert_attempts_sent_their_own_traceparent(call, attempts, server.requests)
    assert attributes_of(call)["sdkcore.stream.events"] == 3
    assert call.status.status_code is StatusCode.UNSET


def test_a_stream_retried_before_its_first_event_traces_the_retry(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", handler=overloaded_once)
    with Acme(server.url, tracer_provider=provider) as client:
        assert [c.text for c in client.things.events()] == ["a", "b", "c"]
    assert_stream_retry_traced(server, exporter)


async def test_a_stream_retried_before_its_first_event_traces_the_retry_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", handler=overloaded_once)
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        assert [c.text async for c in await client.things.events()] == ["a", "b", "c"]
    assert_stream_retry_traced(server, exporter)


def test_a_stream_call_answered_with_json_records_the_validation_error(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", json={"text": "not a stream"})
    with (
        Acme(server.url, tracer_provider=provider) as client,
        pytest.raises(APIResponseValidationError),
    ):
        client.things.events()
    call, _ = finished(exporter)
    assert attributes_of(call)["error.type"] == "APIResponseValidationError"


async def test_a_stream_call_answered_with_json_records_the_validation_error_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/events", json={"text": "not a stream"})
    async with AsyncAcme(server.url, tracer_provider=provider) as client:
        with pytest.raises(APIResponseValidationError):
            await client.things.events()
    call, _ = finished(exporter)
    assert attributes_of(call)["error.type"] == "APIResponseValidationError"


def assert_validation_failed(exporter: InMemorySpanExporter) -> None:
    call, (attempt,) = finished(exporter)
    assert attributes_of(call)["error.type"] == "APIResponseValidationError"
    assert call.status.status_code is StatusCode.ERROR
    assert attempt.status.status_code is StatusCode.UNSET  # the HTTP exchange went well


def test_a_body_that_fails_validation_ends_the_call_span_with_the_error(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": ["not", "a", "string"]})
    strict = {"tracer_provider": provider, "_strict_response_validation": True}
    with Acme(server.url, **strict) as client, pytest.raises(APIResponseValidationError):
        templated(client, "t1")
    assert_validation_failed(exporter)


async def test_a_body_that_fails_validation_ends_the_call_span_with_the_error_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": ["not", "a", "string"]})
    strict = {"tracer_provider": provider, "_strict_response_validation": True}
    async with AsyncAcme(server.url, **strict) as client:
        with pytest.raises(APIResponseValidationError):
            await templated_async(client, "t1")
    assert_validation_failed(exporter)


def test_a_raw_response_span_ends_when_the_call_returns(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    with Acme(server.url, tracer_provider=provider) as client:
        raw = client.things.with_raw_response.get("t1")
        assert stream_span(exporter) is not None
        assert raw.parse().id == "t1"


# --- streamed responses and downloads -----------------------------------------------------------


def test_a_streamed_response_span_ends_when_its_body_is_read(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    with (
        Acme(server.url, tracer_provider=provider) as client,
        client.things.with_streaming_response.get("t1") as response,
    ):
        assert stream_span(exporter) is None
        assert response.parse().id == "t1"
        assert stream_span(exporter) is not None


async def test_a_streamed_response_span_ends_when_its_body_is_read_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    async with (
        AsyncAcme(server.url, tracer_provider=provider) as client,
        client.things.with_streaming_response.get("t1") as response,
    ):
        assert stream_span(exporter) is None
        assert (await response.parse()).id == "t1"
        assert stream_span(exporter) is not None


def test_a_json_lines_call_span_ends_when_its_rows_are_read(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    rows = b'{"id": "t1"}\n{"id": "t2"}\n'
    server.route("GET", "/things/export", body=rows, content_type="application/x-ndjson")
    with Acme(server.url, tracer_provider=provider) as client:
        with client.things.export() as things:
            assert next(things).id == "t1"
            assert stream_span(exporter) is None
            assert [t.id for t in things] == ["t2"]
        assert stream_span(exporter) is not None


def assert_resumed_download(server: LoopbackServer, exporter: InMemorySpanExporter) -> None:
    call, attempts = finished(exporter)
    assert call.status.status_code is StatusCode.UNSET
    assert [attributes_of(a)["http.response.status_code"] for a in attempts] == [200, 206]
    assert attributes_of(attempts[1])["http.request.resend_count"] == 1
    assert_attempts_sent_their_own_traceparent(call, attempts, server.requests)
    assert server.requests[1].headers["range"] == "bytes=50000-"


def test_a_download_span_ends_when_the_file_is_written_and_traces_its_resume(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    cut = OnAttempts(CutAfter(50_000), {1})
    server.route("GET", "/things/t1/content", body=BODY, ranges=True, etag='"v1"', fault=cut)
    with (
        Acme(server.url, tracer_provider=provider) as client,
        client.things.with_streaming_response.content("t1") as response,
    ):
        assert stream_span(exporter) is None
        response.stream_to_file(tmp_path / "out.bin")
        assert stream_span(exporter) is not None
    assert (tmp_path / "out.bin").read_bytes() == BODY
    assert_resumed_download(server, exporter)


async def test_a_download_span_ends_when_the_file_is_written_and_traces_its_resume_async(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    cut = OnAttempts(CutAfter(50_000), {1})
    server.route("GET", "/things/t1/content", body=BODY, ranges=True, etag='"v1"', fault=cut)
    async with (
        AsyncAcme(server.url, tracer_provider=provider) as client,
        client.things.with_streaming_response.content("t1") as response,
    ):
        assert stream_span(exporter) is None
        await response.stream_to_file(tmp_path / "out.bin")
        assert stream_span(exporter) is not None
    assert (tmp_path / "out.bin").read_bytes() == BODY
    assert_resumed_download(server, exporter)


# --- hooks see the traceparent ------------------------------------------------------------------


def test_the_traceparent_is_on_the_request_before_the_on_request_hook_runs(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    seen: list[str | None] = []
    hooks = Hooks(
        on_request=lambda request, attempt: seen.append(request.headers.get("traceparent"))
    )
    server.route("GET", "/things/t1", json={"id": "t1"})
    with Acme(server.url, tracer_provider=provider, hooks=hooks) as client:
        templated(client, "t1")
    _, (attempt,) = finished(exporter)
    assert seen == [traceparent_of(attempt)]


# --- when tracing is on ---------------------------------------------------------------------------


def test_a_client_does_not_trace_without_a_configured_provider(server: LoopbackServer) -> None:
    from opentelemetry import trace

    if not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        pytest.skip("a global tracer provider was set in this process")
    server.route("GET", "/things/t1", json={"id": "t1"})
    with Acme(server.url) as client:
        templated(client, "t1")
        assert client._context.tracer is None
    assert "traceparent" not in server.requests[0].headers


def test_a_no_op_provider_turns_tracing_off(server: LoopbackServer) -> None:
    with Acme(server.url, tracer_provider=NoOpTracerProvider()) as client:
        assert client._context.tracer is None


def test_a_copy_keeps_the_provider(
    server: LoopbackServer, provider: TracerProvider, exporter: InMemorySpanExporter
) -> None:
    server.route("GET", "/things/t1", json={"id": "t1"})
    with Acme(server.url, tracer_provider=provider) as client:
        templated(client.with_options(max_retries=0), "t1")
    assert_one_good_attempt(server, exporter)


def run_python(code: str, *, url: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.slow
def test_import_sdkcore_and_a_call_import_no_opentelemetry(server: LoopbackServer) -> None:
    server.route("GET", "/ok", json={})
    code = """
        import sys
        import sdkcore

        client = sdkcore.SyncAPIClient(sys.argv[1])
        client.get("/ok", cast_to=object)
        client.close()
        print(sorted(name for name in sys.modules if name.startswith("opentelemetry")))
    """
    assert run_python(code, url=server.url) == "[]"
    assert "traceparent" not in server.requests[0].headers


@pytest.mark.slow
def test_the_global_provider_traces_clients_made_after_it_is_set(server: LoopbackServer) -> None:
    server.route("GET", "/ok", json={})
    code = """
        import sys
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        import sdkcore

        class Never(sdkcore.SyncAPIClient):
            _tracing = False

        class Always(sdkcore.SyncAPIClient):
            _tracing = True

        def spans_of(client):
            before = len(exporter.get_finished_spans())
            with client:
                client.get("/ok", cast_to=object)
            return len(exporter.get_finished_spans()) - before

        exporter = InMemorySpanExporter()
        early, always = sdkcore.SyncAPIClient(sys.argv[1]), Always(sys.argv[1])
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        counts = [spans_of(c) for c in (early, always)]
        counts += [spans_of(c(sys.argv[1])) for c in (sdkcore.SyncAPIClient, Never)]
        print(counts)
    """
    assert run_python(code, url=server.url) == "[0, 2, 2, 0]"
