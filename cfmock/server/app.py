"""``Backend``: the whole mocked CloudFront behind one call that answers one HTTP request.

The same state machine, wire layer and runtime as the in-process mock: a request is routed from the service
models (``routing``), parsed and answered by ``cfmock.service.dispatch`` exactly as an intercepted botocore call
is. Anything with a socket (``cfmock.server.http``, another framework, a test) can sit in front of it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cfmock.options import MockOptions
from cfmock.server.answers import CONTROL_PREFIX, Answer

if TYPE_CHECKING:
    from cfmock.state import KeyValueStoresView, StagedView


class Backend:
    """A mocked CloudFront (both services, one account) answering HTTP requests.

    ``answer(method, raw_path, query, headers, body)`` takes the request target's path still percent-encoded
    (ARNs and keys carry ``%2F``) and the raw query string. Signatures are accepted, never verified
    (decisions 47). Thread-safe: operations run under the state's one lock.
    """

    def __init__(self, options: MockOptions | None = None, *, account_id: str | None = None) -> None:
        if options is not None and account_id is not None:
            raise TypeError("pass either options or account_id, not both")
        if options is None:
            options = MockOptions() if account_id is None else MockOptions(account_id=account_id)
        self.options = options
        self._swap = threading.Lock()
        self._state = self._fresh_state()

    def _fresh_state(self) -> Any:
        from cfmock.service.dispatch import MockState

        return MockState(self.options, recording=False)  # a server runs for long: see MockState.recording

    @property
    def account_id(self) -> str:
        return self.options.account_id

    def reset(self) -> None:
        """Forget every resource and pending injected error. Requests already running finish on the old state."""
        fresh = self._fresh_state()
        with self._swap:
            old, self._state = self._state, fresh
        old.backend.ended = True

    def answer(
        self, method: str, raw_path: str, query: str = "", headers: Mapping[str, str] | None = None, body: bytes = b""
    ) -> Answer:
        """Answer one HTTP request: a CloudFront or KeyValueStore operation, or a control endpoint."""
        from cfmock.server import routing
        from cfmock.service import dispatch
        from cfmock.wire.model import service_model

        if raw_path.startswith(CONTROL_PREFIX):
            from cfmock.server.control import answer_control

            return answer_control(self, method, raw_path, query, body)
        query_params = routing.parse_query(query)
        route = routing.find_route(method, raw_path, query_params)
        if route is None:
            return _no_such_operation(method, raw_path)
        operation = service_model(route.service).operation_model(route.operation)
        request = {"url_path": raw_path, "query_string": query_params, "headers": dict(headers or {}), "body": body}
        response = dispatch.answer(self._state, operation, request)
        return Answer(response.status, response.headers, response.body)

    # -- Python access to the state, as a CloudFrontMock offers it -------------------------------------

    @property
    def functions(self) -> StagedView:
        from cfmock.state import StagedView

        state = self._state
        return StagedView(state.backend, state.backend.functions, "function")

    @property
    def connection_functions(self) -> StagedView:
        from cfmock.state import StagedView

        state = self._state
        return StagedView(state.backend, state.backend.connection_functions, "connection function")

    @property
    def key_value_stores(self) -> KeyValueStoresView:
        from cfmock.state import KeyValueStoresView

        return KeyValueStoresView(self._state.backend)

    def inject_error(
        self, operation: str, code: str, message: str | None = None, count: int = 1, *, service: str | None = None
    ) -> None:
        """Make the next ``count`` calls of ``operation`` fail with ``code`` (as ``CloudFrontMock.inject_error``)."""
        from cfmock.state import check_injection, resolve_operation

        check_injection(message, count)
        self._state.injector.add(resolve_operation(operation, code, service), code, message, count)

    def snapshot(self) -> dict[str, Any]:
        """The state as JSON-ready data (what ``GET /_cfmock/state`` answers)."""
        from cfmock.server.control import snapshot

        return snapshot(self._state.backend)


def _no_such_operation(method: str, raw_path: str) -> Answer:
    """No operation of either model has this method and path shape: 404 in that service's error shape."""
    from cfmock.server.routing import service_of_path
    from cfmock.wire.model import KEYVALUESTORE, service_model
    from cfmock.wire.render import render_error

    service = service_of_path(raw_path)
    model = service_model(service)
    # Any operation of the service gives render_error the protocol and namespace; the status is explicit.
    operation = model.operation_model(model.operation_names[0])
    code = "UnknownOperationException" if service == KEYVALUESTORE else "InvalidURI"
    message = (
        f"No {service} operation answers {method} {raw_path}. cfmock server answers CloudFront and CloudFront "
        "KeyValueStore requests only, whatever the host (it is a proxy for itself, not for other sites)."
    )
    response = render_error(operation, code, message, 404)
    return Answer(response.status, response.headers, response.body)
