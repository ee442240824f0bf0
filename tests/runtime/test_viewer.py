"""Viewer functions end to end: documented shapes, errors and their wording, async handlers, the globals."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest

import cfmock.runtime as runtime
from cfmock.runtime import (
    ERROR_PREFIX,
    FunctionResult,
    InvalidEventError,
    RuntimeLimits,
    run_viewer_function,
)

REQUEST_EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {
        "method": "GET",
        "uri": "/index.html",
        "headers": {"host": {"value": "www.example.com"}, "accept": {"value": "text/html"}},
        "querystring": {"test": {"value": "aQueryString"}},
    },
}
RESPONSE_EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-response"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/", "headers": {}},
    "response": {"statusCode": 200, "statusDescription": "OK", "headers": {"content-type": {"value": "text/html"}}},
}


RELAXED = RuntimeLimits(relaxed_syntax=True)


def run(code: str, event: dict[str, Any] | None = None, **kwargs: Any) -> FunctionResult:
    return run_viewer_function(code, REQUEST_EVENT if event is None else event, **kwargs)


def error_of(result: FunctionResult) -> str:
    assert result.error_message.startswith(ERROR_PREFIX), result
    assert result.output == ""
    return result.error_message[len(ERROR_PREFIX) :]


def test_importing_the_package_does_not_load_quickjs() -> None:
    probe = "import sys, cfmock.runtime; assert 'quickjs' not in sys.modules"
    subprocess.run([sys.executable, "-c", probe], check=True)


@pytest.mark.parametrize("runtime", ["cloudfront-js-1.0", "cloudfront-js-2.0"])
def test_documented_redirect_with_generated_response(runtime: str) -> None:
    code = """function handler(event) {
      return { statusCode: 302, statusDescription: 'Found',
               headers: { 'cloudfront-functions': { value: 'generated-by-CloudFront-Functions' },
                          'location': { value: 'https://aws.amazon.com/cloudfront/' } } };
    }"""
    result = run(code, runtime=runtime)
    assert result.error_message == ""
    assert result.output == (
        '{"response":{"headers":{"cloudfront-functions":{"value":"generated-by-CloudFront-Functions"},'
        '"location":{"value":"https://aws.amazon.com/cloudfront/"}},"statusDescription":"Found",'
        '"cookies":{},"statusCode":302}}'
    )
    assert 0 <= result.compute_utilization <= 100


def test_modified_request_shape() -> None:
    code = """function handler(event) {
      var request = event.request;
      request.querystring = { test: { value: 'anotherQueryString' } };
      return request;
    }"""
    result = run(code)
    assert result.output == (
        '{"request":{"headers":{"host":{"value":"www.example.com"},"accept":{"value":"text/html"}},'
        '"method":"GET","querystring":{"test":{"value":"anotherQueryString"}},"uri":"/index.html","cookies":{}}}'
    )


def test_uri_rewrite() -> None:
    code = """function handler(event) {
      var request = event.request;
      if (request.uri.endsWith('/')) { request.uri += 'index.html'; }
      else if (!request.uri.includes('.')) { request.uri += '/index.html'; }
      return request;
    }"""
    event = json.loads(json.dumps(REQUEST_EVENT))
    event["request"]["uri"] = "/docs/"
    assert json.loads(run(code, event).output)["request"]["uri"] == "/docs/index.html"
    event["request"]["uri"] = "/docs"
    assert json.loads(run(code, event).output)["request"]["uri"] == "/docs/index.html"


def test_viewer_response_headers_and_cookies() -> None:
    code = """function handler(event) {
      var response = event.response;
      response.headers['strict-transport-security'] = { value: 'max-age=63072000' };
      response.cookies['loggedIn'] = { value: 'true', attributes: 'Secure; Path=/' };
      return response;
    }"""
    out = json.loads(run(code, RESPONSE_EVENT).output)
    response = out["response"]
    assert list(response) == ["headers", "statusDescription", "cookies", "statusCode"]
    assert response["headers"]["strict-transport-security"] == {"value": "max-age=63072000"}
    assert list(response["cookies"]["loggedIn"]) == ["attributes", "value"]
    assert response["statusCode"] == 200


def test_string_body_is_normalised_and_unknown_keys_dropped() -> None:
    code = """function handler(event) {
      return { statusCode: 200, statusDescription: 'OK', body: 'hello', extra: 1,
               headers: { 'x-a': { value: 'v', multivalue: [{ value: 'v' }] } } };
    }"""
    out = json.loads(run(code).output)
    assert out["response"]["body"] == {"encoding": "text", "data": "hello"}
    assert "extra" not in out["response"]
    assert out["response"]["headers"]["x-a"] == {"value": "v"}


def test_thrown_error_has_prefix_and_name() -> None:
    result = run("function handler(event) { console.log('before'); throw new Error('thrown error'); }")
    assert error_of(result) == "Error: thrown error"
    assert result.logs == ("before",)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("function handler(event) {\n  return event.request.headers.nope.value;\n}",
         'TypeError: cannot get property "value" of undefined'),
        ("function handler(event) { var x = null; return x.y; }", 'TypeError: cannot get property "y" of null'),
        ("function handler(event) { return missingName + 1; }", 'ReferenceError: "missingName" is not defined'),
        ("function handler(event) {\n  event.request.nope();\n}", "TypeError: event.request.nope is not a function"),
        ("function handler(event) {\n  console.error('x');\n}", "TypeError: console.error is not a function"),
        ("function handler(event) {\n  var f = 3;\n  return JSON.stringify(f());\n}", "TypeError: f is not a function"),
        ("function handler(event) { throw new TypeError('custom'); }", "TypeError: custom"),
        ("throw new Error('at load time');\nfunction handler(event) {}", "Error: at load time"),
        ("function handler(event) {", "SyntaxError: unexpected token in expression: ''"),
        ("function handler(event) { return 1 +; }", "SyntaxError: unexpected token in expression: ';'"),
        ("function notHandler(event) {}", 'ReferenceError: "handler" is not defined'),
        ("var handler = 5;", "TypeError: handler is not a function"),
        ("function handler(event) {}\nexport { handler };", "SyntaxError: Illegal export statement"),
        ("function handler(event) {}", "TypeError: handler must return a request or response object"),
    ],
)  # fmt: skip
def test_error_wording(code: str, message: str) -> None:
    assert error_of(run(code)) == message


@pytest.mark.parametrize(
    ("code", "callee"),
    [
        ("var o = { a: function () { return 1; } };\nfunction handler(e) { o.a(); o.b(); }", "o.b"),
        ("var o = { a: function () { return o; } };\nfunction handler(e) { o.a().b(); }", "o.a().b"),
        ("let L = { f: 1 };\nfunction handler(e) { L.f(); }", "L.f"),
        ("var arr = [function () {}, 3];\nfunction handler(e) { arr[0](); arr[1](); }", "arr[1]"),
        # A local's built-in method is taken to be fine, so the call after it is named.
        ("function handler(e) { var s = e.request.uri; s.split('/').mapp(function (x) { return x; }); }",
         "s.split('/').mapp"),
    ],
)  # fmt: skip
def test_the_callee_is_found_among_several_calls_on_a_line(code: str, callee: str) -> None:
    assert error_of(run(code)) == f"TypeError: {callee} is not a function"


def test_naming_the_callee_runs_no_getter_again() -> None:
    """decisions 30: one log entry per console.log call of the function itself, and no time spent after it."""
    code = """var n = 0;
var o = { get x() { n++; console.log('getter ' + n); if (n > 1) { while (true) {} } return {}; } };
function handler(e) { String(o.x.y()); return e.request; }"""
    result = run(code)
    assert error_of(result) == "TypeError: o.x.y is not a function"
    assert result.logs == ("getter 1",)


def test_async_handler_is_awaited() -> None:
    code = """async function handler(event) {
      var value = await Promise.resolve('/from-async');
      event.request.uri = value;
      return event.request;
    }"""
    assert json.loads(run(code).output)["request"]["uri"] == "/from-async"


def test_async_rejection_is_an_error() -> None:
    code = "async function handler(event) { await null; throw new RangeError('late'); }"
    assert error_of(run(code)) == "RangeError: late"


def test_v2_const_let_and_import_rewrite() -> None:
    code = """import crypto from 'crypto';
const prefix = '/v2';
let handler = function (event) { event.request.uri = prefix + event.request.uri; return event.request; };"""
    result = run(code)
    assert result.error_message == ""
    assert json.loads(result.output)["request"]["uri"] == "/v2/index.html"


def test_v1_rejects_const_before_running() -> None:
    result = run("const x = 1; function handler(event) { return event.request; }", runtime="cloudfront-js-1.0")
    assert error_of(result) == 'SyntaxError: Token "const" not supported in this version'
    assert result.compute_utilization == 0


def test_logs_one_entry_per_call_objects_as_json() -> None:
    code = """function handler(event) {
      console.log('plain');
      console.log({ a: 1, b: [true, null] });
      console.log(42);
      console.log(undefined);
      console.log('a', 'b');
      console.log(new Error('oops'));
      return event.request;
    }"""
    assert run(code).logs == ("plain", '{"a":1,"b":[true,null]}', "42", "undefined", "a b", "Error: oops")


def test_logs_are_capped_at_10_kb() -> None:
    code = (
        "function handler(event) { for (var i = 0; i < 100; i++) console.log('x'.repeat(300)); return event.request; }"
    )
    result = run(code)
    assert sum(len(line.encode()) for line in result.logs) == 10_240
    assert len(result.logs) == 35  # 34 whole entries of 300 bytes and the cut 35th
    assert result.logs[-1] == "x" * (10_240 - 34 * 300)


def test_log_cap_never_splits_a_character() -> None:
    code = "function handler(event) { console.log('\u00e9'.repeat(6000)); return event.request; }"
    (line,) = run(code, limits=RuntimeLimits(log_limit_bytes=101)).logs
    assert line == "\u00e9" * 50


def test_clock_is_frozen_at_the_start() -> None:
    code = """function handler(event) {
      var a = Date.now(), d = new Date();
      for (var i = 0; i < 200000; i++) {}
      var ok = a === Date.now() && d.getTime() === a && new Date().getTime() === a && typeof Date() === 'string';
      console.log(String(ok)); console.log(String(a));
      return event.request;
    }"""
    before = int(time.time() * 1000)
    result = run(code)
    assert result.logs[0] == "true"
    assert before - 5 <= int(result.logs[1]) <= int(time.time() * 1000)
    check = (
        "function handler(event) { var ok = new Date(0).toISOString() === '1970-01-01T00:00:00.000Z';"
        " return ok && new Date() instanceof Date ? event.request : null; }"
    )
    assert run(check).error_message == ""


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("eval('1')", "EvalError: eval is not supported"),
        ("new Function('a', 'return a')", "EvalError: Function constructor is not supported"),
        ("(function () {}).constructor('return 1')", "EvalError: Function constructor is not supported"),
        ("(async function () {}).constructor('return 1')", "EvalError: Function constructor is not supported"),
        ("setTimeout(function () {}, 1)", 'ReferenceError: "setTimeout" is not defined'),
        ("fetch('https://example.com')", 'ReferenceError: "fetch" is not defined'),
        ("process.env", 'ReferenceError: "process" is not defined'),
        ("require('fs')", 'Error: Cannot find module "fs"'),
    ],
)
def test_restricted_globals(expression: str, message: str) -> None:
    assert error_of(run(f"function handler(event) {{\n  {expression};\n  return event.request;\n}}")) == message


def test_runtime_1_promise_has_no_combinators_and_2_has_them() -> None:
    """runtime.md §3.2: 1.0's Promise has reject, resolve, then, catch, finally (no all/any/race/allSettled)."""
    code = """function handler(event) {
      console.log([typeof Promise.all, typeof Promise.any, typeof Promise.race, typeof Promise.allSettled,
                   typeof Promise.resolve, typeof Promise.reject, typeof Promise.prototype.finally].join(' '));
      return event.request;
    }"""
    assert run(code, runtime="cloudfront-js-1.0").logs == (
        "undefined undefined undefined undefined function function function",
    )
    assert run(code, runtime="cloudfront-js-2.0").logs == (
        "function function function function function function function",
    )


def test_memory_error_exists_in_runtime_1_only() -> None:
    """runtime.md §3.2 lists MemoryError among 1.0's errors; §3.3 gives 2.0 the same list minus MemoryError."""
    code = """function handler(event) {
      var made = new MemoryError('a'), called = MemoryError('b');
      console.log([made instanceof MemoryError, made instanceof Error, called instanceof MemoryError, made.name,
                   String(made), String(new MemoryError()), typeof made.stack, made.constructor === MemoryError,
                   Object.getPrototypeOf(MemoryError) === Error,
                   Object.keys(globalThis).indexOf('MemoryError')].join(' '));
      throw new MemoryError('too much');
    }"""
    result = run(code, runtime="cloudfront-js-1.0")
    assert result.logs == ("true true true MemoryError MemoryError: a MemoryError string true true -1",)
    assert error_of(result) == "MemoryError: too much"
    assert error_of(run(code, runtime="cloudfront-js-2.0")) == 'ReferenceError: "MemoryError" is not defined'


def test_cloudfront_module_needs_runtime_2() -> None:
    code = "function handler(event) { require('cloudfront'); return event.request; }"
    assert error_of(run(code, runtime="cloudfront-js-1.0")) == 'Error: Cannot find module "cloudfront"'


def test_strict_mode_is_always_on() -> None:
    assert error_of(run("function handler(event) { undeclared = 1; return event.request; }")) == (
        'ReferenceError: "undeclared" is not defined'
    )


def test_engine_globals_are_hidden_from_enumeration() -> None:
    code = """function handler(event) {
      console.log(JSON.stringify(Object.keys(globalThis).filter(function (k) { return k.indexOf('__') === 0; })));
      console.log(typeof __cfmock_host + ' ' + typeof __cfmock_modules + ' ' + typeof __cfmock_decorateEvent);
      return event.request;
    }"""
    assert run(code).logs == ("[]", "object object undefined")


def test_bytes_code_and_event() -> None:
    result = run_viewer_function(
        b"function handler(event) { return event.request; }", json.dumps(REQUEST_EVENT).encode()
    )
    assert json.loads(result.output)["request"]["uri"] == "/index.html"
    assert error_of(run_viewer_function(b"\xff\xfe", REQUEST_EVENT)) == (
        "SyntaxError: the function code is not valid UTF-8"
    )


def test_lone_surrogates_do_not_break_the_result() -> None:
    code = "function handler(event) { console.log('\\ud800'); event.request.uri = '/\\udc00'; return event.request; }"
    result = run(code)
    assert result.logs == ("\ufffd",)
    assert json.loads(result.output)["request"]["uri"] == "/\ufffd"


def test_unknown_runtime_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="unknown runtime"):
        run("function handler(e) {}", runtime="nodejs")


def test_code_ending_in_an_incomplete_statement_is_a_syntax_error() -> None:
    assert error_of(run("function handler(event) { return event.request; }\nwhile (true)")).startswith("SyntaxError:")


# The handler is looked up by name from inside the engine at call time, through the global scope: every kind
# of global declaration counts, and nothing of the engine's own closure may shadow it.
@pytest.mark.parametrize(
    "code",
    [
        "function handler(event) { return event.request; }",
        "var handler = function (event) { return event.request; };",
        "const handler = (event) => event.request;",
        "let handler; handler = function (event) { return event.request; };",
        "globalThis.handler = function (event) { return event.request; };",
        "class Box { static handler(event) { return event.request; } }\nconst handler = Box.handler;",
    ],
)
def test_handler_is_found_however_it_is_declared(code: str) -> None:
    result = run(code, limits=RELAXED)  # classes are unlisted 2.0 syntax (decisions 40)
    assert result.error_message == ""
    assert json.loads(result.output)["request"]["uri"] == "/index.html"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("class handler {}", "TypeError: class constructors must be invoked with 'new'"),
        ("const handler = 1;", "TypeError: handler is not a function"),
        ("let handler;", 'ReferenceError: "handler" is not defined'),  # undefined, as when never declared
        ("var invoke = 1, payload = 2, h = 3, name = 4;", 'ReferenceError: "handler" is not defined'),
        ("function connectionHandler(connection) { connection.allow(); }", 'ReferenceError: "handler" is not defined'),
    ],
)  # fmt: skip
def test_handler_lookup_errors(code: str, message: str) -> None:
    assert error_of(run(code, limits=RELAXED)) == message


def test_a_handler_read_before_its_declaration_ran_is_a_reference_error() -> None:
    # The code throws before `let handler` is initialised; the run reports the code's own error, not the lookup.
    result = run("throw new Error('early');\nlet handler = function (event) { return event.request; };")
    assert error_of(result) == "Error: early"


# -- the same event text, normalised once ----------------------------------------------------------------------


def test_an_event_text_is_normalised_once_and_runs_see_it_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    # Suites send one event text again and again; normalising is a pure function of it, so it is cached. Each
    # run still gets its own event object: a handler that mutates it does not change the next run's.
    calls: list[Any] = []
    real = runtime.normalise_viewer_event
    monkeypatch.setattr(runtime, "normalise_viewer_event", lambda event: calls.append(event) or real(event))
    text = json.dumps({**REQUEST_EVENT, "request": {**REQUEST_EVENT["request"], "uri": "/normalised-once"}})
    mutate = (
        "function handler(e) { var seen = e.request.uri; e.request.uri = '/changed'; console.log(seen);"
        " return e.request; }"
    )
    for event in (text, text.encode(), text, text.encode()):
        assert run_viewer_function(mutate, event).logs == ("/normalised-once",)
    assert len(calls) == 1  # once: the text and its UTF-8 bytes are one key
    for _ in range(2):
        assert run_viewer_function(mutate, json.loads(text)).logs == ("/normalised-once",)
    assert len(calls) == 2  # a mapping is keyed by its compact JSON text: normalised once too


def test_an_invalid_event_text_is_refused_every_time() -> None:
    bad = '{"version": "1.0", "request": {"uri": 7}}'
    for _ in range(2):
        with pytest.raises(InvalidEventError, match=r"request\.uri must be a string"):
            run_viewer_function("function handler(e) { return e.request; }", bad)
