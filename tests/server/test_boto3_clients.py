"""Real boto3 clients against the server: the control plane by endpoint_url, the data plane through the proxy."""

from __future__ import annotations

import json
from typing import Any

import botocore.exceptions
import pytest

CONFIG = {"Comment": "served", "Runtime": "cloudfront-js-2.0"}
CODE = b"function handler(event) { event.request.headers['x-served'] = {value: 'yes'}; return event.request; }"
EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.7"},
    "request": {"method": "GET", "uri": "/", "headers": {}, "querystring": {}, "cookies": {}},
}


def test_function_lifecycle_with_stages_and_if_match(cf: Any, server: Any) -> None:
    v1 = cf.create_function(Name="served", FunctionConfig=CONFIG, FunctionCode=CODE)["ETag"]
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion):
        cf.update_function(Name="served", IfMatch="", FunctionConfig=CONFIG, FunctionCode=CODE)
    v2 = cf.update_function(Name="served", IfMatch=v1, FunctionConfig=CONFIG, FunctionCode=CODE)["ETag"]
    assert v2 != v1
    with pytest.raises(cf.exceptions.PreconditionFailed):
        cf.publish_function(Name="served", IfMatch=v1)
    cf.publish_function(Name="served", IfMatch=v2)
    live = cf.describe_function(Name="served", Stage="LIVE")
    assert live["FunctionSummary"]["FunctionMetadata"]["Stage"] == "LIVE"
    assert cf.get_function(Name="served", Stage="LIVE")["FunctionCode"].read() == CODE
    result = cf.test_function(Name="served", IfMatch=v2, Stage="LIVE", EventObject=json.dumps(EVENT).encode())
    output = json.loads(result["TestResult"]["FunctionOutput"])
    assert output["request"]["headers"]["x-served"] == {"value": "yes"}
    listed = [(i["Name"], i["FunctionMetadata"]["Stage"]) for i in cf.list_functions()["FunctionList"]["Items"]]
    assert sorted(listed) == [("served", "DEVELOPMENT"), ("served", "LIVE")]
    assert server.backend.functions["served"].live.code == CODE  # the same state, seen from Python
    cf.delete_function(Name="served", IfMatch=cf.describe_function(Name="served")["ETag"])
    assert cf.list_functions()["FunctionList"]["Quantity"] == 0


def test_connection_function_round_trip(cf: Any) -> None:
    code = b"function connectionHandler(connection) { connection.allow(); }"
    created = cf.create_connection_function(
        Name="conn",
        ConnectionFunctionConfig={"Comment": "c", "Runtime": "cloudfront-js-2.0"},
        ConnectionFunctionCode=code,
    )
    identifier = created["ConnectionFunctionSummary"]["Id"]
    described = cf.describe_connection_function(Identifier=identifier)
    assert described["ConnectionFunctionSummary"]["Name"] == "conn"
    assert described["ETag"] == created["ETag"]


def test_key_value_store_both_planes(cf: Any, kvs: Any) -> None:
    arn = cf.create_key_value_store(Name="store")["KeyValueStore"]["ARN"]
    etag = kvs.describe_key_value_store(KvsARN=arn)["ETag"]
    # A key with "/" travels as %2F, inside a path whose ARN carries %2F too: routing must use the raw path.
    etag = kvs.put_key(KvsARN=arn, Key="a/b c", Value="v1", IfMatch=etag)["ETag"]
    assert kvs.get_key(KvsARN=arn, Key="a/b c")["Value"] == "v1"
    with pytest.raises(kvs.exceptions.ConflictException):
        kvs.put_key(KvsARN=arn, Key="k", Value="v", IfMatch="stale")
    etag = kvs.update_keys(KvsARN=arn, IfMatch=etag, Puts=[{"Key": "k2", "Value": "v2"}], Deletes=[{"Key": "a/b c"}])[
        "ETag"
    ]
    assert [item["Key"] for item in kvs.list_keys(KvsARN=arn)["Items"]] == ["k2"]
    with pytest.raises(kvs.exceptions.ResourceNotFoundException):
        kvs.get_key(KvsARN=arn, Key="a/b c")
    kvs.delete_key(KvsARN=arn, Key="k2", IfMatch=etag)
    assert kvs.describe_key_value_store(KvsARN=arn)["ItemCount"] == 0


def test_an_operation_cfmock_does_not_implement_answers_501_not_implemented_once(cf: Any) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        cf.list_distributions()
    response = raised.value.response
    assert response["Error"]["Code"] == "NotImplemented"
    assert "ListDistributions" in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert response["ResponseMetadata"]["RetryAttempts"] == 0  # never retried as a transient fault


def test_a_data_plane_operation_not_implemented_is_501_in_the_json_shape(server: Any) -> None:
    answer = server.backend.answer("GET", "/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A1%3Akvs%2Fx/nowhere")
    assert answer.status == 404  # no operation has that shape
    assert answer.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_errors_injected_through_the_control_endpoint_reach_the_client(cf: Any, server: Any) -> None:
    import urllib.request

    document = {"operation": "CreateFunction", "code": "TooManyFunctions", "count": 1}
    request = urllib.request.Request(
        f"{server.endpoint}/_cfmock/errors", data=json.dumps(document).encode(), method="POST"
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 201
    with pytest.raises(cf.exceptions.TooManyFunctions):
        cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)
    cf.create_function(Name="f", FunctionConfig=CONFIG, FunctionCode=CODE)  # count was 1


def test_the_data_plane_through_the_http_proxy_variable(server: Any, cf: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # What docs/server.md tells users: set HTTP_PROXY to the server; the rewritten host is never resolved.
    import boto3
    import botocore
    from botocore.config import Config
    from conftest import CREDENTIALS

    for variable in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.endpoint)
    arn = cf.create_key_value_store(Name="via-env")["KeyValueStore"]["ARN"]
    config = Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 1})
    kvs = boto3.client("cloudfront-keyvaluestore", endpoint_url=server.endpoint, config=config, **CREDENTIALS)
    assert kvs.describe_key_value_store(KvsARN=arn)["KvsARN"] == arn
