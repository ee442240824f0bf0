"""require('cloudfront') (runtime 2.0): edgeLocation, origin helpers, distributionTenant, kvs; rawQueryString."""

from __future__ import annotations

import re
from typing import Any

import pytest
from modules_harness import V1, V2, Sandbox

CF = "var cf = require('cloudfront'); // kvs updateRequestOrigin selectRequestOriginById createRequestOriginGroup bytes"
STORE = {
    "id": "8aa76c93-3198-462c-aaf6-0123456789ab",
    "data": {"plain": "héllo", "doc": '{"tier": "gold", "n": [1, 2]}', "bad": "{nope", "constructor": "x"},
    "created": "2024-05-01T10:00:00.000Z",
    "lastModified": "2024-05-02T11:30:00.123Z",
}
ARN = "arn:aws:cloudfront::123456789012:key-value-store/" + STORE["id"]


def sandbox(event_type: str = "viewer-request", **host: Any) -> Sandbox:
    return Sandbox(CF, V2, eventType=event_type, **host)


def records(box: Sandbox) -> Any:
    return box.eval("__cfmock_host.originRecords")


def test_edge_location() -> None:
    assert sandbox(edgeLocation="SEA19-C1").eval("cf.edgeLocation") == {
        "name": "SEA",
        "serverIp": "192.0.2.1",
        "region": "us-west-2",
    }
    given = {"name": "FRA", "serverIp": "2001:db8::1", "region": "eu-central-1"}
    assert sandbox(edgeLocation=given).eval("cf.edgeLocation") == given
    assert sandbox("viewer-response").eval("cf.edgeLocation") == {}


def test_distribution_tenant_is_unavailable_on_a_standard_distribution() -> None:
    box = sandbox()
    assert box.error("cf.distributionTenant") == "TypeError: distributionTenant module is not available"
    assert box.error("cf.distributionTenant.id") == "TypeError: distributionTenant module is not available"


def test_cloudfront_module_is_not_in_1_0() -> None:
    box = Sandbox(CF.replace("var cf = require('cloudfront');", ""), V1)
    assert box.error("require('cloudfront')") == 'Error: Cannot find module "cloudfront"'


def test_origin_helpers_are_recorded() -> None:
    box = sandbox()
    box.eval(
        "cf.updateRequestOrigin({domainName: 'origin.example.com', hostHeader: 'www.example.com', originPath: '/v2',"
        " customHeaders: {'x-tier': 'gold'}, connectionAttempts: 2, originShield: {enabled: true, region: 'us-east-1'},"
        " originAccessControlConfig: {enabled: true, signingBehavior: 'always', signingProtocol: 'sigv4',"
        " originType: 's3'},"
        " timeouts: {readTimeout: 30, responseCompletionTimeout: 60, keepAliveTimeout: 5, connectionTimeout: 10},"
        " customOriginConfig: {port: 443, protocol: 'https', sslProtocols: ['TLSv1.2'], ipAddressType: 'dualstack'},"
        " sni: 'www.example.com', allowedCertificateNames: ['*.example.com']})"
    )
    box.eval("cf.selectRequestOriginById('origin-2')")
    box.eval("cf.selectRequestOriginById('origin-3', {hostHeader: 'a.example.com', sni: 'a.example.com'})")
    box.eval(
        "cf.createRequestOriginGroup({originIds: [{originId: 'p', originOverrides: {hostHeader: 'p.example.com'}},"
        " 's'],"
        " selectionCriteria: 'media-quality-score', failoverCriteria: {statusCodes: [500, 503]}})"
    )
    box.eval("cf.createRequestOriginGroup({originIds: ['a', 'b'], failoverCriteria: [404]})")
    got = records(box)
    assert [r["method"] for r in got] == [
        "updateRequestOrigin",
        "selectRequestOriginById",
        "selectRequestOriginById",
        "createRequestOriginGroup",
        "createRequestOriginGroup",
    ]
    assert got[0]["args"]["customOriginConfig"] == {
        "port": 443,
        "protocol": "https",
        "sslProtocols": ["TLSv1.2"],
        "ipAddressType": "dualstack",
    }
    assert got[1] == {"method": "selectRequestOriginById", "args": {"originId": "origin-2"}}
    assert got[2]["args"] == {
        "originId": "origin-3",
        "overrides": {"hostHeader": "a.example.com", "sni": "a.example.com"},
    }
    assert got[3]["args"]["originIds"][0] == {"originId": "p", "originOverrides": {"hostHeader": "p.example.com"}}
    assert got[4]["args"] == {"originIds": ["a", "b"], "failoverCriteria": [404]}


def test_records_are_snapshots() -> None:
    box = sandbox()
    box.eval(
        "(function () { var p = {domainName: 'a.example.com'}; cf.updateRequestOrigin(p);"
        " p.domainName = 'b.example.com'; })()"
    )
    assert records(box) == [{"method": "updateRequestOrigin", "args": {"domainName": "a.example.com"}}]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        ("cf.updateRequestOrigin('example.com')", '"props" must be an object'),
        ("cf.updateRequestOrigin({domainName: 'example.com:8080'})", '"domainName" must be a domain name'),
        ("cf.updateRequestOrigin({domainName: '10.0.0.1'})", '"domainName" must be a domain name'),
        ("cf.updateRequestOrigin({domainName: 'a'.repeat(254)})", '"domainName" must be a domain name'),
        ("cf.updateRequestOrigin({domainName: 'Bucket.s3.us-east-1.amazonaws.com'})", '"domainName" of an S3 origin'),
        ("cf.updateRequestOrigin({hostHeader: 'h:1'})", '"hostHeader" must be a domain name'),
        ("cf.updateRequestOrigin({originPath: 'v2'})", '"originPath" must start with "/"'),
        ("cf.updateRequestOrigin({originPath: '/v2/'})", '"originPath" must start with "/"'),
        (
            "cf.updateRequestOrigin({customHeaders: {'X-Upper': 'a'}})",
            '"customHeaders.X-Upper" must be a lowercase header name',
        ),
        (
            "cf.updateRequestOrigin({customHeaders: {'x-amz-cf-id': 'a'}})",
            '"customHeaders.x-amz-cf-id" is a header that CloudFront does not allow',
        ),
        ("cf.updateRequestOrigin({customHeaders: {'x-a': 1}})", '"customHeaders.x-a" must be a string'),
        ("cf.updateRequestOrigin({customHeaders: [['x-a', 'b']]})", '"customHeaders" must be an object'),
        ("cf.updateRequestOrigin({connectionAttempts: 4})", '"connectionAttempts" must be an integer from 1 to 3'),
        ("cf.updateRequestOrigin({originShield: {enabled: 'yes'}})", '"originShield.enabled" must be a boolean'),
        ("cf.updateRequestOrigin({originShield: {enabled: true}})", '"originShield.region" must name a region'),
        (
            "cf.updateRequestOrigin({originAccessControlConfig: {enabled: true, signingBehavior: 'sometimes'}})",
            'signingBehavior" must be one of always, never, no-override',
        ),
        (
            "cf.updateRequestOrigin({originAccessControlConfig: {enabled: true, signingProtocol: 'sigv2'}})",
            'signingProtocol" must be one of sigv4',
        ),
        (
            "cf.updateRequestOrigin({originAccessControlConfig: {enabled: true, originType: 'ec2'}})",
            'originType" must be one of',
        ),
        (
            "cf.updateRequestOrigin({timeouts: {readTimeout: 121}})",
            '"timeouts.readTimeout" must be an integer from 1 to 120',
        ),
        (
            "cf.updateRequestOrigin({timeouts: {readTimeout: 30, responseCompletionTimeout: 20}})",
            '"timeouts.responseCompletionTimeout" must be an integer from 30',
        ),
        (
            "cf.updateRequestOrigin({timeouts: {keepAliveTimeout: 0}})",
            '"timeouts.keepAliveTimeout" must be an integer from 1 to 120',
        ),
        (
            "cf.updateRequestOrigin({timeouts: {connectionTimeout: 11}})",
            '"timeouts.connectionTimeout" must be an integer from 1 to 10',
        ),
        (
            "cf.updateRequestOrigin({customOriginConfig: {port: 70000}})",
            '"customOriginConfig.port" must be an integer from 1 to 65535',
        ),
        (
            "cf.updateRequestOrigin({customOriginConfig: {protocol: 'ftp'}})",
            '"customOriginConfig.protocol" must be one of http, https',
        ),
        (
            "cf.updateRequestOrigin({customOriginConfig: {sslProtocols: ['TLSv1.3']}})",
            '"customOriginConfig.sslProtocols" must be one of',
        ),
        (
            "cf.updateRequestOrigin({customOriginConfig: {ipAddressType: 'ipv6'}})",
            '"customOriginConfig.ipAddressType" can only be set together with domainName',
        ),
        (
            "cf.updateRequestOrigin({allowedCertificateNames: 'a.example.com'})",
            '"allowedCertificateNames" must be an array',
        ),
        (
            "cf.updateRequestOrigin({allowedCertificateNames: new Array(22).join('a,').split(',')})",
            '"allowedCertificateNames" must be an array of at most 20',
        ),
        (
            "cf.updateRequestOrigin({allowedCertificateNames: ['x'.repeat(65)]})",
            '"allowedCertificateNames" names must have 1 to 64',
        ),
        ("cf.selectRequestOriginById('')", '"originId" must be a non-empty string'),
        ("cf.selectRequestOriginById({originId: 'a'})", '"originId" must be a non-empty string'),
        (
            "cf.createRequestOriginGroup({originIds: ['a'], failoverCriteria: [500]})",
            '"originIds" must list exactly two origins',
        ),
        (
            "cf.createRequestOriginGroup({originIds: ['a', 'b', 'c'], failoverCriteria: [500]})",
            '"originIds" must list exactly two origins',
        ),
        (
            "cf.createRequestOriginGroup({originIds: ['a', {id: 'b'}], failoverCriteria: [500]})",
            '"originIds[1].originId" must be a non-empty string',
        ),
        ("cf.createRequestOriginGroup({originIds: ['a', 'b']})", '"failoverCriteria" must be a non-empty list'),
        (
            "cf.createRequestOriginGroup({originIds: ['a', 'b'], failoverCriteria: {statusCodes: []}})",
            '"failoverCriteria" must be a non-empty list',
        ),
        (
            "cf.createRequestOriginGroup({originIds: ['a', 'b'], failoverCriteria: [200]})",
            '"failoverCriteria" must be one of 400',
        ),
        (
            "cf.createRequestOriginGroup({originIds: ['a', 'b'], failoverCriteria: [500],"
            " selectionCriteria: 'fastest'})",
            '"selectionCriteria" must be one of default, media-quality-score',
        ),
    ],
)
def test_origin_helpers_reject_invalid_shapes(call: str, field: str) -> None:
    box = sandbox()
    method = call[3 : call.index("(")]
    error = box.error(call)
    assert error.startswith(f"TypeError: {method}: ") and field in error, error
    assert records(box) == []


@pytest.mark.parametrize(
    ("call", "record"),
    [
        (
            "cf.updateRequestOrigin({domainname: 'example.com'})",
            {"method": "updateRequestOrigin", "args": {"domainname": "example.com"}, "unknownFields": ["domainname"]},
        ),
        (
            "cf.updateRequestOrigin({domainName: 'b.s3.eu-west-1.amazonaws.com', originAccessControlConfig:"
            " {enabled: true, region: 'eu-west-1', signingBehavior: 'always', signingProtocol: 'sigv4',"
            " originType: 's3'}})",
            {
                "method": "updateRequestOrigin",
                "args": {
                    "domainName": "b.s3.eu-west-1.amazonaws.com",
                    "originAccessControlConfig": {
                        "enabled": True,
                        "region": "eu-west-1",
                        "signingBehavior": "always",
                        "signingProtocol": "sigv4",
                        "originType": "s3",
                    },
                },
                "unknownFields": ["originAccessControlConfig.region"],
            },
        ),
        (
            "cf.updateRequestOrigin({future: {x: 1}, timeouts: {readTimeout: 5, idle: 2},"
            " customOriginConfig: {port: 80, tls: 'x'}, originShield: {enabled: false, extra: 1}})",
            {
                "method": "updateRequestOrigin",
                "args": {
                    "future": {"x": 1},
                    "timeouts": {"readTimeout": 5, "idle": 2},
                    "customOriginConfig": {"port": 80, "tls": "x"},
                    "originShield": {"enabled": False, "extra": 1},
                },
                "unknownFields": ["future", "timeouts.idle", "customOriginConfig.tls", "originShield.extra"],
            },
        ),
        (
            "cf.selectRequestOriginById('a', {domainName: 'x.example.com'})",
            {
                "method": "selectRequestOriginById",
                "args": {"originId": "a", "overrides": {"domainName": "x.example.com"}},
                "unknownFields": ["overrides.domainName"],
            },
        ),
        (
            "cf.createRequestOriginGroup({originIds: ['a', {originId: 'b', weight: 2}], failoverCriteria: [500],"
            " note: 'n'})",
            {
                "method": "createRequestOriginGroup",
                "args": {"originIds": ["a", {"originId": "b", "weight": 2}], "failoverCriteria": [500], "note": "n"},
                "unknownFields": ["note", "originIds[1].weight"],
            },
        ),
    ],
)
def test_unknown_fields_are_accepted_and_named_in_the_record(call: str, record: Any) -> None:
    """decisions 33: loose; AWS's own example passes originAccessControlConfig.region."""
    box = sandbox()
    box.eval(call)
    assert records(box) == [record]


def test_unknown_fields_do_not_excuse_bad_values_of_known_ones() -> None:
    box = sandbox()
    error = box.error("cf.updateRequestOrigin({extra: 1, originAccessControlConfig: {region: 'x', enabled: 'yes'}})")
    assert error == 'TypeError: updateRequestOrigin: "originAccessControlConfig.enabled" must be a boolean'
    assert records(box) == []


def test_each_call_names_only_its_own_unknown_fields() -> None:
    box = sandbox()
    box.eval("cf.updateRequestOrigin({extra: 1})")
    box.eval("cf.updateRequestOrigin({domainName: 'a.example.com'})")
    assert records(box) == [
        {"method": "updateRequestOrigin", "args": {"extra": 1}, "unknownFields": ["extra"]},
        {"method": "updateRequestOrigin", "args": {"domainName": "a.example.com"}},
    ]


def test_origin_helpers_are_viewer_request_only() -> None:
    box = sandbox("viewer-response")
    assert box.error("cf.selectRequestOriginById('a')") == (
        "TypeError: selectRequestOriginById can only be used in viewer request functions"
    )
    assert records(box) == []


def test_kvs_get_exists_and_meta() -> None:
    box = sandbox(kvs=STORE)
    assert box.settle("cf.kvs().get('plain')") == {"ok": "héllo"}
    assert box.settle(f"cf.kvs('{STORE['id']}').get('plain', {{format: 'string'}})") == {"ok": "héllo"}
    assert box.settle("cf.kvs().get('doc', {format: 'json'})") == {"ok": {"tier": "gold", "n": [1, 2]}}
    assert box.settle(
        "cf.kvs().get('plain', {format: 'bytes'})"
        ".then(function (b) { return [Buffer.isBuffer(b), b.toString('hex')]; })"
    ) == {"ok": [True, "68c3a96c6c6f"]}
    assert box.settle("cf.kvs().get('constructor')") == {"ok": "x"}
    assert box.settle("cf.kvs().exists('plain')") == {"ok": True}
    assert box.settle("cf.kvs().exists('missing')") == {"ok": False}
    assert box.settle("cf.kvs().exists('toString')") == {"ok": False}
    assert box.settle("cf.kvs().meta()") == {
        "ok": {"creationDateTime": STORE["created"], "lastUpdatedDateTime": STORE["lastModified"], "keyCount": 4}
    }


def test_kvs_meta_without_times_reports_iso_strings() -> None:
    box = sandbox(kvs={**STORE, "created": None, "lastModified": None})
    meta = box.settle("cf.kvs().meta()")["ok"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", meta["creationDateTime"])
    assert meta["lastUpdatedDateTime"] == meta["creationDateTime"] and meta["keyCount"] == 4
    box = sandbox(kvs={**STORE, "lastModified": None})
    assert box.settle("cf.kvs().meta()")["ok"]["lastUpdatedDateTime"] == STORE["created"]


def test_kvs_errors() -> None:
    box = sandbox(kvs=STORE)
    missing = box.settle("cf.kvs().get('missing')")
    assert missing["name"] == "KeyNotFound" and missing["err"].startswith("KeyNotFound: ")
    assert box.settle("cf.kvs().get('hasOwnProperty')")["name"] == "KeyNotFound"
    assert box.settle("cf.kvs().get('bad', {format: 'json'})")["name"] == "SyntaxError"
    assert box.settle("cf.kvs().get('plain', {format: 'xml'})")["err"].startswith("TypeError: format must be")
    assert box.settle("cf.kvs().get(42)")["err"] == "TypeError: key must be a string"
    assert box.error(f"cf.kvs('{ARN}')").startswith("KVSNamespaceNotFound: ")
    assert box.error("cf.kvs('00000000-0000-0000-0000-000000000000')").startswith("KVSNamespaceNotFound: ")
    assert box.eval(
        f"(function () {{ try {{ cf.kvs('{ARN}'); }} catch (e) {{ return [e.name, e instanceof Error]; }} }})()"
    ) == [
        "KVSNamespaceNotFound",
        True,
    ]
    assert sandbox().error("cf.kvs()").startswith("KVSNamespaceNotFound: ")


def test_raw_query_string() -> None:
    box = Sandbox("// rawQueryString", V2)
    decorate = (
        "(function (qs) { var e = {request: {method: 'GET', querystring: qs}}; __cfmock_decorateEvent(e);"
        " var r = e.request.rawQueryString(); e.request.querystring = {}; return [r === undefined ? null : r,"
        " e.request.rawQueryString() === r, Object.keys(e.request)]; })"
    )
    multi = "{ID: {value: '42'}, e: {value: ''}, mv: {value: 'a', multiValue: [{value: 'a'}, {value: 'b%2Cc'}]}}"
    assert box.eval(f"{decorate}({multi})") == ["ID=42&e=&mv=a&mv=b%2Cc", True, ["method", "querystring"]]
    assert box.eval(f"{decorate}({{}})") == [None, True, ["method", "querystring"]]
    assert Sandbox("var x = 1;", V2).eval("typeof __cfmock_decorateEvent") == "undefined"
    assert Sandbox("// rawQueryString", V1).eval("typeof __cfmock_decorateEvent") == "undefined"
