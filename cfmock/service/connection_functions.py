"""Connection function operations (api.md §5): the shared lifecycle, and their own two lists."""

from __future__ import annotations

from typing import Any

from cfmock.backend.connection_functions import connection_function_summary
from cfmock.backend.staged import StageCopy
from cfmock.service.call import Call, Result
from cfmock.service.kvs import kvs_binding
from cfmock.service.staged_api import StagedKind, run_safely


def _run_connection(call: Call, copy: StageCopy, connection: bytes) -> Any:
    from cfmock.runtime import run_connection_function

    return run_safely(
        call,
        run_connection_function,
        copy.code,
        connection,
        runtime=copy.runtime,
        kvs=kvs_binding(call.backend, copy.config),
    )


CONNECTION_FUNCTIONS = StagedKind(
    noun="ConnectionFunction",
    registry=lambda call: call.backend.connection_functions,
    summary=connection_function_summary,
    key="Id",  # Update/Publish/Delete/Test take the Id only (decisions 15)
    lookup_key="Identifier",
    location="connection-function",
    test_result="ConnectionFunctionTestResult",
    test_input="ConnectionObject",
    run=_run_connection,
    tag_error="InvalidTagging",  # the generic family models it; functions' answer MalformedXML
)


def list_connection_functions(call: Call) -> Result:
    call.validate()
    p = call.params
    listing = call.backend.connection_functions.listing(p.get("Stage"), p.get("Marker"), p.get("MaxItems"))
    # decisions 12: its own result shape (no Quantity, no MaxItems); the list is omitted when empty (decisions 11).
    result: dict[str, Any] = {}
    if listing.entries:
        result["ConnectionFunctions"] = [
            connection_function_summary(r, stage, copy) for r, stage, copy in listing.entries
        ]
    if listing.next_marker is not None:
        result["NextMarker"] = listing.next_marker
    return result


def list_distributions_by_connection_function(call: Call) -> Result:
    p = call.params
    call.backend.connection_functions.resolve(p["ConnectionFunctionIdentifier"])
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
