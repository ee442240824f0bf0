"""cfmock's nesting limit, and the recursion room code needs to walk values within it (see json_limits).

A leaf with no cfmock imports, so that the results' own parse and print (cfmock.results) can use it too.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

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
