"""cfmock's nesting limit, and the recursion room code needs to walk values within it (see json_limits).

A leaf with no cfmock imports, so that the results' own parse and print (cfmock.results) can use it too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final, ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")

MAX_NESTING: Final = 1_000
# Frames per nesting level: json's C code takes one; cfmock's own recursive walks (multiValue entries) up to two.
_FRAMES_PER_LEVEL: Final = 2
_FRAMES_SPARE: Final = 100
_recursion_lock = threading.RLock()


@contextmanager
def recursion_room() -> Iterator[None]:
    """Let code recurse through :data:`MAX_NESTING` levels below the caller: Python functions on every Python,
    ``json``'s C code where it follows the interpreter's recursion limit (3.11). The limit is only ever raised,
    and restored afterwards."""
    frame, in_use = sys._getframe(), 0
    while frame is not None:
        in_use += 1
        frame = frame.f_back  # type: ignore[assignment]
    needed = in_use + _FRAMES_PER_LEVEL * MAX_NESTING + _FRAMES_SPARE
    with _recursion_lock:
        previous = sys.getrecursionlimit()
        if needed > previous:
            sys.setrecursionlimit(needed)
        try:
            yield
        finally:
            if needed > previous:
                sys.setrecursionlimit(previous)


def in_room(work: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """``work(*args, **kwargs)`` with the recursion room of :func:`recursion_room`, taken only when needed.

    Making room walks the whole call stack and takes a lock, which costs more than parsing or printing a small
    value. So ``work`` (which must be pure: it is called twice when the first try runs out of recursion) runs
    first as it is, and again with room only when it overflowed. The outcome is what the room alone gives."""
    try:
        return work(*args, **kwargs)
    except RecursionError:
        with recursion_room():
            return work(*args, **kwargs)
