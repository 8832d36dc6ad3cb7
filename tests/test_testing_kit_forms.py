"""sdkcore.testing `Request.form`: ``multipart/form-data`` bodies built by httpx2's own encoder
(an independent implementation) come back as the fields and files that were sent."""

from __future__ import annotations

import random

import httpx2
import pytest

from sdkcore import SdkError
from sdkcore.testing import (
    FilePart,
    Form,
    FormError,
    Headers,
    LoopbackServer,
    Reply,
    Request,
    Route,
)

pytestmark = pytest.mark.anyio

BINARY = random.Random(7).randbytes(200_000) + b"\r\n--not-a-boundary\r\n\r"
NAME = 'naïve "résumé" \\ 2024.txt'  # non-ASCII, a quote, a backslash
DATA: dict[str, object] = {"tags": ["a", "b", "a"], "a[b]": "été", "blank": "", "n": 3}
FILES = [
    ("file", (NAME, b"hello\r\nworld\r", "text/plain; charset=utf-8")),
    ("file", ("empty.bin", b"", "application/octet-stream")),
    ("blob[0]", ("data.bin", BINARY, "application/octet-stream")),
]


def upload_route(server: LoopbackServer) -> Route:
    return server.route("POST", "/v1/files", status=201)


def check_the_form(request: Request) -> None:
    form = request.form()
    assert form.fields == {"tags": ["a", "b", "a"], "a[b]": ["été"], "blank": [""], "n": ["3"]}
    assert list(form.files) == ["file", "blob[0]"]
    text, empty = form.files["file"]
    assert (text.name, text.filename, text.data) == ("file", NAME, b"hello\r\nworld\r")
    assert text.content_type == "text/plain; charset=utf-8"
    assert text.headers["content-disposition"].startswith('form-data; name="file"; filename=')
    assert (empty.filename, empty.data, empty.size) == ("empty.bin", b"", 0)
    assert empty.content_type == "application/octet-stream"
    [blob] = form.files["blob[0]"]
    assert (blob.name, blob.filename, blob.data) == ("blob[0]", "data.bin", BINARY)


def test_form_reads_fields_and_files_from_httpx2s_multipart_encoder(
    loopback_server: LoopbackServer,
) -> None:
    route = upload_route(loopback_server)
    with httpx2.Client(base_url=loopback_server.url) as http:
        response = http.post("/v1/files", data=DATA, files=FILES)
    assert response.status_code == 201
    [request] = route.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    check_the_form(request)


async def test_form_reads_fields_and_files_from_httpx2s_multipart_encoder_async(
    loopback_server: LoopbackServer,
) -> None:
    route = upload_route(loopback_server)
    async with httpx2.AsyncClient(base_url=loopback_server.url) as http:
        response = await http.post("/v1/files", data=DATA, files=FILES)
    assert response.status_code == 201
    [request] = route.requests
    check_the_form(request)


def test_a_handler_answers_from_the_form(loopback_server: LoopbackServer) -> None:
    def store(request: Request) -> Reply:
        [upload] = request.form().files["file"]
        return Reply(json={"filename": upload.filename, "bytes": upload.size})

    loopback_server.route("POST", "/v1/files", handler=store)
    with httpx2.Client(base_url=loopback_server.url) as http:
        response = http.post("/v1/files", files={"file": ("ünï.csv", b"a,b\n1,2\n")})
    assert response.json() == {"filename": "ünï.csv", "bytes": 8}


def test_form_undoes_the_html5_escapes_of_quotes_and_newlines_only(
    loopback_server: LoopbackServer,
) -> None:
    route = upload_route(loopback_server)
    fields = {"naïve": "x", 'say "hi"': "q"}
    with httpx2.Client(base_url=loopback_server.url) as http:
        http.post("/v1/files", data=fields, files={"f": ("two\nlines %41.txt", b"z")})
    form = route.requests[0].form()
    assert form.fields == {"naïve": ["x"], 'say "hi"': ["q"]}
    assert form.files["f"][0].filename == "two\nlines %41.txt"


def test_a_file_part_without_a_content_type_reads_as_text_plain() -> None:
    body = b'--b\r\nContent-Disposition: form-data; name="f"; filename=""\r\n\r\nxyz\r\n--b--\r\n'
    form = multipart_request(body).form()
    assert form == Form(
        fields={},
        files={"f": [FilePart("f", "", "text/plain", form.files["f"][0].headers, b"xyz")]},
    )


def test_an_rfc_2231_filename_is_decoded() -> None:
    disposition = b"form-data; name=\"f\"; filename*=UTF-8''na%C3%AFve%20%E2%82%AC.txt"
    body = b"--b\r\nContent-Disposition: " + disposition + b"\r\n\r\nx\r\n--b--\r\n"
    assert multipart_request(body).form().files["f"][0].filename == "naïve €.txt"


def multipart_request(
    body: bytes, content_type: str = "multipart/form-data; boundary=b"
) -> Request:
    return Request("POST", "/", Headers({"Content-Type": content_type}), body=body)


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain"])
def test_form_of_a_body_that_is_not_multipart_raises_form_error(content_type: str | None) -> None:
    headers = Headers({} if content_type is None else {"Content-Type": content_type})
    request = Request("POST", "/", headers, body=b'{"a": 1}')
    with pytest.raises(FormError, match="not multipart/form-data") as info:
        request.form()
    assert isinstance(info.value, SdkError)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        ("multipart/form-data", b"--b\r\n\r\nx\r\n--b--\r\n", "NoBoundaryInMultipartDefect"),
        ("multipart/form-data; boundary=b", b"no parts at all", "StartBoundaryNotFound"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nunfinished',
            "CloseBoundaryNotFound",
        ),
        ("multipart/form-data; boundary=b", b"--b\r\n\r\nno disposition\r\n--b--\r\n", "name="),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--\r\n",
            "form-data",
        ),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=a\r\n"
            b"Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n\r\nx\r\n--c--\r\n--b--\r\n",
            "itself multipart",
        ),
    ],
)
def test_form_of_a_malformed_multipart_body_raises_form_error(
    content_type: str, body: bytes, message: str
) -> None:
    with pytest.raises(FormError, match=message):
        multipart_request(body, content_type).form()


def test_a_content_type_outside_latin_1_raises_form_error() -> None:
    body = b'--\xc3\xa9\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--\xc3\xa9--\r\n'
    with pytest.raises(FormError, match="malformed"):
        multipart_request(body, "multipart/form-data; boundary=€").form()
