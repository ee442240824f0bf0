"""The plain path: the ``quickjs`` binding's own ``Context``, with no C-level access.

Every source is compiled on every run, and the time limit is the binding's (the process's CPU time,
restarted on every call into JavaScript). Used where the fast path is unavailable, and when
``CFMOCK_ENGINE_PLAIN=1`` forces it.
"""

from __future__ import annotations

import quickjs

from ..errors import split_exception_text
from .session import NEVER, ScriptError, clock


def _error(exc: Exception) -> ScriptError:
    return ScriptError(*split_exception_text(str(exc)))


class PlainSession:
    """A run's binding ``Context``."""

    interruption: BaseException | None = None  # the binding's handler is C: Ctrl-C waits for the time limit

    def __init__(self, stack_bytes: int) -> None:
        self._ctx = quickjs.Context()
        self._ctx.set_max_stack_size(stack_bytes)
        self._engine: quickjs.Object | None = None

    def evaluate(self, source: str, *, user: bool = False) -> None:
        try:
            self._ctx.eval(source)
        except quickjs.JSException as exc:
            raise _error(exc) from None
        except (TypeError, UnicodeDecodeError):
            # The script ran; the binding then failed to convert its completion value (a rope, or a lone
            # surrogate), which nobody reads.
            pass

    def compile_ahead(self, source: str) -> None:
        pass  # the binding can only compile and run at once: every evaluation compiles

    def setup(self, config: str) -> None:
        try:
            self._engine = self._ctx.get("__cfmock_setup")(config)
        except quickjs.JSException as exc:
            raise _error(exc) from None

    def engine(self, op: str, *args: str) -> str | bool | None:
        assert self._engine is not None
        try:
            value = self._engine(op, *args)
        except quickjs.JSException as exc:
            raise _error(exc) from None
        return value if isinstance(value, str | bool) else None

    def run_job(self) -> bool:
        try:
            return bool(self._ctx.execute_pending_job())
        except quickjs.JSException as exc:
            raise _error(exc) from None

    def malloc_size(self) -> int:
        return int(self._ctx.memory()["malloc_size"])

    def set_memory_limit(self, limit: int) -> None:
        self._ctx.set_memory_limit(limit)

    def stop_calls_at(self, moment: float) -> None:
        # The binding restarts its clock on every call, so each call gets the time left.
        self._ctx.set_time_limit(-1 if moment == NEVER else max(moment - clock(), 0.0005))

    def close(self, *, reusable: bool = False) -> None:
        self._engine = None  # the binding's Context is one runtime and context, freed with it
