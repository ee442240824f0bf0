"""KeyValueStore as seen from function code: TestFunction, TestConnectionFunction and ``cfmock.run_function``.

Checked against docs/spec/runtime.md §2.2–2.4 and §6, api.md §7 and decisions.md 24, 31, 32, 35, 37.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

import cfmock

V1 = "ETVPDKIKX0DER"
RT2 = "cloudfront-js-2.0"
DUMMY = {"aws_access_key_id": "x", "aws_secret_access_key": "y"}
ERROR_PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")

REDIRECT = """import cf from 'cloudfront';
const kvsHandle = cf.kvs();
async function handler(event) {
  const request = event.request;
  try {
    const target = await kvsHandle.get(request.uri);
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: target } } };
  } catch (err) {
    console.log(`${err.name}: ${request.uri}`);
    return request;
  }
}
"""

REVOCATION = """import cf from 'cloudfront';
const kvs = cf.kvs();
async function connectionHandler(connection) {
  const leaf = connection.clientCertificate.certificates.leaf;
  if (await kvs.exists(leaf.serialNumber)) {
    connection.logCustomData('REVOKED_CERT:' + leaf.serialNumber + ':' + leaf.issuer);
    console.log('revoked ' + leaf.serialNumber);
    return connection.deny();
  }
  connection.logCustomData('VALID_CERT:' + leaf.serialNumber);
  return connection.allow();
}
"""

REVOKED_SERIAL = "4a:3f:5c:92:d1:e8:7b:6c"
GOOD_SERIAL = "00:9e:2a:11:22:33:44:55"
ISSUER = "CN=Example Corp Intermediate CA,O=Example Corp,C=US"


def viewer_event(uri: str = "/old") -> dict[str, Any]:
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.7"},
        "request": {"method": "GET", "uri": uri, "querystring": {}, "headers": {}, "cookies": {}},
    }


def connection_event(serial: str) -> dict[str, Any]:
    """runtime.md §2.2."""
    leaf = {
        "serialNumber": serial,
        "issuer": ISSUER,
        "subject": "CN=client.example.com,O=Example Corp,C=US",
        "validity": {"notBefore": "2024-01-15T00:00:00Z", "notAfter": "2025-01-14T23:59:59Z"},
    }
    return {
        "connectionId": "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
        "clientIp": "203.0.113.42",
        "endpoint": "d3lch071jze0cb.cloudfront.net",
        "distributionId": "E1NXS4MQZH501R",
        "clientCertificate": {"certificates": {"leaf": leaf}},
    }


@pytest.fixture(scope="module")
def clients() -> tuple[Any, Any]:
    return (
        boto3.client("cloudfront", region_name="us-east-1", **DUMMY),
        boto3.client("cloudfront-keyvaluestore", region_name="us-east-1", **DUMMY),
    )


@pytest.fixture
def cf(cloudfront_functions: Any, clients: tuple[Any, Any]) -> Any:
    return clients[0]


@pytest.fixture
def kvs(cloudfront_functions: Any, clients: tuple[Any, Any]) -> Any:
    return clients[1]


@pytest.fixture
def store(cf: Any, cloudfront_functions: Any) -> Any:
    cf.create_key_value_store(Name="store")
    return cloudfront_functions.key_value_stores["store"]


def config_for(store: Any) -> dict[str, Any]:
    return {
        "Comment": "",
        "Runtime": RT2,
        "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": store.arn}]},
    }


def make_function(cf: Any, store: Any, code: str, name: str = "fn") -> str:
    return str(cf.create_function(Name=name, FunctionConfig=config_for(store), FunctionCode=code.encode())["ETag"])


def run_test(cf: Any, event: dict[str, Any], name: str = "fn", if_match: str = V1) -> dict[str, Any]:
    result = cf.test_function(Name=name, IfMatch=if_match, EventObject=json.dumps(event).encode())["TestResult"]
    return dict(result)


def output(result: dict[str, Any]) -> dict[str, Any]:
    assert result["FunctionErrorMessage"] == "", result["FunctionErrorMessage"]
    return dict(json.loads(result["FunctionOutput"]))


# -- viewer functions through TestFunction ------------------------------------------------------------------------


def test_redirect_by_kvs_lookup(cf: Any, store: Any) -> None:
    """runtime.md §6; decisions 37: cf.kvs() reads the associated store; a missing key rejects with KeyNotFound."""
    store.put("/old", "https://example.com/new")
    make_function(cf, store, REDIRECT)
    redirected = output(run_test(cf, viewer_event("/old")))
    assert redirected["response"]["statusCode"] == 302
    assert redirected["response"]["headers"]["location"]["value"] == "https://example.com/new"

    missing = run_test(cf, viewer_event("/elsewhere"))
    assert output(missing)["request"]["uri"] == "/elsewhere"
    assert missing["FunctionExecutionLogs"] == ["KeyNotFound: /elsewhere"]


def test_an_uncaught_key_not_found_is_a_function_error_not_an_api_error(cf: Any, store: Any) -> None:
    """decisions 24, 37: HTTP 200 with FunctionErrorMessage ``… KeyNotFound: …``."""
    code = "import cf from 'cloudfront';\nasync function handler(e) { await cf.kvs().get('nope'); return e.request; }"
    make_function(cf, store, code)
    result = run_test(cf, viewer_event())
    assert result["FunctionErrorMessage"].startswith(ERROR_PREFIX + "KeyNotFound")
    assert result["FunctionOutput"] == ""


PROBE = """import cf from 'cloudfront';
async function handler(event) {
  const h = cf.kvs(%(id)s);
  const cfg = await h.get('config', { format: 'json' });
  console.log('json ' + typeof cfg + ' ' + cfg.rules.length + ' ' + cfg.rules[1].to);
  const bytes = await h.get('greeting', { format: 'bytes' });
  console.log('bytes ' + bytes.length + ' ' + bytes[0] + ' ' + bytes[1] + ' ' + bytes[2]);
  const text = await h.get('greeting');
  console.log('string ' + text.length + ' ' + (text === 'héllo'));
  const explicit = await h.get('greeting', { format: 'string' });
  console.log('explicit ' + (explicit === text));
  console.log('exists ' + (await h.exists('greeting')) + ' ' + (await h.exists('absent')));
  const meta = await h.meta();
  console.log('meta ' + JSON.stringify(meta));
  return event.request;
}
"""
SEED = {"config": json.dumps({"rules": [{"to": "/a"}, {"to": "/b"}]}), "greeting": "héllo"}


@pytest.mark.parametrize("by_id", [False, True], ids=["cf.kvs()", "cf.kvs(id)"])
def test_get_formats_exists_and_meta(cf: Any, kvs: Any, store: Any, by_id: bool) -> None:
    """runtime.md §6: get() string/json/bytes, exists() never rejects, meta() with ISO times and keyCount."""
    store.update(SEED)
    make_function(cf, store, PROBE % {"id": repr(store.id) if by_id else ""})
    logs = run_test(cf, viewer_event())["FunctionExecutionLogs"]
    assert logs[:6] == [
        "json object 2 /b",
        "bytes 6 104 195 169",  # h, then é as two UTF-8 bytes
        "string 5 true",
        "explicit true",
        "exists true false",
        logs[5],
    ]
    meta = json.loads(logs[5].removeprefix("meta "))
    assert meta["keyCount"] == 2
    assert ISO_MS.fullmatch(meta["creationDateTime"]), meta
    assert ISO_MS.fullmatch(meta["lastUpdatedDateTime"]), meta
    described = kvs.describe_key_value_store(KvsARN=store.arn)
    created = datetime.strptime(meta["creationDateTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    updated = datetime.strptime(meta["lastUpdatedDateTime"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((created - described["Created"]).total_seconds()) < 0.002
    assert abs((updated - described["LastModified"]).total_seconds()) < 0.002
    assert updated >= created


@pytest.mark.parametrize("argument", ["wrong-id", "arn"])
def test_wrong_id_or_the_arn_throws_kvs_namespace_not_found(cf: Any, store: Any, argument: str) -> None:
    """decisions 37."""
    value = {"wrong-id": "00000000-0000-4000-8000-0000000000ff", "arn": store.arn}[argument]
    code = (
        "import cf from 'cloudfront';\n"
        "function handler(event) {\n"
        f"  try {{ cf.kvs({json.dumps(value)}); }} catch (e) {{ console.log('caught ' + e.name); }}\n"
        f"  cf.kvs({json.dumps(value)});\n"
        "  return event.request;\n"
        "}\n"
    )
    make_function(cf, store, code)
    result = run_test(cf, viewer_event())
    assert result["FunctionExecutionLogs"] == ["caught KVSNamespaceNotFound"]
    assert result["FunctionErrorMessage"].startswith(ERROR_PREFIX + "KVSNamespaceNotFound")


def test_no_associated_store_throws_kvs_namespace_not_found(cf: Any) -> None:
    """runtime.md §6: cf.kvs() with no store associated."""
    cf.create_function(
        Name="fn",
        FunctionConfig={"Comment": "", "Runtime": RT2},
        FunctionCode=b"import cf from 'cloudfront';\nfunction handler(event) { cf.kvs(); return event.request; }",
    )
    result = run_test(cf, viewer_event())
    assert result["FunctionErrorMessage"].startswith(ERROR_PREFIX + "KVSNamespaceNotFound")


def test_data_plane_writes_between_runs_are_seen(cf: Any, kvs: Any, store: Any) -> None:
    """api.md §7, runtime.md §6: each run reads the store as it is."""
    make_function(cf, store, REDIRECT)
    first = run_test(cf, viewer_event("/old"))
    assert "request" in output(first)
    etag = kvs.describe_key_value_store(KvsARN=store.arn)["ETag"]
    etag = kvs.put_key(KvsARN=store.arn, Key="/old", Value="https://example.com/v1", IfMatch=etag)["ETag"]
    second = output(run_test(cf, viewer_event("/old")))
    assert second["response"]["headers"]["location"]["value"] == "https://example.com/v1"
    kvs.update_keys(KvsARN=store.arn, IfMatch=etag, Puts=[{"Key": "/old", "Value": "https://example.com/v2"}])
    third = output(run_test(cf, viewer_event("/old")))
    assert third["response"]["headers"]["location"]["value"] == "https://example.com/v2"
    kvs.delete_key(KvsARN=store.arn, Key="/old", IfMatch=kvs.describe_key_value_store(KvsARN=store.arn)["ETag"])
    assert "request" in output(run_test(cf, viewer_event("/old")))


def test_live_stage_reads_the_store_too(cf: Any, store: Any) -> None:
    store.put("/old", "https://example.com/live")
    make_function(cf, store, REDIRECT)
    cf.publish_function(Name="fn", IfMatch=V1)
    result = cf.test_function(Name="fn", IfMatch=V1, Stage="LIVE", EventObject=json.dumps(viewer_event()).encode())
    assert json.loads(result["TestResult"]["FunctionOutput"])["response"]["statusCode"] == 302


def test_a_function_cannot_write_to_the_store(cf: Any, store: Any) -> None:
    """runtime.md §6: read-only, no write methods in functions."""
    code = (
        "import cf from 'cloudfront';\n"
        "function handler(event) {\n"
        "  const h = cf.kvs();\n"
        "  console.log(typeof h.put + ' ' + typeof h.set + ' ' + typeof h.delete);\n"
        "  return event.request;\n"
        "}\n"
    )
    make_function(cf, store, code)
    assert run_test(cf, viewer_event())["FunctionExecutionLogs"] == ["undefined undefined undefined"]


# -- connection functions through TestConnectionFunction --------------------------------------------------------


def run_connection_test(cf: Any, fid: str, serial: str, if_match: str = V1) -> dict[str, Any]:
    result = cf.test_connection_function(
        Id=fid, IfMatch=if_match, ConnectionObject=json.dumps(connection_event(serial)).encode()
    )["ConnectionFunctionTestResult"]
    assert result["ConnectionFunctionErrorMessage"] == "", result["ConnectionFunctionErrorMessage"]
    return dict(result)


def test_certificate_revocation_with_exists(cf: Any, kvs: Any, store: Any) -> None:
    """runtime.md §2.4 example 4: deny a revoked serial found with exists(), allow a good one; decisions 31, 32."""
    store.put(REVOKED_SERIAL, "revoked 2024-06-01")
    fid = cf.create_connection_function(
        Name="revocation", ConnectionFunctionConfig=config_for(store), ConnectionFunctionCode=REVOCATION.encode()
    )["ConnectionFunctionSummary"]["Id"]

    revoked = run_connection_test(cf, fid, REVOKED_SERIAL)
    assert json.loads(revoked["ConnectionFunctionOutput"]) == {
        "action": "deny",
        "customData": f"REVOKED_CERT:{REVOKED_SERIAL}:{ISSUER}",
    }
    assert revoked["ConnectionFunctionExecutionLogs"] == [f"revoked {REVOKED_SERIAL}"]

    good = run_connection_test(cf, fid, GOOD_SERIAL)
    assert json.loads(good["ConnectionFunctionOutput"]) == {
        "action": "allow",
        "customData": f"VALID_CERT:{GOOD_SERIAL}",
    }

    # revoke the good one through the data plane: the next run sees it
    etag = kvs.describe_key_value_store(KvsARN=store.arn)["ETag"]
    kvs.put_key(KvsARN=store.arn, Key=GOOD_SERIAL, Value="revoked now", IfMatch=etag)
    assert json.loads(run_connection_test(cf, fid, GOOD_SERIAL)["ConnectionFunctionOutput"])["action"] == "deny"
    # and un-revoke the first one
    etag = kvs.describe_key_value_store(KvsARN=store.arn)["ETag"]
    kvs.delete_key(KvsARN=store.arn, Key=REVOKED_SERIAL, IfMatch=etag)
    assert json.loads(run_connection_test(cf, fid, REVOKED_SERIAL)["ConnectionFunctionOutput"])["action"] == "allow"


def test_connection_function_get_and_meta(cf: Any, store: Any) -> None:
    store.update({"allowed-issuer": ISSUER, "policy": '{"deny": false}'})
    code = """import cf from 'cloudfront';
async function connectionHandler(connection) {
  const h = cf.kvs();
  const issuer = await h.get('allowed-issuer');
  const policy = await h.get('policy', { format: 'json' });
  const meta = await h.meta();
  console.log(meta.keyCount + ' ' + policy.deny);
  try { await h.get('absent'); } catch (e) { console.log(e.name); }
  if (!policy.deny && connection.clientCertificate.certificates.leaf.issuer === issuer) connection.allow();
}
"""
    fid = cf.create_connection_function(
        Name="issuer", ConnectionFunctionConfig=config_for(store), ConnectionFunctionCode=code.encode()
    )["ConnectionFunctionSummary"]["Id"]
    result = run_connection_test(cf, fid, GOOD_SERIAL)
    assert result["ConnectionFunctionExecutionLogs"] == ["2 false", "KeyNotFound"]
    assert json.loads(result["ConnectionFunctionOutput"])["action"] == "allow"


# -- the same answers without boto3 --------------------------------------------------------------------------------


def test_run_function_gives_the_same_answers_as_test_function(cf: Any, store: Any) -> None:
    data = {"/old": "https://example.com/new", "/x": "https://example.com/x"}
    store.update(data)
    make_function(cf, store, REDIRECT)
    for uri in ("/old", "/x", "/missing"):
        through_api = run_test(cf, viewer_event(uri))
        direct = cfmock.run_function(REDIRECT, viewer_event(uri), kvs=data)
        assert direct.output_object == json.loads(through_api["FunctionOutput"])
        assert list(direct.logs) == through_api["FunctionExecutionLogs"]
        assert direct.error_message == through_api["FunctionErrorMessage"] == ""
    missing = cfmock.run_function(
        "import cf from 'cloudfront';\nasync function handler(e) { await cf.kvs().get('k'); return e.request; }",
        viewer_event(),
        kvs={},
    )
    assert missing.error_message.startswith(ERROR_PREFIX + "KeyNotFound")


def test_run_function_without_kvs_has_no_store() -> None:
    result = cfmock.run_function(
        "import cf from 'cloudfront';\nfunction handler(e) { cf.kvs(); return e.request; }", viewer_event()
    )
    assert result.error_message.startswith(ERROR_PREFIX + "KVSNamespaceNotFound")


def test_run_connection_function_gives_the_same_answers(cf: Any, store: Any) -> None:
    store.put(REVOKED_SERIAL, "1")
    fid = cf.create_connection_function(
        Name="revocation", ConnectionFunctionConfig=config_for(store), ConnectionFunctionCode=REVOCATION.encode()
    )["ConnectionFunctionSummary"]["Id"]
    for serial, action in ((REVOKED_SERIAL, "deny"), (GOOD_SERIAL, "allow")):
        through_api = run_connection_test(cf, fid, serial)
        direct = cfmock.run_connection_function(REVOCATION, connection_event(serial), kvs={REVOKED_SERIAL: "1"})
        assert direct.action == action
        assert direct.output == through_api["ConnectionFunctionOutput"]
        assert list(direct.logs) == through_api["ConnectionFunctionExecutionLogs"]


def test_run_function_meta_reports_iso_times_like_test_function() -> None:
    """runtime.md §6: meta() resolves ``{creationDateTime, lastUpdatedDateTime, keyCount}`` with ISO-8601
    strings. TestFunction gives strings; run_function(kvs=…) must too, or code such as
    ``(await h.meta()).lastUpdatedDateTime.slice(0, 10)`` passes through boto3 and throws without it."""
    code = (
        "import cf from 'cloudfront';\n"
        "async function handler(e) { console.log(JSON.stringify(await cf.kvs().meta())); return e.request; }"
    )
    result = cfmock.run_function(code, viewer_event(), kvs={"a": "1"})
    meta = json.loads(result.logs[0])
    assert meta["keyCount"] == 1
    assert isinstance(meta["creationDateTime"], str) and ISO_MS.fullmatch(meta["creationDateTime"]), meta
    assert isinstance(meta["lastUpdatedDateTime"], str) and ISO_MS.fullmatch(meta["lastUpdatedDateTime"]), meta
