"""Out-of-memory runs never take the caller's process down.

The QuickJS bundled with quickjs 1.19.4 can crash the process when memory runs out (a use-after-free while
building the error's backtrace; see cfmock/runtime/native.py). With the guard of cfmock.runtime.native every
run stays in this process; without it, runs move to a worker process once one has run out of memory.
``UNGUARDED`` below makes the isolation layer act as where the guard is unavailable, while the sandbox
keeps it, so the worker's mechanics are tested without the crash they exist for. These tests run in a subprocess
each, so every one starts from a clean process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT_HEAD = """
import logging, os, signal, time
from cfmock.runtime import RuntimeLimits, isolation, run_connection_function, run_viewer_function
EVENT = {"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "1.2.3.4"},
         "request": {"method": "GET", "uri": "/", "headers": {}}}
OK = "function handler(event) { console.log('ran'); return event.request; }"
BOMB = "function handler(e) { var h = []; while (true) h.push(new Array(1000).fill('x' + h.length)); }"
OOM = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. " \\
      "InternalError: out of memory"
LIMITS = RuntimeLimits(time_limit_s=0.3)
"""
UNGUARDED = """
isolation._guarded = lambda: False  # as where the binding's library hides QuickJS's symbols
"""
# Bomb shapes that crashed a process on its first out-of-memory run, after one ordinary run, before the guard.
FIRST_RUN_CRASHERS = (200, 500, 1000)


def run_script(body: str, *, native: bool = False) -> str:
    script = SCRIPT_HEAD + ("" if native else UNGUARDED) + textwrap.dedent(body)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_with_the_guard_out_of_memory_runs_stay_in_this_process_and_never_crash_it() -> None:
    out = run_script(
        f"""
        from cfmock.runtime import native
        assert native.native() is not None
        for size in {FIRST_RUN_CRASHERS!r} * 3:
            assert run_viewer_function(OK, EVENT).logs == ("ran",)
            bomb = "function handler(e) {{ var h = []; while (true) h.push(new Array(%d).fill('x' + h.length)); }}"
            assert run_viewer_function(bomb % size, EVENT, limits=LIMITS).error_message == OOM, size
        for i in range(60):
            assert run_viewer_function(BOMB, EVENT, limits=LIMITS).error_message == OOM, i
        assert not isolation._use_worker and isolation._worker is None
        print("in process")
        """,
        native=True,
    )
    assert out.strip() == "in process"


def test_a_caught_out_of_memory_is_null_under_the_guard() -> None:
    # With QuickJS's in_out_of_memory flag set, exhaustion throws null rather than a fresh InternalError.
    out = run_script(
        """
        code = ("function handler(e) { var h = [], seen; try { while (true) h.push(new Array(500).fill(1)); }"
                " catch (x) { seen = x; } h = null; console.log(String(seen)); return e.request; }")
        result = run_viewer_function(code, EVENT, limits=LIMITS)
        print(result.logs, result.error_message == "")
        """,
        native=True,
    )
    assert out.strip() == "('null',) True"


def test_without_the_guard_runs_stay_in_process_until_one_runs_out_of_memory() -> None:
    out = run_script("""
        assert run_viewer_function(OK, EVENT).logs == ("ran",)
        assert not isolation._use_worker and isolation._worker is None
        assert run_viewer_function(BOMB, EVENT, limits=LIMITS).error_message == OOM
        assert isolation._use_worker
        result = run_viewer_function(OK, EVENT)
        assert result.logs == ("ran",) and '"uri":"/"' in result.output
        assert isolation._worker is not None and isolation._worker.poll() is None
        print("done")
    """)
    assert out.strip() == "done"


def test_many_memory_bombs_in_one_process_never_crash_it() -> None:
    # 60 bombs: past the few dozen after which QuickJS crashes an unprotected process.
    out = run_script("""
        for i in range(60):
            result = run_viewer_function(BOMB, EVENT, limits=LIMITS)
            assert result.error_message == OOM, (i, result.error_message)
        assert run_viewer_function(OK, EVENT).logs == ("ran",)
        print("survived")
    """)
    assert out.strip() == "survived"


def test_a_worker_crashing_during_a_run_is_reported_as_out_of_memory_and_replaced() -> None:
    out = run_script("""
        import threading
        run_viewer_function(BOMB, EVENT, limits=LIMITS)  # switches to the worker
        assert run_viewer_function(OK, EVENT).logs == ("ran",)
        first = isolation._worker
        # Kill the worker in the middle of a run, as QuickJS's segmentation fault would.
        threading.Timer(0.3, os.kill, (first.pid, signal.SIGKILL)).start()
        started = time.monotonic()
        crashed = run_viewer_function("function handler(e) { while (true) {} }", EVENT,
                                      limits=RuntimeLimits(time_limit_s=5.0))
        assert crashed.error_message == OOM, crashed
        assert time.monotonic() - started < 4.0
        result = run_viewer_function(OK, EVENT)
        assert result.logs == ("ran",), result
        assert isolation._worker is not first and isolation._worker.poll() is None
        print("replaced")
    """)
    assert out.strip() == "replaced"


def test_a_dead_idle_worker_is_replaced_without_losing_the_next_run() -> None:
    out = run_script("""
        run_viewer_function(BOMB, EVENT, limits=LIMITS)
        assert run_viewer_function(OK, EVENT).logs == ("ran",)
        first = isolation._worker
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        assert run_viewer_function(OK, EVENT).logs == ("ran",)
        assert isolation._worker is not first
        print("replaced")
    """)
    assert out.strip() == "replaced"


def test_the_worker_is_replaced_after_every_out_of_memory_run() -> None:
    out = run_script("""
        run_viewer_function(BOMB, EVENT, limits=LIMITS)  # in process; later runs use a worker
        assert run_viewer_function(OK, EVENT).logs == ("ran",)
        worker = isolation._worker
        assert run_viewer_function(BOMB, EVENT, limits=LIMITS).error_message == OOM
        assert isolation._worker is None and worker.poll() is not None
        print("recycled")
    """)
    assert out.strip() == "recycled"


def test_worker_runs_match_in_process_runs() -> None:
    out = run_script("""
        import json
        CASES = [
            ("viewer", OK, EVENT),
            ("viewer", "function handler(e) { return e.request.headers.host.value; }", EVENT),
            ("viewer", "function handler(e) { while (true) {} }", EVENT),
            ("connection", "function connectionHandler(c) { c.logCustomData('d'); c.deny(); }", {}),
        ]
        def run(kind, code, event):
            if kind == "viewer":
                r = run_viewer_function(code, event, limits=LIMITS)
            else:
                r = run_connection_function(code, event, limits=LIMITS)
            return (r.output, r.logs, r.error_message)
        before = [run(*case) for case in CASES]
        run_viewer_function(BOMB, EVENT, limits=LIMITS)
        assert isolation._use_worker
        after = [run(*case) for case in CASES]
        assert before == after, (before, after)
        print("same")
    """)
    assert out.strip() == "same"


def test_ctrl_c_while_waiting_for_the_worker_does_not_shift_replies() -> None:
    # The interrupted run's reply is still on its way; reading it as the next run's would give every later run
    # the previous one's result. The parent stops that worker instead.
    out = run_script("""
        run_viewer_function(BOMB, EVENT, limits=LIMITS)
        assert isolation._use_worker
        real = isolation._receive
        def interrupted(stream, timeout=None):
            isolation._receive = real
            raise KeyboardInterrupt
        isolation._receive = interrupted
        try:
            run_viewer_function("function handler(e) { console.log('first'); return e.request; }", EVENT)
        except KeyboardInterrupt:
            pass
        else:
            raise SystemExit("the interruption was lost")
        print(run_viewer_function("function handler(e) { console.log('second'); return e.request; }", EVENT).logs)
    """)
    assert out.strip() == "('second',)"


def test_a_ctrl_c_that_reaches_only_the_worker_does_not_end_its_run() -> None:
    # A terminal's Ctrl-C reaches the worker too. Dying of it would report the run as out of memory (a crash);
    # the worker ignores it and the parent decides.
    out = run_script("""
        import threading
        run_viewer_function(BOMB, EVENT, limits=LIMITS)
        run_viewer_function(OK, EVENT)  # the worker that will run the next one is up
        def poke():
            time.sleep(0.1)
            os.kill(isolation._worker.pid, signal.SIGINT)
        threading.Thread(target=poke).start()
        busy = ("function handler(e) { var t = 0; for (var i = 0; i < 2e7; i++) t += i;"
                " console.log('done'); return e.request; }")
        result = run_viewer_function(busy, EVENT, limits=RuntimeLimits(time_limit_s=10))
        print(result.error_message == "", result.logs)
    """)
    assert out.strip() == "True ('done',)"
