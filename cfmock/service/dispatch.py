"""One mocked call: serialized request -> parsed params -> handler -> response bytes (or an error)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cfmock.backend import CloudFrontBackend
from cfmock.backend.errors import ServiceError
from cfmock.options import MockOptions
from cfmock.service.deferred import Deferred
from cfmock.service.injection import ErrorInjector
from cfmock.service.registry import Call, Handler
from cfmock.wire.render import WireResponse, render_error, render_result
from cfmock.wire.requests import parse_request


@dataclass
class MockState:
    """What an activation (and every activation nested in it) shares."""

    options: MockOptions
    backend: CloudFrontBackend = field(init=False)
    injector: ErrorInjector = field(default_factory=ErrorInjector)

    def __post_init__(self) -> None:
        self.backend = CloudFrontBackend(self.options.account_id)


def dispatch(state: MockState, handler: Handler, operation: Any, request: Mapping[str, Any]) -> WireResponse:
    """Answer one call. AWS errors become error responses; anything else is a cfmock bug and propagates."""
    try:
        injected = state.injector.take((operation.service_model.service_name, operation.name))
        if injected is not None:
            raise injected
        call = Call(state.backend, operation, parse_request(operation, request), state.options)
        with state.backend.lock:  # held only to read and write state: a run of user code comes after
            result = handler(call)
        if isinstance(result, Deferred):
            result = result.finish()
        return render_result(operation, result)
    except ServiceError as error:
        return render_error(operation, error.code, error.message)
