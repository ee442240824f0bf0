"""CloudFront Functions operations (api.md §4): the shared lifecycle, and ListFunctions."""

from __future__ import annotations

from typing import Any

from cfmock.backend.functions import function_summary
from cfmock.backend.staged import StageCopy
from cfmock.service.call import Call, Result
from cfmock.service.kvs import kvs_binding
from cfmock.service.staged_api import StagedKind, parse_max_items, run_safely


def _run_viewer(call: Call, copy: StageCopy, event: bytes) -> Any:
    from cfmock.runtime import run_viewer_function

    return run_safely(
        call,
        run_viewer_function,
        copy.code,
        event,
        runtime=copy.runtime,
        edge_location=call.settings.edge_location,
        kvs=kvs_binding(call.backend, copy.config),
    )


FUNCTIONS = StagedKind(
    noun="Function",
    registry=lambda call: call.backend.functions,
    summary=function_summary,
    key="Name",
    lookup_key="Name",
    location="function",
    test_result="TestResult",
    test_input="EventObject",
    run=_run_viewer,
)


def list_functions(call: Call) -> Result:
    call.validate()
    p = call.params
    listing = call.backend.functions.listing(p.get("Stage"), p.get("Marker"), parse_max_items(p.get("MaxItems")))
    function_list: dict[str, Any] = {"MaxItems": listing.max_items, "Quantity": len(listing.entries)}
    if listing.entries:  # decisions 11: Items omitted when empty
        function_list["Items"] = [function_summary(r, stage, copy) for r, stage, copy in listing.entries]
    if listing.next_marker is not None:
        function_list["NextMarker"] = listing.next_marker
    return {"FunctionList": function_list}
