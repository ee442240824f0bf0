"""TestConnectionFunction through a real boto3 client: ``connectionHandler(connection)`` really runs.

Checked against docs/spec/runtime.md §2 (connection object and API), api.md §5.2 and decisions.md
1, 5–7, 15, 23, 24, 28, 30–32 (decisions win where they differ).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

V1 = "ETVPDKIKX0DER"  # decisions 2
V2 = "E3UN6WX5RRO2AG"
RT2 = "cloudfront-js-2.0"
PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
FOREIGN_ETAG = "E2EUQ1WTGCTBG2"

# runtime.md §2.2, without the certificate (optional mTLS, decisions 32).
PLAIN: dict[str, Any] = {
    "connectionId": "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
    "clientIp": "203.0.113.42",
    "endpoint": "d3lch071jze0cb.cloudfront.net",
    "distributionId": "E1NXS4MQZH501R",
}
LEAF = {
    "serialNumber": "4a:3f:5c:92:d1:e8:7b:6c",
    "issuer": "CN=Example Corp Intermediate CA,O=Example Corp,C=US",
    "subject": "CN=client.example.com,O=ExampleCorp,C=US",
    "validity": {"notBefore": "2024-01-15T00:00:00Z", "notAfter": "2025-01-14T23:59:59Z"},
    "sha256Fingerprint": "_w6bJ7aOAlGOj7NUhJxTfsfee-ONg_xop3_PTgTJpqs=",
    "ocspEndpoint": "http://ocsp.example.com",
    "san": "DNS:client.example.com,DNS:api.example.com",
    "spki": "3082",
    "sanHex": "3032",
}
WITH_CERT: dict[str, Any] = {**PLAIN, "clientCertificate": {"certificates": {"leaf": LEAF, "intermediates": [LEAF]}}}

ALLOW = b"function connectionHandler(connection) { connection.allow(); }"
# runtime.md §2.4 example 3 (subject check), with the missing ``return`` fixed.
SUBJECT_CHECK = b"""function connectionHandler(connection) {
    if (!connection.clientCertificate) {
        console.log("No certificate presented");
        return connection.deny();
    }
    var subject = connection.clientCertificate.certificates.leaf.subject;
    if (subject.indexOf("O=ExampleCorp") === -1) {
        console.log("Wrong organisation: " + subject);
        return connection.deny();
    }
    console.log("Certificate accepted: " + subject);
    return connection.allow();
}"""


# -- helpers ------------------------------------------------------------------------------------------------


def create(cf: Any, code: bytes = ALLOW, name: str = "conn") -> tuple[str, str]:
    created = cf.create_connection_function(
        Name=name, ConnectionFunctionConfig={"Comment": "c", "Runtime": RT2}, ConnectionFunctionCode=code
    )
    return created["ConnectionFunctionSummary"]["Id"], created["ETag"]


def update(cf: Any, fid: str, etag: str, code: bytes) -> str:
    config = {"Comment": "c", "Runtime": RT2}
    updated = cf.update_connection_function(
        Id=fid, IfMatch=etag, ConnectionFunctionConfig=config, ConnectionFunctionCode=code
    )
    return str(updated["ETag"])


def call(cf: Any, fid: str, etag: str = V1, connection: Any = None, **kwargs: Any) -> dict[str, Any]:
    payload = connection if isinstance(connection, bytes) else json.dumps(PLAIN if connection is None else connection)
    response = cf.test_connection_function(Id=fid, IfMatch=etag, ConnectionObject=payload, **kwargs)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    return dict(response["ConnectionFunctionTestResult"])


def run(cf: Any, code: bytes, connection: Any = None, name: str = "conn") -> dict[str, Any]:
    fid, etag = create(cf, code, name)
    return call(cf, fid, etag, connection)


def output(result: dict[str, Any]) -> dict[str, Any]:
    assert result["ConnectionFunctionErrorMessage"] == "", result["ConnectionFunctionErrorMessage"]
    text = result["ConnectionFunctionOutput"]
    assert " " not in text or '"customData":"' in text  # compact JSON (decisions 31)
    parsed: dict[str, Any] = json.loads(text)
    assert set(parsed) == {"action", "customData"}
    return parsed


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# -- decisions (decisions 31, runtime.md §2.3) -----------------------------------------------------------------


def test_allow(cf: Any) -> None:
    result = run(cf, ALLOW)
    assert output(result) == {"action": "allow", "customData": None}
    assert result["ConnectionFunctionExecutionLogs"] == []
    assert result["ConnectionFunctionOutput"] == '{"action":"allow","customData":null}'


def test_deny(cf: Any) -> None:
    result = run(cf, b"function connectionHandler(connection) { connection.deny(); }")
    assert output(result) == {"action": "deny", "customData": None}


def test_neither_allow_nor_deny_means_deny(cf: Any) -> None:
    result = run(cf, b"function connectionHandler(connection) { console.log('undecided'); }")
    assert output(result) == {"action": "deny", "customData": None}
    assert result["ConnectionFunctionExecutionLogs"] == ["undecided"]


@pytest.mark.parametrize(
    ("body", "action"),
    [
        ("connection.deny(); connection.allow();", "deny"),
        ("connection.allow(); connection.deny();", "allow"),
        ("connection.allow(); connection.allow(); connection.deny();", "allow"),
    ],
)
def test_first_decision_wins(cf: Any, body: str, action: str) -> None:
    code = f"function connectionHandler(connection) {{ {body} }}".encode()
    assert output(run(cf, code))["action"] == action


def test_async_connection_handler_is_awaited(cf: Any) -> None:
    """runtime.md §2.1: the handler may be async."""
    code = b"""async function connectionHandler(connection) {
    const ip = await Promise.resolve(connection.clientIp);
    console.log(`from ${ip}`);
    return connection.allow();
}"""
    result = run(cf, code)
    assert output(result)["action"] == "allow"
    assert result["ConnectionFunctionExecutionLogs"] == ["from 203.0.113.42"]


# -- logCustomData (decisions 31, runtime.md §2.3) -----------------------------------------------------------


def test_log_custom_data_appears_in_the_output(cf: Any) -> None:
    code = b"""function connectionHandler(connection) {
    connection.logCustomData('VALID_CERT:' + connection.clientCertificate.certificates.leaf.serialNumber);
    return connection.allow();
}"""
    assert output(run(cf, code, WITH_CERT)) == {"action": "allow", "customData": "VALID_CERT:4a:3f:5c:92:d1:e8:7b:6c"}


def test_log_custom_data_is_cut_at_800_ascii_bytes(cf: Any) -> None:
    code = b"""function connectionHandler(connection) {
    connection.logCustomData(new Array(1001).join('x'));
    connection.deny();
}"""
    assert output(run(cf, code)) == {"action": "deny", "customData": "x" * 800}


def test_log_custom_data_keeps_800_utf8_bytes_without_splitting_a_character(cf: Any) -> None:
    """decisions 31: the first 800 bytes of UTF-8; 'é' is 2 bytes, '€' 3 bytes."""
    code = b"""function connectionHandler(connection) {
    connection.logCustomData(new Array(501).join('\\u00e9'));
    connection.allow();
}"""
    assert output(run(cf, code))["customData"] == "\u00e9" * 400
    code = b"""function connectionHandler(connection) {
    connection.logCustomData(new Array(301).join('\\u20ac'));
    connection.allow();
}"""
    data = output(run(cf, code, name="euro"))["customData"]
    assert data == "\u20ac" * 266  # 798 bytes; a 267th would need 801
    assert len(data.encode()) <= 800


def test_log_custom_data_exactly_800_bytes_is_kept_whole(cf: Any) -> None:
    code = b"""function connectionHandler(connection) {
    connection.logCustomData(new Array(801).join('y'));
    connection.allow();
}"""
    assert output(run(cf, code))["customData"] == "y" * 800


# -- console logs (decisions 30) -------------------------------------------------------------------------------


def test_console_logs_one_entry_per_call_and_objects_as_json(cf: Any) -> None:
    code = b"""function connectionHandler(connection) {
    console.log('checking ' + connection.clientIp);
    console.log({ ip: connection.clientIp, n: 1 });
    connection.allow();
}"""
    result = run(cf, code)
    logs = result["ConnectionFunctionExecutionLogs"]
    assert logs[0] == "checking 203.0.113.42"
    assert json.loads(logs[1]) == {"ip": "203.0.113.42", "n": 1}
    assert len(logs) == 2


# -- the connection object (runtime.md §2.2, decisions 32) ----------------------------------------------------


def test_connection_object_is_the_handler_argument(cf: Any) -> None:
    """runtime.md §2.1: no ``event.connection`` wrapper; the fields of §2.2 are on the argument itself."""
    code = b"""function connectionHandler(connection) {
    console.log([connection.connectionId, connection.clientIp, connection.endpoint, connection.distributionId,
                 typeof connection.connection, typeof connection.clientCertificate].join('|'));
    connection.allow();
}"""
    logs = run(cf, code)["ConnectionFunctionExecutionLogs"]
    assert logs == [
        "|".join([PLAIN["connectionId"], PLAIN["clientIp"], PLAIN["endpoint"], PLAIN["distributionId"]])
        + "|undefined|undefined"
    ]


def test_certificate_absent_subject_check_denies(cf: Any) -> None:
    result = run(cf, SUBJECT_CHECK, PLAIN)
    assert output(result)["action"] == "deny"
    assert result["ConnectionFunctionExecutionLogs"] == ["No certificate presented"]


def test_certificate_present_subject_check_allows(cf: Any) -> None:
    result = run(cf, SUBJECT_CHECK, WITH_CERT)
    assert output(result)["action"] == "allow"
    assert result["ConnectionFunctionExecutionLogs"] == ["Certificate accepted: " + LEAF["subject"]]


def test_certificate_fields_are_readable(cf: Any) -> None:
    code = b"""function connectionHandler(connection) {
    var certs = connection.clientCertificate.certificates;
    var leaf = certs.leaf;
    console.log(leaf.serialNumber);
    console.log(leaf.issuer);
    console.log(leaf.validity.notBefore + '/' + leaf.validity.notAfter);
    console.log(leaf.sha256Fingerprint + ' ' + leaf.san + ' ' + leaf.ocspEndpoint);
    console.log(String(certs.intermediates.length));
    connection.allow();
}"""
    result = run(cf, code, WITH_CERT)
    assert result["ConnectionFunctionExecutionLogs"] == [
        LEAF["serialNumber"],
        LEAF["issuer"],
        "2024-01-15T00:00:00Z/2025-01-14T23:59:59Z",
        f"{LEAF['sha256Fingerprint']} {LEAF['san']} {LEAF['ocspEndpoint']}",
        "1",
    ]


def test_optional_mtls_example(cf: Any) -> None:
    """runtime.md §2.4 example 6: allow known IP ranges without a certificate."""
    code = b"""function connectionHandler(connection) {
    if (connection.clientCertificate) {
        var subject = connection.clientCertificate.certificates.leaf.subject;
        console.log('MTLS_SUCCESS:' + subject + ':' + connection.clientIp);
        return connection.allow();
    }
    if (connection.clientIp.startsWith('203.0.113.') || connection.clientIp.startsWith('198.51.100.')) {
        connection.logCustomData('NON_MTLS_ALLOWED:' + connection.clientIp);
        return connection.allow();
    }
    connection.logCustomData('NON_MTLS_DENIED:' + connection.clientIp);
    return connection.deny();
}"""
    fid, etag = create(cf, code)
    assert output(call(cf, fid, etag, PLAIN)) == {"action": "allow", "customData": "NON_MTLS_ALLOWED:203.0.113.42"}
    outsider = {**PLAIN, "clientIp": "192.0.2.7"}
    assert output(call(cf, fid, etag, outsider)) == {"action": "deny", "customData": "NON_MTLS_DENIED:192.0.2.7"}
    with_cert = call(cf, fid, etag, WITH_CERT)
    assert output(with_cert) == {"action": "allow", "customData": None}
    assert with_cert["ConnectionFunctionExecutionLogs"] == [f"MTLS_SUCCESS:{LEAF['subject']}:203.0.113.42"]


# -- errors (decisions 24, runtime.md §2.4 example 3) -------------------------------------------------------------


def test_thrown_error_is_reported_with_http_200(cf: Any) -> None:
    code = b"""function connectionHandler(connection) {
    console.log('about to fail');
    throw new Error('certificate store unavailable');
}"""
    fid, etag = create(cf, code)
    response = cf.test_connection_function(Id=fid, IfMatch=etag, ConnectionObject=json.dumps(PLAIN))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    result = response["ConnectionFunctionTestResult"]
    assert result["ConnectionFunctionErrorMessage"] == PREFIX + "Error: certificate store unavailable"
    assert result["ConnectionFunctionExecutionLogs"] == ["about to fail"]
    assert result["ConnectionFunctionOutput"] in ("", "{}")


def test_documented_example_without_return_surfaces_a_type_error(cf: Any) -> None:
    """runtime.md §2.4 example 3: deny() without ``return`` then reads the missing certificate."""
    code = b"""function connectionHandler(connection) {
    if (!connection.clientCertificate) {
        console.log("No certificate presented");
        connection.deny();
    }
    var subject = connection.clientCertificate.certificates.leaf.subject;
    connection.allow();
}"""
    result = run(cf, code, PLAIN)
    assert result["ConnectionFunctionErrorMessage"] == (
        PREFIX + 'TypeError: cannot get property "certificates" of undefined'
    )
    assert result["ConnectionFunctionExecutionLogs"] == ["No certificate presented"]


def test_missing_connection_handler_is_a_function_error(cf: Any) -> None:
    result = run(cf, b"function handler(event) { return event.request; }")
    assert result["ConnectionFunctionErrorMessage"].startswith(PREFIX)
    assert "connectionHandler" in result["ConnectionFunctionErrorMessage"]


@pytest.mark.cloudfront_functions(time_limit_s=0.15)
def test_infinite_loop_is_stopped_and_the_next_call_works(cf: Any) -> None:
    """decisions 28."""
    fid, etag = create(cf, b"function connectionHandler(connection) { while (true) {} }")
    cpu, wall = time.thread_time(), time.perf_counter()
    result = call(cf, fid, etag)
    assert time.thread_time() - cpu < 0.15 + 0.3
    assert time.perf_counter() - wall < 8.0
    assert result["ConnectionFunctionErrorMessage"] == PREFIX + "InternalError: function execution timed out"
    assert result["ComputeUtilization"] == "100"
    other, other_etag = create(cf, ALLOW, name="other")
    assert output(call(cf, other, other_etag))["action"] == "allow"


# -- result fields (api.md §5.2, decisions 28) --------------------------------------------------------------------


def test_compute_utilization_and_summary(cf: Any) -> None:
    fid, etag = create(cf)
    result = call(cf, fid, etag)
    value = result["ComputeUtilization"]
    assert isinstance(value, str) and re.fullmatch(r"[0-9]{1,3}", value) and 0 <= int(value) <= 100
    summary = result["ConnectionFunctionSummary"]
    assert summary["Id"] == fid
    assert summary["Name"] == "conn"
    assert summary["Stage"] == "DEVELOPMENT"
    assert summary["Status"] == "UNPUBLISHED"
    assert summary["ConnectionFunctionConfig"]["Runtime"] == RT2
    assert summary == cf.describe_connection_function(Identifier=fid)["ConnectionFunctionSummary"]


@pytest.mark.cloudfront_functions(connection_budget_ms=0.0001)
def test_connection_budget_is_configurable(cf: Any) -> None:
    """decisions 28: capped at 100 and over budget is not an error in a test run."""
    result = run(cf, ALLOW)
    assert result["ComputeUtilization"] == "100"
    assert output(result)["action"] == "allow"


# -- Stage and If-Match (decisions 1, 5–7, 15) -------------------------------------------------------------------

DENY = b"function connectionHandler(connection) { connection.deny(); }"


def test_missing_stage_means_development(cf: Any) -> None:
    fid, etag = create(cf)
    etag = update(cf, fid, etag, DENY)
    assert output(call(cf, fid, etag))["action"] == "deny"
    assert output(call(cf, fid, etag, Stage="DEVELOPMENT"))["action"] == "deny"


def test_live_runs_the_published_code_and_needs_the_live_etag(cf: Any) -> None:
    fid, etag = create(cf)
    cf.publish_connection_function(Id=fid, IfMatch=etag)
    assert update(cf, fid, etag, DENY) == V2
    live = call(cf, fid, V1, Stage="LIVE")
    assert output(live)["action"] == "allow"
    assert live["ConnectionFunctionSummary"]["Stage"] == "LIVE"
    with pytest.raises(cf.exceptions.PreconditionFailed) as excinfo:
        call(cf, fid, V2, Stage="LIVE")
    assert error_of(excinfo) == ("PreconditionFailed", 412)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        call(cf, fid, V1, Stage="DEVELOPMENT")
    assert output(call(cf, fid, V2, Stage="DEVELOPMENT"))["action"] == "deny"


def test_if_match_mismatch_is_precondition_failed_412(cf: Any) -> None:
    """decisions 5."""
    fid, _ = create(cf)
    with pytest.raises(cf.exceptions.PreconditionFailed) as excinfo:
        call(cf, fid, FOREIGN_ETAG)
    assert error_of(excinfo) == ("PreconditionFailed", 412)


def test_empty_if_match_is_invalid_if_match_version_400(cf: Any) -> None:
    """decisions 7."""
    fid, _ = create(cf)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as excinfo:
        call(cf, fid, "")
    assert error_of(excinfo) == ("InvalidIfMatchVersion", 400)


def test_empty_if_match_is_reported_before_a_bad_stage(cf: Any) -> None:
    """decisions 7: If-Match present and non-empty comes before body validation, the Stage enum included."""
    fid, etag = create(cf)
    with pytest.raises(cf.exceptions.InvalidIfMatchVersion) as excinfo:
        call(cf, fid, "", Stage="STAGING")
    assert error_of(excinfo) == ("InvalidIfMatchVersion", 400)
    with pytest.raises(ClientError) as excinfo:  # with an ETag, the bad Stage is what is wrong
        call(cf, fid, etag, Stage="STAGING")
    assert error_of(excinfo) == ("MalformedXML", 400)


def test_live_before_publish_is_entity_not_found_404(cf: Any) -> None:
    """decisions 6, 7: checked before If-Match."""
    fid, _ = create(cf)
    for etag in (V1, FOREIGN_ETAG):
        with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
            call(cf, fid, etag, Stage="LIVE")
        assert error_of(excinfo) == ("EntityNotFound", 404)


def test_unknown_id_and_the_name_are_entity_not_found(cf: Any) -> None:
    """decisions 15: TestConnectionFunction's label is ``Id``, so only the Id is accepted."""
    create(cf)
    for identifier in ("NOSUCHID0000000000000", "conn"):
        with pytest.raises(cf.exceptions.EntityNotFound) as excinfo:
            call(cf, identifier, V1)
        assert error_of(excinfo) == ("EntityNotFound", 404)


def test_bad_stage_is_malformed_xml_400(cf: Any) -> None:
    fid, etag = create(cf)
    with pytest.raises(ClientError) as excinfo:
        call(cf, fid, etag, Stage="PROD")
    assert type(excinfo.value) is ClientError
    assert error_of(excinfo) == ("MalformedXML", 400)


# -- the connection object's validation (decisions 23) -------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"[]", b"42", json.dumps({**PLAIN, "pad": "z" * 40_960}).encode()],
    ids=["non-json", "array", "number", "too-big"],
)
def test_bad_connection_objects_are_invalid_argument(cf: Any, payload: bytes) -> None:
    fid, etag = create(cf)
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        call(cf, fid, etag, payload)
    assert error_of(excinfo) == ("InvalidArgument", 400)


def test_precondition_is_checked_before_the_connection_object(cf: Any) -> None:
    fid, _ = create(cf)
    with pytest.raises(cf.exceptions.PreconditionFailed):
        call(cf, fid, FOREIGN_ETAG, b"{not json")


def test_injected_test_function_failed_is_500_once_per_call(cf: Any, cloudfront_functions: Any) -> None:
    """decisions 24: TestFunctionFailed is answered before botocore's retry loop."""
    fid, etag = create(cf)
    cloudfront_functions.inject_error("TestConnectionFunction", "TestFunctionFailed", count=1)
    with pytest.raises(cf.exceptions.TestFunctionFailed) as excinfo:
        call(cf, fid, etag)
    assert error_of(excinfo) == ("TestFunctionFailed", 500)
    assert output(call(cf, fid, etag))["action"] == "allow"
