"""cfmock.runtime.native on its own: the layout checks, compiling and caching bytecode, running it as
``Context.eval`` would (globals, exceptions and their text, limits, interruption), and the out-of-memory guard.

Everything here talks to ``quickjs.Context`` objects directly, so a difference from the binding shows up here
before it shows up as a different run result.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from typing import Any

import _quickjs
import pytest
import quickjs

from cfmock.runtime import native

STACK_BYTES = 256 * 1024  # cfmock's default RuntimeLimits.max_stack_bytes
# Long enough to pass QuickJS's interrupt check (every 10 000 or so operations) many times; ~30 ms.
BUSY_LOOP = "var n = 0; for (var i = 0; i < 300000; i++) n += i; n"
BUSY_TOTAL = sum(range(300000))


@pytest.fixture(scope="module")
def access() -> native.Native:
    found = native.native()
    assert found is not None, "the C-level access must be available on Linux x86-64"
    return found


def compiled(access: native.Native, source: str) -> bytes:
    """Bytecode compiled in a context of its own, as a run would get it from the cache."""
    code = access.compile(quickjs.Context(), source)
    assert code is not None, source
    return code


def eval_error(source: str, *, stack_bytes: int | None = None) -> BaseException:
    """What ``Context.eval`` raises for ``source`` in a fresh context."""
    ctx = quickjs.Context()
    if stack_bytes is not None:
        ctx.set_max_stack_size(stack_bytes)
    with pytest.raises(quickjs.JSException) as caught:
        ctx.eval(source)
    return caught.value


def run_error(access: native.Native, source: str, *, stack_bytes: int | None = None) -> BaseException:
    """What ``Native.run`` raises for the bytecode of ``source`` in a fresh context."""
    code = compiled(access, source)
    ctx = quickjs.Context()
    if stack_bytes is not None:
        ctx.set_max_stack_size(stack_bytes)
    with pytest.raises(quickjs.JSException) as caught:
        access.run(ctx, code)
    return caught.value


def after(seconds: float) -> Callable[[], bool]:
    """A ``stop`` callable that turns True once ``seconds`` have passed."""
    deadline = time.perf_counter() + seconds
    return lambda: time.perf_counter() >= deadline


# -- availability and layout ---------------------------------------------------------------------------------


def test_native_is_available_here_and_cached() -> None:
    # Every run calls native.native(); the layout checks must run once per process, not once per run.
    first = native.native()
    assert isinstance(first, native.Native)
    assert native.native() is first


def test_verify_passes_again_and_on_a_fresh_instance(access: native.Native) -> None:
    assert access.verify() is True
    fresh = native.Native(_quickjs.__file__)
    assert fresh.verify() is True


def test_pointers_agree_with_quickjs(access: native.Native) -> None:
    # The pointers are read from the binding's object at fixed offsets; QuickJS itself must confirm them.
    ctx, other = quickjs.Context(), quickjs.Context()
    runtime, context = access.pointers(ctx)
    assert runtime and context
    assert access.get_runtime(context) == runtime
    assert access.get_runtime_opaque(runtime) == id(ctx)
    other_runtime, other_context = access.pointers(other)
    assert access.get_runtime(other_context) == other_runtime
    assert {other_runtime, other_context}.isdisjoint({runtime, context})  # one runtime per Context


def test_malloc_size_matches_memory_and_grows(access: native.Native) -> None:
    # The sandbox samples the heap with malloc_size instead of ctx.memory(), so both must read the same.
    ctx = quickjs.Context()
    before = access.malloc_size(ctx)
    assert before == ctx.memory()["malloc_size"]
    ctx.eval("var big = new Array(100000).fill(1.5);")
    grown = access.malloc_size(ctx)
    assert grown == ctx.memory()["malloc_size"]
    assert grown > before + 400_000  # 100 000 values of 8 bytes at the least
    ctx.eval("big = null;")
    assert access.malloc_size(ctx) < grown


# -- compiling and caching -----------------------------------------------------------------------------------


def test_compile_returns_bytes_and_runs_nothing(access: native.Native) -> None:
    ctx = quickjs.Context()
    code = access.compile(ctx, "var compiledOnly = 1; function f() { return 2; }")
    assert isinstance(code, bytes) and code
    assert ctx.get("compiledOnly") is None  # compiling must not have run the script
    assert ctx.eval("typeof f") == "undefined"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("function (", id="syntax-error"),
        pytest.param("var x = ;", id="syntax-error-2"),
        pytest.param("var s = 'a\0b';", id="nul-character"),
        pytest.param("var s = '\ud800';", id="lone-surrogate"),
        pytest.param("var s = '\udc00x';", id="lone-low-surrogate"),
    ],
)
def test_compile_returns_none_when_source_evaluation_must_report_it(access: native.Native, source: str) -> None:
    # None sends the sandbox to ctx.eval, which then raises exactly what the binding raises for such source.
    ctx = quickjs.Context()
    assert access.compile(ctx, source) is None
    assert ctx.eval("1 + 1") == 2  # no exception is left pending in the context
    assert access.compile(ctx, "var fine = 3;") is not None


def test_compile_keeps_non_ascii_text(access: native.Native) -> None:
    ctx = quickjs.Context()
    access.run(ctx, compiled(access, "var word = 'héllo – ✓ 😀';"))
    assert ctx.get("word") == "héllo – ✓ 😀"


def counting_native() -> tuple[native.Native, list[str]]:
    """A Native with its own cache (the process-wide one stays as it is), and the sources it compiles."""
    fresh = native.Native(_quickjs.__file__)
    calls: list[str] = []
    compile_ = fresh.compile

    def counting(ctx: quickjs.Context, source: str) -> bytes | None:
        calls.append(source)
        return compile_(ctx, source)

    fresh.compile = counting  # type: ignore[method-assign]
    return fresh, calls


def test_cached_returns_the_same_bytes_and_compiles_once() -> None:
    fresh, calls = counting_native()
    ctx = quickjs.Context()
    first = fresh.cached(ctx, "var cachedOnce = 1;")
    assert isinstance(first, bytes)
    assert fresh.cached(quickjs.Context(), "var cachedOnce = 1;") is first
    assert fresh.cached(ctx, "(") is None
    assert fresh.cached(ctx, "(") is None  # a failure is cached too: broken code is not recompiled per run
    assert calls == ["var cachedOnce = 1;", "("]


def test_cached_evicts_the_least_recently_used_after_256_sources() -> None:
    fresh, calls = counting_native()
    ctx = quickjs.Context()
    sources = [f"var v{i} = {i};" for i in range(257)]
    first = fresh.cached(ctx, sources[0])
    kept = fresh.cached(ctx, sources[1])
    for source in sources[2:256]:
        fresh.cached(ctx, source)
    assert len(calls) == 256
    assert fresh.cached(ctx, sources[0]) is first  # still cached (256 sources), and now the most recent
    fresh.cached(ctx, sources[256])  # the 257th evicts the least recently used: sources[1]
    assert len(calls) == 257
    assert fresh.cached(ctx, sources[0]) is first
    assert len(calls) == 257
    again = fresh.cached(ctx, sources[1])
    assert len(calls) == 258 and calls[-1] == sources[1]  # compiled anew
    assert again == kept and again is not kept


def test_bytecode_from_one_context_runs_in_others(access: native.Native) -> None:
    # Every run gets a fresh context: the cache only works if bytecode is independent of where it was made.
    code = access.compile(quickjs.Context(), "var shared = [1, 2, 3].map(function (x) { return x * 2; }).join();")
    assert code is not None
    for _ in range(3):
        ctx = quickjs.Context()
        access.run(ctx, code)
        assert ctx.get("shared") == "2,4,6"


# -- run() as ctx.eval ---------------------------------------------------------------------------------------


def test_run_defines_globals_as_eval_does(access: native.Native) -> None:
    source = "var a = 1; function twice(x) { return 2 * x; } let b = 'bee'; const c = [3]; class K {}"
    ctx = quickjs.Context()
    access.run(ctx, compiled(access, source))
    assert ctx.get("a") == 1
    assert ctx.get("twice")(21) == 42
    assert ctx.get("b") is None  # lexical declarations are not properties of the global object…
    assert ctx.eval("b + c[0] + typeof K") == "bee3function"  # …but later scripts see them
    reference = quickjs.Context()
    reference.eval(source)
    assert reference.get("b") is None
    assert reference.eval("b + c[0] + typeof K") == "bee3function"


def test_run_with_a_stop_callable_also_defines_globals(access: native.Native) -> None:
    ctx = quickjs.Context()
    access.run(ctx, compiled(access, "var viaStop = 7; let lexical = 8;"), lambda: False)
    assert ctx.get("viaStop") == 7
    assert ctx.eval("lexical") == 8


def test_run_leaves_top_level_this_and_completion_as_eval(access: native.Native) -> None:
    ctx = quickjs.Context()
    assert access.run(ctx, compiled(access, "var self = this === globalThis; 42")) is None
    assert ctx.get("self") is True


@pytest.mark.parametrize(
    ("prefix", "strict"),
    [("'use strict';\n", True), ('"use strict"; ', True), ("", False), ("var x; 'use strict';\n", False)],
)
def test_run_strict_mode_follows_the_directive(access: native.Native, prefix: str, strict: bool) -> None:
    source = prefix + "var isStrict = (function () { return this === undefined; })();"
    ctx = quickjs.Context()
    access.run(ctx, compiled(access, source))
    assert ctx.get("isStrict") is strict
    reference = quickjs.Context()
    reference.eval(source)
    assert reference.get("isStrict") is strict


def test_run_strict_mode_rejects_undeclared_assignment_as_eval(access: native.Native) -> None:
    source = "'use strict';\nundeclaredName = 1;"
    assert str(run_error(access, source)) == str(eval_error(source))
    assert "ReferenceError: 'undeclaredName' is not defined" in str(run_error(access, source))
    sloppy = quickjs.Context()
    access.run(sloppy, compiled(access, "undeclaredName = 1;"))
    assert sloppy.get("undeclaredName") == 1


THROWING = [
    pytest.param("throw new Error('boom');", "Error: boom\n", id="error"),
    pytest.param("var a = 1;\nvar b = 2;\nthrow new RangeError('line three');", "RangeError: line three\n", id="range"),
    pytest.param("function inner() { throw new Error('deep'); }\nfunction outer() { inner(); }\nouter();",
                 "Error: deep\n    at inner (<input>)\n    at outer (<input>)\n", id="error-in-functions"),
    pytest.param('throw "text";', "text\nundefined", id="string"),
    pytest.param("throw null;", "null\n", id="null"),
    pytest.param("throw undefined;", "undefined\n", id="undefined"),
    pytest.param("throw 42;", "42\nundefined", id="number"),
    pytest.param("var f;\nf();", "TypeError: not a function\n", id="call-undefined"),
    pytest.param("undefined();", "TypeError: not a function\n", id="call-undefined-literal"),
    pytest.param("null.x;", "TypeError: cannot read property 'x' of null\n", id="null-property"),
    pytest.param("missing.y;", "ReferenceError: 'missing' is not defined\n", id="reference"),
    pytest.param("throw { stack: 7 };", "[object Object]\n7", id="object-with-stack"),
    pytest.param("throw { get stack() { throw 2; }, toString() { return 'x'; } };", "x\n", id="stack-getter-throws"),
    pytest.param("throw { toString() { throw 1; } };", "(Failed obtaining QuickJS error string.", id="no-string"),
    pytest.param("throw Symbol('s');", "(Failed obtaining QuickJS error string.", id="symbol"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "start"), THROWING)
def test_run_raises_what_eval_raises(access: native.Native, source: str, start: str) -> None:
    # The sandbox parses this text (name, message, stack); it must not depend on the path the code took.
    expected = eval_error(source)
    got = run_error(access, source)
    assert type(got) is type(expected) is quickjs.JSException
    assert str(got) == str(expected)
    assert str(got).startswith(start)


def test_run_raises_stack_overflow_as_eval(access: native.Native) -> None:
    source = "function down(n) { return down(n + 1) + 1; }\ndown(0);"
    expected = eval_error(source, stack_bytes=STACK_BYTES)
    got = run_error(access, source, stack_bytes=STACK_BYTES)
    assert type(expected) is quickjs.StackOverflow
    assert type(got) is quickjs.StackOverflow
    assert str(got) == str(expected)
    assert str(got).startswith("InternalError: stack overflow\n    at down (<input>)\n")


def test_recursion_depth_matches_eval(access: native.Native) -> None:
    # The stack limit is measured from where evaluation starts; both paths must allow the same depth.
    source = (
        "var depth = 0; function down() { depth++; down(); }\ntry { down(); } catch (e) { var caught = String(e); }"
    )
    ctx, reference = quickjs.Context(), quickjs.Context()
    ctx.set_max_stack_size(STACK_BYTES)
    reference.set_max_stack_size(STACK_BYTES)
    access.run(ctx, compiled(access, source))
    reference.eval(source)
    assert ctx.get("caught") == reference.get("caught") == "InternalError: stack overflow"
    assert ctx.get("depth") == reference.get("depth") > 100


def test_run_frees_results_and_exceptions(access: native.Native) -> None:
    # run() drops its references by hand (JS_FreeValue is inline in C); a leak would grow the heap each time.
    ctx = quickjs.Context()
    result = compiled(access, "({ big: new Array(100000).fill(0.5) });")
    thrown = compiled(access, "var e = new Error('big'); e.big = new Array(100000).fill(0.5); throw e;")
    access.run(ctx, result)
    with pytest.raises(quickjs.JSException):
        access.run(ctx, thrown)
    ctx.eval("e = undefined;")
    base = access.malloc_size(ctx)
    for _ in range(10):
        access.run(ctx, result)
        with pytest.raises(quickjs.JSException):
            access.run(ctx, thrown)
        ctx.eval("e = undefined;")
    assert access.malloc_size(ctx) < base + 200_000  # ten leaks would be 16 MB


def test_context_is_usable_after_an_exception(access: native.Native) -> None:
    ctx = quickjs.Context()
    with pytest.raises(quickjs.JSException, match="first"):
        access.run(ctx, compiled(access, "var before = 1; throw new Error('first');"))
    assert ctx.get("before") == 1
    access.run(ctx, compiled(access, "var next = before + 1;"))
    assert ctx.get("next") == 2
    assert ctx.eval("next * 10") == 20


# -- stop: interruption ---------------------------------------------------------------------------------------


def test_stop_interrupts_an_infinite_loop_promptly(access: native.Native) -> None:
    ctx = quickjs.Context()
    code = compiled(access, "var spins = 0;\nwhile (true) { spins++; }")
    start = time.perf_counter()
    with pytest.raises(quickjs.JSException) as caught:
        access.run(ctx, code, after(0.05))
    elapsed = time.perf_counter() - start
    assert type(caught.value) is quickjs.JSException
    assert str(caught.value).startswith("InternalError: interrupted\n")
    assert 0.05 <= elapsed < 0.5
    assert ctx.get("spins") > 0
    assert ctx.eval("spins > 0 && 6 * 7") == 42  # the context still works
    access.run(ctx, compiled(access, "var later = 'ok';"), lambda: False)
    assert ctx.get("later") == "ok"


def test_stop_that_raises_counts_as_stop(access: native.Native) -> None:
    # An exception cannot cross QuickJS's C frames; swallowing it and running on would hang the run.
    polls: list[int] = []
    give_up = after(0.3)  # so that a swallowed exception fails the test instead of hanging it

    def broken() -> bool:
        polls.append(1)
        if give_up():
            return True
        raise RuntimeError("clock broke")

    ctx = quickjs.Context()
    start = time.perf_counter()
    with pytest.raises(quickjs.JSException) as caught:
        access.run(ctx, compiled(access, "while (true) {}"), broken)
    assert str(caught.value).startswith("InternalError: interrupted\n")
    assert time.perf_counter() - start < 0.5
    assert len(polls) == 1  # the first poll already stopped it
    assert ctx.eval("'alive'") == "alive"


def test_stop_is_not_polled_into_when_false(access: native.Native) -> None:
    polls: list[int] = []

    def never() -> bool:
        polls.append(1)
        return False

    ctx = quickjs.Context()
    access.run(ctx, compiled(access, "var m = 0; for (var i = 0; i < 300000; i++) m += i;"), never)
    assert polls  # the handler really was installed while the code ran
    assert ctx.get("m") == BUSY_TOTAL


def busy_eval_finishes(ctx: quickjs.Context) -> bool:
    """Whether a long loop through ctx.eval (no time limit set) runs to its end."""
    try:
        return bool(ctx.eval(BUSY_LOOP) == BUSY_TOTAL)
    except quickjs.JSException as exc:
        assert str(exc).startswith("InternalError: interrupted")
        return False


def test_leftover_interrupt_handler_would_be_detected(access: native.Native) -> None:
    # The control for the next test: a handler left installed does interrupt a later ctx.eval.
    ctx = quickjs.Context()
    runtime, _ = access.pointers(ctx)
    handler = native.InterruptHandler(lambda _rt, _opaque: 1)
    access.set_interrupt_handler(runtime, handler, None)
    try:
        assert busy_eval_finishes(ctx) is False
    finally:
        access.set_interrupt_handler(runtime, native.InterruptHandler(), None)
    assert busy_eval_finishes(ctx) is True


@pytest.mark.parametrize("ending", ["returns", "interrupted", "throws"])
def test_no_interrupt_handler_is_left_behind(access: native.Native, ending: str) -> None:
    # A handler left installed would stop the engine's own later calls (its stop is already True), or call
    # a freed callback.
    source = {"returns": "var done = 1;", "interrupted": "while (true) {}", "throws": "throw new Error('x');"}[ending]
    ctx = quickjs.Context()
    try:
        access.run(ctx, compiled(access, source), after(0.02))
    except quickjs.JSException:
        assert ending != "returns"
    time.sleep(0.03)  # the stop callable is True from now on
    assert busy_eval_finishes(ctx) is True


def test_run_with_stop_releases_the_gil(access: native.Native) -> None:
    # User code runs with the GIL released, as the binding's eval runs it, so other Python threads keep going.
    # With a long switch interval, a thread waking from sleep waits ~50 ms for a GIL held through C code (the
    # interrupt callbacks' Python code is the only place it could be handed over), and ~1 ms for a free one.
    wakeups: list[float] = []
    running, finished = threading.Event(), threading.Event()

    def sleeper() -> None:
        running.set()
        while not finished.is_set():
            time.sleep(0.001)
            wakeups.append(time.perf_counter())

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.05)
    thread = threading.Thread(target=sleeper)
    try:
        thread.start()
        running.wait()
        with pytest.raises(quickjs.JSException, match="interrupted"):
            start = time.perf_counter()
            access.run(quickjs.Context(), compiled(access, "while (true) {}"), after(0.15))
        end = time.perf_counter()
    finally:
        finished.set()
        thread.join()
        sys.setswitchinterval(interval)
    during = [moment for moment in wakeups if start <= moment <= end]
    assert len(during) > 30  # ~130 with the GIL released; ~3 with it held


# -- the out-of-memory guard ---------------------------------------------------------------------------------

STRING_BOMB = "var s = 'x'; for (;;) s = s + s;"
# The shape that crashed processes before the guard; run here only with the guard in place.
ARRAY_BOMB = "var h = []; while (true) h.push(new Array(200).fill('x' + h.length));"


def limited(access: native.Native, *, guarded: bool) -> quickjs.Context:
    ctx = quickjs.Context()
    if guarded:
        access.guard_out_of_memory(ctx)
    ctx.set_memory_limit(access.malloc_size(ctx) + 1_000_000)
    return ctx


def test_without_the_guard_memory_exhaustion_is_an_internal_error(access: native.Native) -> None:
    # The control: a bomb that fails with half its memory still free cannot hit the use-after-free.
    ctx = limited(access, guarded=False)
    with pytest.raises(quickjs.JSException) as caught:
        ctx.eval(STRING_BOMB)
    assert str(caught.value).startswith("InternalError: out of memory\n")


@pytest.mark.parametrize("bomb", [STRING_BOMB, ARRAY_BOMB], ids=["string", "array"])
@pytest.mark.parametrize("path", ["eval", "run"])
def test_guard_makes_memory_exhaustion_throw_null(access: native.Native, bomb: str, path: str) -> None:
    ctx = limited(access, guarded=True)
    with pytest.raises(quickjs.JSException) as caught:
        if path == "eval":
            ctx.eval(bomb)
        else:
            access.run(ctx, compiled(access, bomb), lambda: False)
    assert str(caught.value) == "null\n"
    # Errors still work afterwards, caught or not, with their text and stack. The heap is still at its limit
    # until the bomb's data is released, and even compiling the release needs memory: give it some room first.
    ctx.set_memory_limit(access.malloc_size(ctx) + 1_000_000)
    ctx.eval("s = h = undefined;")
    assert ctx.eval("try { null.x; } catch (e) { String(e); }") == "TypeError: cannot read property 'x' of null"
    assert ctx.eval("try { throw new Error('later'); } catch (e) { e.message + '|' + e.stack; }") == (
        "later|    at <eval> (<input>)\n"
    )
    with pytest.raises(quickjs.JSException) as again:
        ctx.eval("throw new TypeError('after the bomb');")
    assert str(again.value) == "TypeError: after the bomb\n    at <eval> (<input>)\n"


def test_guard_lets_javascript_catch_the_null(access: native.Native) -> None:
    ctx = limited(access, guarded=True)
    assert ctx.eval("var r; try { " + STRING_BOMB + " } catch (e) { r = e === null; } s = undefined; r") is True
    assert ctx.eval("[1, 2, 3].length") == 3


def test_guard_is_per_runtime(access: native.Native) -> None:
    # Setting the flag in one context's runtime must not touch another's.
    limited(access, guarded=True)
    ctx = limited(access, guarded=False)
    with pytest.raises(quickjs.JSException) as caught:
        ctx.eval(STRING_BOMB)
    assert str(caught.value).startswith("InternalError: out of memory\n")


def test_an_interruption_during_user_code_stops_it_and_is_raised_afterwards(access: native.Native) -> None:
    # Ctrl-C while user code loops: the handler cannot raise into C, so it stops the code and run() raises the
    # KeyboardInterrupt once QuickJS has returned, rather than reporting a timeout and losing it.
    ctx = quickjs.Context()
    code = access.compile(ctx, "var spins = 0; while (true) { spins++; }")
    assert code is not None
    polls = 0

    def stop() -> bool:
        nonlocal polls
        polls += 1
        if polls == 3:
            raise KeyboardInterrupt
        return False

    with pytest.raises(KeyboardInterrupt):
        access.run(ctx, code, stop)
    assert polls == 3
    assert ctx.eval("spins") > 0
    assert ctx.eval("1 + 1") == 2  # the context is still usable


def test_poller_answers_stop_for_good_after_an_interruption() -> None:
    # Once interrupted, every later poll stops the code (stop() is not consulted again), and nothing can end
    # the generator behind the callback: a dead one would let the code run on with no limit.
    calls: list[int] = []

    def stop() -> bool:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return False

    poller = native.Poller(stop)
    assert [poller.callback(0) for _ in range(4)] == [0, 1, 1, 1]
    assert isinstance(poller.interruption, KeyboardInterrupt)
    assert len(calls) == 2


@pytest.mark.parametrize("interrupted", [False, True])
def test_dropping_a_poller_closes_it_quietly(interrupted: bool) -> None:
    # Closing the generator throws GeneratorExit into it, which must not be taken for an interruption (it
    # would be reported as "generator ignored GeneratorExit" after every run).
    def stop() -> bool:
        if interrupted:
            raise KeyboardInterrupt
        return False

    poller = native.Poller(stop)
    assert poller.callback(0) == int(interrupted)
    unraisable: list[Any] = []
    previous = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        del poller
        gc.collect()
    finally:
        sys.unraisablehook = previous
    assert unraisable == []


def test_poller_treats_a_failing_stop_as_stop_and_keeps_polling() -> None:
    answers = iter([RuntimeError("clock broke"), False, True])

    def stop() -> bool:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    poller = native.Poller(stop)
    assert [poller.callback(0) for _ in range(3)] == [1, 0, 1]
    assert poller.interruption is None


def test_a_fork_while_the_cache_lock_is_held_does_not_deadlock_the_child(access: native.Native) -> None:
    # Another thread compiling at the moment of a fork (multiprocessing's fork start method) leaves the child a
    # copy of a held lock that no thread of its own will release.
    script = textwrap.dedent("""
        import os, signal
        from cfmock.runtime import native
        import quickjs
        access = native.native()
        access._cache_lock.acquire()  # as if another thread were inside cached() when the fork happened
        child = os.fork()
        if child == 0:
            signal.alarm(10)  # a deadlocked child dies of it
            ok = access.cached(quickjs.Context(), "var forked = 1;") is not None
            os._exit(0 if ok else 1)
        _, status = os.waitpid(child, 0)
        print(os.waitstatus_to_exitcode(status))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "0", done.stderr[-2000:]
