"""Path templates: each value is one path segment, end to end through the client to a server."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2
import pytest

from _sdk import Acme, AsyncAcme
from sdkcore._qs import path_template

if TYPE_CHECKING:
    from sdkcore.testing import LoopbackServer

pytestmark = pytest.mark.anyio

#: (value, the segment the server must receive for it)
HOSTILE = [
    ("../admin", "..%2Fadmin"),
    ("a/b", "a%2Fb"),
    ("x?y=1", "x%3Fy%3D1"),
    ("#frag", "%23frag"),
    ("..", "%2E%2E"),
    (".", "%2E"),
    ("%2F", "%252F"),
    ("%2E%2E", "%252E%252E"),
    ("with space", "with%20space"),
    ("héllo/世界", "h%C3%A9llo%2F%E4%B8%96%E7%95%8C"),
    ("evil.example:80", "evil.example%3A80"),
    ("http://evil.example/x", "http%3A%2F%2Fevil.example%2Fx"),
    ("//evil.example", "%2F%2Fevil.example"),
    ("a\\b", "a%5Cb"),
    ("...", "..."),
    ("file-1_v2.txt~", "file-1_v2.txt~"),
]


def received_path(server: LoopbackServer, client: Acme, path: str, expected: str) -> str:
    server.route("GET", expected, json={"ok": True})
    assert client.get(path, cast_to=object) == {"ok": True}
    return server.requests[-1].path


@pytest.mark.parametrize(("value", "segment"), HOSTILE, ids=[v for v, _ in HOSTILE])
def test_hostile_values_reach_the_server_as_one_segment(
    server: LoopbackServer, client: Acme, value: str, segment: str
) -> None:
    path = path_template("/things/{thing_id}/content", thing_id=value)
    assert path == f"/things/{segment}/content"
    assert received_path(server, client, path, path) == path


@pytest.mark.parametrize(("value", "segment"), HOSTILE, ids=[v for v, _ in HOSTILE])
def test_a_leading_placeholder_cannot_change_the_origin_or_path(
    server: LoopbackServer, client: Acme, value: str, segment: str
) -> None:
    path = path_template("/{name}", name=value)
    assert received_path(server, client, path, f"/{segment}") == f"/{segment}"


@pytest.mark.parametrize(("value", "segment"), HOSTILE, ids=[v for v, _ in HOSTILE])
def test_hostile_values_stay_under_a_base_url_with_a_path(
    server: LoopbackServer, value: str, segment: str
) -> None:
    with Acme(server.url + "/v1") as client:
        path = path_template("/things/{thing_id}", thing_id=value)
        assert received_path(server, client, path, f"/v1/things/{segment}") == (
            f"/v1/things/{segment}"
        )


@pytest.mark.parametrize(("value", "segment"), HOSTILE[:7], ids=[v for v, _ in HOSTILE[:7]])
async def test_hostile_values_reach_the_server_as_one_segment_async(
    server: LoopbackServer, async_client: AsyncAcme, value: str, segment: str
) -> None:
    path = path_template("/things/{thing_id}", thing_id=value)
    server.route("GET", f"/things/{segment}", json={"ok": True})
    assert await async_client.get(path, cast_to=object) == {"ok": True}
    assert server.requests[-1].path == f"/things/{segment}"


def test_httpx2_keeps_encoded_dot_segments_and_slashes_as_sent() -> None:
    # The reason path_template can send %2E%2E and %2F as they are: httpx2 removes only
    # literal dot segments and leaves existing escapes alone, also when joining a base URL.
    url = httpx2.URL("https://h.test/v1/").join("things/%2E%2E/%2E/a%2Fb")
    assert url.raw_path == b"/v1/things/%2E%2E/%2E/a%2Fb"


def test_every_placeholder_is_filled_and_ints_are_accepted() -> None:
    path = path_template("/orgs/{org}/things/{n}/{org}", org="acme", n=42)
    assert path == "/orgs/acme/things/42/acme"


def test_a_template_without_placeholders_is_returned_unchanged() -> None:
    assert path_template("/things") == "/things"


def test_an_empty_value_raises_value_error_naming_the_parameter() -> None:
    with pytest.raises(ValueError, match=r"'thing_id' is empty"):
        path_template("/things/{thing_id}", thing_id="")


def test_a_placeholder_without_a_value_raises_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match=r"no value for 'b'"):
        path_template("/{a}/{b}", a="x")


def test_a_none_value_counts_as_no_value() -> None:
    with pytest.raises(ValueError, match=r"no value for 'a'"):
        path_template("/{a}", a=None)


def test_a_value_without_a_placeholder_raises_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match=r"'extra' with no placeholder"):
        path_template("/{a}", a="x", extra="y")


@pytest.mark.parametrize("template", ["/{}", "/{1a}", "/{a-b}", "/{a", "/a}", "/{{a}}"])
def test_a_malformed_template_raises_value_error(template: str) -> None:
    with pytest.raises(ValueError, match="path_template"):
        path_template(template, a="x")


@pytest.mark.parametrize("value", [True, 1.5, b"id", ["a"], None.__class__])
def test_a_value_that_is_not_str_or_int_raises_type_error(value: object) -> None:
    with pytest.raises(TypeError, match=r"'a' must be a str or an int"):
        path_template("/{a}", a=value)
