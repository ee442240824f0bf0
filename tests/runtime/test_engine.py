"""cfmock.runtime.engine: the fast path (QuickJS's exported C API) against the plain path (the binding)."""

from __future__ import annotations

import ctypes.util
import os
import sys
import warnings

import pytest

from cfmock.runtime import engine
from cfmock.runtime.engine import ScriptError
from cfmock.runtime.engine.binding import PlainSession
from cfmock.runtime.engine.capi import FastSession

STACK = 768 * 1024
SETUP = (
    'Object.defineProperty(globalThis, "__cfmock_setup", { configurable: true, value: function (c) {'
    " return function (op, a) { return op === 'echo' ? c + ':' + a : op === 'yes' ? true : op === 'throw' ?"
    " null.x : op === 'long' ? Array(3000).join('ab') + a : undefined; }; } });"
)
SCRIPTS = [
    "var x = ;",
    "undefinedName",
    "null.x",
    "throw new RangeError('r')",
    "throw 'text'",
    "var o = {}; o.f()",
    "function f() { f(); } f()",
    "'\\ud800'.toUpperCase()",
    "var s = ''; for (var i = 0; i < 3000; i++) s += 'ab' + i; s",  # a rope as the completion value
]


def sessions() -> list[engine.Session]:
    fast = engine._fast_api()
    assert fast is not None or os.environ.get(engine.PLAIN_ENV)
    return [FastSession(fast, STACK), PlainSession(STACK)] if fast is not None else [PlainSession(STACK)]


def outcome(session: engine.Session, script: str) -> tuple[str, str]:
    try:
        session.evaluate(script)
    except ScriptError as error:
        return error.message, error.stack
    return "ok", ""


@pytest.mark.skipif(bool(os.environ.get(engine.PLAIN_ENV)), reason="the plain path is forced")
def test_the_fast_path_checks_out_here() -> None:
    assert engine.fast_path()


@pytest.mark.parametrize("script", SCRIPTS)
def test_both_paths_report_the_same_errors(script: str) -> None:
    results = set()
    for _ in range(2):  # the second fast run loads cached bytecode
        for session in sessions():
            try:
                results.add(outcome(session, script))
            finally:
                session.close()
    assert len(results) == 1, results


def test_both_paths_call_the_engine_function_alike() -> None:
    for session in sessions():
        try:
            session.evaluate(SETUP)
            session.setup("cfg")
            assert session.engine("echo", "\U0001f600") == "cfg:\U0001f600"
            assert session.engine("yes") is True
            assert session.engine("none") is None
            long = session.engine("long", "!")  # a rope in QuickJS-ng
            assert isinstance(long, str) and len(long) == 5999
            with pytest.raises(ScriptError, match="TypeError"):
                session.engine("throw")
        finally:
            session.close()


def test_both_paths_run_jobs_and_count_memory() -> None:
    for session in sessions():
        try:
            before = session.malloc_size()
            session.evaluate("var done = 0, big = 'x'.repeat(1e5); Promise.resolve().then(function () { done = 1 });")
            assert session.malloc_size() > before + 90_000
            assert session.run_job() is True
            assert session.run_job() is False
            session.set_memory_limit(session.malloc_size() + 50_000)
            assert outcome(session, "var s = 'y'.repeat(1000000);")[0] in (
                "InternalError: out of memory",
                "RangeError: invalid string length",
            )
            session.set_memory_limit(-1)
            assert outcome(session, "var t = 'y'.repeat(1000000);") == ("ok", "")
        finally:
            session.close()


def test_a_library_without_quickjs_falls_back_with_one_warning() -> None:
    libc = ctypes.util.find_library("c") or ("msvcrt" if sys.platform == "win32" else None)
    if libc is None:
        pytest.skip("no C library to point at")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert engine.load_fast_path(libc) is None
    assert len(caught) == 1
    assert "plain binding" in str(caught[0].message)


def test_a_path_that_fails_its_check_falls_back_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check (engine/verify.py) runs every call the fast path makes; whatever it finds wrong is the warning.
    from cfmock.runtime.engine import verify

    monkeypatch.setattr(verify, "verify", lambda api: "calls into JavaScript did not return what they should")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert engine.load_fast_path(engine._binding()) is None
    assert len(caught) == 1
    assert "(calls into JavaScript did not return what they should)" in str(caught[0].message)


SOURCE_PROBE = (
    'Object.defineProperty(globalThis, "__cfmock_setup", { configurable: true, value: function (c) {'
    " function own() { return 'cfmock internals'; }"
    " return function (op) { return op === 'own' ? String(own) : String(globalThis.user); }; } });"
)


def test_cfmock_scripts_lose_their_source_text_on_the_fast_path_and_user_code_keeps_its_own() -> None:
    # The fast path caches cfmock's own scripts without their source text (String(console.log) then reads
    # like a built-in); the user's code is cached with it, as Function.prototype.toString needs.
    for session in sessions():
        try:
            for _ in range(2):  # the second fast run loads cached bytecode
                session.evaluate(SOURCE_PROBE)
                session.setup("")
                session.evaluate("function user() { return 'mine'; }", user=True)
                assert session.engine("user") == "function user() { return 'mine'; }"
                own = session.engine("own")
                if isinstance(session, FastSession):
                    assert own == "function own() {\n    [native code]\n}"
                else:  # the binding can only evaluate source: it keeps it
                    assert own == "function own() { return 'cfmock internals'; }"
        finally:
            session.close()
