"""CloudFront Functions operations (api.md §4): params in, output-shape dicts out."""

from __future__ import annotations

from typing import Any

from cfmock.backend.errors import ServiceError
from cfmock.backend.functions import function_summary
from cfmock.backend.staged import DEVELOPMENT, LIVE, StagedRegistry
from cfmock.service.registry import Call, Result, operation
from cfmock.wire.model import CLOUDFRONT

LOCATION_PREFIX = "https://cloudfront.amazonaws.com/2020-05-31/"  # decisions 16


def tags_of(params: dict[str, Any]) -> list[dict[str, str]]:
    return list((params.get("Tags") or {}).get("Items") or [])


def parse_max_items(value: Any) -> int | None:
    """``MaxItems`` is a string in the model, so botocore sends any text (api.md §2.1)."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError("InvalidArgument", f"MaxItems must be an integer, got '{value}'.") from None


def _functions(call: Call) -> StagedRegistry:
    return call.backend.functions


@operation(CLOUDFRONT, "CreateFunction")
def create_function(call: Call) -> Result:
    p = call.params
    resource = _functions(call).create(
        p["Name"], p["FunctionConfig"], p["FunctionCode"], tags_of(p), validate=call.validate
    )
    return {
        "FunctionSummary": function_summary(resource, DEVELOPMENT, resource.development),
        "ETag": resource.etag,
        "Location": f"{LOCATION_PREFIX}function/{resource.arn}",
    }


@operation(CLOUDFRONT, "DescribeFunction")
def describe_function(call: Call) -> Result:
    registry = _functions(call)
    resource = registry.find(call.params["Name"])
    call.validate()
    stage, copy = registry.read(resource, call.params.get("Stage"))
    return {"FunctionSummary": function_summary(resource, stage, copy), "ETag": copy.etag}


@operation(CLOUDFRONT, "GetFunction")
def get_function(call: Call) -> Result:
    registry = _functions(call)
    resource = registry.find(call.params["Name"])
    call.validate()
    _, copy = registry.read(resource, call.params.get("Stage"))
    return {"FunctionCode": copy.code, "ETag": copy.etag, "ContentType": "application/octet-stream"}


@operation(CLOUDFRONT, "UpdateFunction")
def update_function(call: Call) -> Result:
    p = call.params
    registry = _functions(call)
    resource = registry.update(
        registry.find(p["Name"]), p.get("IfMatch"), p["FunctionConfig"], p["FunctionCode"], call.validate
    )
    return {
        "FunctionSummary": function_summary(resource, DEVELOPMENT, resource.development),
        "ETag": resource.etag,
    }


@operation(CLOUDFRONT, "PublishFunction")
def publish_function(call: Call) -> Result:
    registry = _functions(call)
    resource = registry.publish(registry.find(call.params["Name"]), call.params.get("IfMatch"))
    assert resource.live is not None
    return {"FunctionSummary": function_summary(resource, LIVE, resource.live)}


@operation(CLOUDFRONT, "DeleteFunction")
def delete_function(call: Call) -> Result:
    registry = _functions(call)
    registry.delete(registry.find(call.params["Name"]), call.params.get("IfMatch"))
    return {}


@operation(CLOUDFRONT, "ListFunctions")
def list_functions(call: Call) -> Result:
    call.validate()
    p = call.params
    listing = _functions(call).listing(p.get("Stage"), p.get("Marker"), parse_max_items(p.get("MaxItems")))
    function_list: dict[str, Any] = {"MaxItems": listing.max_items, "Quantity": len(listing.entries)}
    if listing.entries:  # decisions 11: Items omitted when empty
        function_list["Items"] = [function_summary(r, stage, copy) for r, stage, copy in listing.entries]
    if listing.next_marker is not None:
        function_list["NextMarker"] = listing.next_marker
    return {"FunctionList": function_list}
