"""One mocked call: serialized request -> parsed params -> handler -> response bytes (or an error).

Both doors come through here: botocore interception (``cfmock.interception``) and the HTTP server
(``cfmock.server``). A request is shaped like botocore's ``request_dict``: ``url_path`` (raw, percent-encoded),
``query_string`` (a dict or the raw string), ``headers`` and ``body``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cfmock.backend import CloudFrontBackend
from cfmock.backend.errors import ServiceError
from cfmock.options import MockOptions
from cfmock.service.injection import ErrorInjector
from cfmock.service.registry import Call, Handler, find_handler
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
        with state.backend.lock:
            result = handler(call)
        return render_result(operation, result)
    except ServiceError as error:
        return render_error(operation, error.code, error.message)


NOT_IMPLEMENTED_STATUS = 501  # decisions 47: never a 5xx that SDKs retry (500, 502, 503, 504)


def answer(state: MockState, operation: Any, request: Mapping[str, Any]) -> WireResponse:
    """Answer a call addressed from outside Python (the server): an operation cfmock does not implement is
    answered ``NotImplemented`` (HTTP 501) in the protocol's error shape, naming the operation (decisions 47)."""
    handler = find_handler(operation.service_model.service_name, operation.name)
    if handler is None:
        message = (
            f"cfmock does not implement the {operation.service_model.service_name} operation {operation.name}; "
            "nothing was sent to AWS."
        )
        return render_error(operation, "NotImplemented", message, NOT_IMPLEMENTED_STATUS)
    return dispatch(state, handler, operation, request)
