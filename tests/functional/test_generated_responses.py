"""A generated response without ``headers`` gets ``"headers":{}`` in FunctionOutput (decision 41), as it gets
``"cookies":{}``: through TestFunction (real boto3) and through ``run_function``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cfmock import run_function

EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/", "headers": {}},
}
NO_HEADERS = "function handler(event) { return { statusCode: 403, statusDescription: 'Forbidden' }; }"
NULL_HEADERS = "function handler(event) { return { statusCode: 403, statusDescription: 'Forbidden', headers: null }; }"
WITH_HEADERS = """function handler(event) {
  return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '/x' } } };
}"""
EXPECTED_EMPTY = {"response": {"headers": {}, "statusDescription": "Forbidden", "cookies": {}, "statusCode": 403}}


def _through_boto3(cf: Any, code: str, runtime: str) -> str:
    etag = cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": runtime}, FunctionCode=code.encode())
    return str(
        cf.test_function(Name="fn", IfMatch=etag["ETag"], EventObject=json.dumps(EVENT).encode())["TestResult"][
            "FunctionOutput"
        ]
    )


@pytest.mark.parametrize("runtime", ["cloudfront-js-1.0", "cloudfront-js-2.0"])
@pytest.mark.parametrize("code", [NO_HEADERS, NULL_HEADERS], ids=["absent", "null"])
def test_test_function_completes_headers(cf: Any, code: str, runtime: str) -> None:
    output = _through_boto3(cf, code, runtime)
    assert json.loads(output) == EXPECTED_EMPTY
    assert output.startswith('{"response":{"headers":{},')


@pytest.mark.parametrize("code", [NO_HEADERS, NULL_HEADERS], ids=["absent", "null"])
def test_run_function_completes_headers(code: str) -> None:
    result = run_function(code, EVENT)
    assert result.output_object == EXPECTED_EMPTY


def test_headers_that_were_set_are_kept(cf: Any) -> None:
    expected = {"location": {"value": "/x"}}
    assert json.loads(_through_boto3(cf, WITH_HEADERS, "cloudfront-js-2.0"))["response"]["headers"] == expected
    assert run_function(WITH_HEADERS, EVENT).output_object["response"]["headers"] == expected  # type: ignore[index]
