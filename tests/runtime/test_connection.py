"""Connection functions (runtime.md §2, decisions 31 and 32)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cfmock.runtime import ERROR_PREFIX, InvalidEventError, run_connection_function

CONNECTION: dict[str, Any] = {
    "connectionId": "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
    "clientIp": "203.0.113.42",
    "endpoint": "d3lch071jze0cb.cloudfront.net",
    "distributionId": "E1NXS4MQZH501R",
    "clientCertificate": {
        "certificates": {
            "leaf": {
                "serialNumber": "4a:3f:5c:92:d1:e8:7b:6c",
                "issuer": "CN=Example Corp Intermediate CA,O=Example Corp,C=US",
                "subject": "CN=client.example.com,O=ExampleCorp,C=US",
                "validity": {"notBefore": "2024-01-15T00:00:00Z", "notAfter": "2025-01-14T23:59:59Z"},
            }
        }
    },
}

SUBJECT_CHECK = """function connectionHandler(connection) {
  if (!connection.clientCertificate) {
    console.log("No certificate presented");
    return connection.deny();
  }
  var subject = connection.clientCertificate.certificates.leaf.subject;
  if (!subject.includes("O=ExampleCorp")) {
    connection.logCustomData("BAD_ORG:" + subject);
    return connection.deny();
  }
  console.log("Allowed " + connection.clientIp);
  connection.logCustomData("VALID_CERT:" + connection.clientCertificate.certificates.leaf.serialNumber);
  return connection.allow();
}"""


def test_allow_with_custom_data_and_logs() -> None:
    result = run_connection_function(SUBJECT_CHECK, CONNECTION)
    assert result.error_message == ""
    assert result.output == '{"action":"allow","customData":"VALID_CERT:4a:3f:5c:92:d1:e8:7b:6c"}'
    assert result.logs == ("Allowed 203.0.113.42",)
    assert 0 <= result.compute_utilization <= 100


def test_deny_without_certificate() -> None:
    connection = {k: v for k, v in CONNECTION.items() if k != "clientCertificate"}
    result = run_connection_function(SUBJECT_CHECK, connection)
    assert json.loads(result.output) == {"action": "deny", "customData": None}
    assert result.logs == ("No certificate presented",)


def test_no_decision_means_deny() -> None:
    result = run_connection_function("function connectionHandler(connection) { console.log('thinking'); }", CONNECTION)
    assert result.output == '{"action":"deny","customData":null}'


@pytest.mark.parametrize(
    ("calls", "action"),
    [("c.allow(); c.deny();", "allow"), ("c.deny(); c.allow();", "deny"), ("c.deny(); c.deny();", "deny")],
)
def test_first_decision_wins(calls: str, action: str) -> None:
    result = run_connection_function(f"function connectionHandler(c) {{ {calls} }}", CONNECTION)
    assert json.loads(result.output)["action"] == action


def test_async_handler_with_await() -> None:
    code = """async function connectionHandler(connection) {
      var revoked = await Promise.resolve(false);
      if (revoked) return connection.deny();
      return connection.allow();
    }"""
    assert json.loads(run_connection_function(code, CONNECTION).output)["action"] == "allow"


def test_custom_data_keeps_first_800_utf8_bytes() -> None:
    code = "function connectionHandler(c) { c.logCustomData('ab' + '\u20ac'.repeat(400)); c.allow(); }"
    data = json.loads(run_connection_function(code, CONNECTION).output)["customData"]
    assert len(data.encode("utf-8")) <= 800
    assert data == "ab" + "\u20ac" * 266  # 2 + 266*3 = 800 bytes; the 267th euro sign would split


def test_last_custom_data_call_is_kept() -> None:
    code = "function connectionHandler(c) { c.logCustomData('first'); c.logCustomData('second'); c.deny(); }"
    assert json.loads(run_connection_function(code, CONNECTION).output)["customData"] == "second"


def test_documented_bug_without_return_surfaces_as_type_error() -> None:
    code = """function connectionHandler(connection) {
  if (!connection.clientCertificate) {
    connection.deny();
  }
  var subject = connection.clientCertificate.certificates.leaf.subject;
  connection.allow();
}"""
    result = run_connection_function(code, {"clientIp": "203.0.113.42"})
    assert result.error_message == ERROR_PREFIX + 'TypeError: cannot get property "certificates" of undefined'
    assert result.output == ""


def test_methods_are_not_enumerable() -> None:
    code = "function connectionHandler(c) { console.log(Object.keys(c).join(',')); c.allow(); }"
    assert run_connection_function(code, {"clientIp": "1.2.3.4"}).logs == ("clientIp",)


def test_missing_connection_handler() -> None:
    result = run_connection_function("function handler(event) {}", CONNECTION)
    assert result.error_message == ERROR_PREFIX + 'ReferenceError: "connectionHandler" is not defined'


@pytest.mark.parametrize(
    "payload",
    [b"[]", b"not json", b'{"clientIp": 5}', b'{"clientCertificate": "x"}', b"{" + b" " * 40_960 + b"}"],
)
def test_invalid_connection_objects(payload: bytes) -> None:
    with pytest.raises(InvalidEventError):
        run_connection_function("function connectionHandler(c) { c.allow(); }", payload)


@pytest.mark.parametrize("runtime", ["cloudfront-js-1.0", "nodejs"])
def test_connection_functions_need_runtime_2(runtime: str) -> None:
    with pytest.raises(ValueError, match=runtime):
        run_connection_function("function connectionHandler(c) { c.allow(); }", CONNECTION, runtime=runtime)


@pytest.mark.parametrize(
    "code",
    [
        "const connectionHandler = (connection) => connection.allow();",
        "let connectionHandler = function (connection) { connection.allow(); };",
    ],
)
def test_connection_handler_declared_with_const_or_let_is_found(code: str) -> None:
    assert json.loads(run_connection_function(code, CONNECTION).output)["action"] == "allow"


def test_a_viewer_handler_is_not_a_connection_handler() -> None:
    result = run_connection_function("function handler(event) { return event.request; }", CONNECTION)
    assert result.error_message == ERROR_PREFIX + 'ReferenceError: "connectionHandler" is not defined'
