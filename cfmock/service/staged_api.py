"""The lifecycle handlers functions and connection functions share, made from one description per kind.

Create, Describe, Get, Update, Publish, Delete and Test work alike for both kinds (api.md §4, §5): they
differ only in their members' prefix (``FunctionConfig`` / ``ConnectionFunctionConfig``, …), the URI
label, how a resource is looked up, the summary shape and the engine entry point. Lists differ in shape
and stay with each kind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cfmock.backend.errors import ServiceError
from cfmock.backend.staged import DEVELOPMENT, LIVE, StageCopy, StagedRegistry, StagedResource
from cfmock.service.call import Call, Handler, Result
from cfmock.wire.constraints import check_shape

LOCATION_PREFIX = "https://cloudfront.amazonaws.com/2020-05-31/"  # decisions 16
MAX_EVENT_BYTES = 40_960  # decisions 23
logger = logging.getLogger("cfmock")

Runner = Callable[[Call, StageCopy, bytes], Any]


@dataclass(frozen=True)
class StagedKind:
    noun: str  # "Function" or "ConnectionFunction": operation names and member prefixes
    registry: Callable[[Call], StagedRegistry]
    summary: Callable[[StagedResource, str, StageCopy], dict[str, Any]]
    key: str  # the URI label of Update/Publish/Delete/Test: "Name" or "Id"
    lookup_key: str  # the URI label of Describe/Get: "Name" or "Identifier" (decisions 15: Id, name or ARN)
    location: str  # the Location path segment: "function" or "connection-function"
    test_result: str  # the Test payload: "TestResult" or "ConnectionFunctionTestResult"
    test_input: str  # the Test event member: "EventObject" or "ConnectionObject"
    run: Runner  # runs a stage's code on a test event
    tag_error: str = "MalformedXML"  # the code for tag constraint violations on Create


def tags_of(params: dict[str, Any]) -> list[dict[str, str]]:
    return list((params.get("Tags") or {}).get("Items") or [])


def parse_max_items(value: Any) -> int | None:
    """``MaxItems`` is a string in some models, so botocore sends any text (api.md §2.1)."""
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError("InvalidArgument", f"MaxItems must be an integer, got '{value}'.") from None


def run_safely(call: Call, runner: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run the engine: a bad event is InvalidArgument; a failure of cfmock itself is TestFunctionFailed."""
    from cfmock.runner import limits_for
    from cfmock.runtime import InvalidEventError

    try:
        return runner(*args, limits=limits_for(call.settings), now=call.settings.now, **kwargs)
    except InvalidEventError as error:
        raise ServiceError("InvalidArgument", str(error)) from None
    except ServiceError:
        raise
    except Exception as error:  # never user code: JavaScript errors are results (decisions 24)
        logger.exception("cfmock's engine failed")
        raise ServiceError("TestFunctionFailed", f"cfmock's engine failed: {error!r}") from None


def create(kind: StagedKind) -> Handler:
    def create(call: Call) -> Result:
        p = call.params
        if "Tags" in p and kind.tag_error != "MalformedXML":
            check_shape(call.operation.input_shape.members["Tags"], p["Tags"], "tags", kind.tag_error)
        resource = kind.registry(call).create(
            p["Name"], p[f"{kind.noun}Config"], p[f"{kind.noun}Code"], tags_of(p), validate=call.validate
        )
        return {
            f"{kind.noun}Summary": kind.summary(resource, DEVELOPMENT, resource.development),
            "ETag": resource.etag,
            "Location": f"{LOCATION_PREFIX}{kind.location}/{resource.arn}",
        }

    return create


def _lookup(kind: StagedKind, call: Call) -> StagedResource:
    registry = kind.registry(call)
    identifier = call.params[kind.lookup_key]
    return registry.resolve(identifier) if kind.lookup_key == "Identifier" else registry.find(identifier)


def describe(kind: StagedKind) -> Handler:
    def describe(call: Call) -> Result:
        resource = _lookup(kind, call)
        call.validate()
        stage, copy = kind.registry(call).read(resource, call.params.get("Stage"))
        return {f"{kind.noun}Summary": kind.summary(resource, stage, copy), "ETag": copy.etag}

    return describe


def get(kind: StagedKind) -> Handler:
    def get(call: Call) -> Result:
        resource = _lookup(kind, call)
        call.validate()
        _, copy = kind.registry(call).read(resource, call.params.get("Stage"))
        return {f"{kind.noun}Code": copy.code, "ETag": copy.etag, "ContentType": "application/octet-stream"}

    return get


def update(kind: StagedKind) -> Handler:
    def update(call: Call) -> Result:
        p = call.params
        registry = kind.registry(call)
        resource = registry.update(
            registry.find(p[kind.key]), p.get("IfMatch"), p[f"{kind.noun}Config"], p[f"{kind.noun}Code"], call.validate
        )
        return {f"{kind.noun}Summary": kind.summary(resource, DEVELOPMENT, resource.development), "ETag": resource.etag}

    return update


def publish(kind: StagedKind) -> Handler:
    def publish(call: Call) -> Result:
        registry = kind.registry(call)
        resource = registry.publish(registry.find(call.params[kind.key]), call.params.get("IfMatch"))
        assert resource.live is not None
        return {f"{kind.noun}Summary": kind.summary(resource, LIVE, resource.live)}

    return publish


def delete(kind: StagedKind) -> Handler:
    def delete(call: Call) -> Result:
        registry = kind.registry(call)
        registry.delete(registry.find(call.params[kind.key]), call.params.get("IfMatch"))
        return {}

    return delete


def test(kind: StagedKind) -> Handler:
    def test(call: Call) -> Result:
        p = call.params
        registry = kind.registry(call)
        resource = registry.find(p[kind.key])
        stage, copy = registry.check_test(
            resource,
            p.get("Stage"),
            p.get("IfMatch"),
            validate=lambda: call.validate(skip=(kind.test_input,)),  # the event's size is decisions 23's, below
        )
        event = p[kind.test_input]
        if len(event) > MAX_EVENT_BYTES:
            raise ServiceError("InvalidArgument", f"The test event is larger than {MAX_EVENT_BYTES} bytes.")
        result = kind.run(call, copy, event)
        return {
            kind.test_result: {
                f"{kind.noun}Summary": kind.summary(resource, stage, copy),
                "ComputeUtilization": str(result.compute_utilization),
                f"{kind.noun}ExecutionLogs": list(result.logs),
                f"{kind.noun}ErrorMessage": result.error_message,
                f"{kind.noun}Output": result.output,
            }
        }

    return test
