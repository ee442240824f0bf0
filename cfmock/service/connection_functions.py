"""Connection function operations (api.md §5), on the same stage/ETag machine as functions."""

from __future__ import annotations

from typing import Any

from cfmock.backend.connection_functions import connection_function_summary
from cfmock.backend.staged import DEVELOPMENT, LIVE, StagedRegistry
from cfmock.service.functions import LOCATION_PREFIX, tags_of
from cfmock.service.registry import Call, Result, operation
from cfmock.wire.constraints import check_shape
from cfmock.wire.model import CLOUDFRONT


def _registry(call: Call) -> StagedRegistry:
    return call.backend.connection_functions


@operation(CLOUDFRONT, "CreateConnectionFunction")
def create_connection_function(call: Call) -> Result:
    p = call.params
    if "Tags" in p:
        # The generic family models InvalidTagging for tag constraints; other violations are MalformedXML.
        check_shape(call.operation.input_shape.members["Tags"], p["Tags"], "tags", "InvalidTagging")
    resource = _registry(call).create(
        p["Name"], p["ConnectionFunctionConfig"], p["ConnectionFunctionCode"], tags_of(p), validate=call.validate
    )
    return {
        "ConnectionFunctionSummary": connection_function_summary(resource, DEVELOPMENT, resource.development),
        "ETag": resource.etag,
        "Location": f"{LOCATION_PREFIX}connection-function/{resource.arn}",
    }


@operation(CLOUDFRONT, "DescribeConnectionFunction")
def describe_connection_function(call: Call) -> Result:
    registry = _registry(call)
    resource = registry.resolve(call.params["Identifier"])  # Id, name or ARN (decisions 15)
    call.validate()
    stage, copy = registry.read(resource, call.params.get("Stage"))
    return {"ConnectionFunctionSummary": connection_function_summary(resource, stage, copy), "ETag": copy.etag}


@operation(CLOUDFRONT, "GetConnectionFunction")
def get_connection_function(call: Call) -> Result:
    registry = _registry(call)
    resource = registry.resolve(call.params["Identifier"])
    call.validate()
    _, copy = registry.read(resource, call.params.get("Stage"))
    return {"ConnectionFunctionCode": copy.code, "ETag": copy.etag, "ContentType": "application/octet-stream"}


@operation(CLOUDFRONT, "UpdateConnectionFunction")
def update_connection_function(call: Call) -> Result:
    p = call.params
    registry = _registry(call)
    resource = registry.update(
        registry.find(p["Id"]),
        p.get("IfMatch"),
        p["ConnectionFunctionConfig"],
        p["ConnectionFunctionCode"],
        call.validate,
    )
    return {
        "ConnectionFunctionSummary": connection_function_summary(resource, DEVELOPMENT, resource.development),
        "ETag": resource.etag,
    }


@operation(CLOUDFRONT, "PublishConnectionFunction")
def publish_connection_function(call: Call) -> Result:
    registry = _registry(call)
    resource = registry.publish(registry.find(call.params["Id"]), call.params.get("IfMatch"))
    assert resource.live is not None
    return {"ConnectionFunctionSummary": connection_function_summary(resource, LIVE, resource.live)}


@operation(CLOUDFRONT, "DeleteConnectionFunction")
def delete_connection_function(call: Call) -> Result:
    registry = _registry(call)
    registry.delete(registry.find(call.params["Id"]), call.params.get("IfMatch"))
    return {}


@operation(CLOUDFRONT, "ListConnectionFunctions")
def list_connection_functions(call: Call) -> Result:
    call.validate()
    p = call.params
    listing = _registry(call).listing(p.get("Stage"), p.get("Marker"), p.get("MaxItems"))
    # decisions 12: its own result shape (no Quantity, no MaxItems); the list is omitted when empty (decisions 11).
    result: dict[str, Any] = {}
    if listing.entries:
        result["ConnectionFunctions"] = [
            connection_function_summary(r, stage, copy) for r, stage, copy in listing.entries
        ]
    if listing.next_marker is not None:
        result["NextMarker"] = listing.next_marker
    return result


@operation(CLOUDFRONT, "ListDistributionsByConnectionFunction")
def list_distributions_by_connection_function(call: Call) -> Result:
    p = call.params
    _registry(call).resolve(p["ConnectionFunctionIdentifier"])
    call.validate()
    # decisions 13: distributions are not modelled, so a known function is used by none.
    return {
        "DistributionList": {
            "Marker": p.get("Marker", ""),
            "MaxItems": p.get("MaxItems", 100),
            "IsTruncated": False,
            "Quantity": 0,
        }
    }
