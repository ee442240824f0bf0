"""Runaway code: every kind ends in a documented error within the hard limit, and the next run is clean."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from cfmock.runtime import ERROR_PREFIX, RuntimeLimits, run_connection_function, run_viewer_function

EVENT: dict[str, Any] = {"request": {"method": "GET", "uri": "/", "headers": {}}}
HARD_LIMIT_S = 0.25
LIMITS = RuntimeLimits(time_limit_s=HARD_LIMIT_S)
HEALTHY = "function handler(event) { console.log('fine'); return event.request; }"

RUNAWAYS = [
    pytest.param("function handler(event) { while (true) {} }",
                 "InternalError: function execution timed out", id="infinite-loop"),
    pytest.param("while (true) {}\nfunction handler(event) {}",
                 "InternalError: function execution timed out", id="infinite-loop-at-load"),
    pytest.param("function spin() { Promise.resolve().then(spin); }\n"
                 "async function handler(event) { spin(); await new Promise(function () {}); }",
                 "InternalError: function execution timed out", id="infinite-promise-jobs"),
    pytest.param("async function handler(event) { for (;;) { await null; } }",
                 "InternalError: function execution timed out", id="infinite-await-loop"),
    pytest.param("function handler(event) { var a = []; for (;;) a.push({ n: a.length }); }",
                 "InternalError: out of memory", id="memory-bomb-objects"),
    pytest.param("function handler(event) { var s = 'x'; for (;;) s = s + s; }",
                 "InternalError: out of memory", id="memory-bomb-string"),
    pytest.param("function loop() { return Promise.resolve().then(loop); }\n"
                 "async function handler(event) { await loop(); }",
                 "InternalError: out of memory", id="promise-chain-growing"),
    pytest.param("function f(n) { return f(n + 1) + 1; }\nfunction handler(event) { return f(0); }",
                 "RangeError: Maximum call stack size exceeded", id="unbounded-recursion"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "message"), RUNAWAYS)
def test_runaway_code_ends_within_the_hard_limit(code: str, message: str | None) -> None:
    wall, cpu = time.perf_counter(), time.thread_time()
    result = run_viewer_function(code, EVENT, limits=LIMITS)
    cpu_used, wall_used = time.thread_time() - cpu, time.perf_counter() - wall
    assert result.output == ""
    assert result.error_message.startswith(ERROR_PREFIX)
    if message is not None:
        assert result.error_message == ERROR_PREFIX + message
    assert cpu_used < HARD_LIMIT_S + 0.2  # the limit counts CPU time, as QuickJS's own limit does
    assert wall_used < 10 * HARD_LIMIT_S + 2  # generous: the machine may be busy
    # The process survives and the next run is unaffected.
    after = run_viewer_function(HEALTHY, EVENT)
    assert after.error_message == ""
    assert after.logs == ("fine",)
    assert json.loads(after.output)["request"]["uri"] == "/"


def test_recursion_that_catches_overflows_still_ends() -> None:
    # Every caught overflow costs a full backtrace, and QuickJS polls its clock between opcodes, so this
    # pathological case may overshoot the hard limit somewhat (documented), but it does end.
    code = "function f(n) { try { return f(n + 1); } catch (e) { return f(n + 1); } }\n" \
           "function handler(event) { return f(0); }"  # fmt: skip
    cpu = time.thread_time()
    result = run_viewer_function(code, EVENT, limits=LIMITS)
    assert time.thread_time() - cpu < HARD_LIMIT_S + 1.5
    assert result.error_message == ERROR_PREFIX + "InternalError: function execution timed out"
    assert run_viewer_function(HEALTHY, EVENT).error_message == ""


def test_timeout_keeps_earlier_logs_and_reports_full_utilization() -> None:
    result = run_viewer_function(
        "function handler(event) { console.log('started'); for (;;) {} }", EVENT, limits=LIMITS
    )
    assert result.error_message == ERROR_PREFIX + "InternalError: function execution timed out"
    assert result.logs == ("started",)
    assert result.compute_utilization == 100


def test_out_of_memory_keeps_earlier_logs() -> None:
    code = "function handler(event) { console.log('started'); var a = []; for (;;) a.push('k' + a.length); }"
    result = run_viewer_function(code, EVENT, limits=LIMITS)
    assert result.error_message == ERROR_PREFIX + "InternalError: out of memory"
    assert result.logs == ("started",)


def test_ordinary_allocations_fit_in_memory() -> None:
    code = """function handler(event) {
      var big = 'x'.repeat(1000000);
      var items = [];
      for (var i = 0; i < 2000; i++) items.push({ key: 'k' + i, value: { value: String(i) } });
      var text = JSON.stringify(items);
      console.log(String(big.length + text.length > 0));
      return event.request;
    }"""
    result = run_viewer_function(code, EVENT)
    assert result.error_message == ""
    assert result.logs == ("true",)


def test_memory_limit_is_configurable() -> None:
    code = "function handler(event) { var s = 'x'.repeat(1500000); return event.request; }"
    small = RuntimeLimits(memory_limit_bytes=1024 * 1024)
    assert run_viewer_function(code, EVENT, limits=small).error_message == (
        ERROR_PREFIX + "InternalError: out of memory"
    )


def test_ordinary_recursion_depth_works() -> None:
    # The stack limit trades depth (~400 calls) for keeping catch-and-recurse code near the hard limit.
    code = "function depth(n) { return n === 0 ? 0 : 1 + depth(n - 1); }\n" \
           "function handler(event) { console.log(String(depth(300))); return event.request; }"  # fmt: skip
    assert run_viewer_function(code, EVENT).logs == ("300",)


def test_thrown_null_is_not_mistaken_for_out_of_memory() -> None:
    result = run_viewer_function("function handler(event) { throw null; }", EVENT)
    assert result.error_message == ERROR_PREFIX + "null"


def test_never_settled_promise_is_reported() -> None:
    code = "async function handler(event) { await new Promise(function () {}); return event.request; }"
    result = run_viewer_function(code, EVENT, limits=LIMITS)
    assert result.error_message == ERROR_PREFIX + "InternalError: the handler's promise never settled"


def test_compute_utilization_scales_with_the_budget() -> None:
    busy = "function handler(event) { for (var i = 0, s = 0; i < 300000; i++) s += i; return event.request; }"
    assert run_viewer_function(busy, EVENT).compute_utilization == 100  # far beyond 1 ms
    relaxed = RuntimeLimits(viewer_budget_ms=60_000)
    assert run_viewer_function(HEALTHY, EVENT, limits=relaxed).compute_utilization == 0


def test_connection_function_timeout() -> None:
    result = run_connection_function("function connectionHandler(c) { for (;;) {} }", {}, limits=LIMITS)
    assert result.error_message == ERROR_PREFIX + "InternalError: function execution timed out"
    assert result.output == ""
    assert result.compute_utilization == 100
