"""Serialized request (what botocore would send) -> operation params in the API's own vocabulary.

Driven by the operation's input shape: URI labels (percent-decoded), query string, headers and the
body (XML for rest-xml, JSON for rest-json; blobs base64 inside XML). Parsers are compiled once per
operation and cached, because this runs on every mocked call.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from cfmock.backend.errors import ServiceError

Params = dict[str, Any]
_LABEL = re.compile(r"\{([^}+]+)(\+?)\}")


class _OperationParser:
    def __init__(self, operation: Any) -> None:
        http = operation.http
        path = http["requestUri"].split("?", 1)[0]
        pattern, last = [], 0
        for match in _LABEL.finditer(path):
            pattern.append(re.escape(path[last : match.start()]))
            pattern.append(f"(?P<{match.group(1)}>.+)" if match.group(2) else f"(?P<{match.group(1)}>[^/]*)")
            last = match.end()
        pattern.append(re.escape(path[last:]))
        self.uri = re.compile("".join(pattern))
        self.protocol: str = operation.metadata["protocol"]
        shape = operation.input_shape
        self.labels: list[tuple[str, str, Any]] = []
        self.query: list[tuple[str, str, Any]] = []
        self.headers: list[tuple[str, str, Any]] = []
        self.body_members: dict[str, Any] = {}
        self.payload: tuple[str, Any] | None = None
        if shape is None:
            return
        payload = shape.serialization.get("payload")
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire_name = member.serialization.get("name", name)
            if location == "uri":
                self.labels.append((name, wire_name, member))
            elif location == "querystring":
                self.query.append((name, wire_name, member))
            elif location == "header":
                self.headers.append((name, wire_name.lower(), member))
            elif name == payload:
                self.payload = (name, member)
            else:
                self.body_members[name] = member
        self.shape = shape

    def parse(self, request: Mapping[str, Any]) -> Params:
        params: Params = {}
        match = self.uri.fullmatch(request["url_path"])
        if match is None:
            raise ServiceError("InvalidArgument", f"Unexpected request path {request['url_path']!r}.")
        for name, wire_name, member in self.labels:
            params[name] = self._outside_body(member, unquote(match.group(wire_name)))
        query = request.get("query_string") or {}
        if isinstance(query, str):
            query = dict(parse_qsl(query, keep_blank_values=True))
        for name, wire_name, member in self.query:
            if wire_name in query:
                # botocore leaves values it was not given as strings unconverted here; on the wire they are text.
                params[name] = self._outside_body(member, _text(query[wire_name]))
        if self.headers:
            headers = {k.lower(): v for k, v in request.get("headers", {}).items()}
            for name, wire_name, member in self.headers:
                if wire_name in headers:
                    params[name] = self._outside_body(member, _text(headers[wire_name]))
        body = request.get("body") or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if self.payload is not None:
            name, member = self.payload
            if member.type_name in ("blob", "string"):
                params[name] = body if member.type_name == "blob" else body.decode("utf-8")
            elif body:
                params[name] = self._remembered_document(body)
        elif self.body_members and body:
            params.update(self._remembered_document(body))
        if self.shape is not None:
            _check_required(self.shape, params, "", self.invalid)
        return params

    @property
    def invalid(self) -> str:
        """The code of a request that does not fit the model (decisions 17; the data plane's own)."""
        return "ValidationException" if self.protocol == "rest-json" else "MalformedXML"

    def body_document(self, body: bytes) -> Params:
        """The params the body carries: the payload member's value, or the body members."""
        if self.payload is not None:
            return self._document(body, self.payload[1])
        return self._document(body, self.shape, only=self.body_members)

    def _remembered_document(self, body: bytes) -> Any:
        """:meth:`body_document`, from the recent documents when these exact bytes came lately (a copy: the
        caller owns what it gets)."""
        if type(body) is not bytes or len(body) > MAX_REMEMBERED_BODY:
            return self.body_document(body)
        key = (self, body)
        with _documents_lock:
            document = _documents.get(key)
            if document is not None:
                _documents.move_to_end(key)
        if document is None:
            document = self.body_document(body)  # a body that fails raises here, every time: never remembered
            with _documents_lock:
                _documents[key] = document
                if len(_documents) > REMEMBERED_DOCUMENTS:
                    _documents.popitem(last=False)
        return _copy(document)

    def _outside_body(self, member: Any, text: str) -> Any:
        """A URI label, query parameter or header: text that must convert to the member's type."""
        try:
            return _scalar(member, text)
        except (ValueError, TypeError):
            code = "ValidationException" if self.protocol == "rest-json" else "InvalidArgument"
            raise ServiceError(code, f"The value '{text}' is not a valid {member.type_name}.") from None

    def _document(self, body: bytes, shape: Any, only: Mapping[str, Any] | None = None) -> Params:
        if self.protocol == "rest-json":
            try:
                document = json.loads(body)
            except ValueError:
                raise ServiceError("SerializationException", "The request body is not valid JSON.") from None
            return dict(_from_json(shape, document, "", only))
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            raise ServiceError("MalformedXML", "The XML you provided was not well-formed.") from None
        try:
            return dict(_from_xml(shape, root, only))
        except (ValueError, TypeError):  # an integer, timestamp or base64 blob that is not one
            raise ServiceError("MalformedXML", _SCHEMA_MESSAGE) from None


def _copy(value: Any) -> Any:
    """A deep copy of parsed params: dicts and lists are copied; the rest (str, bytes, numbers, datetimes) is
    immutable. backend.staged.clone does the same, but the wire may import only backend.errors (architecture.md's
    layer table)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


_SCHEMA_MESSAGE = "The XML you provided was not well-formed or did not validate against our published schema."
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "float": (int, float),
    "double": (int, float),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
    "blob": (str,),
    "timestamp": (int, float, str),
}


def _is_json_type(value: Any, kind: str) -> bool:
    expected = _JSON_TYPES.get(kind, (object,))
    return isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _check_required(shape: Any, value: Any, path: str, code: str) -> None:
    """Every required member present, in the body and the query string (decisions 17's message form).

    Headers are left out: a missing If-Match has its own answer (decisions 7)."""
    missing: list[str] = []
    _find_missing(shape, value, path, missing)
    if missing:
        noun = "error" if len(missing) == 1 else "errors"
        found = "; ".join(
            f"Value null at '{where}' failed to satisfy constraint: Member must not be null" for where in missing
        )
        raise ServiceError(code, f"{len(missing)} validation {noun} detected: {found}")


def _find_missing(shape: Any, value: Any, path: str, out: list[str]) -> None:
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            # The path is spelled only where it is used: a missing member, or one that can hold more members.
            if value.get(name) is None:
                if name in shape.required_members and member.serialization.get("location") != "header":
                    out.append(_member_path(path, name))
            elif member.type_name in ("structure", "list"):
                _find_missing(member, value[name], _member_path(path, name), out)
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            _find_missing(shape.member, item, f"{path}.{index + 1}.member", out)


def _member_path(path: str, name: str) -> str:
    return f"{path}.{_lower_first(name)}" if path else _lower_first(name)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _scalar(shape: Any, text: str) -> Any:
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text)
    if kind == "boolean":
        return text == "true"
    if kind == "blob":
        return base64.b64decode(text)
    if kind == "timestamp":
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    return text


def _from_xml(shape: Any, node: ET.Element, only: Mapping[str, Any] | None = None) -> Any:
    kind = shape.type_name
    if kind == "structure":
        children: dict[str, list[ET.Element]] = {}
        for child in node:
            children.setdefault(_local(child.tag), []).append(child)
        result: Params = {}
        for name, member in (only or shape.members).items():
            found = children.get(member.serialization.get("name", name))
            if not found:
                continue
            if member.type_name == "list" and member.serialization.get("flattened"):
                result[name] = [_from_xml(member.member, item) for item in found]
            else:
                result[name] = _from_xml(member, found[0])
        return result
    if kind == "list":
        return [_from_xml(shape.member, child) for child in node]
    if kind == "map":
        raise ServiceError("InvalidArgument", "Maps are not expected in CloudFront requests.")
    return _scalar(shape, node.text or "")


def _from_json(shape: Any, value: Any, path: str, only: Mapping[str, Any] | None = None) -> Any:
    """A JSON value of ``shape``; a value of another JSON type is a ValidationException (null is absent)."""
    kind = shape.type_name
    if not _is_json_type(value, kind):
        shown = json.dumps(value)[:100]
        raise ServiceError(
            "ValidationException",
            f"1 validation error detected: Value '{shown}' at '{path}' failed to satisfy constraint: "
            f"Member must be a {kind}",
        )
    if kind == "structure":
        members = only or shape.members
        out: Params = {}
        for name, member in members.items():
            wire_name = member.serialization.get("name", name)
            if value.get(wire_name) is not None:
                where = f"{path}.{_lower_first(name)}" if path else _lower_first(name)
                out[name] = _from_json(member, value[wire_name], where)
        return out
    if kind == "list":
        return [_from_json(shape.member, item, f"{path}.{i + 1}.member") for i, item in enumerate(value)]
    if kind == "map":
        return {key: _from_json(shape.value, item, f"{path}.{key}") for key, item in value.items()}
    if kind == "blob":
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise ServiceError("ValidationException", f"The value at '{path}' is not valid base64.") from None
    if kind == "timestamp" and isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return value


# Test suites send the same bodies again and again (an event to TestFunction, a config to UpdateFunction), and a
# body's params are a pure function of the operation's parser and the body's bytes, so the latest few are kept,
# which saves parsing the XML (or JSON) each time. Bounded in number and size: at most ~2 MB of bodies, each
# kept with what it parsed to; a body of any size is parsed as before, only not remembered.
REMEMBERED_DOCUMENTS = 32
MAX_REMEMBERED_BODY = 64 * 1024  # a TestFunction of the largest event (decisions 23) is ~55 KB of XML
_documents: OrderedDict[tuple[_OperationParser, bytes], Any] = OrderedDict()
_documents_lock = threading.Lock()

# Keyed by (service, operation) rather than by model object: botocore builds a new model per client, and a
# suite makes thousands of clients.
_PARSERS: dict[tuple[str, str], _OperationParser] = {}


def parse_request(operation: Any, request: Mapping[str, Any]) -> Params:
    """Turn botocore's serialized ``request_dict`` for ``operation`` back into API params."""
    key = (operation.service_model.service_name, operation.name)
    parser = _PARSERS.get(key)
    if parser is None:
        parser = _PARSERS[key] = _OperationParser(operation)
    try:
        return parser.parse(request)
    except (ValueError, TypeError, AttributeError, RecursionError):
        # botocore never sends these (a non-number MaxItems, bad base64, a list where an object belongs); other
        # clients over HTTP can. A malformed request is the client's error, answered 400, not a crash.
        code = "SerializationException" if parser.protocol == "rest-json" else "InvalidArgument"
        raise ServiceError(code, "The request could not be parsed: a value does not fit its shape.") from None
