"""Runs give the same result whether code runs as cached bytecode (cfmock.runtime.native) or as source.

Each case runs twice through the public entry points: as it runs here (bytecode), then with ``native.native``
returning None, as on a platform where the C-level access is unavailable. A spy on ``Native.run`` makes sure
the first run really took the bytecode path and the second did not, so the comparison cannot pass vacuously.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import quickjs

from cfmock.runtime import ERROR_PREFIX, RuntimeLimits, native, run_connection_function, run_viewer_function

REQUEST_EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {
        "method": "GET",
        "uri": "/index.html",
        "headers": {"host": {"value": "www.example.com"}},
        "querystring": {"test": {"value": "aQueryString"}},
    },
}
CONNECTION: dict[str, Any] = {
    "connectionId": "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
    "clientIp": "203.0.113.42",
    "endpoint": "d3lch071jze0cb.cloudfront.net",
    "distributionId": "E1NXS4MQZH501R",
}
SHORT = RuntimeLimits(time_limit_s=0.3)
TIMEOUT = ERROR_PREFIX + "InternalError: function execution timed out"


@dataclass(frozen=True)
class Case:
    code: str
    kind: str = "viewer"
    runtime: str = "cloudfront-js-2.0"
    limits: RuntimeLimits = RuntimeLimits()  # noqa: RUF009 - frozen, so sharing the default is safe
    user_bytecode: bool = True  # whether the user's code compiles (else both paths evaluate it as source)
    error: str = ""  # the expected error_message ("" for none), so each case also checks what it produces
    logged: int = 0  # how many log entries it produces


CASES = [
    pytest.param(Case("""function handler(event) {
      var request = event.request;
      request.uri = request.uri.replace(/\\.html$/, '.htm');
      request.headers['x-rewritten'] = { value: 'yes' };
      return request;
    }"""), id="request-rewrite"),
    pytest.param(Case("""function handler(event) {
      return { statusCode: 302, statusDescription: 'Found',
               headers: { location: { value: 'https://example.com' + event.request.uri } } };
    }"""), id="generated-response"),
    pytest.param(Case("""function handler(event) {
      console.log({ a: 1, b: [1, 'x', null], c: { d: true } }, event.request.headers);
      console.log([undefined, 2.5], 'text', 7);
      return event.request;
    }""", logged=2), id="console-log-objects"),
    pytest.param(Case("function handler(event) { throw new Error('boom'); }",
                      error=ERROR_PREFIX + "Error: boom"), id="thrown-error"),
    pytest.param(Case("""function fail() { throw new Error('deep'); }
function handler(event) {
  try { fail(); } catch (e) { console.log(e.stack); }
  return event.request;
}""", logged=1), id="error-stack-logged"),
    pytest.param(Case("function handler(event) { var tools = {}; return tools.missing(event); }",
                      error=ERROR_PREFIX + "TypeError: tools.missing is not a function"), id="not-a-function"),
    pytest.param(Case("var helper;\nhelper();\nfunction handler(event) { return event.request; }",
                      error=ERROR_PREFIX + "TypeError: helper is not a function"), id="not-a-function-top-level"),
    pytest.param(Case("function handler(event) { return ( }", user_bytecode=False,
                      error=ERROR_PREFIX + "SyntaxError: unexpected token in expression: '}'"), id="syntax-error"),
    pytest.param(Case("""function handler(event) {
      var request = event.request;
      request.uri = request.uri + '?v1';
      console.log('runtime one ' + request.uri);
      return request;
    }""", runtime="cloudfront-js-1.0", logged=1), id="runtime-1.0"),
    pytest.param(Case("""async function handler(event) {
      const request = await Promise.resolve(event.request);
      const tag = await new Promise((resolve) => resolve(`async ${request.method}`));
      request.headers['x-tag'] = { value: tag };
      console.log(tag);
      return request;
    }""", logged=1), id="async-2.0"),
    pytest.param(Case("""import cf from 'cloudfront';
function handler(event) {
  try { cf.kvs(); } catch (e) { console.log(e.name + ': ' + e.message); }
  return event.request;
}""", logged=1), id="cloudfront-without-kvs"),
    pytest.param(Case("""var crypto = require('crypto');
function handler(event) {
  console.log(crypto.createHmac('sha256', 'secret').update(event.request.uri).digest('hex'));
  console.log(crypto.createHash('md5').update('x').digest('base64'));
  return event.request;
}""", logged=2), id="crypto-hmac"),
    pytest.param(Case("""var querystring = require('querystring');
function handler(event) {
  console.log(querystring.stringify({ a: [1, 2], b: 'c d' }));
  console.log(JSON.stringify(querystring.parse('x=1&x=2&y=%20z')));
  return event.request;
}""", logged=2), id="querystring"),
    pytest.param(Case("while (true) {}\nfunction handler(event) { return event.request; }", limits=SHORT,
                      error=TIMEOUT), id="infinite-loop-top-level"),
    pytest.param(Case("function handler(event) { for (;;) {} }", limits=SHORT, error=TIMEOUT),
                 id="infinite-loop-in-handler"),
    pytest.param(Case("""function handler(event) {
  var spins = 0;
  try { while (true) { spins++; } } catch (e) { console.log(String(e)); }
  return event.request;
}""", limits=SHORT, error=TIMEOUT), id="infinite-loop-caught"),
    pytest.param(Case("function down(n) { return down(n + 1) + 1; }\nfunction handler(event) { return down(0); }",
                      error=ERROR_PREFIX + "RangeError: Maximum call stack size exceeded"), id="recursion-in-handler"),
    pytest.param(Case("function down(n) { return down(n + 1) + 1; }\ndown(0);\nfunction handler(event) {}",
                      error=ERROR_PREFIX + "RangeError: Maximum call stack size exceeded"), id="recursion-top-level"),
    pytest.param(Case("""var depth = 0;
function down() { depth++; down(); }
try { down(); } catch (e) { console.log(depth + ' ' + e); }
function handler(event) { return event.request; }""", logged=1), id="recursion-depth"),
    pytest.param(Case("""'use strict';
try { undeclared = 1; } catch (e) { console.log(String(e)); }
console.log(typeof this, (function () { return this; })());
function handler(event) { return event.request; }""", logged=2), id="strict-mode"),
    pytest.param(Case("""let counter = 1;
const label = 'n';
class Box { constructor(v) { this.v = v; } }
function handler(event) { console.log(label + counter + new Box(2).v); return event.request; }""", logged=1),
                 id="lexical-globals"),
    pytest.param(Case("function handler(event) { throw null; }", error=ERROR_PREFIX + "null"), id="throw-null"),
    pytest.param(Case("""function connectionHandler(connection) {
  console.log('client ' + connection.clientIp);
  connection.logCustomData('ok:' + connection.distributionId);
  return connection.allow();
}""", kind="connection", logged=1), id="connection-allow"),
    pytest.param(Case("function connectionHandler(connection) { while (true) {} }", kind="connection",
                      limits=SHORT, error=TIMEOUT), id="connection-timeout"),
]  # fmt: skip


def run_case(case: Case) -> tuple[str, tuple[str, ...], str, int]:
    if case.kind == "connection":
        result: Any = run_connection_function(case.code, CONNECTION, runtime=case.runtime, limits=case.limits)
    else:
        result = run_viewer_function(case.code, REQUEST_EVENT, runtime=case.runtime, limits=case.limits)
    return result.output, result.logs, result.error_message, result.compute_utilization


@pytest.fixture
def bytecode_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records every ``Native.run`` call: True for user code (released under the run's interrupt handler),
    False for cfmock's."""
    calls: list[bool] = []
    original = native.Native.run

    def spy(self: native.Native, ctx: quickjs.Context, code: bytes, stop: Any = None, *, release: bool = False) -> None:
        calls.append(release)
        original(self, ctx, code, stop, release=release)

    monkeypatch.setattr(native.Native, "run", spy)
    return calls


@pytest.mark.parametrize("case", CASES)
def test_bytecode_and_source_runs_agree(case: Case, monkeypatch: pytest.MonkeyPatch, bytecode_runs: list[bool]) -> None:
    assert native.native() is not None
    output, logs, error, utilization = run_case(case)
    assert bytecode_runs and any(bytecode_runs) is case.user_bytecode

    bytecode_runs.clear()
    monkeypatch.setattr(native, "native", lambda: None)
    source = run_case(case)
    assert bytecode_runs == []

    assert (output, logs, error) == source[:3]
    assert error == case.error
    assert len(logs) == case.logged
    assert bool(output) is not bool(error)
    if error == TIMEOUT:
        assert utilization == source[3] == 100


def test_function_source_text_is_the_one_documented_difference(
    monkeypatch: pytest.MonkeyPatch, bytecode_runs: list[bool]
) -> None:
    # Bytecode carries no source text, so Function.prototype.toString of user functions cannot return it.
    code = """function handler(event) {
  console.log(String(handler));
  console.log(helper.toString());
  return event.request;
}
function helper(a, b) { return a + b; }"""
    by_bytecode = run_viewer_function(code, REQUEST_EVENT)
    assert any(bytecode_runs)
    assert by_bytecode.error_message == ""
    assert by_bytecode.logs == (
        "function handler() {\n    [native code]\n}",
        "function helper() {\n    [native code]\n}",
    )

    monkeypatch.setattr(native, "native", lambda: None)
    by_source = run_viewer_function(code, REQUEST_EVENT)
    assert by_source.error_message == ""
    assert by_source.logs == (code[: code.index("\nfunction helper")], "function helper(a, b) { return a + b; }")
    assert by_bytecode.output == by_source.output


def test_builtin_error_stacks_lack_the_builtins_frame_with_the_guard(
    monkeypatch: pytest.MonkeyPatch, bytecode_runs: list[bool]
) -> None:
    # A second difference, documented in native.py rather than in the brief: the out-of-memory guard (set
    # wherever the C access is available) makes an error thrown by a built-in get its backtrace only where it
    # reaches JavaScript, so `stack` lacks the built-in's own "(native)" frame. Errors the user's code throws,
    # and the error_message, are unaffected.
    code = """function handler(event) {
  try { [].reduce(function (a, b) { return a + b; }); } catch (e) { console.log(e.stack.split('\\n')[0]); }
  return event.request;
}"""
    guarded = run_viewer_function(code, REQUEST_EVENT)
    assert any(bytecode_runs)
    assert guarded.logs == ("    at handler (<input>:2)",)

    monkeypatch.setattr(native, "native", lambda: None)
    unguarded = run_viewer_function(code, REQUEST_EVENT)
    assert unguarded.logs == ("    at reduce (native)",)
