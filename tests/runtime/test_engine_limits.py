"""The limits of decisions 28–30 against the engine's known weak spots, in this process, on both engine paths.

QuickJS polls its interrupt handler by a count of jumps and calls, so catastrophic regexes and loops of
heavy built-ins once ran for many seconds past the limit; the old engine also crashed on out-of-memory (which
kept a worker process around). Each case here ends within the hard limit + 0.6 s of this thread's CPU time.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import pytest

from cfmock.runtime import ERROR_PREFIX, RuntimeLimits, run_connection_function, run_viewer_function

EVENT: dict[str, Any] = {"request": {"method": "GET", "uri": "/", "headers": {}}}
HARD_LIMIT_S = 0.25
LIMITS = RuntimeLimits(hard_limit_s=HARD_LIMIT_S)
TIMED_OUT = ERROR_PREFIX + "InternalError: function execution timed out"
OUT_OF_MEMORY = ERROR_PREFIX + "InternalError: out of memory"
STACK_OVERFLOW = "RangeError: Maximum call stack size exceeded"
HEALTHY = "function handler(event) { console.log('fine'); return event.request; }"

EVIL = "'a'.repeat(40) + 'b'"  # /^(a+)+$/ backtracks 2^40 times on it
RUNAWAYS = {
    "regex-test": f"/^(a+)+$/.test({EVIL})",
    "regex-exec": f"/^(a+)+$/.exec({EVIL})",
    "regex-split": f"({EVIL}).split(/^(a+)+$/)",
    "regex-replace": f"({EVIL}).replace(/^(a+)+$/, 'x')",
    "regex-match": f"({EVIL}).match(/^(a+)+$/)",
    "toUpperCase": "var s = 'a'.repeat(1 << 20); for (;;) s.toUpperCase()",
    "toLowerCase": "var s = 'A'.repeat(1 << 20); for (;;) s.toLowerCase()",
    "normalize": "var s = 'e'.repeat(1 << 20); for (;;) s.normalize('NFD')",
    "indexOf": "var s = 'a'.repeat(1 << 20); for (;;) s.indexOf('b')",
    "lastIndexOf": "var s = 'a'.repeat(1 << 20); for (;;) s.lastIndexOf('b')",
    "includes": "var s = 'a'.repeat(1 << 20); for (;;) s.includes('ab')",
    "split": "var s = 'a'.repeat(1 << 20); for (;;) s.split('b')",
    "replaceAll": "var s = 'a'.repeat(1 << 20); for (;;) s.replaceAll('b', 'c')",
    "padEnd": "for (;;) 'a'.padEnd(1 << 20)",
    "repeat": "for (;;) 'a'.repeat(1 << 20)",
    "join-of-holes": "new Array(1e8).join('')",
    "indexOf-of-holes": "new Array(1e8).indexOf(1)",
    "includes-of-holes": "new Array(1e8).includes(1)",
    "lastIndexOf-of-holes": "new Array(1e8).lastIndexOf(1)",
    "reverse-of-holes": "new Array(1e8).reverse()",
    "sort-of-holes": "new Array(1e8).sort()",
    "copyWithin-of-holes": "new Array(1e8).copyWithin(0, 1)",
    "array-join": "var a = new Array(100000).fill('ab'); for (;;) a.join(',')",
    "typed-array-indexOf": "var t = new Uint8Array(1 << 21); for (;;) t.indexOf(1)",
    "encodeURIComponent": "var s = 'a'.repeat(1 << 20); for (;;) encodeURIComponent(s)",
    "json-parse": "var s = JSON.stringify('a'.repeat(1 << 19)); for (;;) JSON.parse(s)",
    # Reached without naming them: a computed member call, and join through a conversion.
    "computed-name": "var s = 'a'.repeat(1 << 20), k = 'index' + 'Of'; for (;;) s[k]('b')",
    "implicit-join": "var a = new Array(100000).fill('ab'); for (;;) String(a)",
}


@pytest.mark.parametrize("body", RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_runaways_end_within_the_hard_limit(body: str) -> None:
    cpu = time.thread_time()
    result = run_viewer_function(f"function handler(event) {{ {body}; return event.request; }}", EVENT, limits=LIMITS)
    used = time.thread_time() - cpu
    assert result.error_message in (TIMED_OUT, OUT_OF_MEMORY)
    assert used < HARD_LIMIT_S + 0.6
    assert run_viewer_function(HEALTHY, EVENT).logs == ("fine",)


def test_a_catastrophic_regex_at_load_and_in_a_promise_job_also_stops() -> None:
    for code in (f"/^(a+)+$/.test({EVIL});\nfunction handler(e) {{ return e.request; }}",
                 f"async function handler(e) {{ await null; /^(a+)+$/.test({EVIL}); return e.request; }}"):  # fmt: skip
        cpu = time.thread_time()
        assert run_viewer_function(code, EVENT, limits=LIMITS).error_message == TIMED_OUT
        assert time.thread_time() - cpu < HARD_LIMIT_S + 0.6


def test_metered_built_ins_keep_their_results_and_shape() -> None:
    # The metering wraps built-ins; they must still behave (and look) like them, sparse arrays included.
    code = """function handler(event) {
      var a = [1, , 3, NaN, 'x', null, undefined], big = new Array(70010);
      big[5] = 1; big[69990] = NaN; big[69995] = 'q'; big[3] = undefined; big[7] = 0;
      var rev = big.slice(0, 0).concat([]), out = [a.join(), a.indexOf(3), a.includes(NaN), a.indexOf(NaN),
        big.join('').length, big.indexOf(1, 6), big.includes(NaN), big.lastIndexOf('q'), big.indexOf('q', -20),
        'abc'.indexOf.name, 'abc'.indexOf.length, typeof String.prototype.padEnd.prototype,
        'a-b-c'.split('-').length, 'abc'.toUpperCase(), 'x'.padStart(3, '-'), rev.length];
      var r = big.slice().reverse(); out.push(r[70004], 70006 in r, r.length);
      var s = big.slice().sort(); out.push(s[0], s[1], s[2], s[3], 4 in s, s.length);
      var c = big.slice().copyWithin(0, 69990); out.push(c[0], c[5], 1 in c);
      console.log(JSON.stringify(out));
      return event.request;
    }"""
    result = run_viewer_function(code, EVENT)
    assert result.error_message == ""
    # Node.js prints the same for this code.
    assert result.logs == (
        '["1,,3,NaN,x,,",2,true,-1,6,-1,true,69995,69995,"indexOf",1,"undefined",3,"ABC","--x",0,'
        '1,true,70010,0,1,null,"q",true,70010,null,"q",false]',
    )


def test_new_String_method_errors_keep_their_text() -> None:
    result = run_viewer_function("function handler(event) { 'x'.repeat(-1); }", EVENT)
    assert result.error_message == ERROR_PREFIX + "RangeError: invalid repeat count"


BOMBS = [
    "var a = []; for (;;) a.push({ n: a.length });",
    "var s = 'x'; for (;;) s = s + s;",
    "var a = []; for (;;) a.push('k' + a.length);",
    "var m = new Map(); for (var i = 0; ; i++) m.set(i, [i]);",
    "var a = []; for (;;) a.push(new Uint8Array(65536));",
    "var o = {}; for (var i = 0; ; i++) o['key' + i] = i;",
    "var f = function () {}; for (;;) f = (function (g) { return function () { return g; }; })(f);",
    "var a = new Array(200); for (;;) a = [a.slice(), a.slice()];",
    "var s = JSON.stringify({ a: 'x'.repeat(1000) }); var l = []; for (;;) l.push(JSON.parse(s));",
    "var s = 'é'.repeat(1 << 19); for (;;) s = s.normalize('NFD') + s;",
]


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


@pytest.mark.skipif(sys.platform != "linux", reason="reads the resident set size from /proc")
def test_500_memory_bombs_in_one_process_each_end_out_of_memory_with_rss_flat() -> None:
    # The soak that retired the worker process: the old engine crashed 12 of 18 processes on such runs.
    def bombs(count: int) -> None:
        for i in range(count):
            code = f"function handler(event) {{ {BOMBS[i % len(BOMBS)]} }}"
            assert run_viewer_function(code, EVENT).error_message == OUT_OF_MEMORY, BOMBS[i % len(BOMBS)]

    bombs(100)  # warm: caches, allocator arenas
    before = _rss_bytes()
    bombs(400)
    after = _rss_bytes()
    assert before is not None and after is not None
    assert after - before < 16 * 1024 * 1024, (before, after)
    assert run_viewer_function(HEALTHY, EVENT).logs == ("fine",)  # and later runs are not out of memory


def test_a_huge_source_gives_a_result_or_one_clear_error() -> None:
    for body in ("'aaaaaaaaaaaaaaaaaaaa';\n" * 20_000, "var x = [" + "1," * 400_000 + "];\n", "(" * 200_000):
        result = run_viewer_function("function handler(e) { return e.request; }\n" + body, EVENT)
        assert result.error_message in ("", OUT_OF_MEMORY, ERROR_PREFIX + STACK_OVERFLOW)


def test_logging_a_megabyte_is_cut_at_the_log_cap_not_out_of_memory() -> None:
    result = run_viewer_function("function handler(e) { console.log('x'.repeat(1 << 20)); return e.request; }", EVENT)
    assert result.error_message == ""
    assert result.logs == ("x" * 10_240,)


def test_thrown_null_is_reported_as_null_even_when_it_comes_from_a_variable() -> None:
    for code in ("function handler(event) { var x = null; throw x; }",
                 "async function handler(event) { var x = null; await Promise.reject(x); }",
                 "function handler(e) { return new Promise(function (ok, reject) { reject(null); }); }"):  # fmt: skip
        assert run_viewer_function(code, EVENT).error_message == ERROR_PREFIX + "null"


def test_lone_surrogates_in_log_custom_data_become_replacement_characters() -> None:
    connection = {"connectionId": "c1", "clientIp": "203.0.113.9", "serverIp": "198.51.100.1", "clientCertificate":
                  {"certificates": {"leaf": {"subject": "CN=x"}}}}  # fmt: skip
    code = "function connectionHandler(c) { c.logCustomData('a\\ud800b'); c.allow(); }"
    result = run_connection_function(code, connection)
    assert result.error_message == ""
    assert '"customData":"a\ufffdb"' in result.output
