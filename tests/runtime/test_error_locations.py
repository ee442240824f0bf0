"""Errors that point at the line (issue 16 point 3): ``error_location`` of run_function and
run_connection_function is counted in the user's own file, whatever cfmock puts around the code.

Expected positions are worked out here from the code with ``str.find`` (``expect``), independently of
cfmock/runtime/locations.py. The CI runs this file on both engine paths (``CFMOCK_ENGINE_PLAIN=1``), and
``test_both_engine_paths_agree`` compares the paths within one run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cfmock
from cfmock.runtime import ERROR_PREFIX, ErrorLocation, run_connection_function, run_viewer_function
from cfmock.runtime.locations import excerpt, locate, location_at

RT1, RT2 = "cloudfront-js-1.0", "cloudfront-js-2.0"
EVENT = json.dumps({
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/a", "headers": {"host": {"value": "example.org"}}},
})  # fmt: skip
CONNECTION = json.dumps({"connectionId": "c1", "clientIp": "203.0.113.42", "endpoint": "e.example"})


def expect(code: str, needle: str, nth: int = 0) -> ErrorLocation:
    """The position of the ``nth`` occurrence of ``needle``: lines end at LF, CRLF, CR, U+2028 or U+2029 (as in
    JavaScript); columns count code points (Python's own str indexing)."""
    at = -1
    for _ in range(nth + 1):
        at = code.index(needle, at + 1)
    before = re.sub("\r\n|[\r\u2028\u2029]", "\n", code[:at])
    return ErrorLocation(before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1)


# (id, runtime, code, needle the error must point at, nth occurrence, start of the error message)
SYNTAX_ERRORS: list[tuple[str, str, str, str, int, str]] = [
    (
        "missing-paren",
        RT2,
        'function handler(event) {\n  if (event.request.uri == "/" {\n    return 1;\n  }\n}',
        "{",
        1,
        "SyntaxError",
    ),
    (
        "unexpected-token",
        RT2,
        "function handler(event) {\n  var x = 1 +* 2;\n  return event.request;\n}",
        "*",
        0,
        "SyntaxError",
    ),
    (
        "missing-paren-1.0",
        RT1,
        'function handler(event) {\n  if (event.request.uri == "/" {\n    return 1;\n  }\n}',
        "{",
        1,
        "SyntaxError",
    ),
    ("line-1", RT2, "function handler(event) { return event.request; }}\n", "}", 1, "SyntaxError"),
    (
        "last-line-no-newline",
        RT2,
        "function handler(event) {\n  return event.request;\n}\nvar = 3",
        "= 3",
        0,
        "SyntaxError",
    ),
    (
        "const-in-1.0",
        RT1,
        "var a = 1;\nfunction handler(event) {\n  const b = 2;\n  return event.request;\n}",
        "const",
        0,
        'SyntaxError: Token "const" not supported in this version',
    ),
    (
        "let-in-1.0-after-comment",
        RT1,
        "/* let me\n   explain */\nfunction handler(event) {\n\tlet b = 2;\n}",
        "let b",
        0,
        'SyntaxError: Token "let" not supported in this version',
    ),
    (  # decisions 40: cfmock's own check of the 2.0 viewer profile knows the token's offset
        "optional-chaining-2.0",
        RT2,
        "function handler(event) {\n  var u = event.request?.uri;\n  return event.request;\n}",
        "?.",
        0,
        'SyntaxError: Token "?." not supported in this version',
    ),
    (
        "nullish-2.0-crlf",
        RT2,
        "function handler(event) {\r\n\tvar é = '😀'; var u = é ?? 1;\r\n}",
        "??",
        0,
        'SyntaxError: Token "??" not supported in this version',
    ),
    (
        "for-of-2.0",
        RT2,
        "function handler(event) {\n  for (var k of [1]) {}\n}",
        "of",
        0,
        'SyntaxError: Token "of" not supported in this version',
    ),
    (
        "optional-catch-2.0",
        RT2,
        "function handler(event) {\n  try { x(); } catch {\n  }\n}",
        "{\n  }",
        0,
        'SyntaxError: Token "{" not supported in this version',
    ),
    (
        "after-template-crlf",
        RT2,
        "var t = `a\r\nb\r\nc`;\r\nfunction handler(event) {\r\n  return (1;\r\n}",
        ";\r\n}",
        0,
        "SyntaxError",
    ),
    ("non-ascii-before", RT2, 'function handler(event) {\n  var s = "é😀中"; var = 1;\n}', "= 1", 0, "SyntaxError"),
    (
        "import-hoisted-line-1",
        RT2,
        'import crypto from "crypto"; function handler(e) { return (1; }',
        "; }",
        0,
        "SyntaxError",
    ),
]

RUNTIME_ERRORS: list[tuple[str, str, str, str, int, str]] = [
    (
        "top-level",
        RT2,
        "var a = 1;\nnull.x;\nfunction handler(e) { return e.request; }",
        "null.x",
        0,
        'TypeError: cannot get property "x" of null',
    ),
    (
        "in-handler",
        RT2,
        "function handler(event) {\n  var host = event.request.headers.nope.value;\n}",
        "event.request.headers.nope",
        0,
        'TypeError: cannot get property "value" of undefined',
    ),
    (
        "nested-function",
        RT2,
        "function inner(x) {\n  return x.a.b;\n}\nfunction outer(x) { return inner(x); }\n"
        "function handler(event) {\n  return outer({});\n}",
        "x.a.b",
        0,
        'TypeError: cannot get property "b" of undefined',
    ),
    (
        "after-template-and-comment",
        RT1,
        "var t = 'one' +\n  'two';\n/* a comment\n   over lines */\n"
        "function handler(event) {\n  return missing + 1;\n}",
        "missing",
        0,
        'ReferenceError: "missing" is not defined',
    ),
    (
        "after-template-2.0",
        RT2,
        "const t = `one\ntwo\nthree`;\nfunction handler(event) {\n  return undefinedName;\n}",
        "undefinedName",
        0,
        'ReferenceError: "undefinedName" is not defined',
    ),
    (
        "crlf-and-tabs",
        RT2,
        "function handler(event) {\r\n\tvar s = `a\r\nb`; /* \r\n */ return s.q.r;\r\n}",
        "s.q.r",
        0,
        'TypeError: cannot get property "r" of undefined',
    ),
    (
        "lone-cr",
        RT2,
        "function handler(event) {\r\t\tvar o = {};\r\t\to.nope();\r}",
        "nope",
        0,
        "TypeError: o.nope is not a function",
    ),
    (  # QuickJS counts neither as a line; JavaScript (and the user's location) counts both
        "separators-in-comment-and-string",
        RT2,
        "// note\u2028var s = 'a\u2029b';\u2028function handler(event) {\n  return event.nope.x;\n}",
        "event.nope",
        0,
        'TypeError: cannot get property "x" of undefined',
    ),
    (  # QuickJS restarts its column at a lone CR in a block comment, without counting a line
        "lone-cr-in-block-comment",
        RT2,
        "/* one\rtwo */ var a = 1; function handler(event) {\r  return event.nope.x;\r}",
        "event.nope",
        0,
        'TypeError: cannot get property "x" of undefined',
    ),
    (
        "non-ascii-before",
        RT2,
        'function handler(event) {\n  var é = "😀中😀"; return é.x.y;\n}',
        "é.x",
        0,
        'TypeError: cannot get property "y" of undefined',
    ),
    (
        "line-1",
        RT2,
        "function handler(event) { return event.request.headers.nope.value; }",
        "event.request.headers.nope",
        0,
        'TypeError: cannot get property "value" of undefined',
    ),
    (
        "line-1-1.0",
        RT1,
        "function handler(event) { return event.request.headers.nope.value; }",
        "event.request.headers.nope",
        0,
        'TypeError: cannot get property "value" of undefined',
    ),
    (
        "last-line",
        RT2,
        "function handler(event) { return event.request; }\nvar u;\nu.x = 1",
        "u.x",
        0,
        'TypeError: cannot set property "x" of undefined',
    ),
    ("throw-new-error", RT2, "function handler(event) {\n  throw new Error('boom');\n}", "Error(", 0, "Error: boom"),
    (
        "inside-a-module-call",
        RT2,
        "import crypto from 'crypto';\nfunction handler(event) {\n  crypto.createHash('sha999');\n}",
        "createHash",
        0,
        "TypeError",
    ),
    (
        "inside-a-metered-built-in",
        RT2,
        "function handler(event) {\n  return 'abc'.repeat(-1);\n}",
        "repeat",
        0,
        "RangeError",
    ),
    ("inside-json-parse", RT2, "function handler(event) {\n  return JSON.parse('{');\n}", "parse", 0, "SyntaxError"),
    (
        "callback",
        RT2,
        "function handler(event) {\n  [1, 2].map(function (x) {\n    return x.y.z;\n  });\n}",
        "x.y.z",
        0,
        'TypeError: cannot get property "z" of undefined',
    ),
    (
        "async-after-await",
        RT2,
        "async function handler(event) {\n  await null;\n  return event.nope.x;\n}",
        "event.nope",
        0,
        'TypeError: cannot get property "x" of undefined',
    ),
    (
        "unknown-module",
        RT2,
        "import x from 'nosuch';\nfunction handler(e) { return e.request; }",
        "import",
        0,
        'Error: Cannot find module "nosuch"',
    ),
    (
        "stack-overflow",
        RT2,
        "function f(n) {\n  return f(n + 1);\n}\nfunction handler(e) { return f(0); }",
        "1);",
        0,
        "RangeError: Maximum call stack size exceeded",
    ),  # QuickJS's position of this call: its argument
]


def _ids(cases: list[tuple[str, str, str, str, int, str]]) -> list[Any]:
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


@pytest.mark.parametrize(("runtime", "code", "needle", "nth", "message"), _ids(SYNTAX_ERRORS + RUNTIME_ERRORS))
def test_viewer_errors_point_at_the_users_line_and_column(
    runtime: str, code: str, needle: str, nth: int, message: str
) -> None:
    result = run_viewer_function(code, EVENT, runtime=runtime)
    assert result.error_message.startswith(ERROR_PREFIX + message), result.error_message
    assert result.error_location == expect(code, needle, nth), excerpt(
        code, result.error_location or ErrorLocation(1, 1)
    )


ON_ONE_LINE = [
    "o.f()", "o . f ()", "o['f']()", "(o.f)()", "o.f(1, 2).g", "u.x", "u.x.y = 1", "nope()", "null.x",
    "throw new Error('x')", "new Array(-1)", "new o()", "'x'.repeat(-1)", "JSON.parse('{')", "decodeURI('%')",
    "BigInt(1.5)", "Symbol() + ''", "[1].map(function (x) { return x.y.z; })", "var q = u.k",
]  # fmt: skip


@pytest.mark.parametrize("statement", ON_ONE_LINE)
def test_line_1_is_counted_as_every_other_line(statement: str) -> None:
    """QuickJS-ng counts some positions on its first line from 0; the user's line 1 (behind cfmock's prefix)
    must read as the same statement on line 2 does."""
    head = "function handler(e) { var o = {}; var u; "
    first = run_viewer_function(f"{head}{statement}; }}", EVENT)
    second = run_viewer_function(f"function handler(e) {{\n  var o = {{}}; var u; {statement}; }}", EVENT)
    assert first.error_location is not None and second.error_location is not None, first.error_message
    assert (first.error_location.line, second.error_location.line) == (1, 2)
    assert first.error_location.column - len(head) == second.error_location.column - len("  var o = {}; var u; ")


def test_the_message_never_carries_the_location() -> None:
    """decisions 24, 25: the message keeps CloudFront's ``Name: message`` form."""
    for _, runtime, code, *_ in SYNTAX_ERRORS + RUNTIME_ERRORS:
        message = run_viewer_function(code, EVENT, runtime=runtime).error_message
        assert "<input>" not in message and "\n" not in message, message
        assert not re.search(r":\d+:\d+", message), message


@pytest.mark.parametrize(
    ("code", "needle", "message"),
    [
        (
            "function connectionHandler(connection) {\n  connection.allow();\n  connection.nope();\n}",
            "nope",
            "TypeError: connection.nope is not a function",
        ),
        ("function connectionHandler(connection) {\n  if (connection.clientIp {\n  }\n}", "{\n  }", "SyntaxError"),
        (
            "function connectionHandler(connection) {\n  var x;\n  try { x(); } catch {\n  }\n}",
            "{\n  }",
            'SyntaxError: Token "{" not supported in this version',
        ),
        (
            "var n = null;\r\nfunction connectionHandler(c) {\r\n\tc.deny(); n.q = 1;\r\n}",
            "n.q",
            'TypeError: cannot set property "q" of null',
        ),
        (  # ES2021 syntax, beyond the ES2020 connection functions run (decisions 40)
            "function connectionHandler(c) {\n  var a = 1;\n  a ||= 2;\n}",
            "||=",
            'SyntaxError: Token "||=" not supported in this version',
        ),
    ],
)
def test_connection_function_errors_point_at_the_line(code: str, needle: str, message: str) -> None:
    result = run_connection_function(code, CONNECTION)
    assert result.error_message.startswith(ERROR_PREFIX + message), result.error_message
    assert result.error_location == expect(code, needle)


@pytest.mark.parametrize(
    "code",
    [
        "function handler(event) { return event.request; }",  # no error
        "function handler(event) { throw 'a string'; }",  # a thrown value that is no Error carries no stack
        "function handler(event) { return 42; }",  # the handler ran; its value is wrong
        "var x = 1;",  # no handler at all
    ],
)
def test_no_location_without_a_position_in_the_code(code: str) -> None:
    assert run_viewer_function(code, EVENT).error_location is None


def test_code_that_is_not_utf8_points_at_the_first_bad_byte() -> None:
    result = run_viewer_function(b'function handler(e) {\n  var s = "\xc3\xa9\xff";\n}', EVENT)
    assert result.error_message.endswith("SyntaxError: the function code is not valid UTF-8")
    assert result.error_location == ErrorLocation(2, 13)  # after `  var s = "é`


def test_run_function_exposes_the_location_typed() -> None:
    code = "function handler(event) {\n  return event.request.nope.x;\n}"
    result = cfmock.run_function(code, EVENT)
    assert isinstance(result.error_location, cfmock.ErrorLocation)
    assert (result.error_location.line, result.error_location.column) == (2, 10)
    assert result.to_dict()["error_location"] == {"line": 2, "column": 10}
    assert cfmock.run_function("function handler(e) { return e.request; }", EVENT).error_location is None
    connection = cfmock.run_connection_function("function connectionHandler(c) {\n  c.x.y();\n}", CONNECTION)
    assert connection.error_location == cfmock.ErrorLocation(2, 3)


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        ("'abc'.repeat(-1)", "repeat"),  # RangeError inside cfmock's metered wrapper of the built-in
        ("require('crypto').createHash('sha999')", "createHash"),  # TypeError inside cfmock's crypto module
        ("Buffer.from(Symbol())", "Symbol"),  # TypeError inside cfmock's Buffer (QuickJS places it at the argument)
    ],
)
def test_frames_of_cfmocks_code_are_skipped_in_a_long_file(call: str, needle: str) -> None:
    """A file long and wide enough that cfmock's own frames (prelude and module lines) fall inside it too."""
    filler = "".join(f"// {'x' * 300} {n}\n" for n in range(2000))
    code = f"{filler}function handler(event) {{\n  return {call};\n}}\n"
    result = run_viewer_function(code, EVENT)
    assert result.error_message.startswith(ERROR_PREFIX), result.error_message
    assert result.error_location is not None and result.error_location.line == 2002
    assert result.error_location == expect(code, needle)


def test_both_engine_paths_agree(tmp_path: Path) -> None:
    """The plain path (``CFMOCK_ENGINE_PLAIN=1``, forced in a fresh process) finds the same locations."""
    cases = [(runtime, code) for _, runtime, code, *_ in SYNTAX_ERRORS + RUNTIME_ERRORS]
    script = tmp_path / "locate.py"
    script.write_text(
        "import json, sys\nfrom cfmock.runtime import engine, run_viewer_function\n"
        "assert not engine.fast_path()\n"
        "cases, event = json.load(sys.stdin)\n"
        "out = [[r.error_location.line, r.error_location.column] if r.error_location else None\n"
        "       for r in (run_viewer_function(code, event, runtime=rt) for rt, code in cases)]\n"
        "print(json.dumps(out))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "CFMOCK_ENGINE_PLAIN": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, str(script)], input=json.dumps([cases, EVENT]), env=env, capture_output=True, text=True,
        timeout=300, check=True,
    )  # fmt: skip
    here = [run_viewer_function(code, EVENT, runtime=rt).error_location for rt, code in cases]
    assert json.loads(done.stdout) == [[loc.line, loc.column] if loc else None for loc in here]


# -- the mapping itself ---------------------------------------------------------------------------------------


def test_location_at_counts_javascript_line_terminators_and_code_points() -> None:
    code = "a\r\nb\rc\u2028d\u2029e\n😀x"
    assert location_at(code, code.index("x")) == ErrorLocation(6, 2)
    assert location_at(code, code.index("e")) == ErrorLocation(5, 1)
    assert location_at(code, code.index("\n")) == ErrorLocation(1, 3)  # the LF of a CRLF is still on line 1
    assert location_at("", 0) == ErrorLocation(1, 1)


def test_frames_of_cfmocks_own_functions_are_skipped() -> None:
    source = '"use strict";function handler(e) {\n  return helper(e);\n}'
    own = "function helper(x) {\n  throw new Error('in cfmock');\n}\n" + "//\n" * 5
    stack = "    at helper (<input>:2:13)\n    at handler (<input>:2:10)\n    at invoke (<input>:9:3)\n"
    assert locate(stack, source, source[13:], [own]) == ErrorLocation(2, 10)
    # A function of the same name that the user defines is the user's.
    mine = source + "\nfunction helper(x) { return x; }"
    assert locate(stack, mine, mine[13:], [own]) == ErrorLocation(2, 13)
    # Frames of other files, native frames and JSON's position are never the user's.
    assert locate("    at <input>:1:2\n    at parse (native)\n    at h (x.js:1:1)\n", source, source[13:]) is None


def test_names_as_quickjs_shows_them_in_frames() -> None:
    from cfmock.runtime.locations import _declared_names

    code = (
        "function a() {}\nvar b = function () {};\nvar c = () => 1;\nvar o = { d: function () {}, e() {},"
        " get f() { return 1; } };\no.g = function () {};\no.h = () => 2;\nmeter(x, 'indexOf ' + 'join');"
    )
    assert _declared_names(code) == {"a", "b", "c", "d", "e", "f", "get f", "<anonymous>", "indexOf", "join"}


def test_a_lone_position_is_a_compile_error_and_line_1_drops_cfmocks_prefix() -> None:
    code = "function handler(e) { return (1; }"
    source = '"use strict";' + code
    column = len('"use strict";function handler(e) { return (1') + 1
    assert locate(f"    at <input>:1:{column}\n", source, code) == expect(code, "; }")


def test_excerpt_lines_up_the_caret_under_tabs_and_wide_characters() -> None:
    code = "first\n\tvar 中 = x.y;\nlast"
    where = expect(code, "x.y")
    assert excerpt(code, where) == "2 | \tvar 中 = x.y;\n  | \t" + " " * 9 + "^"  # 中 takes two cells
    assert excerpt(code, ErrorLocation(9, 1)) == ""
