"""Every XML response is well-formed (decision 42), parsed by real boto3 clients.

Text that XML 1.0 cannot carry (C0 controls other than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF) reaches
the answer as U+FFFD, wherever it comes from: logs, error messages, FunctionOutput, any string field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

EVENT = json.dumps(
    {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.11"},
        "request": {"method": "GET", "uri": "/", "headers": {}},
    }
).encode()
R = "\ufffd"


def _test(cf: Any, code: str, runtime: str = "cloudfront-js-2.0") -> dict[str, Any]:
    etag = cf.create_function(
        Name="fn", FunctionConfig={"Comment": "", "Runtime": runtime}, FunctionCode=code.encode()
    )["ETag"]
    return dict(cf.test_function(Name="fn", IfMatch=etag, EventObject=EVENT)["TestResult"])


def test_a_control_character_in_a_log_line(cf: Any) -> None:
    """The issue's case: botocore raised ResponseParserError."""
    result = _test(cf, "function handler(event) { console.log('a\\u0001b'); return event.request; }")
    assert result["FunctionExecutionLogs"] == [f"a{R}b"]


@pytest.mark.parametrize(
    ("js", "expected"),
    [
        ("'\\u0000'", R),
        ("'\\u0008\\u000b\\u000c\\u000e\\u001f'", R * 5),
        ("'\\ud800'", R),
        ("'x\\udfffy'", f"x{R}y"),
        ("'\\ufffe\\uffff'", R * 2),
        ("'\\t\\n\\r'", "\t\n\r"),  # XML can carry these: kept, CR included
        ("'\\ud83d\\ude00'", "\U0001f600"),  # a surrogate pair is one character, not two lone ones
        ("'\\u007f\\u0085'", "\x7f\x85"),
    ],
)
def test_log_lines_carry_what_xml_can(cf: Any, js: str, expected: str) -> None:
    result = _test(cf, f"function handler(event) {{ console.log({js}); return event.request; }}")
    assert result["FunctionExecutionLogs"] == [expected]


def test_an_error_message_with_control_characters(cf: Any) -> None:
    result = _test(cf, "function handler(event) { throw new Error('bad\\u0002\\ud800'); }")
    assert result["FunctionErrorMessage"].endswith(f"Error: bad{R}{R}")


def test_an_error_message_in_runtime_1(cf: Any) -> None:
    result = _test(cf, "function handler(event) { throw new TypeError('\\u0007'); }", runtime="cloudfront-js-1.0")
    assert result["FunctionErrorMessage"].endswith(f"TypeError: {R}")


def test_function_output_with_control_characters_reads_back(cf: Any) -> None:
    code = """function handler(event) {
      return { statusCode: 200, statusDescription: 'o\\u0001k', body: 'b\\u0000\\ufffe',
               headers: { 'x-a': { value: 'v\\u001f' } } };
    }"""
    output = json.loads(_test(cf, code)["FunctionOutput"])
    # JSON escapes control characters itself, so they survive exactly; U+FFFE is written as itself and cannot.
    assert output["response"]["statusDescription"] == "o\x01k"
    assert output["response"]["headers"]["x-a"]["value"] == "v\x1f"
    assert output["response"]["body"]["data"] == f"b\x00{R}"


def test_a_connection_function_log_and_custom_data(cf: Any) -> None:
    code = "function connectionHandler(c) { console.log('\\u0003'); c.logCustomData('d\\u0004'); c.allow(); }"
    created = cf.create_connection_function(
        Name="conn",
        ConnectionFunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
        ConnectionFunctionCode=code.encode(),
    )
    connection = {
        "connectionId": "c",
        "clientIp": "203.0.113.42",
        "endpoint": "d.cloudfront.net",
        "distributionId": "E1",
    }
    result = cf.test_connection_function(
        Id=created["ConnectionFunctionSummary"]["Id"],
        IfMatch=created["ETag"],
        ConnectionObject=json.dumps(connection).encode(),
    )["ConnectionFunctionTestResult"]
    assert result["ConnectionFunctionExecutionLogs"] == [R]
    assert json.loads(result["ConnectionFunctionOutput"]) == {"action": "allow", "customData": "d\x04"}


def test_an_aws_error_message_quoting_a_control_character(cf: Any) -> None:
    """A value from the query string quoted in decision 17's message."""
    cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=b"x")
    with pytest.raises(ClientError) as excinfo:
        cf.describe_function(Name="fn", Stage="LIVE\x01")
    error = excinfo.value.response["Error"]
    assert error["Code"] == "MalformedXML"
    assert f"Value 'LIVE{R}'" in error["Message"]


def test_string_fields_seeded_with_control_characters(cf: Any, cloudfront_functions: Any) -> None:
    cloudfront_functions.key_value_stores.create("store", comment="c\x05\r")
    cloudfront_functions.functions.create("seeded", "function handler(e) { return e.request; }", comment="\x06")
    assert cf.describe_key_value_store(Name="store")["KeyValueStore"]["Comment"] == f"c{R}\r"
    assert cf.list_key_value_stores()["KeyValueStoreList"]["Items"][0]["Comment"] == f"c{R}\r"
    assert cf.describe_function(Name="seeded")["FunctionSummary"]["FunctionConfig"]["Comment"] == R
    assert cf.list_functions()["FunctionList"]["Items"][0]["FunctionConfig"]["Comment"] == R
