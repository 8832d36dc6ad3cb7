"""``multipart/form-data`` request bodies, parsed by the standard library's MIME parser."""

from __future__ import annotations

import email.parser
import email.policy
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ._errors import FormError
from ._headers import Headers

if TYPE_CHECKING:
    from email.message import MIMEPart

# What HTML5 form encoders (browsers, httpx2) percent-encode in a quoted name or
# filename: the double quote and control characters. Nothing else is decoded.
_FORM_ESCAPE = re.compile(r"%(22|[01][0-9A-Fa-f])")
_PARSER = email.parser.BytesParser(policy=email.policy.HTTP)


@dataclass(frozen=True)
class FilePart:
    """One uploaded file of a form: its field `name`, `filename`, type, part headers and bytes.

    `content_type` is the part's ``Content-Type`` as sent, ``"text/plain"`` when absent
    (RFC 7578's default).

    Example::

        [upload] = request.form().files["file"]
        assert (upload.filename, upload.data) == ("report.csv", b"a,b\\n")
    """

    name: str
    filename: str
    content_type: str
    headers: Headers
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        """The file's length in bytes. Example: ``assert upload.size == 0``"""
        return len(self.data)


@dataclass(frozen=True)
class Form:
    """A parsed ``multipart/form-data`` body: text `fields` and `files`, each by name, in order.

    A part with a ``filename`` parameter (even an empty one) is a file; any other is a
    field, its bytes decoded as UTF-8 (invalid bytes become U+FFFD).

    Example::

        form = request.form()
        assert form.fields["tags"] == ["a", "b"]
        assert form.files["file"][0].filename == "notes.txt"
    """

    fields: dict[str, list[str]]
    files: dict[str, list[FilePart]]


def parse_form(content_type: str | None, body: bytes) -> Form:
    """The form in `body`, sent with `content_type`; raises `FormError` for anything else."""
    if content_type is None or not content_type.lower().startswith("multipart/form-data"):
        raise FormError(
            f"the request body is not multipart/form-data (Content-Type: {content_type})"
        )
    header = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = _PARSER.parsebytes(header + body)
    if message.defects or not message.is_multipart():
        names = ", ".join(type(defect).__name__ for defect in message.defects)
        raise FormError(f"the multipart/form-data body is malformed ({names or 'no parts'})")
    form = Form(fields={}, files={})
    for part in message.iter_parts():
        _add_part(form, part)
    return form


def _add_part(form: Form, part: MIMEPart) -> None:
    if part.is_multipart():
        raise FormError("a form part is itself multipart, which multipart/form-data does not allow")
    disposition = part.get("content-disposition")
    params: dict[str, str] = dict(getattr(disposition, "params", {}))
    if getattr(disposition, "content_disposition", None) != "form-data" or "name" not in params:
        raise FormError(f"a form part has no 'form-data; name=...' disposition: {disposition!r}")
    name = _unescape(params["name"])
    data = _payload(part)
    if "filename" not in params:
        form.fields.setdefault(name, []).append(data.decode("utf-8", "replace"))
        return
    headers = Headers([(key, _header_text(value)) for key, value in part.raw_items()])
    upload = FilePart(
        name=name,
        filename=_unescape(params["filename"]),
        content_type=headers.get("content-type", "text/plain"),
        headers=headers,
        data=data,
    )
    form.files.setdefault(name, []).append(upload)


def _payload(part: MIMEPart) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _header_text(value: str) -> str:
    # The parser reads header bytes as ASCII, keeping other bytes as surrogates: undo that.
    return value.encode("ascii", "surrogateescape").decode("utf-8", "replace")


def _unescape(value: str) -> str:
    return _FORM_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)
