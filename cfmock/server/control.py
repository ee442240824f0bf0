"""The control endpoints under ``/_cfmock/``: health, reset, the state as JSON, error injection, seeding.

Answers are JSON. Mistakes are 4xx with ``{"error": "..."}``; none of this is an AWS API, so none of it
follows an AWS error shape.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from cfmock._version import __version__
from cfmock.server.answers import CONTROL_PREFIX, Answer, json_answer

if TYPE_CHECKING:
    from cfmock.backend import CloudFrontBackend
    from cfmock.backend.staged import StageCopy, StagedResource
    from cfmock.state import KeyValueStoresView


class Backend(Protocol):
    """What the control endpoints use of ``cfmock.server.Backend`` (named here so this module need not import
    the one that imports it)."""

    @property
    def account_id(self) -> str: ...

    @property
    def key_value_stores(self) -> KeyValueStoresView: ...

    def reset(self) -> None: ...

    def snapshot(self) -> dict[str, Any]: ...

    def inject_error(self, operation: str, code: str, message: str | None = None, count: int = 1, *,
                     service: str | None = None) -> None: ...  # fmt: skip


_IMPORT_SUFFIX = "/import"
_STORES = "key-value-stores/"
ENDPOINTS = {
    "health": ("GET",),
    "reset": ("POST",),
    "state": ("GET",),
    "errors": ("POST",),
    f"{_STORES}{{name}}{_IMPORT_SUFFIX}": ("POST",),
}


class _Refused(Exception):
    def __init__(self, status: int, message: str, allow: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.allow = status, message, allow


def answer_control(backend: Backend, method: str, raw_path: str, query: str, body: bytes) -> Answer:
    try:
        return _route(backend, method, raw_path[len(CONTROL_PREFIX) :], body)
    except _Refused as refused:
        answer = json_answer(refused.status, {"error": refused.message})
        if refused.allow:
            answer.headers["Allow"] = refused.allow
        return answer


def _expect(method: str, allowed: str) -> None:
    if method != allowed:
        raise _Refused(405, f"this control endpoint answers {allowed} only", allow=allowed)


def _route(backend: Backend, method: str, path: str, body: bytes) -> Answer:
    if path == "health":
        _expect(method, "GET")
        return json_answer(200, {"status": "ok", "version": __version__, "account_id": backend.account_id})
    if path == "reset":
        _expect(method, "POST")
        backend.reset()
        return json_answer(200, {"reset": True})
    if path == "state":
        _expect(method, "GET")
        return json_answer(200, backend.snapshot())
    if path == "errors":
        _expect(method, "POST")
        return _inject(backend, _json_body(body))
    if path.startswith(_STORES) and path.endswith(_IMPORT_SUFFIX):
        _expect(method, "POST")
        name = unquote(path[len(_STORES) : -len(_IMPORT_SUFFIX)])
        return _seed(backend, name, body)
    listing = ", ".join(f"{' '.join(methods)} {CONTROL_PREFIX}{name}" for name, methods in ENDPOINTS.items())
    raise _Refused(404, f"no control endpoint {CONTROL_PREFIX}{path}; there are: {listing}")


def _json_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise _Refused(400, "the body must be a JSON document") from None


def _inject(backend: Backend, document: Any) -> Answer:
    """``{"operation": "UpdateFunction", "code": "PreconditionFailed", "message"?, "count"?, "service"?}``."""
    if not isinstance(document, dict):
        raise _Refused(400, 'the body must be a JSON object: {"operation": ..., "code": ...}')
    unknown = set(document) - {"operation", "code", "message", "count", "service"}
    if unknown:
        raise _Refused(400, f"unknown fields {sorted(unknown)}; allowed: operation, code, message, count, service")
    operation, code = document.get("operation"), document.get("code")
    if not isinstance(operation, str) or not isinstance(code, str):
        raise _Refused(400, '"operation" and "code" are required strings')
    service = document.get("service")
    if service is not None and not isinstance(service, str):
        raise _Refused(400, '"service" must be a string')
    try:
        backend.inject_error(operation, code, document.get("message"), document.get("count", 1), service=service)
    except (TypeError, ValueError) as error:
        raise _Refused(400, str(error)) from None
    return json_answer(201, {"injected": {k: document[k] for k in sorted(document)}})


def _seed(backend: Backend, name: str, body: bytes) -> Answer:
    """Load an import file (``{"data": [{"key": ..., "value": ...}]}``) into a store, creating it if missing."""
    from cfmock.runner import load_import_file

    try:
        data = load_import_file(body.decode("utf-8"))
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise _Refused(400, f"not a key value store import file: {error}") from None
    stores = backend.key_value_stores
    try:
        if name in stores:
            handle = stores[name]
            handle.update(data)
            created = False
        else:
            handle = stores.create(name, data=data)
            created = True
    except (TypeError, ValueError, RuntimeError) as error:
        raise _Refused(400, str(error)) from None
    summary = {"name": handle.name, "id": handle.id, "arn": handle.arn, "etag": handle.etag, "items": len(data)}
    return json_answer(201 if created else 200, {"created": created, **summary})


def snapshot(backend: CloudFrontBackend) -> dict[str, Any]:
    """Everything the backend holds, JSON-ready, read under its lock."""
    with backend.lock:
        return {
            "account_id": backend.account_id,
            "functions": {r.name: _staged(r) for r in backend.functions},
            "connection_functions": {r.name: {"id": r.id, **_staged(r)} for r in backend.connection_functions},
            "key_value_stores": {
                store.name: {
                    "id": store.id,
                    "arn": store.arn,
                    "comment": store.comment,
                    "status": store.status,
                    "etag": store.etag,
                    "data_etag": store.data_etag,
                    "data": dict(store.data),
                }
                for store in backend.key_value_stores
            },
        }


def _staged(resource: StagedResource) -> dict[str, Any]:
    return {
        "arn": resource.arn,
        "status": resource.status,
        "etag": resource.etag,
        "created": resource.created.isoformat(),
        "stages": {
            stage: _stage_copy(copy)
            for stage, copy in (("DEVELOPMENT", resource.development), ("LIVE", resource.live))
            if copy is not None
        },
    }


def _stage_copy(copy: StageCopy) -> dict[str, Any]:
    return {
        "etag": copy.etag,
        "config": copy.config,
        "code": copy.code.decode("utf-8", errors="replace"),
        "last_modified": copy.last_modified.isoformat(),
    }
