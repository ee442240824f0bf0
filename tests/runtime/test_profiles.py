"""Runtime profiles: the 1.0 syntax check (a real tokenizer) and the 2.0 import rewrite."""

from __future__ import annotations

import pytest
import quickjs
from hypothesis import given, settings
from hypothesis import strategies as st

from cfmock.runtime import RuntimeLimits, run_viewer_function
from cfmock.runtime.profiles import (
    find_connection_violation,
    find_v1_violation,
    find_v2_violation,
    prepare,
    rewrite_imports,
    unsupported_token_message,
)
from cfmock.runtime.tokenizer import tokenize


def v1(src: str) -> str | None:
    violation = find_v1_violation(tokenize(src))
    return violation.token if violation else None


REJECTED = [
    ("const a = 1;", "const"),
    ("var x = 1;\nlet a = 1;", "let"),
    ("async function handler(e) { return e }", "async"),
    ("var f = async (e) => e;", "async"),
    ("var f = async e => e;", "async"),
    ("function handler(e) { var r = await e; }", "await"),
    ("class A {}", "class"),
    ("import cf from 'cloudfront';", "import"),
    ("var m = import('x');", "import"),
    ("function* gen() { yield 1 }", "*"),
    ("var g = function *() {};", "*"),
    ("var o = { *gen() {} };", "*"),
    ("var {a, b} = obj;", "{"),
    ("var [a, b] = pair;", "["),
    ("function f({a}) {}", "{"),
    ("function f(x, [a, b]) {}", "["),
    ("var f = ({a}) => a;", "{"),
    ("var f = (x, [a]) => a;", "["),
    ("[a, b] = [b, a];", "["),
    ("var q; ({a: q} = obj);", "{"),
    ("try {} catch ({message}) {}", "{"),
    ("f(...args);", "..."),
    ("var a = [...b];", "..."),
    ("var o = {...b};", "..."),
    ("try { f() } catch { g() }", "{"),
]


@pytest.mark.parametrize(("src", "token"), REJECTED)
def test_v1_rejects_each_listed_construct(src: str, token: str) -> None:
    assert v1(src) == token


ACCEPTED = [
    "var f = (a, b) => a + b; var g = x => x * 2; var h = () => { return 1 };",
    "var t = `multi\nline ${1 + 2} and ${`nested ${3}`}`;",
    "function f(...rest) { return rest.length }",
    "var g = (a, ...rest) => rest;",
    "var s = 'const let class import async await ...'; var d = \"let\";",
    "// const x = 1; let y = 2; class A {}\nvar a = 1;",
    "/* async function f() { await g(); } [a, b] = c */ var b = 2;",
    "var r = /const|let|class\\/[...]/g; var q = x.replace(/\\//g, 'let');",
    "var o = {}; o.let = 1; o.const = o.class; o.import = o.async; o.await = 3; o.let;",
    "var p = {let: 1, const: 2, class: 3, import: 4, async: 5, await: 6};",
    "var async = 1; async = 2; var await = 3; var b = await + 1;",
    "var x = a * b(c); var y = a[0]; a[b] = c; f({a: 1}, [1, 2]);",
    "var z = x / 2 / y; if (x) /let/.test(y);",
    "try { f() } catch (e) { g(e) }",
    "var t = `${ {a: 1}.a } ${ [1, 2].length }`;",
    "label: for (var i = 0; i < 2; i++) { continue label; }",
    "var n = 1e3 + 0x1f + .5 + 1.5e-3;",
]


@pytest.mark.parametrize("src", ACCEPTED)
def test_v1_accepts_es5_arrows_templates_and_is_not_fooled(src: str) -> None:
    assert v1(src) is None


def test_error_text() -> None:
    assert unsupported_token_message("const") == 'SyntaxError: Token "const" not supported in this version'


def test_first_violation_in_source_order_wins() -> None:
    assert v1("var s = 'let';\nclass A {}\nconst x = 1;") == "class"


@pytest.mark.parametrize(
    ("src", "token"),
    [
        ("var a = o?.b;", "?."),
        ("var a = o ?? 1;", "??"),
        ("a ||= 1;", "||="),
        ("a &&= 1;", "&&="),
        ("a ??= 1;", "??="),
        ("class C { #p = 1; }", "class"),
        ("for (const k of ks) {}", "of"),
        ("function f(a, b = 2) {}", "="),
        ("var f = (a = 1) => a;", "="),
        ("function* g() {}", "*"),
        ("const { a } = o;", "{"),
        ("f(...xs);", "..."),
        ("try { f() } catch { g() }", "{"),
    ],
)
def test_v2_rejects_what_its_page_does_not_list(src: str, token: str) -> None:
    violation = find_v2_violation(tokenize(src))
    assert violation is not None and violation.token == token
    assert find_v2_violation(tokenize(src), documented=False) is None or (token == "{" and "catch" in src)


def test_v2_accepts_what_its_page_lists() -> None:
    src = (
        "const a = 1; let b = a ** 2; async function h(e) { await e; return `x${b}`; }\n"
        "var f = (x, ...rest) => rest; var n = 1_000; var o = { of: 1, let: 2 }; o.of = a ? .5 : 1;\n"
        "for (var k in o) {} var s = 'a?.b ?? c'; // ?. ??\n"
        "var r = /(?<y>\\d{4})/; var x = a === b ? 1 : 2; for (var i = 0; i < 2; i++) {}"
    )
    assert find_v2_violation(tokenize(src)) is None


def test_connection_functions_take_es2020() -> None:
    assert find_connection_violation(tokenize("var a = o?.b ?? 1; class C {} const { x } = o; f(...xs); 10n")) is None
    for src, token in (("a ||= 1;", "||="), ("class C { #p = 1 }", "#"), ("try {} catch { }", "{")):
        violation = find_connection_violation(tokenize(src))
        assert violation is not None and violation.token == token


def test_the_relaxed_check_lets_2_0_run_unlisted_syntax() -> None:
    code = "function handler(event) { return event?.request ?? null; }"
    event = {"request": {"method": "GET", "uri": "/", "headers": {}}}
    strict = run_viewer_function(code, event)
    assert strict.error_message.endswith('SyntaxError: Token "?." not supported in this version')
    relaxed = run_viewer_function(code, event, limits=RuntimeLimits(relaxed_syntax=True))
    assert relaxed.error_message == ""
    # Runtime 1.0's check (decisions 26, 40) is not relaxed.
    one = run_viewer_function(code, event, runtime="cloudfront-js-1.0", limits=RuntimeLimits(relaxed_syntax=True))
    assert one.error_message.endswith('SyntaxError: Token "?." not supported in this version')


def test_import_rewrite_hoists_to_line_one_and_keeps_lines() -> None:
    src = "import cf from 'cloudfront';\nimport crypto from \"crypto\"\nfunction handler(e) {}\n"
    body, hoisted = rewrite_imports(src, tokenize(src))
    assert hoisted == "const cf = require('cloudfront'); const crypto = require(\"crypto\");"
    assert body.count("\n") == src.count("\n")
    assert body.strip() == "function handler(e) {}"


def test_import_forms() -> None:
    src = (
        "import * as c from 'crypto'; import {createHash as ch, createHmac} from 'crypto';\n"
        "import qs, {parse} from 'querystring'; import {default as cf} from 'cloudfront'; import 'crypto';"
    )
    _, hoisted = rewrite_imports(src, tokenize(src))
    assert hoisted == (
        "const c = require('crypto'); const {createHash: ch, createHmac} = require('crypto'); "
        "const qs = require('querystring'); const {parse} = require('querystring'); "
        "const cf = require('cloudfront'); require('crypto');"
    )


def test_import_rewrite_ignores_strings_properties_and_dynamic_import() -> None:
    src = "var s = \"import x from 'y'\"; var v = obj.import; // import a from 'b'\n"
    assert rewrite_imports(src, tokenize(src)) == (src, "")


def test_prepare_is_strict_and_cached() -> None:
    first = prepare("function handler(e) { return e }", "cloudfront-js-2.0")
    assert first.source.startswith('"use strict";')
    assert first.syntax_error is None
    assert prepare("function handler(e) { return e }", "cloudfront-js-2.0") is first
    rejected = prepare("let a = 1;", "cloudfront-js-1.0")
    assert rejected.syntax_error == 'SyntaxError: Token "let" not supported in this version'


# ------------------------------------------------------------------------------------ generated programs

WORDS = ["const", "let", "class", "import", "async", "await", "yield", "function", "catch", "var"]
_text = st.lists(
    st.one_of(st.sampled_from([*WORDS, "...", "[a, b] = c", "{a} = b", "=>", "*", "${", "}", "/", "\\\\"]),
              st.text(alphabet="abc xyz=;(){}[]", max_size=6)),
    max_size=6,
).map(" ".join)  # fmt: skip


def _string_literal(text: str, quote: str) -> str:
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def _regex_literal(text: str) -> str:
    body = "".join("\\" + c if c in "/\\[]()*+?{}.|^$" else c for c in text).replace("\n", "")
    return "/" + (body or "x") + "/g"


def _template(text: str) -> str:
    return "`" + text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${") + "`"


_safe_statement = st.one_of(
    _text.map(lambda t: f"var s = {_string_literal(t, chr(39))};"),
    _text.map(lambda t: f"var s = {_string_literal(t, chr(34))};"),
    _text.map(lambda t: "// " + t.replace("\n", " ") + "\n"),
    _text.map(lambda t: "/* " + t.replace("*/", "* /") + " */"),
    _text.map(lambda t: f"var r = {_regex_literal(t)};"),
    _text.map(lambda t: f"var t = {_template(t)} + `${{1 + 2}}`;"),
    st.sampled_from(WORDS).map(lambda w: f'o.{w} = o["{w}"].{w};'),
    st.sampled_from(WORDS).map(lambda w: f"var p = {{{w}: 1, b: 2}};"),
    st.just("var f = (a, b) => a + b;"),
    st.just("function g(x, ...rest) { return x / 2 / rest.length; }"),
    st.just("if (x) { y = [1, 2][0]; } else { y = {a: 1}.a; }"),
)
_program = st.lists(_safe_statement, min_size=1, max_size=8).map(lambda xs: "var o = {}, x = 1, y;\n" + "\n".join(xs))

_FORBIDDEN = [
    ("const c = 1;", "const"),
    ("let l = 1;", "let"),
    ("class K {}", "class"),
    ("async function af() {}", "async"),
    ("function* gf() {}", "*"),
    ("var {d} = o;", "{"),
    ("var [e] = [1];", "["),
    ("g(...[1]);", "..."),
    ("import m from 'crypto';", "import"),
]


@settings(max_examples=100, deadline=None)
@given(_program)
def test_generated_es5_programs_are_accepted_and_valid(src: str) -> None:
    assert v1(src) is None
    quickjs.Context().eval("(function () {\n" + src + "\n})")  # the generator only makes valid code


@settings(max_examples=60, deadline=None)
@given(_program, _program, st.sampled_from(_FORBIDDEN))
def test_forbidden_construct_between_safe_code_is_found(before: str, after: str, forbidden: tuple[str, str]) -> None:
    construct, token = forbidden
    assert v1(before + "\n" + construct + "\n" + after) == token


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_tokenizer_never_crashes(src: str) -> None:
    tokens = tokenize(src)
    assert all(t.start < t.end for t in tokens)
    find_v1_violation(tokens)
    rewrite_imports(src, tokens)
