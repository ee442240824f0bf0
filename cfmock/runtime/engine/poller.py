"""QuickJS's interrupt handler written in Python, safe against signals arriving while it runs."""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Callable, Generator

# The handler declared with its first argument only (the runtime), so that a generator's ``send`` can be the
# callback. QuickJS passes two; in the 64-bit C calling conventions the fast path runs on (arguments in
# registers, the caller cleans up) a callee that reads only the first is called correctly.
PollCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


class Poller:
    """Polled by QuickJS every few thousand operations: answers 1 (stop the code) once ``stop()`` is true,
    or when anything is raised while it runs.

    Nothing may propagate into C. A failing ``stop()`` counts as true. A ``BaseException`` (Ctrl-C's
    KeyboardInterrupt, pytest's timeout or exit) stops the code too and is kept in :attr:`interruption`, to be
    raised once QuickJS has returned. Python runs signal handlers when a function starts, before any ``try``
    in it, and ctypes would swallow what they raise there (losing Ctrl-C and letting the code run on to its
    hard limit). So the handler is a generator resumed by ``send``: a signal handler's exception then comes out
    at the ``yield``, inside the generator's ``try``.
    """

    def __init__(self, stop: Callable[[], bool]) -> None:
        self._kept: list[BaseException | None] = [None]  # a box, not self: no reference cycle via the generator
        polls = _polls(stop, self._kept)
        next(polls)  # to the first yield: from now on every resumption is inside the try
        self.callback = PollCallback(polls.send)

    @property
    def interruption(self) -> BaseException | None:
        return self._kept[0]


def _polls(stop: Callable[[], bool], kept: list[BaseException | None]) -> Generator[int, object, None]:
    # Python runs signal handlers at a function's start, after calls, at loop back-edges and after a plain
    # yield: every such point here is inside the try, or the delegation below, which has none. Nothing in the
    # except clause calls anything, so a second signal there cannot end the generator either.
    stopped = itertools.repeat(1)  # made here: a call inside the handler below could itself be interrupted
    answer = 0
    try:
        while True:
            yield answer
            try:
                answer = 1 if stop() else 0
            except Exception:
                answer = 1
    except GeneratorExit:
        raise  # closed because the poller was dropped
    except BaseException as interruption:
        kept[0] = interruption
    yield from stopped  # this delegation loop never runs signal handlers, so nothing can end the generator
