"""``cfmock.run_function`` / ``cfmock.run_connection_function`` (cfmock/runner.py): the engine without boto3.

The results must say what TestFunction / TestConnectionFunction would (runtime.md §5.1–5.3, decisions 24–31);
``load_import_file`` reads KeyValueStore import files (runtime.md §6, [KVS-FMT]).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import cfmock
from cfmock.runner import DEFAULT_KVS_ID, load_import_file

PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/old", "headers": {"host": {"value": "example.org"}}},
}
REDIRECT = """function handler(event) {
    console.log('redirecting ' + event.request.uri);
    return { statusCode: 301, statusDescription: 'Moved Permanently',
             headers: { location: { value: '/new' } } };
}"""
REWRITE = "function handler(event) { var r = event.request; r.uri = '/index.html'; return r; }"
CONNECTION = {"connectionId": "c1", "clientIp": "203.0.113.42", "endpoint": "d.cloudfront.net", "distributionId": "E1"}


# -- run_function -------------------------------------------------------------------------------------------


def test_run_function_response_result() -> None:
    result = cfmock.run_function(REDIRECT, EVENT)
    assert isinstance(result, cfmock.FunctionResult)
    assert result.ok
    assert result.error_message == ""
    assert result.logs == ("redirecting /old",)
    assert result.output_object == {
        "response": {
            "headers": {"location": {"value": "/new"}},
            "statusDescription": "Moved Permanently",
            "cookies": {},
            "statusCode": 301,
        }
    }
    assert json.loads(result.output) == result.output_object
    assert isinstance(result.compute_utilization, int) and 0 <= result.compute_utilization <= 100


def test_run_function_accepts_text_bytes_and_mappings() -> None:
    expected = {"request": {"headers": {"host": {"value": "example.org"}}, "method": "GET", "querystring": {},
                            "uri": "/index.html", "cookies": {}}}  # fmt: skip
    for code in (REWRITE, REWRITE.encode()):
        for event in (EVENT, json.dumps(EVENT), json.dumps(EVENT).encode()):
            assert cfmock.run_function(code, event).output_object == expected


def test_run_function_error_result() -> None:
    result = cfmock.run_function("function handler(event) { console.log('x'); throw new Error('boom'); }", EVENT)
    assert not result.ok
    assert result.error_message == PREFIX + "Error: boom"
    assert result.output == ""
    assert result.output_object is None
    assert result.logs == ("x",)


def test_run_function_runtime_1_rejects_let() -> None:
    code = "function handler(event) { let r = event.request; return r; }"
    assert cfmock.run_function(code, EVENT).ok
    result = cfmock.run_function(code, EVENT, runtime="cloudfront-js-1.0")
    assert result.error_message == PREFIX + 'SyntaxError: Token "let" not supported in this version'


def test_run_function_unknown_runtime_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"cloudfront-js-3\.0"):
        cfmock.run_function(REWRITE, EVENT, runtime="cloudfront-js-3.0")


@pytest.mark.parametrize("event", ["not json", "[1]", b'"text"', "x" * 40_961], ids=["text", "array", "str", "big"])
def test_run_function_invalid_event_is_a_value_error(event: Any) -> None:
    """decisions 23; InvalidEventError is a ValueError, so callers need not import the runtime."""
    from cfmock.runtime import InvalidEventError

    with pytest.raises(InvalidEventError):
        cfmock.run_function(REWRITE, event)
    assert issubclass(InvalidEventError, ValueError)


def test_run_function_with_kvs() -> None:
    """runtime.md §6 / decisions 37: ``cf.kvs()`` and ``cf.kvs(id)`` read the store; missing keys reject."""
    code = """import cf from 'cloudfront';
async function handler(event) {
    const request = event.request;
    const byDefault = await cf.kvs().get(request.uri);
    const byId = await cf.kvs('KVS_ID').get(request.uri);
    console.log(byDefault + ' ' + byId + ' ' + (await cf.kvs().exists('/nope')));
    request.uri = byDefault;
    return request;
}""".replace("KVS_ID", DEFAULT_KVS_ID)
    result = cfmock.run_function(code, EVENT, kvs={"/old": "/from-kvs"})
    assert result.logs == ("/from-kvs /from-kvs false",)
    assert result.output_object["request"]["uri"] == "/from-kvs"  # type: ignore[index]
    missing = cfmock.run_function(code, EVENT, kvs={"/other": "x"})
    assert missing.error_message.startswith(PREFIX + "KeyNotFound")


def test_run_function_options_edge_location_and_budget() -> None:
    """options.py / runtime.md §3: ``cf.edgeLocation.name`` is the first three letters of edge_location;
    viewer_budget_ms scales utilization (decisions 28)."""
    code = """import cf from 'cloudfront';
function handler(event) { console.log(cf.edgeLocation.name); return event.request; }"""
    options = cfmock.MockOptions(edge_location="FRA56-P1", viewer_budget_ms=0.0001)
    result = cfmock.run_function(code, EVENT, options=options)
    assert result.logs == ("FRA",)
    assert result.compute_utilization == 100


def test_run_function_time_limit_option() -> None:
    result = cfmock.run_function(
        "function handler(event) { for (;;) {} }", EVENT, options=cfmock.MockOptions(time_limit_s=0.1)
    )
    assert result.error_message == PREFIX + "InternalError: function execution timed out"
    assert result.compute_utilization == 100


def test_function_result_to_dict_and_describe() -> None:
    result = cfmock.run_function(REDIRECT, EVENT)
    data = result.to_dict()
    assert set(data) == {"output", "logs", "error_message", "compute_utilization", "origin_requests", "error_location"}
    assert data["output"] == result.output
    assert list(data["logs"]) == ["redirecting /old"]
    assert json.loads(json.dumps(data))["compute_utilization"] == result.compute_utilization
    text = result.describe()
    assert f"ComputeUtilization: {result.compute_utilization}" in text
    assert "redirecting /old" in text
    assert "Output:" in text and '"statusCode": 301' in text
    assert "Error" not in text


def test_function_result_describe_on_error() -> None:
    result = cfmock.run_function("function handler(event) { throw new TypeError('bad'); }", EVENT)
    text = result.describe()
    assert "Logs: (none)" in text
    assert "Error: " + PREFIX + "TypeError: bad" in text
    assert "Output:" not in text


# -- run_connection_function ----------------------------------------------------------------------------------


def test_run_connection_function_allow_with_custom_data() -> None:
    code = """function connectionHandler(connection) {
    console.log('ip ' + connection.clientIp);
    connection.logCustomData('OK:' + connection.clientIp);
    return connection.allow();
}"""
    result = cfmock.run_connection_function(code, CONNECTION)
    assert isinstance(result, cfmock.ConnectionResult)
    assert result.ok
    assert result.action == "allow"
    assert json.loads(result.output) == {"action": "allow", "customData": "OK:203.0.113.42"}
    assert result.logs == ("ip 203.0.113.42",)
    assert result.to_dict() == {
        "output": result.output,
        "logs": ("ip 203.0.113.42",),
        "error_message": "",
        "compute_utilization": result.compute_utilization,
        "error_location": None,
    }
    text = result.describe()
    assert "Output: " + result.output in text and "ip 203.0.113.42" in text


def test_run_connection_function_default_deny_and_error() -> None:
    assert cfmock.run_connection_function("function connectionHandler(c) {}", CONNECTION).action == "deny"
    failed = cfmock.run_connection_function("function connectionHandler(c) { throw new Error('x'); }", CONNECTION)
    assert not failed.ok
    assert failed.action is None
    assert failed.output == ""
    assert failed.error_message == PREFIX + "Error: x"
    assert "Error: " + PREFIX in failed.describe()


def test_run_connection_function_with_kvs() -> None:
    code = """import cf from 'cloudfront';
async function connectionHandler(connection) {
    const leaf = connection.clientCertificate.certificates.leaf;
    if (await cf.kvs().exists(leaf.serialNumber)) {
        connection.logCustomData('REVOKED_CERT:' + leaf.serialNumber);
        return connection.deny();
    }
    return connection.allow();
}"""
    cert = {"clientCertificate": {"certificates": {"leaf": {"serialNumber": "0a:0b"}}}}
    revoked = cfmock.run_connection_function(code, {**CONNECTION, **cert}, kvs={"0a:0b": "revoked"})
    assert json.loads(revoked.output) == {"action": "deny", "customData": "REVOKED_CERT:0a:0b"}
    assert cfmock.run_connection_function(code, {**CONNECTION, **cert}, kvs={}).action == "allow"


def test_run_connection_function_rejects_runtime_1() -> None:
    """runtime.md §2.1 / decisions 21: connection functions exist only for cloudfront-js-2.0, so asking the
    runner for 1.0 is a caller error, like an unknown runtime (it must not silently run a 1.0 profile)."""
    with pytest.raises(ValueError, match=r"cloudfront-js-1\.0"):
        cfmock.run_connection_function("function connectionHandler(c) { c.allow(); }", CONNECTION,
                                       runtime="cloudfront-js-1.0")  # fmt: skip


# -- load_import_file -------------------------------------------------------------------------------------------


def test_load_import_file() -> None:
    text = json.dumps({"data": [{"key": "a", "value": "1"}, {"key": "k\u00e9", "value": '{"j":1}'}]})
    assert load_import_file(text) == {"a": "1", "k\u00e9": '{"j":1}'}
    assert load_import_file('{"data": []}') == {}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[]", "import file"),
        ('{"items": []}', "import file"),
        ('{"data": {"a": "1"}}', "import file"),
        ('{"data": [{"key": "a"}]}', "string key and a string value"),
        ('{"data": [{"key": 1, "value": "1"}]}', "string key and a string value"),
        ('{"data": [{"key": "a", "value": 1}]}', "string key and a string value"),
        ('{"data": ["a"]}', "string key and a string value"),
        ('{"data": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}', "duplicate key 'a'"),
    ],
)
def test_load_import_file_rejects(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        load_import_file(text)


def test_load_import_file_rejects_non_json() -> None:
    with pytest.raises(ValueError):
        load_import_file("not json")
