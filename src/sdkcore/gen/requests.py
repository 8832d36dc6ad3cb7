"""What a method sends: its body, file parts, query parameters and headers, as source.

Arguments left out (``NOT_GIVEN``) are dropped by the package's ``_utils`` helpers;
query parameters and headers are merged under ``extra_query`` / ``extra_headers``
(the caller's win); a ``?k=v`` of the path key is sent with every call; a stream
call asks for ``Accept: text/event-stream`` and a binary one for its media type.

Example::

    query_argument(calls, operation)   # '_utils.query({"limit": limit}, extra_query)'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .calls import CallWriter
    from .model import Operation, Param

__all__ = ["header_argument", "query_argument", "request_arguments"]


def _utils(calls: CallWriter) -> str:
    return calls.imports.name(".", "_utils")


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{key!r}: {value}" for key, value in pairs) + "}"


def query_argument(calls: CallWriter, operation: Operation) -> str:
    """The ``extra_query=`` value: fixed and declared query parameters, then the caller's."""
    pairs = [(key, repr(value)) for key, value in operation.fixed_query.items()]
    pairs += [(param.wire, param.name) for param in operation.params if param.location == "query"]
    if not pairs:
        return "extra_query"
    return f"{_utils(calls)}.query({_pairs(pairs)}, extra_query)"


def header_argument(calls: CallWriter, operation: Operation) -> str:
    """The ``extra_headers=`` value: ``Accept``, declared headers and cookies, then the caller's."""
    pairs: list[tuple[str, str]] = []
    accept = _accept(calls, operation)
    if accept is not None:
        pairs.append(("Accept", accept))
    pairs += [(param.wire, param.name) for param in operation.params if param.location == "header"]
    cookies = [(param.wire, param.name) for param in operation.params if param.location == "cookie"]
    if cookies:
        pairs.append(("Cookie", f"{_utils(calls)}.cookies({_pairs(cookies)})"))
    if not pairs:
        return "extra_headers"
    return f"{_utils(calls)}.headers({_pairs(pairs)}, extra_headers)"


def _accept(calls: CallWriter, operation: Operation) -> str | None:
    response = operation.response
    if response.stream == "always":
        return repr("text/event-stream")
    if response.stream == "flag" and operation.body is not None and operation.body.stream_field:
        not_given = calls.imports.name("sdkcore", "NOT_GIVEN")
        return f"'text/event-stream' if {operation.body.stream_field.name} else {not_given}"
    if response.kind in ("binary", "text", "jsonl"):
        return repr(response.media_type)
    return None


def request_arguments(calls: CallWriter, operation: Operation, *, keyword: bool) -> list[str]:
    """The ``body=`` (and ``files=``) arguments of the call, or none."""
    body = operation.body
    if body is None:
        return []
    if body.value is not None:
        return [f"body={_value(calls, operation, body.value)}"]
    fields = [field for field in body.fields or [] if field not in body.file_fields]
    pairs = [(field.key if body.transform else field.wire, field.name) for field in fields]
    data = f"{_utils(calls)}.given({_pairs(pairs)})"
    if body.transform:
        data = _transformed(calls, operation, _pairs(pairs))
    found = [f"body={data}"]
    if body.kind == "multipart":
        found.append(f"files={_files(calls, body.file_fields)}")
    return found


def _value(calls: CallWriter, operation: Operation, value: Param) -> str:
    assert operation.body is not None
    text = value.name if value.required else f"{_utils(calls)}.body({value.name})"
    if not operation.body.transform:
        return text
    return _transformed(calls, operation, text)


def _transformed(calls: CallWriter, operation: Operation, data: str) -> str:
    assert operation.body is not None
    expected = calls.runtime(operation.body.type, flavor="param")
    if calls.is_async:
        return f"await {calls.imports.name('sdkcore', 'async_transform')}({data}, {expected})"
    return f"{calls.imports.name('sdkcore', 'transform')}({data}, {expected})"


def _files(calls: CallWriter, fields: list[Param]) -> str:
    return f"{_utils(calls)}.files({_pairs([(field.wire, field.name) for field in fields])})"
