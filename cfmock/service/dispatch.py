"""One mocked call: serialized request -> parsed params -> handler -> response bytes (or an error).

Both doors come through here: botocore interception (``cfmock.interception``) and the HTTP server
(``cfmock.server``). A request is shaped like botocore's ``request_dict``: ``url_path`` (raw, percent-encoded),
``query_string`` (a dict or the raw string), ``headers`` and ``body``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cfmock.backend import CloudFrontBackend
from cfmock.backend.errors import ServiceError
from cfmock.backend.staged import clone
from cfmock.options import MockOptions
from cfmock.records import RecordedCall, RecordedError
from cfmock.service.deferred import Deferred
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
    calls: list[RecordedCall] = field(default_factory=list)
    calls_lock: threading.Lock = field(default_factory=threading.Lock)
    # A long-running server answers without keeping a record of every call, which would grow without bound.
    recording: bool = True

    def __post_init__(self) -> None:
        self.backend = CloudFrontBackend(self.options.account_id)

    def reset(self) -> None:
        """Fresh resources, no recorded calls, no pending injected errors. Views taken before refuse writes."""
        with self.backend.lock:
            self.backend.ended = True
            self.backend = CloudFrontBackend(self.options.account_id)
        self.injector.clear()
        with self.calls_lock:
            self.calls.clear()

    def record(self, service: str, operation: str, params: Mapping[str, Any], response: Any,
               error: RecordedError | None) -> None:  # fmt: skip
        if not self.recording:
            return
        call = RecordedCall(service, operation, clone(params), response, error)
        with self.calls_lock:
            self.calls.append(call)


def dispatch(state: MockState, handler: Handler, operation: Any, request: Mapping[str, Any]) -> WireResponse:
    """Answer one call and record it. AWS errors become error responses; anything else is a cfmock bug."""
    service = operation.service_model.service_name
    params: dict[str, Any] = {}
    injected = False
    try:
        injected_error = state.injector.take((service, operation.name))
        try:
            params = parse_request(operation, request)
        except ServiceError:
            if injected_error is None:
                raise
        if injected_error is not None:
            injected = True
            raise injected_error
        backend = state.backend
        call = Call(backend, operation, params, state.options)
        with backend.lock:  # held only to read and write state: a run of user code comes after
            result = handler(call)
            # Cloned under the lock: the result may share dicts with the live state.
            recorded = None if isinstance(result, Deferred) or not state.recording else clone(result)
        if isinstance(result, Deferred):
            # Built from copies taken under the lock and held by nothing else (rendering only reads it), so the
            # record can be the result itself: a second copy would only cost time.
            result = result.finish()
            recorded = result if state.recording else None
        response = render_result(operation, result)
        state.record(service, operation.name, params, recorded, None)
        return response
    except ServiceError as error:
        response = render_error(operation, error.code, error.message)
        failure = RecordedError(error.code, error.message, response.status, injected)
        state.record(service, operation.name, params, None, failure)
        return response


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
