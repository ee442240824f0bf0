"""Viewer events: validation and normalisation of the test event (runtime.md §1, §5.1), and shaping of the
handler's return value into ``FunctionOutput`` (§5.2)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from .errors import InvalidEventError
from .json_limits import MAX_NESTING, dump_json, in_room, load_event_json

MAX_EVENT_BYTES: Final = 40_960
EVENT_TYPES: Final = ("viewer-request", "viewer-response")
_MAPS: Final = ("headers", "querystring", "cookies")


def json_bytes(payload: bytes | str | Mapping[str, Any], what: str) -> bytes:
    """The payload as the UTF-8 JSON text :func:`load_json_object` parses: a mapping is printed (decisions 23)."""
    if isinstance(payload, Mapping):
        try:
            text = dump_json(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except RecursionError:  # far deeper than MAX_NESTING: the text check below refuses the rest
            raise InvalidEventError(f"the {what} is nested more than {MAX_NESTING} levels deep") from None
        except (TypeError, ValueError) as exc:
            raise InvalidEventError(f"the {what} is not JSON-serialisable: {exc}") from None
        return text.encode("utf-8", "surrogatepass")
    if isinstance(payload, bytes | bytearray | memoryview):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogatepass")
    raise InvalidEventError(f"the {what} must be JSON text or a mapping, not {type(payload).__name__}")


def load_json_object(payload: bytes | str | Mapping[str, Any], what: str) -> dict[str, Any]:
    """Parse the payload (or copy a mapping, through its JSON text) into a fresh dict, enforcing decisions 23
    and cfmock's JSON limits (:mod:`cfmock.runtime.json_limits`)."""
    raw = json_bytes(payload, what)
    if len(raw) > MAX_EVENT_BYTES:
        raise InvalidEventError(f"the {what} is {len(raw)} bytes; at most {MAX_EVENT_BYTES} are allowed")
    try:
        value = load_event_json(raw.decode("utf-8"), what)
    except UnicodeDecodeError:
        raise InvalidEventError(f"the {what} is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InvalidEventError(f"the {what} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise InvalidEventError(f"the {what} must be a JSON object")
    return value


def _fail(path: str, problem: str) -> InvalidEventError:
    return InvalidEventError(f"invalid event: {path} {problem}")


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(path, "must be an object")
    return value


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    return value


def _entry(value: Any, path: str, with_attributes: bool) -> dict[str, Any]:
    """One header/query/cookie value object, with unknown keys dropped and the multiValue rules applied."""
    entry = _object(value, path)
    out: dict[str, Any] = {}
    multi_raw = entry.get("multiValue")
    multi: list[dict[str, Any]] = []
    if multi_raw is not None:
        if not isinstance(multi_raw, list):
            raise _fail(f"{path}.multiValue", "must be an array")
        multi = [_entry(item, f"{path}.multiValue[{i}]", with_attributes) for i, item in enumerate(multi_raw)]
    if "value" in entry:
        out["value"] = _string(entry["value"], f"{path}.value")
    elif multi:
        out["value"] = multi[0]["value"]  # the first value is duplicated in value and multiValue[0]
    else:
        out["value"] = ""
    if with_attributes and "attributes" in entry:
        out["attributes"] = _string(entry["attributes"], f"{path}.attributes")
    if len(multi) > 1:  # multiValue exists only for names that occur more than once
        out["multiValue"] = multi
    return out


def _value_map(value: Any, path: str, lowercase: bool, with_attributes: bool) -> dict[str, Any]:
    mapping = _object(value, path)
    out: dict[str, Any] = {}
    for name, raw in mapping.items():
        entry = _entry(raw, f"{path}.{name}", with_attributes)
        key = name.lower() if lowercase else name
        if key in out:  # "Accept" and "accept" in one event: one header that occurs twice
            first = out[key]
            values = first.get("multiValue") or [{k: v for k, v in first.items() if k != "multiValue"}]
            more = entry.get("multiValue") or [entry]
            first["multiValue"] = values + more
        else:
            out[key] = entry
    return out


def _body(value: Any, path: str) -> dict[str, Any]:
    if isinstance(value, str):
        return {"encoding": "text", "data": value}
    body = _object(value, path)
    encoding = body.get("encoding", "text")
    if encoding not in ("text", "base64"):
        raise _fail(f"{path}.encoding", 'must be "text" or "base64"')
    return {"encoding": encoding, "data": _string(body.get("data", ""), f"{path}.data")}


def _request(value: Any) -> dict[str, Any]:
    req = _object(value, "request")
    out: dict[str, Any] = {}
    for key in ("method", "uri"):
        if key in req:
            out[key] = _string(req[key], f"request.{key}")
    out["querystring"] = _value_map(req.get("querystring", {}), "request.querystring", False, False)
    out["headers"] = _value_map(req.get("headers", {}), "request.headers", True, False)
    out["cookies"] = _value_map(req.get("cookies", {}), "request.cookies", False, False)
    return out


def _response(value: Any) -> dict[str, Any]:
    resp = _object(value, "response")
    status = resp.get("statusCode")
    if not isinstance(status, int) or isinstance(status, bool):
        raise _fail("response.statusCode", "must be an integer")
    out: dict[str, Any] = {"statusCode": status}
    if "statusDescription" in resp:
        out["statusDescription"] = _string(resp["statusDescription"], "response.statusDescription")
    out["headers"] = _value_map(resp.get("headers", {}), "response.headers", True, False)
    out["cookies"] = _value_map(resp.get("cookies", {}), "response.cookies", False, True)
    if "body" in resp:
        out["body"] = _body(resp["body"], "response.body")
    return out


def normalise_viewer_event(payload: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """Validate a viewer test event and bring it to the shape CloudFront hands to ``handler``.

    Header names are lowercased, missing ``querystring``/``cookies``/``headers`` become ``{}``, value objects
    lose unknown keys (such as the lowercase ``multivalue`` of AWS's sample events) and a string body
    becomes ``{"encoding": "text", "data": …}``. Raises :class:`InvalidEventError`.
    """
    event = load_json_object(payload, "event")
    return in_room(_normalise, event)  # multiValue entries are walked recursively, up to MAX_NESTING levels


def _normalise(event: dict[str, Any]) -> dict[str, Any]:
    context = dict(_object(event.get("context", {}), "context"))
    event_type = context.get("eventType")
    if event_type is None:
        event_type = "viewer-response" if "response" in event else "viewer-request"
        context["eventType"] = event_type
    elif event_type not in EVENT_TYPES:
        raise _fail("context.eventType", 'must be "viewer-request" or "viewer-response"')
    version = event.get("version", "1.0")
    out: dict[str, Any] = {
        "version": _string(version, "version"),
        "context": context,
        "viewer": _object(event.get("viewer", {}), "viewer"),
    }
    if "request" not in event:
        raise _fail("request", "is required")
    out["request"] = _request(event["request"])
    if event_type == "viewer-response":
        if "response" not in event:
            raise _fail("response", "is required for a viewer-response event")
        out["response"] = _response(event["response"])
    elif "response" in event:
        out["response"] = _object(event["response"], "response")
    return out


# ------------------------------------------------------------------------------------------------ output


def _shape_entry(entry: Any, cookie: bool) -> Any:
    if not isinstance(entry, dict):
        return entry  # not a value object: shown as returned (production would reject it)
    out: dict[str, Any] = {}
    if cookie and "attributes" in entry:
        out["attributes"] = entry["attributes"]
    if "value" in entry:
        out["value"] = entry["value"]
    multi = entry.get("multiValue")
    if isinstance(multi, list):
        out["multiValue"] = [_shape_entry(item, cookie) for item in multi]
    elif multi is not None:
        out["multiValue"] = multi
    return out


def _shape_map(value: Any, cookie: bool = False) -> Any:
    if not isinstance(value, dict):
        return value
    return {name: _shape_entry(entry, cookie) for name, entry in value.items()}


def _shape_request(req: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "headers" in req:
        out["headers"] = _shape_map(req["headers"])
    for key in ("method",):
        if key in req:
            out[key] = req[key]
    # A string querystring (AWS's own normalisation example assigns one) is shown as assigned.
    out["querystring"] = _shape_map(req["querystring"]) if req.get("querystring") is not None else {}
    if "uri" in req:
        out["uri"] = req["uri"]
    out["cookies"] = _shape_map(req["cookies"]) if req.get("cookies") is not None else {}
    return out


def _shape_response(resp: dict[str, Any]) -> dict[str, Any]:
    # Completed with {} when the code set none, as cookies are (decisions 41: a recorded output shows it).
    out: dict[str, Any] = {"headers": _shape_map(resp["headers"]) if resp.get("headers") is not None else {}}
    if "statusDescription" in resp:
        out["statusDescription"] = resp["statusDescription"]
    out["cookies"] = _shape_map(resp["cookies"], cookie=True) if resp.get("cookies") is not None else {}
    out["statusCode"] = resp["statusCode"]
    body = resp.get("body")
    if isinstance(body, str):
        out["body"] = {"encoding": "text", "data": body}
    elif isinstance(body, dict):
        out["body"] = {k: body[k] for k in ("encoding", "data") if k in body}
    elif body is not None:
        out["body"] = body
    return out


# json.dumps with options builds a JSONEncoder per call (~1.3 us); one instance is stateless between calls.
_OUTPUT_JSON: Final = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def is_response(value: dict[str, Any]) -> bool:
    """A returned object with a ``statusCode`` is a response (generated or modified), anything else a request."""
    return value.get("statusCode") is not None


def shape_output(value: dict[str, Any]) -> str:
    """The compact ``FunctionOutput`` JSON for the handler's returned object."""
    return in_room(_shape_output, value)  # the value came through load_returned_json: <= MAX_NESTING levels


def _shape_output(value: dict[str, Any]) -> str:
    if is_response(value):
        wrapped: dict[str, Any] = {"response": _shape_response(value)}
    else:
        wrapped = {"request": _shape_request(value)}
    return _OUTPUT_JSON.encode(wrapped)  # inside shape_output's recursion room, which covers the encoding too
