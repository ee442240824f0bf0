"""What the sandbox needs from a JavaScript engine, whichever path provides it."""

from __future__ import annotations

import time
from typing import Final, Protocol

# Runs are timed in this thread's CPU time: on a busy machine wall time stretches, and other Python threads
# must not eat into a run's share.
clock: Final = time.thread_time
NEVER: Final = float("inf")


class ScriptError(Exception):
    """A JavaScript exception that reached the engine's caller: ``Name: message`` and its stack lines."""

    def __init__(self, message: str, stack: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.stack = stack

    @property
    def stack_overflow(self) -> bool:
        return self.message in ("RangeError: Maximum call stack size exceeded", "InternalError: stack overflow")


class Session(Protocol):
    """One fresh QuickJS context: nothing else has run in it, and it is dropped after one run. Its runtime
    is new too, or one a run before it left exactly as new (no job pending, no memory held)."""

    @property
    def interruption(self) -> BaseException | None:
        """Ctrl-C (or SystemExit) caught while JavaScript ran: it stopped the code, the caller raises it."""

    def evaluate(self, source: str, *, user: bool = False) -> None:
        """Run a script as a global script named ``<input>``; raises :class:`ScriptError`."""

    def compile_ahead(self, source: str) -> None:
        """Compile ``source`` now where the engine reuses bytecode, so that evaluating it later (on the run's
        clock) only loads it; a failure to compile is left for the evaluation to report."""

    def setup(self, config: str) -> None:
        """Call the prelude's ``__cfmock_setup(config)`` and keep the engine function it returns."""

    def engine(self, op: str, *args: str) -> str | bool | None:
        """Call the engine function; only strings, booleans and null/undefined (None) come back."""

    def run_job(self) -> bool:
        """Run one pending promise job; False when there was none."""

    def malloc_size(self) -> int:
        """Bytes QuickJS has allocated in this runtime."""

    def set_memory_limit(self, limit: int) -> None:
        """Cap the runtime's heap at ``limit`` bytes (-1: no cap)."""

    def stop_calls_at(self, moment: float) -> None:
        """Stop JavaScript (``InternalError: interrupted``) once :data:`clock` reaches ``moment``."""

    def close(self, *, reusable: bool = False) -> None:
        """Free the context now, and the runtime unless ``reusable`` (the run ended on its own: no time limit,
        memory limit or Ctrl-C) and the engine can hand it, clean, to the thread's next run."""
