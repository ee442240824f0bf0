"""Runs from several threads at once give what the same runs give one at a time.

Users run functions from thread pools (and the ``quickjs`` binding releases the GIL while JavaScript runs), so
runs really overlap: each has its own runtime and context, but they share cfmock's bytecode cache, the
out-of-memory guard's checks and the interrupt handling that enforces each run's own time limit
(runtime.md §4, decisions 28-30). A race in any of them shows up here as a result that differs from the
sequential one, or as a crash.
"""

from __future__ import annotations

import _thread
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from cfmock import MockOptions, run_connection_function, run_function
from cfmock.runtime import engine

EVENT = (
    b'{"version":"1.0","context":{"eventType":"viewer-request"},"viewer":{"ip":"198.51.100.11"},'
    b'"request":{"method":"GET","uri":"/docs/","headers":{"host":{"value":"example.org"}},'
    b'"querystring":{},"cookies":{}}}'
)
CONNECTION = {
    "connectionId": "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
    "clientIp": "203.0.113.42",
    "endpoint": "d3lch071jze0cb.cloudfront.net",
    "distributionId": "E1NXS4MQZH501R",
}
OPTIONS = MockOptions(time_limit_s=0.2)

# (code, KVS contents or None, what the sequential run must show: an output fragment or an error fragment)
VIEWER_CASES: list[tuple[str, dict[str, str] | None, str]] = [
    ("function handler(e) { e.request.uri = e.request.uri + 'index.html'; return e.request; }", None,
     '"uri":"/docs/index.html"'),
    ("var crypto = require('crypto');\nfunction handler(e) {\n"
     "  e.request.headers['x-mac'] = { value: crypto.createHmac('sha256', 'k').update(e.request.uri).digest('hex') };\n"
     "  return e.request;\n}", None, '"x-mac":{"value":"'),
    ("async function handler(e) { await null; console.log('seen', e.request.uri); return e.request; }", None,
     '"uri":"/docs/"'),
    ("import cf from 'cloudfront';\nasync function handler(e) {\n"
     "  const v = await cf.kvs().get('greeting');\n"
     "  e.request.headers['x-kvs'] = { value: v };\n  return e.request;\n}",
     {"greeting": "hello"}, '"x-kvs":{"value":"hello"}'),
    ("function handler(e) { throw new TypeError('bad ' + e.request.uri); }", None, "TypeError: bad /docs/"),
    ("function handler(e) { while (true) {} }", None, "InternalError: function execution timed out"),
    ("function handler(e) { var a = []; while (true) a.push(new Array(1000).fill('x')); }", None,
     "InternalError: out of memory"),
    ("function f() { return f() + 1; }\nfunction handler(e) { return f(); }", None,
     "RangeError: Maximum call stack size exceeded"),
]  # fmt: skip
CONNECTION_CASE = "function connectionHandler(connection) { console.log(connection.clientIp); connection.allow(); }"


def observed(index: int) -> tuple[str, tuple[str, ...], str]:
    if index == len(VIEWER_CASES):
        result: Any = run_connection_function(CONNECTION_CASE, CONNECTION, options=OPTIONS)
    else:
        code, kvs, _ = VIEWER_CASES[index]
        result = run_function(code, EVENT, kvs=kvs, options=OPTIONS)
    return result.output, tuple(result.logs), result.error_message


@pytest.fixture(scope="module")
def sequential() -> list[tuple[str, tuple[str, ...], str]]:
    results = [observed(i) for i in range(len(VIEWER_CASES) + 1)]
    # Each case does what it is there for, so that agreement below is not agreement on nothing.
    for (output, _logs, error), (_code, _kvs, shows) in zip(results, VIEWER_CASES, strict=False):
        assert shows in (output or error)
    assert results[-1][0] == '{"action":"allow","customData":null}'
    assert results[-1][1] == ("203.0.113.42",)
    return results


def test_overlapping_runs_match_sequential_ones(sequential: list[tuple[str, tuple[str, ...], str]]) -> None:
    cases = len(sequential)
    threads_seen: set[int] = set()

    def job(n: int) -> tuple[int, tuple[str, tuple[str, ...], str]]:
        threads_seen.add(threading.get_ident())
        return n % cases, observed(n % cases)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(job, range(cases * 5)))
    assert len(threads_seen) > 1
    mismatches = [(index, got) for index, got in outcomes if got != sequential[index]]
    assert mismatches == []


@pytest.mark.parametrize(
    "spinner",
    [
        pytest.param("while (true) {}\nfunction handler(e) { return e.request; }", id="top-level-code"),
        pytest.param("function handler(e) { while (true) {} }", id="handler"),
    ],
)
def test_a_long_run_does_not_hold_up_short_ones(spinner: str) -> None:
    # Nothing serialises runs (no lock is held for a whole run) and other threads get the GIL while JavaScript
    # runs, on both engine paths (cfmock.runtime.engine). So short runs finish while another thread spins until
    # its time limit.
    spinning = threading.Thread(target=run_function, args=(spinner, EVENT),
                                kwargs={"options": MockOptions(time_limit_s=1.0)})  # fmt: skip
    spinning.start()
    try:
        for _ in range(5):
            assert run_function("function handler(e) { return e.request; }", EVENT).ok
        assert spinning.is_alive()  # all five finished within the other run's time limit
    finally:
        spinning.join()


SPINNERS = [
    pytest.param("while (true) {}\nfunction handler(e) { return e.request; }", id="top-level-code"),
    pytest.param("function handler(e) { while (true) {} }", id="handler"),
    pytest.param("async function handler(e) { await null; while (true) {} }", id="promise-job"),
]


@pytest.mark.parametrize("spinner", SPINNERS)
def test_the_time_limit_counts_only_this_runs_thread(spinner: str) -> None:
    # known-differences: "The hard limit ... count[s] the running thread's CPU time". The binding's own time
    # limit counts the whole process's, which stopped handlers and jobs at half their time beside one other
    # spinning run; cfmock's interrupt handler counts the run's own thread.
    # On the plain path (no C-level access) only the binding's limit exists: the run may stop early, never late.
    other = threading.Thread(target=run_function, args=("function handler(e) { while (true) {} }", EVENT),
                             kwargs={"options": MockOptions(time_limit_s=0.8)})  # fmt: skip
    other.start()
    try:
        started = time.thread_time()
        result = run_function(spinner, EVENT, options=MockOptions(time_limit_s=0.3))
        used = time.thread_time() - started
    finally:
        other.join()
    assert result.error_message.endswith("InternalError: function execution timed out")
    if engine.fast_path():
        assert used >= 0.27
    assert used < 0.3 + 0.6


@pytest.mark.parametrize("spinner", SPINNERS)
def test_ctrl_c_stops_a_spinning_run_at_once(spinner: str, python_handles_ctrl_c: None) -> None:
    # Ctrl-C reaches Python while QuickJS spins; cfmock's interrupt handler stops the code and raises it,
    # rather than waiting out the hard limit and reporting a timeout. The plain path has no handler in Python:
    # there Ctrl-C is raised when the binding's own limit (at most the 1 s default) has stopped the code.
    limit = 5.0 if engine.fast_path() else 1.0
    timer = threading.Timer(0.1, _thread.interrupt_main)
    cpu = time.thread_time()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_function(spinner, EVENT, options=MockOptions(time_limit_s=limit))
    finally:
        timer.cancel()
    # This thread's CPU time, which the limit counts too: running on to the limit would use >= `limit` s of it,
    # however busy the machine is, while the wall time also grows with the load.
    if engine.fast_path():
        assert time.thread_time() - cpu < 2.0
    else:
        assert time.thread_time() - cpu < limit + 0.6
    assert run_function("function handler(e) { return e.request; }", EVENT).ok  # and the engine still works
