"""``inject_error``: make the next matching calls fail with an error code the model documents."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from cfmock.backend.errors import ServiceError


@dataclass
class _Pending:
    code: str
    message: str | None
    remaining: int


class ErrorInjector:
    """Pending injected errors per operation, consumed first-in first-out, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], list[_Pending]] = {}

    def add(self, operation: tuple[str, str], code: str, message: str | None, count: int) -> None:
        """Queue ``code`` for ``operation``, a (service, operation name) pair."""
        with self._lock:
            self._pending.setdefault(operation, []).append(_Pending(code, message, count))

    def pending(self) -> list[tuple[tuple[str, str], str, int]]:
        """What is still queued: ((service, operation), code, calls left), in the order it was injected."""
        with self._lock:
            return [(op, p.code, p.remaining) for op, queue in self._pending.items() for p in queue]

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()

    def take(self, operation: tuple[str, str]) -> ServiceError | None:
        """The error the next ``operation`` call must fail with, if one is pending."""
        if not self._pending:  # the common case, without the lock
            return None
        with self._lock:
            queue = self._pending.get(operation)
            if not queue:
                return None
            head = queue[0]
            head.remaining -= 1
            if head.remaining <= 0:
                queue.pop(0)
                if not queue:
                    del self._pending[operation]
            return ServiceError(head.code, head.message)


def documented_codes(operation: object) -> list[str]:
    """Error codes the model documents for an operation (botocore ``OperationModel.error_shapes``)."""
    shapes: Iterable[object] = getattr(operation, "error_shapes", [])
    return sorted(str(getattr(shape, "error_code", None) or getattr(shape, "name", "")) for shape in shapes)
