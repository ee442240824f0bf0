"""CloudFront's wording of QuickJS errors (decisions 25)."""

from __future__ import annotations

import pytest

from cfmock.runtime.errors import (
    callee_candidates,
    cloudfront_wording,
    may_throw_values,
    member_path,
    name_not_a_function,
    split_exception_text,
)


@pytest.mark.parametrize(
    ("quickjs", "cloudfront"),
    [
        ("TypeError: cannot read property 'value' of undefined", 'TypeError: cannot get property "value" of undefined'),
        ("TypeError: cannot read property 'x-y' of null", 'TypeError: cannot get property "x-y" of null'),
        ("TypeError: cannot set property 'a' of undefined", 'TypeError: cannot set property "a" of undefined'),
        ("ReferenceError: 'foo' is not defined", 'ReferenceError: "foo" is not defined'),
        ("InternalError: stack overflow", "RangeError: Maximum call stack size exceeded"),
        ("Error: cannot read property 'value' of undefined", "Error: cannot read property 'value' of undefined"),
        ("TypeError: custom text", "TypeError: custom text"),
    ],
)  # fmt: skip
def test_wording(quickjs: str, cloudfront: str) -> None:
    assert cloudfront_wording(quickjs) == cloudfront


def test_split_exception_text() -> None:
    assert split_exception_text("Error: a\nb\n    at f (<input>:2)\n    at <eval> (<input>)\n") == (
        "Error: a\nb",
        "    at f (<input>:2)\n    at <eval> (<input>)",
    )
    assert split_exception_text("str\nundefined") == ("str", "")


SOURCE = """function handler(event) {
  var a = event.request.headers.get(name);
  return obj.method(arg).other(inner(x), [1, 2]);
  new Thing(1);
}"""


def test_callee_candidates_in_completion_order() -> None:
    assert callee_candidates(SOURCE, "    at handler (<input>:2)") == ["event.request.headers.get"]
    assert callee_candidates(SOURCE, "    at handler (<input>:3)") == ["obj.method", "inner", "obj.method(arg).other"]
    assert callee_candidates(SOURCE, "    at handler (<input>:4)") == ["Thing"]
    # No line in the frame: QuickJS omits it for a statement on the declaration's line.
    assert callee_candidates("function h(e) { e.f(); }", "    at h (<input>)\n    at <eval> (<input>)") == ["e.f"]
    assert callee_candidates(SOURCE, "    at <eval> (<input>)") == []


def test_name_not_a_function_skips_known_functions() -> None:
    src = "function h(e) {\n  console.log(e.nope());\n}"
    verdicts = {"console.log": True, "e.nope": None}
    named = name_not_a_function(src, "    at h (<input>:2)", lambda xs: [verdicts[x] for x in xs])
    assert named == "TypeError: e.nope is not a function"
    assert name_not_a_function(None, "", lambda xs: []) == "TypeError: not a function"
    assert name_not_a_function(src, "", lambda xs: []) == "TypeError: not a function"


@pytest.mark.parametrize(
    ("expression", "path"),
    [
        ("a", ["a"]),
        ("o.x.y", ["o", "x", "y"]),
        ("a?.b", ["a", "b"]),
        ("a[0].c", ["a", "0", "c"]),
        ('a["k"]', ["a", "k"]),
        ("a['k'].m", ["a", "k", "m"]),
        ("this.x", ["this", "x"]),
        ("a[i]", None),  # reading i is fine, but a[i] could be anything: not a plain path
        ("a[1 + 2]", None),
        ("a.b(c).d", None),
        ("new X", None),
        ("typeof a", None),
        ('a["k\\"x"]', None),
        ("", None),
    ],
)
def test_member_path(expression: str, path: list[str] | None) -> None:
    assert member_path(expression) == path


def test_may_throw_values() -> None:
    assert may_throw_values("function h() { var x = null; throw x; }")
    assert may_throw_values("new Promise(function (resolve, reject) { reject(null); })")
    assert may_throw_values("function h() { return Promise.reject(null); }")
    assert not may_throw_values("function h() { var s = 'throw null'; return s; }")
