"""TestFunction and TestConnectionFunction: run the stage's code in the engine (api.md §4.8, §5.2)."""

from __future__ import annotations

import logging
from typing import Any

from cfmock.backend.connection_functions import connection_function_summary
from cfmock.backend.errors import ServiceError
from cfmock.backend.functions import function_summary
from cfmock.runner import limits_for
from cfmock.service.kvs import kvs_binding
from cfmock.service.registry import Call, Result, operation
from cfmock.wire.model import CLOUDFRONT

MAX_EVENT_BYTES = 40_960  # decisions 23
logger = logging.getLogger("cfmock")


def _check_event(event: bytes) -> None:
    if len(event) > MAX_EVENT_BYTES:
        raise ServiceError("InvalidArgument", f"The test event is larger than {MAX_EVENT_BYTES} bytes.")


def _run(call: Call, runner: Any, *args: Any, **kwargs: Any) -> Any:
    from cfmock.runtime import InvalidEventError

    try:
        return runner(*args, limits=limits_for(call.settings), **kwargs)
    except InvalidEventError as error:
        raise ServiceError("InvalidArgument", str(error)) from None
    except ServiceError:
        raise
    except Exception as error:  # a failure of cfmock itself, never of user code (decisions 24)
        logger.exception("cfmock's engine failed")
        raise ServiceError("TestFunctionFailed", f"cfmock's engine failed: {error!r}") from None


@operation(CLOUDFRONT, "TestFunction")
def test_function(call: Call) -> Result:
    from cfmock.runtime import run_viewer_function

    p = call.params
    registry = call.backend.functions
    resource = registry.find(p["Name"])
    call.validate(skip=("EventObject",))
    stage, copy = registry.check_test(resource, p.get("Stage"), p.get("IfMatch"))
    event = p["EventObject"]
    _check_event(event)
    result = _run(
        call,
        run_viewer_function,
        copy.code,
        event,
        runtime=copy.runtime,
        edge_location=call.settings.edge_location,
        kvs=kvs_binding(call.backend, copy.config),
    )
    return {
        "TestResult": {
            "FunctionSummary": function_summary(resource, stage, copy),
            "ComputeUtilization": str(result.compute_utilization),
            "FunctionExecutionLogs": list(result.logs),
            "FunctionErrorMessage": result.error_message,
            "FunctionOutput": result.output,
        }
    }


@operation(CLOUDFRONT, "TestConnectionFunction")
def test_connection_function(call: Call) -> Result:
    from cfmock.runtime import run_connection_function

    p = call.params
    registry = call.backend.connection_functions
    resource = registry.find(p["Id"])
    call.validate(skip=("ConnectionObject",))
    stage, copy = registry.check_test(resource, p.get("Stage"), p.get("IfMatch"))
    connection = p["ConnectionObject"]
    _check_event(connection)
    result = _run(
        call,
        run_connection_function,
        copy.code,
        connection,
        runtime=copy.runtime,
        kvs=kvs_binding(call.backend, copy.config),
    )
    return {
        "ConnectionFunctionTestResult": {
            "ConnectionFunctionSummary": connection_function_summary(resource, stage, copy),
            "ComputeUtilization": str(result.compute_utilization),
            "ConnectionFunctionExecutionLogs": list(result.logs),
            "ConnectionFunctionErrorMessage": result.error_message,
            "ConnectionFunctionOutput": result.output,
        }
    }
