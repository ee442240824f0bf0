"""The fast path checked by what it does, once, before any run takes it (see :func:`.load_fast_path`).

Nothing here reads a struct of the binding or of QuickJS: every call the fast path makes is exercised once, and
the path is used only if each does what it should.
"""

from __future__ import annotations

import ctypes

from .capi import CApi, FastSession, _MemoryUsage
from .session import ScriptError, clock


def verify(api: CApi) -> str | None:
    """Exercise every call the fast path makes; the reason it is unusable, or None when it works."""
    session = FastSession(api, 256 * 1024)
    try:
        session.set_memory_limit(123_456_789)
        usage = _MemoryUsage()
        api.compute_memory_usage(session._runtime, ctypes.byref(usage))
        if usage.malloc_limit != 123_456_789 or not 0 < usage.malloc_size < 123_456_789:
            return "JS_ComputeMemoryUsage does not report the limit just set"
        if api.compile(session._context, "(") is not None:
            return "a syntax error compiled"
        session.evaluate(
            'Object.defineProperty(globalThis, "__cfmock_setup", {configurable: true, value: function (c) {'
            ' var s = c + " " + [1, "two"].join(" ");'
            ' return function (op, a) { return op === "b" ? a === "x" : op === "s" ? s + a : null; }; }});'
        )
        session.setup("cfg")
        if session.engine("s", "\U0001f600") != "cfg 1 two\U0001f600" or session.engine("b", "x") is not True:
            return "calls into JavaScript did not return what they should"
        if session.engine("n") is not None:
            return "null did not come back as None"
        try:
            session.evaluate("null.x")
            return "an exception was not reported"
        except ScriptError as error:
            if not error.message.startswith("TypeError") or "<input>:1" not in error.stack:
                return f"an exception came back as {error.message!r}"
        session.evaluate("Promise.resolve().then(function () { globalThis.jobRan = 1; })")
        if not api.is_job_pending(session._runtime):
            return "JS_IsJobPending does not see a pending job"
        if not session.run_job() or session.run_job() or api.is_job_pending(session._runtime):
            return "promise jobs did not run"
        session.stop_calls_at(clock())
        try:
            session.evaluate("for (;;) {}", user=True)
            return "the interrupt handler did not stop a loop"
        except ScriptError as error:
            if error.message != "InternalError: interrupted":
                return f"an interrupted loop ended with {error.message!r}"
    finally:
        session.close()
    return None
