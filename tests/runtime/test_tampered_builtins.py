"""User code that changes built-ins cannot break cfmock's own engine (decisions 24).

The engine reads the run's state back after the user's code has run, so what it hands Python must not depend on
anything that code can change: toJSON hooks, setters on Array.prototype, replaced String or Array methods.
Each case here raised a Python TypeError (TestFunctionFailed through the API) or lost the logs before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cfmock import mock_cloudfront_functions
from cfmock.runtime import ERROR_PREFIX, run_connection_function, run_viewer_function

EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/a", "headers": {}, "querystring": {}, "cookies": {}},
}
CONNECTION: dict[str, Any] = {"connectionId": "c-1", "clientIp": "203.0.113.42", "endpoint": "d.cloudfront.net"}
INVALID_RETURN = ERROR_PREFIX + "TypeError: handler must return a request or response object"

PROTO_TO_JSON = "Object.prototype.toJSON = function () { return 5; };\n"
ARRAY_TO_JSON = "Array.prototype.toJSON = function () { return 'x'; };\n"
ARRAY_INDEX_SETTER = "Object.defineProperty(Array.prototype, '0', { set: function () {}, configurable: true });\n"
THROWING_TO_JSON = "Object.prototype.toJSON = function () { throw new Error('nope'); };\n"
REPLACED_ARRAY_METHODS = (
    "Array.isArray = function () { return 5; }; Array.prototype.join = function () { return 7; };\n"
)


def viewer(prelude: str, body: str = "console.log('hi', 1); return event.request;") -> Any:
    return run_viewer_function(prelude + "function handler(event) { " + body + " }", json.dumps(EVENT))


def connection(prelude: str, body: str = "console.log('hi'); connection.allow();") -> Any:
    code = prelude + "function connectionHandler(connection) { " + body + " }"
    return run_connection_function(code, json.dumps(CONNECTION))


@pytest.mark.parametrize("prelude", [ARRAY_TO_JSON, ARRAY_INDEX_SETTER, REPLACED_ARRAY_METHODS])
def test_logs_and_output_survive_changed_array_behaviour(prelude: str) -> None:
    result = viewer(prelude)
    assert result.error_message == ""
    assert result.logs == ("hi 1",)
    assert json.loads(result.output)["request"]["uri"] == "/a"


def test_an_object_to_json_hook_reshapes_the_returned_value_only() -> None:
    # The returned object is serialised as JSON.stringify would (the hook turns it into 5, not an object):
    # a function error, as for any non-object. The engine's own data is untouched.
    result = viewer(PROTO_TO_JSON)
    assert result.error_message == INVALID_RETURN
    assert result.logs == ("hi 1",)


@pytest.mark.parametrize("prelude", [PROTO_TO_JSON, THROWING_TO_JSON, ARRAY_TO_JSON])
def test_a_thrown_error_is_reported_whatever_to_json_does(prelude: str) -> None:
    result = viewer(prelude, "console.log('before'); throw new RangeError('boom');")
    assert result.error_message == ERROR_PREFIX + "RangeError: boom"
    assert result.logs == ("before",)


def test_a_throwing_to_json_hook_keeps_the_logs() -> None:
    result = viewer(THROWING_TO_JSON)
    assert result.error_message == ERROR_PREFIX + "Error: nope"  # raised while serialising the returned value
    assert result.logs == ("hi 1",)


@pytest.mark.parametrize("prelude", [PROTO_TO_JSON, ARRAY_TO_JSON, ARRAY_INDEX_SETTER, REPLACED_ARRAY_METHODS])
def test_async_handlers_too(prelude: str) -> None:
    code = prelude + "async function handler(event) { console.log('hi'); return 1; }"
    result = run_viewer_function(code, json.dumps(EVENT))
    assert result.error_message == INVALID_RETURN  # 1 is not an object; nothing else went wrong
    assert result.logs == ("hi",)


@pytest.mark.parametrize("prelude", [PROTO_TO_JSON, ARRAY_TO_JSON, ARRAY_INDEX_SETTER, THROWING_TO_JSON])
def test_connection_functions_keep_their_decision_and_logs(prelude: str) -> None:
    result = connection(prelude, "console.log('hi'); connection.logCustomData('data'); connection.deny();")
    assert result.error_message == ""
    assert json.loads(result.output) == {"action": "deny", "customData": "data"}
    assert result.logs == ("hi",)


def test_custom_data_does_not_depend_on_string_prototype_slice() -> None:
    prelude = "String.prototype.slice = function () { return { not: 'a string' }; };\n"
    result = connection(prelude, "connection.logCustomData('abc'); connection.allow();")
    assert json.loads(result.output) == {"action": "allow", "customData": "abc"}


def test_origin_records_with_a_to_json_hook_are_dropped_not_fatal() -> None:
    code = (
        "import cf from 'cloudfront';\n"
        "Object.defineProperty(Object.prototype, 'toJSON', { value: function () { return 5; } });\n"
        "function handler(event) {"
        " cf.updateRequestOrigin({ domainName: 'example.org' }); console.log('hi'); return event.request; }"
    )
    result = run_viewer_function(code, json.dumps(EVENT))
    assert result.logs == ("hi",)
    assert result.error_message == INVALID_RETURN
    assert result.origin_requests == ()  # the record serialises to 5, not an object


def test_through_boto3_it_is_a_function_error_not_test_function_failed() -> None:
    import boto3

    with mock_cloudfront_functions():
        cf = boto3.client("cloudfront", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
        code = (PROTO_TO_JSON + "function handler(event) { console.log('hi'); throw new Error('boom'); }").encode()
        etag = cf.create_function(
            Name="fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=code
        )["ETag"]
        result = cf.test_function(Name="fn", IfMatch=etag, EventObject=json.dumps(EVENT).encode())["TestResult"]
    assert result["FunctionErrorMessage"] == ERROR_PREFIX + "Error: boom"
    assert result["FunctionExecutionLogs"] == ["hi"]
