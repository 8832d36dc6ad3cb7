"""What the next page is, without I/O: Link headers, tokens, next requests, repeats, page rules."""

from __future__ import annotations

import base64
import copy
import pickle
import time

import httpx2
import pytest

from _pages_sdk import Thing
from sdkcore import (
    BaseModel,
    FinalRequestOptions,
    PageInfo,
    PaginationError,
    SyncCursorPage,
    SyncLinkPage,
    SyncOffsetPage,
    SyncPage,
    make_request_options,
    parse_link_header,
)
from sdkcore._links import next_link
from sdkcore._options import ReturnMode
from sdkcore._page_info import (
    MAX_TOKEN_LENGTH,
    RECENT_KEPT,
    Trail,
    decode_token,
    encode_token,
    listing_start,
    next_request,
)

ORIGIN = httpx2.URL("https://api.example.com/v1/things")

# --- RFC 8288 Link headers ----------------------------------------------------------------


def test_a_github_link_header_gives_every_link_with_its_relations() -> None:
    header = (
        '<https://api.github.com/repositories/1/issues?page=2>; rel="next", '
        '<https://api.github.com/repositories/1/issues?page=5>; rel="last"'
    )
    links = parse_link_header(header)
    assert [(link.url, link.rels) for link in links] == [
        ("https://api.github.com/repositories/1/issues?page=2", {"next"}),
        ("https://api.github.com/repositories/1/issues?page=5", {"last"}),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (['</p?page=3>; rel="next"'], "/p?page=3"),
        (["</p?page=3>; rel=next"], "/p?page=3"),
        (['</p/1>; rel="prev", </p/3>; rel="next"'], "/p/3"),
        (['</p/1>; rel="prev"', '</p/3>; rel="next"'], "/p/3"),
        (['</p/9>; rel="last next"'], "/p/9"),
        (['</p/9>; REL="Next"'], "/p/9"),
        (['  </p/9>  ;  rel = "next"  '], "/p/9"),
        (['</a,b;c>; rel="next"'], "/a,b;c"),
        (['</p/1>; title="a, b; rel=next"; rel="prev", </p/2>; rel="next"'], "/p/2"),
        (['</p/1>; title="say \\"hi\\", rel=next", </p/2>; rel=next'], "/p/2"),
        (['</p/1>; rel="prev"; rel="next"'], None),  # the first rel counts
        (['</p/1>; rel="next"; anchor="#other"', '</p/2>; rel="next"'], "/p/2"),
        (['garbage, </p/2>; rel="next"'], "/p/2"),
        (['</p/1> junk; rel="next"'], "/p/1"),
        (['<unclosed; rel="next"'], None),
        ([""], None),
        ([], None),
        (['</p/1>; rel="nextpage"'], None),
    ],
)
def test_next_link_reads_rel_next_as_rfc_8288_says(values: list[str], expected: str | None) -> None:
    assert next_link(values) == expected


def test_link_parameters_are_unquoted_and_keep_their_first_occurrence() -> None:
    (link,) = parse_link_header('</x>; Title="a \\"b\\""; title=second; type=text/html')
    assert dict(link.params) == {"title": 'a "b"', "type": "text/html"}


def test_a_huge_malformed_link_header_is_read_in_bounded_time() -> None:
    header = ";" * 200_000 + "<" * 200_000 + '"' + "," * 200_000
    started = time.monotonic()
    assert parse_link_header(header) == []
    assert parse_link_header('</a>; rel="' + "x" * 500_000)[0].url == "/a"
    assert time.monotonic() - started < 2


# --- continuation tokens ------------------------------------------------------------------


@pytest.mark.parametrize(
    "info",
    [
        PageInfo(params={"after": "t_42"}),
        PageInfo(params={"offset": 200, "exact": True, "ids": [1, 2], "none": None}),
        PageInfo(url="https://api.example.com/v1/things?page=3&per_page=100"),
        PageInfo(json={"cursor": "abc", "filters": {"kind": "é"}}),
        PageInfo(params={"page": 2}, json={"cursor": "c"}),
    ],
)
def test_a_token_names_its_page_info_exactly_and_is_url_safe(info: PageInfo) -> None:
    token = encode_token(info)
    assert set(token) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    decoded = decode_token(token)
    assert (decoded.params, decoded.json) == (info.params, info.json)
    assert decoded.url == (None if info.url is None else str(info.url))


def test_equal_page_infos_give_equal_tokens() -> None:
    first = encode_token(PageInfo(params={"b": 1, "a": 2}))
    assert first == encode_token(PageInfo(params={"a": 2, "b": 1}))
    assert first.startswith("v1.")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "does not start with 'v1.'"),
        ("eyJwIjp7fX0", "does not start with 'v1.'"),
        ("v2.eyJwIjp7fX0", "does not start with 'v1.'"),
        ("v1.eyJwIjp7fX0=", "outside base64url"),
        ("v1.a+b/", "outside base64url"),
        ("v1.a", "not base64url-encoded JSON"),
        ("v1.bm90IGpzb24", "not base64url-encoded JSON"),
        ("v1.WzFd", "does not describe a page"),
        ("v1.eyJ4IjoxfQ", "does not describe a page"),
        ("v1.eyJwIjpbMV19", "not JSON objects"),
        ("v1.eyJ1IjoxfQ", "url is not a string"),
        ("v1." + "A" * MAX_TOKEN_LENGTH, "longer than"),
    ],
)
def test_a_malformed_token_raises_pagination_error_saying_why(token: str, reason: str) -> None:
    with pytest.raises(PaginationError, match="not a continuation token") as caught:
        decode_token(token)
    assert reason in str(caught.value)


def test_a_token_nested_too_deeply_raises_pagination_error() -> None:
    deep = ("[" * 5_000 + "]" * 5_000).encode()
    data = base64.urlsafe_b64encode(deep).rstrip(b"=").decode()
    with pytest.raises(PaginationError):
        decode_token("v1." + data)


def test_a_token_that_is_not_a_string_raises_pagination_error() -> None:
    not_a_token: object = 42
    with pytest.raises(PaginationError, match="is a str"):
        decode_token(not_a_token)  # type: ignore[arg-type]  # what an untyped caller may pass


# --- the next request ------------------------------------------------------------------------


def _first() -> FinalRequestOptions:
    options = make_request_options(
        extra_headers={"X-Trace": "abc"}, extra_query={"limit": 3}, timeout=7.0, max_retries=5
    )
    return FinalRequestOptions.build("get", "/things", options=options)


def test_the_next_request_is_the_first_with_the_page_params() -> None:
    nxt = next_request(_first(), PageInfo(params={"after": "t9"}), origin=ORIGIN)
    assert (nxt.method, nxt.url, nxt.params) == ("get", "/things", {"limit": 3, "after": "t9"})
    assert (nxt.headers, nxt.timeout, nxt.max_retries) == ({"X-Trace": "abc"}, 7.0, 5)


def test_a_next_url_replaces_the_path_and_the_query_names_it_carries() -> None:
    url = "https://api.example.com/v1/things?limit=50&page=2"
    nxt = next_request(_first(), PageInfo(url=url), origin=ORIGIN)
    assert nxt.url == url
    assert nxt.params == {}  # its own limit wins; nothing is sent twice


def test_a_relative_next_url_is_left_to_the_client_to_join() -> None:
    nxt = next_request(_first(), PageInfo(url="/things?page=2"), origin=ORIGIN)
    assert (nxt.url, nxt.params) == ("/things?page=2", {"limit": 3})


def test_a_next_url_on_another_origin_is_refused() -> None:
    for url in ("https://evil.example/v1/things", "http://api.example.com/v1/things"):
        with pytest.raises(PaginationError, match="another origin"):
            next_request(_first(), PageInfo(url=url), origin=ORIGIN)
    same = next_request(_first(), PageInfo(url="https://API.example.com:443/x"), origin=ORIGIN)
    assert same.url == "https://api.example.com/x"


def test_page_json_merges_into_the_first_body() -> None:
    first = FinalRequestOptions.build("post", "/search", body={"q": "dogs"}, options={})
    nxt = next_request(first, PageInfo(json={"cursor": "c1"}), origin=ORIGIN)
    assert nxt.json_data == {"q": "dogs", "cursor": "c1"}
    assert first.json_data == {"q": "dogs"}
    listed = FinalRequestOptions(method="post", url="/search", json_data=["dogs"])
    with pytest.raises(TypeError, match="JSON object body"):
        next_request(listed, PageInfo(json={"cursor": "c1"}), origin=ORIGIN)


def test_each_next_page_is_a_call_of_its_own_answered_parsed() -> None:
    first = _first()
    first.idempotency_key = "key-1"
    first.return_mode = ReturnMode.RAW
    nxt = next_request(first, PageInfo(params={"after": "t"}), origin=ORIGIN)
    assert (nxt.idempotency_key, nxt.return_mode, nxt.continuation_token) == (
        None,
        ReturnMode.PARSED,
        None,
    )


def test_a_listing_started_at_a_token_keeps_how_the_caller_asked_to_be_answered() -> None:
    first = _first()
    first.return_mode = ReturnMode.RAW
    token = encode_token(PageInfo(params={"after": "t5"}))
    start = listing_start(first, token, origin=ORIGIN)
    assert start.options.params == {"limit": 3, "after": "t5"}
    assert start.options.return_mode is ReturnMode.RAW
    assert start.first.params == {"limit": 3}
    assert start.token == token


def test_a_listing_takes_its_token_from_the_request_options_too() -> None:
    token = encode_token(PageInfo(params={"offset": 6}))
    first = FinalRequestOptions.build(
        "get", "/things", options=make_request_options(continuation_token=token)
    )
    start = listing_start(first, None, origin=ORIGIN)
    assert start.options.params == {"offset": 6}
    assert start.first.continuation_token is None


# --- repeats, in bounded memory -------------------------------------------------------------


def test_a_trail_refuses_a_page_info_it_followed_recently() -> None:
    trail = Trail.starting_at(PageInfo())
    for n in range(50):
        step = trail.then(PageInfo(params={"after": f"t{n}"}))
        assert step is not None
        trail = step
    assert trail.then(PageInfo(params={"after": "t10"})) is None
    assert trail.then(PageInfo(params={"after": "t49"})) is None
    assert trail.then(PageInfo()) is None  # the first request again


def test_a_trail_stays_bounded_and_never_refuses_new_pages() -> None:
    trail = Trail.starting_at(PageInfo())
    for n in range(10_000):
        step = trail.then(PageInfo(url=f"https://h/x?page={n}"))
        assert step is not None
        trail = step
    assert len(trail.recent) == RECENT_KEPT


@pytest.mark.parametrize("cycle", [1, 2, RECENT_KEPT + 1, 1000])
def test_a_trail_catches_a_cycle_of_any_length_within_a_few_times_it(cycle: int) -> None:
    trail = Trail.starting_at(PageInfo())
    for step_number in range(1, 10 * cycle + 20):
        step = trail.then(PageInfo(params={"after": f"c{step_number % cycle}"}))
        if step is None:
            assert step_number <= 4 * cycle + 10
            return
        trail = step
    pytest.fail("the cycle was never noticed")


# --- the built-in rules, by hand --------------------------------------------------------------


def test_a_cursor_page_asks_after_its_last_item() -> None:
    page = SyncCursorPage[Thing](data=[Thing(id="a"), Thing(id="b")], has_more=True)
    assert page.next_page_info() == PageInfo(params={"after": "b"})
    assert SyncCursorPage[Thing](data=[Thing(id="a")]).has_next_page()  # has_more unknown


@pytest.mark.parametrize(
    "page",
    [
        SyncCursorPage[Thing](data=[Thing(id="a")], has_more=False),
        SyncCursorPage[Thing](data=[], has_more=True),
    ],
)
def test_a_cursor_page_ends_without_more_or_without_items(page: SyncCursorPage[Thing]) -> None:
    assert not page.has_next_page()
    assert page.continuation_token is None


def test_a_cursor_page_of_dicts_reads_their_id() -> None:
    page = SyncCursorPage[dict[str, object]](data=[{"id": 7}], has_more=True)
    assert page.next_page_info() == PageInfo(params={"after": 7})


def test_a_cursor_page_whose_last_item_has_no_id_says_so() -> None:
    class Nameless(BaseModel):
        name: str

    page = SyncCursorPage[Nameless](data=[Nameless(name="x")], has_more=True)
    with pytest.raises(PaginationError, match="no `id`"):
        page.has_next_page()


def test_an_offset_page_moves_past_the_items_seen_until_the_total() -> None:
    things = [Thing(id=str(n)) for n in range(3)]
    assert SyncOffsetPage[Thing](data=things).next_page_info() == PageInfo(params={"offset": 3})
    assert SyncOffsetPage[Thing](data=things, total=3).next_page_info() is None
    assert SyncOffsetPage[Thing](data=[], total=10).next_page_info() is None


def test_a_single_page_and_an_unfetched_link_page_have_no_next_page() -> None:
    assert not SyncPage[Thing](data=[Thing(id="a")]).has_next_page()
    assert SyncLinkPage[Thing].model_validate([{"id": "a"}]).data == [Thing(id="a")]
    assert not SyncLinkPage[Thing](data=[]).has_next_page()


def test_a_page_built_by_hand_cannot_fetch_and_says_how_to_get_one() -> None:
    page = SyncCursorPage[Thing](data=[Thing(id="a")], has_more=True)
    assert page.request_id is None
    with pytest.raises(RuntimeError, match="not fetched by a client"):
        _ = page.response
    with pytest.raises(RuntimeError, match="get_api_list"):
        page.get_next_page()
    assert page.continuation_token == encode_token(PageInfo(params={"after": "a"}))


def test_a_page_stays_a_plain_model_to_dump_compare_copy_and_pickle() -> None:
    page = SyncCursorPage[Thing](data=[Thing(id="a")], has_more=False)
    assert page.to_dict() == {"data": [{"id": "a"}], "has_more": False}
    assert page == SyncCursorPage[Thing](data=[Thing(id="a")], has_more=False)
    assert copy.deepcopy(page).data == page.data
    assert pickle.loads(pickle.dumps(page)).data == page.data
