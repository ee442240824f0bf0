"""One engine, two doors: the same calls answer the same through interception and over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import botocore.exceptions
from conftest import CREDENTIALS

from cfmock import mock_cloudfront_functions
from cfmock.server import Backend

CONFIG = {"Comment": "doors", "Runtime": "cloudfront-js-1.0"}
CODE = b"function handler(event) { var r = event.request; r.uri = r.uri + 'x'; return r; }"
EVENT = json.dumps(
    {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.7"},
        "request": {"method": "GET", "uri": "/a", "headers": {}, "querystring": {}, "cookies": {}},
    }
).encode()


def scenario(cf: Any) -> list[Any]:
    """A lifecycle with both stages, stale and missing If-Match, a run and some failures: each outcome."""
    steps: list[Callable[[], Any]] = [
        lambda: cf.create_function(Name="d", FunctionConfig=CONFIG, FunctionCode=CODE),
        lambda: cf.create_function(Name="d", FunctionConfig=CONFIG, FunctionCode=CODE),
        lambda: cf.update_function(Name="d", IfMatch="ETVPDKIKX0DER", FunctionConfig=CONFIG, FunctionCode=CODE),
        lambda: cf.update_function(Name="d", IfMatch="ETVPDKIKX0DER", FunctionConfig=CONFIG, FunctionCode=CODE),
        lambda: cf.publish_function(Name="d", IfMatch=""),
        lambda: cf.publish_function(Name="d", IfMatch=cf.describe_function(Name="d")["ETag"]),
        lambda: cf.describe_function(Name="d", Stage="LIVE"),
        lambda: cf.get_function(Name="d", Stage="LIVE"),
        lambda: cf.test_function(Name="d", IfMatch=cf.describe_function(Name="d")["ETag"], EventObject=EVENT),
        lambda: cf.list_functions(Stage="LIVE"),
        lambda: cf.describe_function(Name="missing"),
        lambda: cf.delete_function(Name="d", IfMatch="ETVPDKIKX0DER"),
    ]
    return [outcome(step) for step in steps]


def outcome(step: Callable[[], Any]) -> Any:
    try:
        return comparable(step())
    except botocore.exceptions.ClientError as error:
        return ("error", error.response["Error"]["Code"], error.response["Error"]["Message"])


def comparable(value: Any) -> Any:
    """Drop what differs per request (ids, dates, timings) but nothing else."""
    if isinstance(value, dict):
        return {
            k: comparable(v)
            for k, v in value.items()
            if k not in ("ResponseMetadata", "ComputeUtilization") and not isinstance(v, datetime)
        }
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if hasattr(value, "read"):
        return value.read()
    return value


def test_the_same_scenario_answers_the_same_in_process_and_over_http(server: Any) -> None:
    with mock_cloudfront_functions():
        in_process = scenario(boto3.client("cloudfront", region_name="us-east-1"))
    over_http = scenario(boto3.client("cloudfront", endpoint_url=server.endpoint, **CREDENTIALS))
    assert over_http == in_process
    assert {type(o) for o in in_process} == {dict, tuple}  # both successes and errors were compared


def test_the_backend_answers_without_a_socket() -> None:
    backend = Backend()
    answer = backend.answer("GET", "/2020-05-31/function", "MaxItems=5", {"Host": "ignored"}, b"")
    assert answer.status == 200 and b"<MaxItems>5</MaxItems>" in answer.body
    assert answer.headers["Content-Length"] == str(len(answer.body))
    assert Backend(account_id="111122223333").account_id == "111122223333"


def test_the_backend_keeps_no_record_of_calls_while_an_activation_does() -> None:
    """A server runs for long: recording every call, as ``mock.calls`` does in-process, would grow without bound."""
    backend = Backend()
    for _ in range(3):
        assert backend.answer("GET", "/2020-05-31/function", "", {}, b"").status == 200
    assert backend._state.calls == []
    with mock_cloudfront_functions() as mock:
        boto3.client("cloudfront", **CREDENTIALS).list_functions()
        assert [call.operation for call in mock.calls] == ["ListFunctions"]


def test_the_backend_answers_not_implemented_with_501_in_the_xml_shape() -> None:
    answer = Backend().answer("GET", "/2020-05-31/distribution")
    assert answer.status == 501
    assert b"<Code>NotImplemented</Code>" in answer.body and b"ListDistributions" in answer.body
    assert answer.headers["Content-Type"] == "text/xml"


def test_a_value_that_does_not_fit_its_shape_is_400_not_a_crash() -> None:
    backend = Backend()
    assert backend.answer("GET", "/2020-05-31/function", "MaxItems=many").status == 400
    body = (
        b"<CreateFunctionRequest><Name>n</Name><FunctionConfig><Comment/><Runtime>cloudfront-js-2.0</Runtime>"
        b"</FunctionConfig><FunctionCode>***not base64***</FunctionCode></CreateFunctionRequest>"
    )
    assert backend.answer("POST", "/2020-05-31/function", "", {}, body).status == 400
    assert "n" not in backend.functions


def test_not_implemented_in_the_json_shape_is_what_botocore_reads_as_the_error_code() -> None:
    # Every data-plane operation is implemented, so this renders the answer a missing one would get.
    from botocore.parsers import create_parser
    from urllib3._collections import HTTPHeaderDict  # case-insensitive, as real responses' headers are

    from cfmock.service.dispatch import NOT_IMPLEMENTED_STATUS
    from cfmock.wire.model import service_model
    from cfmock.wire.render import render_error

    operation = service_model("cloudfront-keyvaluestore").operation_model("GetKey")
    answer = render_error(operation, "NotImplemented", "cfmock does not implement GetKey", NOT_IMPLEMENTED_STATUS)
    parsed = create_parser("rest-json").parse(
        {"status_code": answer.status, "headers": HTTPHeaderDict(answer.headers), "body": answer.body},
        operation.output_shape,
    )
    assert answer.status == 501
    assert parsed["Error"] == {"Code": "NotImplemented", "Message": "cfmock does not implement GetKey"}


def test_an_active_in_process_mock_answers_even_a_client_pointed_at_the_server(server: Any) -> None:
    # As docs/server.md says: the two states are separate, and the activation answers every client in its process.
    with mock_cloudfront_functions() as mock:
        cf = boto3.client("cloudfront", endpoint_url=server.endpoint, **CREDENTIALS)
        cf.create_function(Name="here", FunctionConfig=CONFIG, FunctionCode=CODE)
        assert "here" in mock.functions
    assert "here" not in server.backend.functions
