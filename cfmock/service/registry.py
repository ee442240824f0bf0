"""The table of implemented operations: one handler per (service, operation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cfmock.backend import CloudFrontBackend
from cfmock.service.deferred import Deferred
from cfmock.wire.constraints import check_constraints

Result = dict[str, Any]


@dataclass
class Call:
    """One mocked API call as a handler sees it: the state, the operation and its parsed params."""

    backend: CloudFrontBackend
    operation: Any  # botocore OperationModel
    params: dict[str, Any]
    settings: Any = None  # cfmock.options.MockOptions
    validated: bool = field(default=False, init=False)

    def validate(self, *, skip: tuple[str, ...] = ()) -> None:
        """Check the model constraints botocore leaves to the service (decisions 17).

        Handlers call this at the point decisions 7 puts body validation, after existence and If-Match.
        ``skip`` names members whose limits a more specific decision governs (e.g. decisions 23).
        """
        if not self.validated:
            self.validated = True
            error = "ValidationException" if self.operation.metadata["protocol"] == "rest-json" else "MalformedXML"
            params = {k: v for k, v in self.params.items() if k not in skip} if skip else self.params
            check_constraints(self.operation, params, error)


Handler = Callable[[Call], "Result | Deferred"]  # Deferred: finished after the lock is released

HANDLERS: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[(service, name)] = handler
        return handler

    return register


def implemented_operations() -> dict[str, list[str]]:
    """Implemented operation names per service, sorted (the docs' supported-operations table)."""
    _load_handlers()
    table: dict[str, list[str]] = {}
    for service, name in HANDLERS:
        table.setdefault(service, []).append(name)
    return {service: sorted(names) for service, names in sorted(table.items())}


def find_handler(service: str, name: str) -> Handler | None:
    _load_handlers()
    return HANDLERS.get((service, name))


_loaded = False


def _load_handlers() -> None:
    # Handler modules register themselves on import; importing them lazily keeps `import cfmock` light.
    global _loaded
    if not _loaded:
        from cfmock.service import connection_functions, functions, kvs  # noqa: F401

        _loaded = True
