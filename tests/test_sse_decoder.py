"""SSEDecoder against the WHATWG "interpreting an event stream" rules.

Every stream test goes through ``decode_every_way``: the stream is fed whole,
split in two at every byte boundary, and one byte per chunk, and all of them
must give the same events and the same decoder state.
"""

from __future__ import annotations

import random
import re
import tracemalloc
from collections.abc import Generator
from contextlib import aclosing
from typing import TYPE_CHECKING, TypedDict, Unpack

import pytest

from sdkcore._exceptions import SdkError, SSEDecodeError
from sdkcore._sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Iterator

Outcome = tuple[list[ServerSentEvent], int | None, str | None]


class Options(TypedDict, total=False):
    max_event_size: int | None
    last_event_id: str | None


def feed_chunks(chunks: list[bytes], **options: Unpack[Options]) -> Outcome:
    decoder = SSEDecoder(**options)
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    assert decoder.finish() == []
    return events, decoder.retry, decoder.last_event_id


def chunkings(stream: bytes) -> Iterator[list[bytes]]:
    yield [stream]
    for cut in range(1, len(stream)):
        yield [stream[:cut], stream[cut:]]
    yield [stream[i : i + 1] for i in range(len(stream))]


def decode_every_way(stream: bytes, **options: Unpack[Options]) -> Outcome:
    """Decode ``stream`` whole, split at every byte, and byte by byte; all must agree."""
    whole = feed_chunks([stream], **options)
    for chunks in chunkings(stream):
        assert feed_chunks(chunks, **options) == whole, chunks
    return whole


def events_of(stream: bytes, **options: Unpack[Options]) -> list[ServerSentEvent]:
    return decode_every_way(stream, **options)[0]


def raises_every_way(stream: bytes, max_event_size: int) -> None:
    for chunks in chunkings(stream):
        with pytest.raises(SSEDecodeError, match=f"max_event_size={max_event_size}"):
            feed_chunks(chunks, max_event_size=max_event_size)


def ev(
    data: str, event: str = "message", id: str | None = None, retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


# -- the examples in the WHATWG spec text ---------------------------------------


def test_spec_stock_example_joins_data_lines_with_newline() -> None:
    stream = b"data: YHOO\ndata: +2\ndata: 10\n\n"
    assert events_of(stream) == [ev("YHOO\n+2\n10")]


def test_spec_four_block_example_sets_then_resets_the_last_event_id() -> None:
    stream = (
        b": test stream\n\n"
        b"data: first event\nid: 1\n\n"
        b"data:second event\nid\n\n"
        b"data:  third event\n\n"
    )
    events, _, last_event_id = decode_every_way(stream)
    assert events == [ev("first event", id="1"), ev("second event"), ev(" third event")]
    assert last_event_id is None


def test_spec_example_bare_data_lines_and_unterminated_last_block() -> None:
    stream = b"data\n\ndata\ndata\n\ndata:"
    assert events_of(stream) == [ev(""), ev("\n")]


def test_spec_example_space_after_colon_is_optional() -> None:
    assert events_of(b"data:test\n\ndata: test\n\n") == [ev("test"), ev("test")]


# -- decoding -----------------------------------------------------------------


def test_invalid_utf8_becomes_replacement_characters_not_an_error() -> None:
    assert events_of(b"data: a\xffb\xe2\x82\ndata: \xf0\x80\x80\n\n") == [
        ev("a\ufffdb\ufffd\n\ufffd\ufffd\ufffd")
    ]


def test_multibyte_character_split_across_chunks_stays_whole() -> None:
    stream = "data: €𝄞日\n\n".encode()
    assert events_of(stream) == [ev("€𝄞日")]


def test_leading_bom_is_stripped_even_when_split_across_chunks() -> None:
    assert events_of(b"\xef\xbb\xbfdata: a\n\n") == [ev("a")]


def test_only_one_leading_bom_is_stripped() -> None:
    # The second BOM is part of the field name, so the line is an unknown field.
    assert events_of(b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\ndata: b\n\n") == [ev("b")]


def test_bom_after_the_stream_start_is_data() -> None:
    assert events_of(b"data: a\n\n\xef\xbb\xbfdata: b\n\ndata: \xef\xbb\xbf\n\n") == [
        ev("a"),
        ev("\ufeff"),
    ]


def test_partial_bom_followed_by_other_bytes_is_kept_as_text() -> None:
    assert events_of(b"\xef\xbbdata: a\n\ndata: b\n\n") == [ev("b")]


# -- lines --------------------------------------------------------------------


def test_crlf_lf_and_cr_all_end_lines() -> None:
    stream = b"data: a\r\ndata: b\rdata: c\n\r\nevent: x\rdata: d\r\r"
    assert events_of(stream) == [ev("a\nb\nc"), ev("d", event="x")]


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\ndata: b\r") == []
    assert decoder.feed(b"\n\r") == [ev("a\nb")]
    assert decoder.feed(b"\n") == []  # the LF of the blank line's CRLF, not a second blank line


def test_cr_at_chunk_end_dispatches_without_waiting_for_next_chunk() -> None:
    assert SSEDecoder().feed(b"data: a\r\r") == [ev("a")]
    assert SSEDecoder().feed(b"data: a\n\r") == [ev("a")]
    assert SSEDecoder().feed(b"data: a\r\n\r") == [ev("a")]


def test_pure_crlf_stream_decodes_like_lf() -> None:
    lf = b"event: e\ndata: 1\nid: 7\nretry: 5\n\n: c\ndata: 2\n\n"
    crlf = lf.replace(b"\n", b"\r\n")
    assert events_of(crlf) == events_of(lf) == events_of(lf.replace(b"\n", b"\r"))


def test_comment_lines_are_ignored() -> None:
    assert events_of(b": hello\ndata: a\n:data: b\n\n:\n\n") == [ev("a")]


def test_field_without_colon_is_a_name_with_empty_value() -> None:
    assert events_of(b"data\nevent\nid\n\n") == [ev("")]


def test_only_one_leading_space_is_stripped_from_the_value() -> None:
    assert events_of(b"data:  two\ndata:\tthree\n\n") == [ev(" two\n\tthree")]


def test_event_field_sets_the_type_and_an_empty_one_gives_message() -> None:
    stream = b"event: update\ndata: a\n\nevent:\ndata: b\n\ndata: c\n\n"
    assert events_of(stream) == [ev("a", event="update"), ev("b"), ev("c")]


def test_unknown_fields_are_ignored() -> None:
    assert events_of(b"foo: bar\nData: x\ndata : y\ndata: a\n\n") == [ev("a")]


# -- id -----------------------------------------------------------------------


def test_id_with_nul_is_ignored() -> None:
    events, _, last_event_id = decode_every_way(b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n")
    assert events == [ev("a", id="1"), ev("b", id="1")]
    assert last_event_id == "1"


def test_empty_id_resets_the_last_event_id_to_none() -> None:
    events, _, last_event_id = decode_every_way(b"id: 1\ndata: a\n\nid:\ndata: b\n\n")
    assert events == [ev("a", id="1"), ev("b")]
    assert last_event_id is None


def test_last_event_id_persists_across_events() -> None:
    events, _, last_event_id = decode_every_way(b"id: 9\ndata: a\n\ndata: b\n\nid: 9\n\n")
    assert events == [ev("a", id="9"), ev("b", id="9")]
    assert last_event_id == "9"


def test_initial_last_event_id_is_used_until_the_stream_sets_one() -> None:
    events, _, last_event_id = decode_every_way(b"data: a\n\n", last_event_id="42")
    assert events == [ev("a", id="42")]
    assert last_event_id == "42"


def test_last_event_id_set_for_a_reconnect_applies_to_the_next_events() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 1\ndata: a\n\n")
    decoder.last_event_id = "41"
    assert decoder.feed(b"data: b\n\nid: 42\ndata: c\n\n") == [ev("b", id="41"), ev("c", id="42")]


def test_id_of_a_cut_off_event_does_not_move_the_last_event_id() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 1\ndata: a\n\nid: 2\ndata: cut")
    assert decoder.last_event_id == "1"
    assert decoder.finish() == []
    assert decoder.feed(b"data: b\n\n") == [ev("b", id="1")]


# -- retry --------------------------------------------------------------------


def test_retry_sets_the_event_and_decoder_retry() -> None:
    events, retry, _ = decode_every_way(b"retry: 1500\ndata: a\n\ndata: b\n\n")
    assert events == [ev("a", retry=1500), ev("b")]
    assert retry == 1500


@pytest.mark.parametrize(
    "value",
    [
        b"+5",
        b"-5",
        b" 7",
        b"1_0",
        "\uff15".encode(),
        b"",
        b"1.5",
        b"10a",
        b"0x1",
        "\u00b2".encode(),
    ],
)
def test_retry_that_is_not_all_ascii_digits_is_ignored(value: bytes) -> None:
    events, retry, _ = decode_every_way(b"retry: 3\n\nretry: " + value + b"\ndata: a\n\n")
    assert events == [ev("a")]
    assert retry == 3


def test_retry_is_kept_on_the_decoder_whether_or_not_an_event_was_dispatched() -> None:
    events, retry, _ = decode_every_way(b"retry: 10\n\nretry: 20\ndata: cut off")
    assert events == []
    assert retry == 20


def test_retry_with_leading_zeros_is_decimal() -> None:
    assert events_of(b"retry: 0010\ndata: a\n\n") == [ev("a", retry=10)]


# -- dispatch -------------------------------------------------------------------


def test_blank_line_with_empty_data_buffer_dispatches_nothing_but_keeps_id_and_retry() -> None:
    events, retry, last_event_id = decode_every_way(b"event: ping\n\nretry: 10\n\nid: 4\n\n\n\n")
    assert events == []
    assert (retry, last_event_id) == (10, "4")


def test_event_type_is_reset_by_a_blank_line_without_data() -> None:
    assert events_of(b"event: ping\n\ndata: a\n\n") == [ev("a")]


def test_event_retry_belongs_only_to_the_event_it_was_sent_in() -> None:
    assert events_of(b"retry: 5\n\ndata: a\n\nretry: 6\ndata: b\n\n") == [
        ev("a"),
        ev("b", retry=6),
    ]


def test_unterminated_event_is_discarded_at_end_of_stream() -> None:
    assert events_of(b"data: a\n\ndata: b\n") == [ev("a")]
    assert events_of(b"data: a\n\ndata: b") == [ev("a")]


def test_finish_resets_the_decoder_for_the_next_stream() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"event: x\nretry: 7\ndata: cut")
    decoder.feed(b"\r")
    assert decoder.finish() == []
    # No partial line, event type or data survives, and a BOM may start the new stream.
    assert decoder.feed(b"\xef\xbb\xbfdata: b\n\n") == [ev("b")]
    assert decoder.retry == 7


# -- size limit -----------------------------------------------------------------


def test_event_over_the_limit_raises_naming_the_limit_and_how_to_raise_it() -> None:
    decoder = SSEDecoder(max_event_size=100)
    with pytest.raises(SSEDecodeError) as excinfo:
        decoder.feed(b"data: " + b"x" * 50 + b"\n" + b"data: " + b"y" * 50 + b"\n\n")
    message = str(excinfo.value)
    assert "max_event_size=100" in message
    assert "SSEDecoder(max_event_size=...)" in message
    assert "max_event_size=" in message
    assert "None" in message
    assert isinstance(excinfo.value, SdkError)


def test_event_of_exactly_the_limit_is_accepted_and_one_byte_more_raises() -> None:
    event = b"event: e\ndata: abc\nid: 1\n"  # 25 bytes of lines, line ends included
    assert events_of(event + b"\n", max_event_size=25) == [ev("abc", event="e", id="1")]
    raises_every_way(event + b"\n", max_event_size=24)


def test_crlf_line_ends_count_two_bytes_toward_the_limit() -> None:
    event = b"data: abc\r\ndata: d\r\n"  # 20 bytes; 18 with LF line ends
    assert events_of(event + b"\r\n", max_event_size=20) == [ev("abc\nd")]
    raises_every_way(event + b"\r\n", max_event_size=19)
    assert events_of(event.replace(b"\r\n", b"\n") + b"\n", max_event_size=18) == [ev("abc\nd")]


def test_unterminated_line_counts_toward_the_limit() -> None:
    decoder = SSEDecoder(max_event_size=10)
    decoder.feed(b"data: 1234")
    with pytest.raises(SSEDecodeError, match="max_event_size=10"):
        decoder.feed(b"5")


def test_endless_line_raises_before_buffering_past_the_limit() -> None:
    limit, chunk = 1_048_576, b"x" * 65_536
    decoder = SSEDecoder(max_event_size=limit)
    fed = 0

    def feed_up_to_100_mib() -> None:
        nonlocal fed
        while fed < 100 * 1_048_576:
            fed += len(chunk)
            decoder.feed(chunk)

    tracemalloc.start()
    try:
        with pytest.raises(SSEDecodeError, match=f"max_event_size={limit}"):
            feed_up_to_100_mib()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fed <= limit + len(chunk)
    assert peak < 2 * limit


def test_huge_chunk_over_the_limit_is_not_buffered() -> None:
    chunk = b"data: " + b"x" * 10_000_000
    decoder = SSEDecoder(max_event_size=1_000)
    decoder.feed(b"data: 1")
    tracemalloc.start()
    try:
        with pytest.raises(SSEDecodeError, match="max_event_size=1000"):
            decoder.feed(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000


def test_keep_alive_comments_between_events_never_reach_the_limit() -> None:
    decoder = SSEDecoder(max_event_size=64)
    for _ in range(10_000):
        assert decoder.feed(b": keep-alive\n") == []
    assert decoder.feed(b"data: a\n\n") == [ev("a")]
    for _ in range(10_000):
        assert decoder.feed(b":\n\n") == []


def test_comments_inside_an_event_count_toward_the_limit() -> None:
    raises_every_way(b"data: a\n" + b": padding\n" * 10 + b"\n", max_event_size=64)


def test_size_is_counted_per_event_not_per_stream() -> None:
    assert events_of(b"data: abcdef\n\n" * 5, max_event_size=13) == [ev("abcdef")] * 5


def test_no_limit_accepts_a_large_event() -> None:
    big = b"x" * 3_000_000
    decoder = SSEDecoder(max_event_size=None)
    assert decoder.feed(b"data: " + big[:1_500_000]) == []
    assert decoder.feed(big[1_500_000:] + b"\n\n") == [ev(big.decode())]


def test_decoder_is_reset_after_a_limit_error() -> None:
    decoder = SSEDecoder(max_event_size=16)
    with pytest.raises(SSEDecodeError):
        decoder.feed(b"data: " + b"x" * 20)
    assert decoder.feed(b"data: ok\n\n") == [ev("ok")]


# -- line API and drivers ---------------------------------------------------------


def test_decode_takes_one_line_and_an_empty_line_dispatches() -> None:
    decoder = SSEDecoder()
    assert decoder.decode("event: note") is None
    assert decoder.decode("id: 3") is None
    assert decoder.decode("data: é") is None
    assert decoder.decode(": comment") is None
    assert decoder.decode("") == ev("é", event="note", id="3")
    assert decoder.decode("") is None
    assert decoder.last_event_id == "3"


def test_decode_rejects_a_line_with_a_line_end() -> None:
    with pytest.raises(ValueError, match="without its line end"):
        SSEDecoder().decode("data: a\n")


def test_iter_bytes_yields_events_and_discards_a_cut_off_event() -> None:
    chunks = [b"data: a\n", b"\ndata: b", b"\n\nretry: 5\ndata: c"]
    decoder = SSEDecoder()
    assert list(decoder.iter_bytes(chunks)) == [ev("a"), ev("b")]
    assert decoder.retry == 5


def test_iter_bytes_closed_early_resets_the_decoder() -> None:
    decoder = SSEDecoder()
    events = decoder.iter_bytes([b"data: a\n\ndata: partial"])
    assert isinstance(events, Generator)
    assert next(events) == ev("a")
    events.close()
    assert decoder.feed(b"data: b\n\n") == [ev("b")]


async def _achunks(chunks: list[bytes]) -> AsyncGenerator[bytes, None]:
    for chunk in chunks:
        yield chunk


@pytest.mark.anyio
async def test_aiter_bytes_yields_events_and_discards_a_cut_off_event() -> None:
    chunks = [b"data: a\n", b"\ndata: b", b"\n\nretry: 5\ndata: c"]
    decoder = SSEDecoder()
    assert [event async for event in decoder.aiter_bytes(_achunks(chunks))] == [ev("a"), ev("b")]
    assert decoder.retry == 5


@pytest.mark.anyio
async def test_aiter_bytes_raises_the_limit_error() -> None:
    decoder = SSEDecoder(max_event_size=8)
    async with aclosing(_achunks([b"data: 123456789\n\n"])) as chunks:
        with pytest.raises(SSEDecodeError):
            async for _ in decoder.aiter_bytes(chunks):
                pass


# -- ServerSentEvent --------------------------------------------------------------


def test_server_sent_event_defaults_equality_repr_and_json() -> None:
    event = ServerSentEvent(data='{"n": [1, 2]}', id="7")
    assert (event.event, event.id, event.retry) == ("message", "7", None)
    assert event.json() == {"n": [1, 2]}
    assert event == ServerSentEvent(event="message", data='{"n": [1, 2]}', id="7")
    assert event != ServerSentEvent(data='{"n": [1, 2]}')
    assert hash(event) == hash(ServerSentEvent(data='{"n": [1, 2]}', id="7"))
    assert repr(event) == (
        "ServerSentEvent(event='message', data='{\"n\": [1, 2]}', id='7', retry=None)"
    )


def test_server_sent_event_fields_are_read_only() -> None:
    event = ServerSentEvent(data="a")
    with pytest.raises(AttributeError):
        event.data = "b"  # type: ignore[misc]  # the point: properties have no setter


# -- against a literal transcription of the spec ------------------------------------------


def reference_decode(stream: bytes) -> Outcome:
    """The spec's algorithm, step by step, on the whole decoded text."""
    text = stream.decode("utf-8", "replace").removeprefix("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)[:-1]  # the last piece is unterminated
    events: list[ServerSentEvent] = []
    data, event_type, last_id, id_buffer = "", "", None, None
    retry: int | None = None  # the reconnection time: any valid retry line
    event_retry: int | None = None  # the one sent within the current event
    for line in lines:
        if not line:
            last_id = id_buffer
            if data:
                events.append(ev(data[:-1], event_type or "message", last_id, event_retry))
            data, event_type, event_retry = "", "", None
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "data":
                data += value + "\n"
            elif name == "event":
                event_type = value
            elif name == "id" and "\0" not in value:
                id_buffer = value or None
            elif name == "retry" and value.isascii() and value.isdigit():
                retry = event_retry = int(value)
    return events, retry, last_id


PIECES = [b"data", b"data:", b"data: ", b"event: e", b"id: 1", b"id:", b"retry: 5", b"retry: x"]
PIECES += [b": c", b"x\xffy", "é日".encode(), b"\xe2\x82", b" ", b"\r", b"\n", b"\r\n", b"\n\n"]


def test_random_streams_match_the_spec_transcription_for_any_chunking() -> None:
    rng = random.Random(20240601)
    for _ in range(400):
        stream = b"".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.2:
            stream = b"\xef\xbb\xbf" + stream
        cuts = sorted(rng.sample(range(len(stream) + 1), min(len(stream) + 1, rng.randint(0, 8))))
        chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
        assert feed_chunks(chunks) == reference_decode(stream), chunks


# -- runs of one-line `data:` events (decoded in one go when the chunk has no CR) ---


def test_runs_of_one_line_data_events_mixed_with_other_events_keep_their_order() -> None:
    stream = (
        b"data: a\n\ndata: \xe6\x97\xa5\xff\n\ndata: b\ndata: c\n\n\n"
        b"data: d\n\nevent: e\ndata: f\nid: 7\n\ndata: g\n\n: c\n\ndata:h\n\ndata: i\n\ndata: j"
    )
    assert events_of(stream, last_event_id="0") == [
        ev("a", id="0"),
        ev("日\ufffd", id="0"),
        ev("b\nc", id="0"),
        ev("d", id="0"),
        ev("f", event="e", id="7"),
        ev("g", id="7"),
        ev("h", id="7"),
        ev("i", id="7"),
    ]


def test_a_pending_event_is_finished_before_a_run_of_data_events() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"event: e\nretry: 5\ndata: x\n") == []
    assert decoder.feed(b"data: y\n\ndata: z\n\n") == [ev("x\ny", event="e", retry=5), ev("z")]


def test_one_line_data_events_count_toward_the_limit() -> None:
    stream = b"data: abc\n\ndata: abcd\n\n"  # the second event's line is 11 bytes
    assert events_of(stream, max_event_size=11) == [ev("abc"), ev("abcd")]
    raises_every_way(stream, max_event_size=10)
