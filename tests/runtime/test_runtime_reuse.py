"""A run's QuickJS runtime may be the one the thread's previous run left exactly as new (engine/capi.py).

Each run still gets a fresh context; these tests pin that a runtime is reused only when the run ended on its
own and left nothing behind, and that nothing of one run reaches the next.
"""

from __future__ import annotations

import gc
import os
import threading
import weakref
from typing import Any

import pytest

from cfmock import MockOptions, run_function
from cfmock.runtime import engine

pytestmark = pytest.mark.skipif(bool(os.environ.get(engine.PLAIN_ENV)), reason="the plain path makes no runtime")

EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "1.2.3.4"},
    "request": {"method": "GET", "uri": "/", "headers": {}, "querystring": {}, "cookies": {}},
}
PLAIN = "function handler(event) { return event.request; }"


def api() -> Any:
    fast = engine._fast_api()
    assert fast is not None
    return fast


def spare() -> Any:
    return api()._spare.kept


def test_a_run_that_ended_on_its_own_leaves_its_runtime_for_the_next() -> None:
    run_function(PLAIN, EVENT)
    kept = spare()
    assert kept is not None
    run_function(PLAIN, EVENT)
    assert spare() is not None and spare() is not kept  # taken, then handed back afresh


def test_nothing_of_one_run_reaches_the_next() -> None:
    dirty = (
        "var counter = 41; globalThis.marker = 'left'; Array.prototype.extra = 1; Object.prototype.polluted = 2;"
        "String.prototype.trim = function () { return 'hijacked'; }; JSON.stringify = null;"
        "Symbol.for('cfmock-test');"
        "function handler(event) { console.log('first'); return event.request; }"
    )
    probe = (
        "function handler(event) { console.log([typeof counter, typeof marker, typeof [].extra,"
        " typeof ({}).polluted, ' x '.trim(), typeof JSON.stringify].join(' ')); return event.request; }"
    )
    run_function(dirty, EVENT)
    assert spare() is not None
    result = run_function(probe, EVENT)
    assert result.logs == ("undefined undefined undefined undefined x function",)


def test_a_timed_out_run_does_not_hand_its_runtime_on() -> None:
    run_function(PLAIN, EVENT)
    assert spare() is not None
    result = run_function("function handler(e) { for (;;) {} }", EVENT, options=MockOptions(time_limit_s=0.05))
    assert "timed out" in result.error_message
    assert spare() is None


def test_a_run_out_of_memory_does_not_hand_its_runtime_on() -> None:
    run_function(PLAIN, EVENT)
    result = run_function("function handler(e) { var a = []; for (;;) a.push('x' + a.length); }", EVENT)
    assert "out of memory" in result.error_message
    assert spare() is None


def test_a_runtime_with_a_job_still_pending_is_freed_not_reused() -> None:
    # The result is serialised after the job queue ran dry; a toJSON queueing a job leaves one behind.
    code = (
        "function handler(event) { var r = event.request; r.toJSON = function () {"
        " Promise.resolve().then(function () { console.log('late'); }); delete r.toJSON; return r; }; return r; }"
    )
    result = run_function(code, EVENT)
    assert result.error_message == ""
    assert spare() is None
    assert run_function(PLAIN, EVENT).logs == ()  # and the next run sees nothing of it


def test_each_thread_keeps_its_own_spare_and_drops_it_when_it_ends() -> None:
    run_function(PLAIN, EVENT)
    mine = spare()
    seen: list[weakref.ref[Any]] = []

    def in_a_thread() -> None:
        assert spare() is None  # another thread's spare is not this one's
        run_function(PLAIN, EVENT)
        seen.append(weakref.ref(spare()))

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    gc.collect()
    assert seen and seen[0]() is None  # freed with its thread
    assert spare() is mine
