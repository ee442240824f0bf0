"""Test-event validation and normalisation (runtime.md §1, §5.1) and output shaping (§5.2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cfmock.runtime import InvalidEventError, run_connection_function, run_viewer_function
from cfmock.runtime.events import _shape_request, _shape_response, normalise_viewer_event, shape_output
from cfmock.runtime.json_limits import MAX_NESTING

MINIMAL = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/example.png", "headers": {"host": {"value": "example.org"}}},
}


def test_minimal_event_gets_empty_querystring_and_cookies() -> None:
    event = normalise_viewer_event(MINIMAL)
    assert event["request"]["querystring"] == {}
    assert event["request"]["cookies"] == {}
    assert event["request"]["headers"] == {"host": {"value": "example.org"}}


def test_header_names_are_lowercased_cookie_and_query_names_kept() -> None:
    raw = json.loads(json.dumps(MINIMAL))
    raw["request"]["headers"] = {"Host": {"value": "a"}, "X-Custom": {"value": "b"}}
    raw["request"]["querystring"] = {"ID": {"value": "42"}}
    raw["request"]["cookies"] = {"Session": {"value": "xyz"}}
    request = normalise_viewer_event(raw)["request"]
    assert list(request["headers"]) == ["host", "x-custom"]
    assert list(request["querystring"]) == ["ID"]
    assert list(request["cookies"]) == ["Session"]


def test_multivalue_rules() -> None:
    raw = json.loads(json.dumps(MINIMAL))
    raw["request"]["headers"] = {
        "accept": {"value": "a", "multiValue": [{"value": "a"}, {"value": "b"}]},
        "single": {"multiValue": [{"value": "only"}]},
        "lower": {"value": "x", "multivalue": [{"value": "x"}, {"value": "y"}]},
        "Dup": {"value": "1"},
        "dup": {"value": "2"},
    }
    headers = normalise_viewer_event(raw)["request"]["headers"]
    assert headers["accept"] == {"value": "a", "multiValue": [{"value": "a"}, {"value": "b"}]}
    assert headers["single"] == {"value": "only"}  # multiValue only for repeated names
    assert headers["lower"] == {"value": "x"}  # the samples' lowercase "multivalue" is not a field
    assert headers["dup"] == {"value": "1", "multiValue": [{"value": "1"}, {"value": "2"}]}


def test_response_event_and_body_forms() -> None:
    raw: dict[str, Any] = {
        "context": {},
        "request": {"method": "GET", "uri": "/"},
        "response": {"statusCode": 200, "cookies": {"id": {"value": "1", "attributes": "Secure"}}, "body": "hi"},
    }
    event = normalise_viewer_event(raw)
    assert event["context"]["eventType"] == "viewer-response"
    assert event["version"] == "1.0"
    assert event["response"]["cookies"] == {"id": {"value": "1", "attributes": "Secure"}}
    assert event["response"]["body"] == {"encoding": "text", "data": "hi"}


@pytest.mark.parametrize(
    "payload",
    [
        b"[]",
        b"not json",
        b'"a string"',
        b'{"x": NaN, "request": {}}',
        b"{" + b" " * 40_960 + b"}",
        b"\xff",
        {"context": {"eventType": "origin-request"}, "request": {}},
        {"context": {}},
        {"request": "GET /"},
        {"request": {"uri": 5}},
        {"request": {"headers": {"host": "example.org"}}},
        {"request": {"headers": {"host": {"value": 1}}}},
        {"request": {"headers": {"a": {"value": "x", "multiValue": "x"}}}},
        {"context": {"eventType": "viewer-response"}, "request": {}},
        {"request": {}, "response": {"statusCode": "200"}, "context": {"eventType": "viewer-response"}},
        {"request": {}, "response": {"statusCode": 200, "body": {"encoding": "gzip"}}},
    ],
)
def test_invalid_events_raise(payload: Any) -> None:
    with pytest.raises(InvalidEventError):
        normalise_viewer_event(payload)
    with pytest.raises(InvalidEventError):
        run_viewer_function("function handler(event) { return event.request; }", payload)


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "payload",
    [
        b'{"request": {}, "x": ' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}",  # 30 KB: within decisions 23
        {"request": {}, "x": _nested(5000)},
    ],
    ids=["text", "mapping"],
)
def test_an_event_nested_deeper_than_cfmocks_limit_is_invalid_not_a_crash(payload: Any) -> None:
    with pytest.raises(InvalidEventError, match=f"nested more than {MAX_NESTING} levels deep"):
        run_viewer_function("function handler(event) { return event.request; }", payload)
    with pytest.raises(InvalidEventError, match=f"nested more than {MAX_NESTING} levels deep"):
        run_connection_function("function connectionHandler(c) { c.allow(); }", payload)


def test_event_at_the_size_limit_is_accepted() -> None:
    base = json.dumps(MINIMAL, separators=(",", ":"))
    padding = 40_960 - len(base) - len(',"pad":""')
    text = base[:-1] + ',"pad":"' + "x" * padding + '"}'
    assert len(text.encode()) == 40_960
    assert normalise_viewer_event(text)["request"]["uri"] == "/example.png"


def test_output_key_order_and_additions() -> None:
    request = {"uri": "/a", "method": "GET", "headers": {"h": {"value": "v", "junk": 1}}, "extra": True}
    assert shape_output(request) == (
        '{"request":{"headers":{"h":{"value":"v"}},"method":"GET","querystring":{},"uri":"/a","cookies":{}}}'
    )
    response = {"statusCode": 404, "body": {"data": "aGk=", "encoding": "base64"},
                "cookies": {"c": {"value": "v", "attributes": "Path=/",
                                  "multiValue": [{"value": "v", "attributes": "Path=/"}, {"value": "w"}]}}}  # fmt: skip
    assert shape_output(response) == (
        '{"response":{"headers":{},"cookies":{"c":{"attributes":"Path=/","value":"v","multiValue":'
        '[{"attributes":"Path=/","value":"v"},{"value":"w"}]}},"statusCode":404,'
        '"body":{"encoding":"base64","data":"aGk="}}}'
    )


def test_string_querystring_is_shown_as_assigned() -> None:
    code = "function handler(event) { event.request.querystring = 'a=1&b=2'; return event.request; }"
    out = json.loads(run_viewer_function(code, MINIMAL).output)
    assert out["request"]["querystring"] == "a=1&b=2"


@pytest.mark.parametrize("headers", ["absent", None])
def test_a_response_without_headers_gets_empty_headers(headers: Any) -> None:
    """decisions 41: completed with {} as cookies are."""
    response: dict[str, Any] = {"statusCode": 302, "statusDescription": "Found"}
    if headers != "absent":
        response["headers"] = headers
    assert shape_output(response) == (
        '{"response":{"headers":{},"statusDescription":"Found","cookies":{},"statusCode":302}}'
    )


_RETURNED = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
_MAPS = st.dictionaries(
    st.text(max_size=4), st.fixed_dictionaries({}, optional={"value": _RETURNED, "multiValue": _RETURNED}), max_size=3
)


@settings(suppress_health_check=[HealthCheck.too_slow])  # generation only, on a loaded machine
@given(
    st.fixed_dictionaries(
        {},
        optional={"headers": _MAPS | _RETURNED, "method": _RETURNED, "uri": st.text(), "cookies": _MAPS},
    ),
    st.one_of(st.none(), st.integers(100, 599), st.text(max_size=3)),
)
def test_the_output_text_is_json_dumps_of_the_shaped_value(returned: dict[str, Any], status: Any) -> None:
    # The output is printed by one shared encoder; it must print exactly what json.dumps with the same options
    # did (lone surrogates, non-ASCII, big integers and floats included).
    if status is not None:
        returned["statusCode"] = status
    shaped = json.loads(shape_output(returned))
    wrapped = {"response": _shape_response(returned)} if status is not None else {"request": _shape_request(returned)}
    assert shape_output(returned) == json.dumps(wrapped, separators=(",", ":"), ensure_ascii=False)
    assert shaped == json.loads(json.dumps(wrapped))
