"""TestFunction and TestConnectionFunction keep CloudFront's ``FunctionErrorMessage`` form (decisions 24, 25):
the fixed prefix and ``Name: message``, never the location that run_function reports (issue 16 point 3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import cfmock

PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/a", "headers": {"host": {"value": "example.org"}}},
}
CONNECTION = {"connectionId": "c1", "clientIp": "203.0.113.42", "endpoint": "e.example"}

CODES = [
    pytest.param("cloudfront-js-2.0", 'function handler(event) {\n  if (event.request.uri == "/" {\n  }\n}',
                 "SyntaxError: Unexpected token '{'", id="syntax"),
    pytest.param("cloudfront-js-1.0", "function handler(event) {\n  const a = 1;\n}",
                 'SyntaxError: Token "const" not supported in this version', id="syntax-1.0"),
    pytest.param("cloudfront-js-2.0", "function handler(event) {\r\n\treturn event.request.headers.nope.value;\r\n}",
                 'TypeError: cannot get property "value" of undefined', id="runtime"),
    pytest.param("cloudfront-js-2.0", "var a = 1;\nnope();\nfunction handler(event) { return event.request; }",
                 'ReferenceError: "nope" is not defined', id="top-level"),
]  # fmt: skip


@pytest.mark.parametrize(("runtime", "code", "message"), CODES)
def test_function_error_message_has_no_location(cf: Any, runtime: str, code: str, message: str) -> None:
    cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": runtime}, FunctionCode=code.encode())
    etag = cf.describe_function(Name="fn")["ETag"]
    result = cf.test_function(Name="fn", IfMatch=etag, EventObject=json.dumps(EVENT).encode())["TestResult"]
    assert result["FunctionErrorMessage"] == PREFIX + message
    located = cfmock.run_function(code, EVENT, runtime=runtime)  # the same run, outside the API, has a location
    assert located.error_message == PREFIX + message and located.error_location is not None


def test_connection_function_error_message_has_no_location(cf: Any) -> None:
    code = "function connectionHandler(connection) {\n  connection.nope();\n}"
    created = cf.create_connection_function(
        Name="cfn", ConnectionFunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
        ConnectionFunctionCode=code.encode(),
    )  # fmt: skip
    result = cf.test_connection_function(
        Id=created["ConnectionFunctionSummary"]["Id"], IfMatch=created["ETag"],
        ConnectionObject=json.dumps(CONNECTION).encode(),
    )["ConnectionFunctionTestResult"]  # fmt: skip
    assert result["ConnectionFunctionErrorMessage"] == PREFIX + "TypeError: connection.nope is not a function"
    assert cfmock.run_connection_function(code, CONNECTION).error_location == cfmock.ErrorLocation(2, 14)
