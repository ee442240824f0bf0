"""require('querystring') in the sandbox: Node's documented behaviour, and Python's urllib as an oracle."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from modules_harness import V1, V2, Sandbox, js

FAST = settings(max_examples=60, deadline=None)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


@pytest.fixture(scope="module", params=[V1, V2])
def qs(request: pytest.FixtureRequest) -> Sandbox:
    return Sandbox("var qs = require('querystring');", request.param)


def test_node_documented_examples(qs: Sandbox) -> None:
    assert qs.eval("qs.parse('foo=bar&abc=xyz&abc=123')") == {"foo": "bar", "abc": ["xyz", "123"]}
    assert qs.eval("qs.stringify({ foo: 'bar', baz: ['qux', 'quux'], corge: '' })") == "foo=bar&baz=qux&baz=quux&corge="
    assert qs.eval("qs.stringify({ foo: 'bar', baz: 'qux' }, ';', ':')") == "foo:bar;baz:qux"
    # The CloudFront docs' examples.
    assert qs.eval("qs.parse('name=value&abc=xyz&abc=123')") == {"name": "value", "abc": ["xyz", "123"]}
    assert qs.eval("qs.stringify({name: 'value', abc: ['xyz', '123'], anotherName: ''})") == (
        "name=value&abc=xyz&abc=123&anotherName="
    )


def test_parse_details(qs: Sandbox) -> None:
    assert qs.eval("Object.getPrototypeOf(qs.parse('a=1')) === null") is True
    assert qs.eval("qs.parse('a+b=c+d%20e')") == {"a b": "c d e"}
    assert qs.eval("qs.parse('a&b=&=&&c=1=2')") == {"a": "", "b": "", "": "", "c": "1=2"}
    assert qs.eval("qs.parse('')") == {} and qs.eval("qs.parse(5)") == {}
    assert qs.eval("qs.parse('a:1;b:2', ';', ':')") == {"a": "1", "b": "2"}
    assert qs.eval("qs.parse('a=>1<>b=>2', '<>', '=>')") == {"a": "1", "b": "2"}
    assert qs.eval("qs.decode === qs.parse && qs.encode === qs.stringify") is True
    assert qs.eval("qs.parse('__proto__=1&constructor=2&hasOwnProperty=3')") == {
        "__proto__": "1",
        "constructor": "2",
        "hasOwnProperty": "3",
    }


def test_max_keys_counts_every_segment(qs: Sandbox) -> None:
    assert qs.eval("qs.parse('a=1&b=2&c=3', null, null, {maxKeys: 2})") == {"a": "1", "b": "2"}
    assert qs.eval("qs.parse('a=1&&b=2', null, null, {maxKeys: 2})") == {"a": "1"}
    assert qs.eval("Object.keys(qs.parse(new Array(1101).join('k=v&') + 'last=1')).length") == 1
    assert (
        qs.eval(
            "Object.keys(qs.parse(Array.from({length: 1200}, function (_, i) { return 'k' + i; }).join('&'))).length"
        )
        == 1000
    )
    assert (
        qs.eval(
            "Object.keys(qs.parse(Array.from({length: 1200}, function (_, i) { return 'k' + i; }).join('&'),"
            " null, null, {maxKeys: 0})).length"
        )
        == 1200
    )


def test_bad_sequences_become_replacement_characters(qs: Sandbox) -> None:
    assert qs.eval("qs.parse('a=%E9&b=%zz&c=%&d=%F0%9F%92&e=%C3%A9%E9')") == {
        "a": "\ufffd",
        "b": "%zz",
        "c": "%",
        "d": "\ufffd",
        "e": "é\ufffd",
    }
    assert qs.eval("qs.unescape('%E2%82%AC%ff')") == "€\ufffd"
    assert qs.eval("qs.unescape('a+b')") == "a+b"


def test_custom_decoder_and_encoder(qs: Sandbox) -> None:
    parsed = qs.eval(
        "qs.parse('a=b+c&d=%41', null, null, {decodeURIComponent: function (s) { return '<' + s + '>'; }})"
    )
    assert parsed == {"<a>": "<b%20c>", "<d>": "<%41>"}
    # A throwing decoder falls back to querystring.unescape.
    assert qs.eval("qs.parse('a=%41', null, null, {decodeURIComponent: function () { throw new Error('x'); }})") == {
        "a": "A"
    }
    encoded = qs.eval(
        "qs.stringify({w: '中文', foo: 'bar'}, null, null,"
        " {encodeURIComponent: function (s) { return s.toUpperCase(); }})"
    )
    assert encoded == "W=中文&FOO=BAR"


def test_stringify_values(qs: Sandbox) -> None:
    assert qs.eval("qs.stringify({a: 1, b: true, c: NaN, d: null, e: {}, f: [], g: [1, 'x y'], h: 1e21})") == (
        "a=1&b=true&c=&d=&e=&g=1&g=x%20y&h=1e%2B21"
    )
    assert qs.eval("qs.stringify('a=1')") == "" and qs.eval("qs.stringify(null)") == ""
    assert qs.error("qs.escape('\\ud800')") == "URIError: URI malformed"


@FAST
@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_escape_and_unescape_match_urllib(qs: Sandbox, text: str) -> None:
    escaped = qs.eval(f"qs.escape({js(text)})")
    assert escaped == quote(text, safe="-_.!~*'()")
    assert qs.eval(f"qs.unescape({js(escaped)})") == text


@FAST
@given(st.text(alphabet=st.sampled_from("ab=&+%2Fe9E8C3A9zé€ 😀"), max_size=30))
def test_parse_matches_urllib(qs: Sandbox, query: str) -> None:
    expected: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True, errors="replace"):
        if key not in expected:
            expected[key] = value
        elif isinstance(expected[key], list):
            expected[key].append(value)
        else:
            expected[key] = [expected[key], value]
    assert qs.eval(f"qs.parse({js(query)})") == expected
    assert qs.eval(f"qs.unescape({js(query)})") == unquote(query, errors="replace")


@FAST
@given(
    st.dictionaries(
        TEXT,
        st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3)),
        max_size=5,
    )
)
def test_stringify_then_parse_round_trips(qs: Sandbox, data: dict[str, Any]) -> None:
    # Through JSON.parse: in an object literal, "__proto__" would set the prototype instead of a key.
    assert qs.eval(f"qs.parse(qs.stringify(JSON.parse({js(json.dumps(data))})))") == data
