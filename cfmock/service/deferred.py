"""Work a handler leaves for after the mock's lock is released.

TestFunction and TestConnectionFunction read what a run needs (the stage's code, the store's contents)
under the lock, then run the code without it, so that a spinning function never makes other threads' calls
wait (issue 14): a run uses the code and store contents of the moment it started.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Deferred:
    """``finish()`` runs outside the lock and returns the handler's result."""

    finish: Callable[[], dict[str, Any]]
