"""``python -m cfmock demo``: a printed tour of the mock, through a real boto3 client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

REDIRECT = b"""function handler(event) {
    var request = event.request;
    if (request.uri === '/old') {
        return { statusCode: 301, statusDescription: 'Moved Permanently',
                 headers: { location: { value: '/new' } } };
    }
    return request;
}
"""
REDIRECT_V2 = REDIRECT.replace(b"/new", b"/newer")
VALIDATOR = b"""function connectionHandler(connection) {
    var cert = connection.clientCertificate;
    if (cert && cert.certificates.leaf.serialNumber === '0a:0b:0c') {
        connection.deny();
    } else {
        connection.allow();
    }
}
"""


class Tour:
    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write
        self.step_number = 0

    def section(self, title: str) -> None:
        self.write(f"\n== {title} " + "=" * max(0, 70 - len(title)))

    def step(self, text: str) -> None:
        self.step_number += 1
        self.write(f"\n{self.step_number:>2}. {text}")

    def show(self, label: str, value: Any) -> None:
        self.write(f"      {label:<22} {value}")


def run_demo(write: Callable[[str], None] = print) -> None:
    import boto3

    from cfmock import mock_cloudfront_functions

    tour = Tour(write)
    write("cfmock demo: CloudFront Functions, offline, through a real boto3 client (no AWS account, no network).")
    with mock_cloudfront_functions() as mock:
        cf = boto3.client("cloudfront")
        functions_tour(tour, cf, mock)
        running_code_tour(tour, cf)
        connection_functions_tour(tour, cf)
        key_value_store_tour(tour, cf, mock)
    write("\nThe mock is gone: every patch removed and all state discarded.")


def functions_tour(tour: Tour, cf: Any, mock: Any) -> None:
    config = {"Comment": "redirects /old", "Runtime": "cloudfront-js-2.0"}
    tour.section("CloudFront Functions: stages, version-encoded ETags and If-Match")
    tour.step("create_function(Name='redirect', ...)")
    created = cf.create_function(Name="redirect", FunctionConfig=config, FunctionCode=REDIRECT)
    tour.show("HTTP status", created["ResponseMetadata"]["HTTPStatusCode"])
    tour.show("ETag (version 1)", created["ETag"])
    tour.show("Status / Stage", _status_stage(created["FunctionSummary"]))
    tour.show("Location", created["Location"])

    tour.step("update_function(IfMatch='E3UN6WX5RRO2AG')   # a stale ETag")
    try:
        cf.update_function(Name="redirect", IfMatch="E3UN6WX5RRO2AG", FunctionConfig=config, FunctionCode=REDIRECT_V2)
    except cf.exceptions.PreconditionFailed as error:
        tour.show("raised", f"client.exceptions.PreconditionFailed (HTTP {_status(error)})")
        tour.show("message", error.response["Error"]["Message"])

    tour.step(f"update_function(IfMatch='{created['ETag']}')   # the current DEVELOPMENT ETag")
    updated = cf.update_function(
        Name="redirect", IfMatch=created["ETag"], FunctionConfig=config, FunctionCode=REDIRECT_V2
    )
    tour.show("new ETag (version 2)", updated["ETag"])

    tour.step("describe_function(Stage='LIVE') before publishing")
    try:
        cf.describe_function(Name="redirect", Stage="LIVE")
    except cf.exceptions.NoSuchFunctionExists as error:
        tour.show("raised", f"client.exceptions.NoSuchFunctionExists (HTTP {_status(error)})")

    tour.step(f"publish_function(IfMatch='{updated['ETag']}')")
    published = cf.publish_function(Name="redirect", IfMatch=updated["ETag"])
    tour.show("Status / Stage", _status_stage(published["FunctionSummary"]))
    live = cf.describe_function(Name="redirect", Stage="LIVE")
    tour.show("LIVE ETag", f"{live['ETag']}  (LIVE takes the DEVELOPMENT ETag)")
    tour.show("LIVE code (state)", mock.functions["redirect"].live.code.decode().splitlines()[4].strip())

    tour.step("list_functions()   # no Stage: a published function is listed once per stage")
    for item in cf.list_functions()["FunctionList"]["Items"]:
        tour.show(item["Name"], _status_stage(item))

    tour.step("delete_function(IfMatch=<DEVELOPMENT ETag>)")
    deleted = cf.delete_function(Name="redirect", IfMatch=updated["ETag"])
    tour.show("HTTP status", deleted["ResponseMetadata"]["HTTPStatusCode"])
    tour.show("functions left", cf.list_functions()["FunctionList"]["Quantity"])


VIEWER_EVENT = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/old", "headers": {"host": {"value": "example.org"}}},
}
BROKEN = b"""function handler(event) {
    console.log('looking at ' + event.request.uri);
    return event.request.headers['x-missing'].value;
}
"""


def running_code_tour(tour: Tour, cf: Any) -> None:
    import json

    config = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
    tour.section("TestFunction runs your JavaScript (QuickJS, shaped like CloudFront's runtime)")
    created = cf.create_function(Name="redirect", FunctionConfig=config, FunctionCode=REDIRECT)
    tour.step("test_function(EventObject=<viewer-request event for /old>)")
    result = cf.test_function(Name="redirect", IfMatch=created["ETag"], EventObject=json.dumps(VIEWER_EVENT))
    test = result["TestResult"]
    tour.show("FunctionOutput", test["FunctionOutput"])
    tour.show("ComputeUtilization", test["ComputeUtilization"])

    broken = cf.create_function(Name="broken", FunctionConfig=config, FunctionCode=BROKEN)
    tour.step("test_function on code that reads a missing header")
    answer = cf.test_function(Name="broken", IfMatch=broken["ETag"], EventObject=json.dumps(VIEWER_EVENT))
    test = answer["TestResult"]
    status = answer["ResponseMetadata"]["HTTPStatusCode"]
    tour.show("HTTP status", f"{status}  (a JavaScript error is not an API error)")
    tour.show("FunctionExecutionLogs", test["FunctionExecutionLogs"])
    tour.show("FunctionErrorMessage", test["FunctionErrorMessage"])
    for name, etag in (("redirect", created["ETag"]), ("broken", broken["ETag"])):
        cf.delete_function(Name=name, IfMatch=etag)


def key_value_store_tour(tour: Tour, cf: Any, mock: Any) -> None:
    import json

    import boto3

    tour.section("KeyValueStore: both planes, and cf.kvs() inside functions")
    tour.step("create_key_value_store(Name='routes')")
    created = cf.create_key_value_store(Name="routes", Comment="redirect table")
    store = created["KeyValueStore"]
    tour.show("Status", f"{store['Status']} (READY on every later read)")
    tour.show("ARN", store["ARN"])

    tour.step("data plane: put_key('/old', '/from-kvs') with the store's data ETag")
    kvs = boto3.client("cloudfront-keyvaluestore")
    etag = kvs.describe_key_value_store(KvsARN=store["ARN"])["ETag"]
    put = kvs.put_key(KvsARN=store["ARN"], Key="/old", Value="/from-kvs", IfMatch=etag)
    tour.show("ItemCount / new ETag", f"{put['ItemCount']} / {put['ETag']}")
    try:
        kvs.put_key(KvsARN=store["ARN"], Key="/other", Value="/x", IfMatch=etag)
    except kvs.exceptions.ConflictException as error:
        tour.show("stale ETag raised", f"ConflictException (HTTP {_status(error)})")

    tour.step("a function associated with the store looks the URI up with cf.kvs().get()")
    config = {
        "Comment": "",
        "Runtime": "cloudfront-js-2.0",
        "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": store["ARN"]}]},
    }
    function = cf.create_function(Name="router", FunctionConfig=config, FunctionCode=ROUTER)
    test = cf.test_function(Name="router", IfMatch=function["ETag"], EventObject=json.dumps(VIEWER_EVENT))
    tour.show("FunctionOutput", test["TestResult"]["FunctionOutput"])

    tour.step("delete_key_value_store while 'router' still uses it")
    try:
        cf.delete_key_value_store(Name="routes", IfMatch=created["ETag"])
    except cf.exceptions.CannotDeleteEntityWhileInUse as error:
        tour.show("raised", f"CannotDeleteEntityWhileInUse (HTTP {_status(error)})")
    tour.show(
        "state, read from Python", f"mock.key_value_stores['routes'].data == {mock.key_value_stores['routes'].data}"
    )


ROUTER = b"""import cf from 'cloudfront';
const store = cf.kvs();
async function handler(event) {
    const request = event.request;
    if (await store.exists(request.uri)) {
        const target = await store.get(request.uri);
        return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: target } } };
    }
    return request;
}
"""


def connection_functions_tour(tour: Tour, cf: Any) -> None:
    import json

    config = {"Comment": "mTLS check", "Runtime": "cloudfront-js-2.0"}
    tour.section("Connection Functions (mTLS): opaque Ids and the generic error family")
    tour.step("create_connection_function(Name='cert-check', ...)")
    created = cf.create_connection_function(
        Name="cert-check", ConnectionFunctionConfig=config, ConnectionFunctionCode=VALIDATOR
    )
    summary = created["ConnectionFunctionSummary"]
    tour.show("Id", summary["Id"])
    tour.show("ARN", summary["ConnectionFunctionArn"])
    tour.show("ETag", created["ETag"])

    tour.step("describe_connection_function(Identifier=...)   # the Id, the name or the ARN")
    for identifier in ("cert-check", summary["ConnectionFunctionArn"]):
        described = cf.describe_connection_function(Identifier=identifier)
        tour.show(
            "found by " + ("name" if identifier == "cert-check" else "ARN"),
            _status_stage(described["ConnectionFunctionSummary"]),
        )

    tour.step("create_connection_function with runtime cloudfront-js-1.0")
    try:
        cf.create_connection_function(
            Name="old", ConnectionFunctionConfig={**config, "Runtime": "cloudfront-js-1.0"}, ConnectionFunctionCode=b"x"
        )
    except cf.exceptions.InvalidArgument as error:
        tour.show("raised", f"InvalidArgument (HTTP {_status(error)}): {error.response['Error']['Message']}")

    tour.step("publish_connection_function(Id=..., IfMatch=...)")
    published = cf.publish_connection_function(Id=summary["Id"], IfMatch=created["ETag"])
    tour.show("Status / Stage", _status_stage(published["ConnectionFunctionSummary"]))
    distributions = cf.list_distributions_by_connection_function(ConnectionFunctionIdentifier=summary["Id"])
    tour.show("used by distributions", distributions["DistributionList"]["Quantity"])

    tour.step("test_connection_function with a revoked client certificate, then a good one")
    live_etag = cf.describe_connection_function(Identifier=summary["Id"], Stage="LIVE")["ETag"]
    for serial in ("0a:0b:0c", "01:02:03"):
        connection = {"clientCertificate": {"certificates": {"leaf": {"serialNumber": serial}}}}
        result = cf.test_connection_function(
            Id=summary["Id"], IfMatch=live_etag, Stage="LIVE", ConnectionObject=json.dumps(connection)
        )["ConnectionFunctionTestResult"]
        tour.show(f"serial {serial}", result["ConnectionFunctionOutput"])


def _status(error: Any) -> int:
    return int(error.response["ResponseMetadata"]["HTTPStatusCode"])


def _status_stage(summary: dict[str, Any]) -> str:
    stage = summary.get("Stage") or summary["FunctionMetadata"]["Stage"]
    return f"{summary['Status']} / {stage}"
