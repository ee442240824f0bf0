"""Operation results and errors -> real response bytes, driven by the output shape of botocore's model.

A result is a dict shaped like the operation's output shape (``{"FunctionSummary": {...}, "ETag": "E..."}``).
Header members become headers, the payload (or the body members) becomes the XML document or JSON object,
blob payloads go out raw. Writers are compiled once per shape and cached, as this runs on every call.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate
from typing import Any

from cfmock.wire.model import error_status

Writer = Callable[[Any, str, str, list[str]], None]

# decisions 10: botocore reads UpdateFunction's ETag from a header spelled "ETtag" (a model typo that real
# CloudFront evidently answers); clients of other SDKs read "ETag". Send both.
_HEADER_ALIASES = {"ETtag": ("ETag",)}


@dataclass(frozen=True)
class WireResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


# decisions 42: what XML 1.0 cannot carry (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF)
# becomes U+FFFD, so every response is well-formed. CR is sent as a reference, which parsers keep as CR.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_WORK = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` as XML character data: escaped, and only characters XML 1.0 can carry (decisions 42)."""
    if _NEEDS_WORK.search(text) is None:  # the common case: one scan, no copies
        return text
    return _escaped(text)


def _escaped(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _NOT_XML.sub("\ufffd", text)


def iso_timestamp(value: datetime) -> str:
    """``2023-11-07T19:53:50.334Z``: CloudFront's rest-xml timestamp form (api.md §2.2)."""
    # Formatted by hand: strftime costs several microseconds, and this runs for every summary.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
        f"{value.second:02d}.{value.microsecond // 1000:03d}Z"
    )


# Request ids only need to be unique and look like AWS's (a UUID): a random per-process prefix plus a
# counter is unique and costs far less than uuid4() on every call.
_REQUEST_ID_PREFIX = os.urandom(10).hex()
_request_numbers = itertools.count(1)


def new_request_id() -> str:
    p = _REQUEST_ID_PREFIX
    return f"{p[:8]}-{p[8:12]}-4{p[13:16]}-a{p[17:20]}-{next(_request_numbers):012x}"


_date_cache: tuple[int, str] = (0, "")


def _http_date() -> str:
    global _date_cache
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, formatdate(now, usegmt=True))
    return _date_cache[1]


def _string_text(value: Any) -> str:
    """``xml_text(str(value))`` in one call: strings are most of a response."""
    text = value if type(value) is str else str(value)
    return text if _NEEDS_WORK.search(text) is None else _escaped(text)


def _scalar_text(shape: Any) -> Callable[[Any], str]:
    kind = shape.type_name
    if kind == "boolean":
        return lambda v: "true" if v else "false"
    if kind == "timestamp":
        return iso_timestamp
    if kind == "blob":
        return lambda v: base64.b64encode(v).decode("ascii")
    if kind in ("integer", "long"):
        return lambda v: str(int(v))
    return _string_text


# A writer appends ``value`` as an element to ``out``, given the element's opening and closing tags. The tags are
# spelled once, when the writer of the enclosing shape is built, not on every call.
_XML_WRITERS: dict[tuple[str, str], Writer] = {}


def _xml_writer(shape: Any) -> Writer:
    key = (shape.name, shape.type_name)
    writer = _XML_WRITERS.get(key)
    if writer is None:
        # Placeholder first so recursive shapes terminate; replaced below.
        _XML_WRITERS[key] = lambda value, start, end, out: _XML_WRITERS[key](value, start, end, out)
        writer = _XML_WRITERS[key] = _build_xml_writer(shape)
    return writer


# What a structure or list writes for one member (or item): scalars carry their text function and are written in
# place; other shapes carry their writer.
_Part = tuple[str, str, Callable[[Any], str] | None, Writer | None]


def _part(shape: Any, tag: str) -> _Part:
    if shape.type_name in ("structure", "list"):
        return f"<{tag}>", f"</{tag}>", None, _xml_writer(shape)
    return f"<{tag}>", f"</{tag}>", _scalar_text(shape), None


def _build_xml_writer(shape: Any) -> Writer:
    kind = shape.type_name
    if kind == "structure":
        members = [
            (name, *_part(member, member.serialization.get("name", name)))
            for name, member in shape.members.items()
            if "location" not in member.serialization
        ]

        def write_structure(value: Any, start: str, end: str, out: list[str]) -> None:
            out.append(start)
            for name, member_start, member_end, text, write in members:
                item = value.get(name)
                if item is not None:
                    if text is not None:
                        out.append(f"{member_start}{text(item)}{member_end}")
                    else:
                        assert write is not None
                        write(item, member_start, member_end, out)
            out.append(end)

        return write_structure
    if kind == "list":
        item_start, item_end, item_text, write_item = _part(
            shape.member, shape.member.serialization.get("name", "member")
        )

        def write_list(value: Any, start: str, end: str, out: list[str]) -> None:
            out.append(start)
            if item_text is not None:
                out.extend([f"{item_start}{item_text(item)}{item_end}" for item in value])
            else:
                assert write_item is not None
                for item in value:
                    write_item(item, item_start, item_end, out)
            out.append(end)

        return write_list
    text = _scalar_text(shape)

    def write_scalar(value: Any, start: str, end: str, out: list[str]) -> None:
        out.append(f"{start}{text(value)}{end}")

    return write_scalar


def _namespace(operation: Any) -> str:
    return f"http://cloudfront.amazonaws.com/doc/{operation.service_model.api_version}/"


def _json_value(shape: Any, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return {
            member.serialization.get("name", name): _json_value(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None and "location" not in member.serialization
        }
    if kind == "list":
        return [_json_value(shape.member, item) for item in value]
    if kind == "map":
        return {key: _json_value(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        return value.timestamp()
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    return value


def _base_headers(request_id: str, body: bytes, content_type: str | None) -> dict[str, str]:
    headers = {"x-amzn-RequestId": request_id, "Date": _http_date()}
    if content_type is not None:
        headers["Content-Type"] = content_type
    headers["Content-Length"] = str(len(body))
    return headers


class _ResponsePlan:
    """What rendering an operation's result needs, read from the model once per operation."""

    def __init__(self, operation: Any) -> None:
        self.status = int(operation.http.get("responseCode", 200))
        self.json = operation.metadata["protocol"] == "rest-json"
        self.namespace = _namespace(operation)
        self.headers: list[tuple[str, str, tuple[str, ...]]] = []
        self.payload_name: str | None = None
        self.payload_blob = False
        self.body_shape: Any = None  # the shape rendered as the document, if any
        self.root = ""
        self.writer: Writer | None = None
        self.document_start = self.document_end = ""
        shape = operation.output_shape
        if shape is None:
            return
        for name, member in shape.members.items():
            if member.serialization.get("location") == "header":
                wire_name = member.serialization.get("name", name)
                self.headers.append((name, wire_name, _HEADER_ALIASES.get(wire_name, ())))
        payload = shape.serialization.get("payload")
        if payload is not None:
            member = shape.members[payload]
            self.payload_name = payload
            self.payload_blob = member.type_name == "blob"
            if not self.payload_blob:
                self.body_shape, self.root = member, member.serialization.get("name", payload)
        elif self.json or any("location" not in m.serialization for m in shape.members.values()):
            self.body_shape, self.root = shape, shape.name
        if self.body_shape is not None and not self.json:
            self.writer = _xml_writer(self.body_shape)
            # The root carries the namespace, as CloudFront's live answers do (api.md §2.2).
            self.document_start = f'<?xml version="1.0" encoding="UTF-8"?>\n<{self.root} xmlns="{self.namespace}">'
            self.document_end = f"</{self.root}>"

    def body(self, result: Mapping[str, Any]) -> tuple[bytes, str | None]:
        if self.payload_name is not None:
            value = result.get(self.payload_name)
            if self.payload_blob:
                return bytes(value or b""), None
            if value is None:
                return b"", None
        else:
            value = result
        if self.body_shape is None:
            return b"", None
        if self.json:
            return json.dumps(_json_value(self.body_shape, value), separators=(",", ":")).encode(), "application/json"
        assert self.writer is not None
        out: list[str] = []
        self.writer(value, self.document_start, self.document_end, out)
        return "".join(out).encode("utf-8"), "text/xml"


_PLANS: dict[tuple[str, str], _ResponsePlan] = {}


def render_result(operation: Any, result: Mapping[str, Any]) -> WireResponse:
    """Render a successful ``result`` of ``operation`` as real HTTP response parts."""
    key = (operation.service_model.service_name, operation.name)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _ResponsePlan(operation)
    extra: dict[str, str] = {}
    for name, wire_name, aliases in plan.headers:
        value = result.get(name)
        if value is not None:
            extra[wire_name] = value if isinstance(value, str) else str(value)
            for alias in aliases:
                extra[alias] = extra[wire_name]
    body, content_type = plan.body(result)
    headers = _base_headers(new_request_id(), body, content_type if "Content-Type" not in extra else None)
    headers.update(extra)
    return WireResponse(plan.status, headers, body)


def render_error(operation: Any, code: str, message: str, status: int | None = None) -> WireResponse:
    """Render an AWS error: status from the model's error shape (unless given), body in the protocol's format."""
    if status is None:
        status = error_status(operation.service_model, code)
    request_id = new_request_id()
    if operation.metadata["protocol"] == "rest-json":
        body = json.dumps({"Message": message}).encode()
        headers = _base_headers(request_id, body, "application/json")
        headers["x-amzn-ErrorType"] = code
        return WireResponse(status, headers, body)
    kind = "Receiver" if status >= 500 else "Sender"
    body = (
        f'<?xml version="1.0"?>\n<ErrorResponse xmlns="{_namespace(operation)}"><Error><Type>{kind}</Type>'
        f"<Code>{xml_text(code)}</Code><Message>{xml_text(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return WireResponse(status, _base_headers(request_id, body, "text/xml"), body)
