"""module_prelude(): what it includes for which code, caching, and the contract with the engine."""

from __future__ import annotations

from importlib import resources

import pytest
import quickjs
from modules_harness import V1, V2, Sandbox

from cfmock.runtime import modules
from cfmock.runtime.modules import fragment_names, module_prelude
from cfmock.runtime.sandbox import pruning_script


def test_code_that_uses_nothing_gets_nothing() -> None:
    code = "function handler(event) { var r = event.request; r.uri = r.uri + 'index.html'; return r; }"
    assert module_prelude(code, V1) == "" and module_prelude(code, V2) == ""


def test_unknown_runtime_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown runtime"):
        module_prelude("", "cloudfront-js-3.0")


@pytest.mark.parametrize(
    ("code", "runtime", "present", "absent"),
    [
        ("var qs = require('querystring');", V2, {"querystring"}, {"hash", "buffer", "cloudfront"}),
        ("import crypto from 'crypto';", V2, {"hash", "md5", "sha1", "sha256"}, {"buffer", "querystring"}),
        ("Buffer.from(x, 'base64').toString()", V2, {"buffer"}, {"bufferext", "hash"}),
        ("Buffer.alloc(4).writeUInt32BE(1)", V2, {"buffer", "bufferext"}, set()),
        ("Buffer.alloc(4, 'ab')", V2, {"buffer"}, {"bufferext"}),
        ("new TextDecoder().decode(b)", V2, {"textcodec"}, {"buffer"}),
        ("atob(s)", V2, {"atob"}, {"buffer"}),
        ("import cf from 'cloudfront'; cf.edgeLocation.name", V2, {"cloudfront"}, {"kvs", "origins"}),
        ("import cf from 'cloudfront'; await cf.kvs().get(k)", V2, {"cloudfront", "kvs"}, {"origins", "buffer"}),
        ("import cf from 'cloudfront'; cf.kvs().get(k, {format: 'bytes'})", V2, {"kvs", "buffer"}, set()),
        ("import cf from 'cloudfront'; cf.kvs().get(k, {format: f})", V2, {"kvs", "buffer"}, set()),
        ("import cf from 'cloudfront'; cf.kvs().get(k, {format: 'json'})", V2, {"kvs"}, {"buffer"}),
        ("import cf from 'cloudfront'; cf.selectRequestOriginById('a')", V2, {"cloudfront", "origins"}, {"kvs"}),
        ("event.request.rawQueryString()", V2, {"rawquery"}, {"cloudfront"}),
        ("event.request.rawQueryString()", V1, set(), {"rawquery"}),
        ("var k = String.bytesFrom(h, 'hex');", V1, {"bytestring", "bytestr"}, {"hash"}),
        ("Buffer TextEncoder atob cloudfront", V1, set(), {"buffer", "textcodec", "atob", "cloudfront"}),
        ("var m = require(name);", V2, {"hash", "querystring", "cloudfront", "kvs", "origins", "buffer"}, set()),
        ("var g = globalThis['Buf' + 'fer'];", V2, {"buffer", "textcodec", "atob"}, set()),
    ],
)
def test_fragments_follow_what_the_code_can_use(code: str, runtime: str, present: set[str], absent: set[str]) -> None:
    names = set(fragment_names(code, runtime))
    assert present <= names, names
    assert not (absent & names), names


def test_dependencies_come_first() -> None:
    everything = "require(x); Buffer TextEncoder atob rawQueryString digest()"
    names = fragment_names(everything, V2)
    order = list(modules._FRAGMENTS)
    for name in names:
        for dep in modules._FRAGMENTS[name]:
            assert dep in names and order.index(dep) < order.index(name), (name, dep)


def test_results_are_cached() -> None:
    code = "var c = require('crypto'); c.createHash('md5').update(x).digest('hex');"
    assert module_prelude(code, V2) is module_prelude(code + " // other code, same fragments", V2)


def test_every_fragment_is_a_package_file() -> None:
    folder = resources.files("cfmock.runtime") / "js" / "modules"
    files = {entry.name[:-3] for entry in folder.iterdir() if entry.name.endswith(".js")}
    assert files == set(modules._FRAGMENTS)


@pytest.mark.parametrize("runtime", [V1, V2])
def test_everything_evaluates_in_strict_mode_without_leaking_names(runtime: str) -> None:
    box = Sandbox("var n = 'crypto', x = 'y', m = require(n), g = globalThis[x]; // rawQueryString bytesFrom", runtime)
    own = set(box.eval("Object.getOwnPropertyNames(globalThis)"))
    fresh = quickjs.Context()
    fresh.eval(pruning_script())
    baseline = set(fresh.eval("JSON.stringify(Object.getOwnPropertyNames(globalThis))")[2:-2].split('","'))
    added = own - baseline - {"__cfmock_modules", "__cfmock_host", "require", "n", "x", "m", "g"}
    expected = (
        {"Buffer", "TextEncoder", "TextDecoder", "atob", "btoa", "__cfmock_decorateEvent"} if runtime == V2 else set()
    )
    assert added == expected
    # Only the user's names (and the stand-in engine's) are enumerable: what the modules add is hidden.
    assert set(box.eval("Object.keys(globalThis)")) == {
        "n",
        "x",
        "m",
        "g",
        "__cfmock_modules",
        "__cfmock_host",
        "require",
    }
    mods = ["cloudfront", "crypto", "querystring"] if runtime == V2 else ["crypto", "querystring"]
    assert sorted(box.eval("Object.keys(__cfmock_modules)")) == mods


def test_require_memoises_the_exports() -> None:
    box = Sandbox("var a = require('crypto'), b = require('querystring');", V2)
    assert box.eval("require('crypto') === a && require('querystring') === b") is True


_EVERY_V2_MODULE = {"hash", "md5", "sha1", "sha256", "querystring", "cloudfront", "kvs", "origins", "buffer"}


@pytest.mark.parametrize(
    ("code", "runtime", "present", "absent"),
    [
        # A require() is static only when a single string literal is its whole argument.
        ("var qs = require('query' + 'string');", V2, _EVERY_V2_MODULE, set()),
        ("var qs = require('query' + 'string');", V1, {"querystring", "hash", "md5", "sha1", "sha256"}, set()),
        ("var cf = require('cloud'.concat('front'));", V2, _EVERY_V2_MODULE, set()),
        ("var m = require(`${'crypto'}`);", V2, _EVERY_V2_MODULE, set()),
        ("var m = require(['query', 'string'].join(''));", V1, {"querystring", "hash"}, set()),
        ("var qs = require( 'querystring' );", V2, {"querystring"}, {"hash", "cloudfront"}),
        ("var qs = require(\n  `querystring`\n);", V2, {"querystring"}, {"hash", "cloudfront"}),
        ("var qs = require('querystring'), c = require(\"crypto\");", V1, {"querystring", "hash"}, set()),
        # require and globalThis used as values: what they reach is computed too.
        ("var r = require; var qs = r('querystring');", V2, _EVERY_V2_MODULE, set()),
        ("var qs = require.call(null, 'querystring');", V1, {"querystring", "hash"}, set()),
        ("var g = globalThis; var B = g['Buf' + 'fer'];", V2, _EVERY_V2_MODULE, set()),
        ("var B = globalThis ['Buffer'];", V2, _EVERY_V2_MODULE, set()),
        ("var B = globalThis.Buffer.from('a');", V2, {"buffer"}, {"hash", "querystring", "cloudfront"}),
        ("// require a token here\nvar qs = require('querystring');", V2, {"querystring"}, {"hash", "cloudfront"}),
        # A KVS format is "string" or "json" only when written so as the whole value.
        ("import cf from 'cloudfront'; cf.kvs().get(k, {format: 'json' + s})", V2, {"kvs", "buffer"}, set()),
        ("import cf from 'cloudfront'; var o = {}; o.format = f; cf.kvs().get(k, o)", V2, {"kvs", "buffer"}, set()),
        ("import cf from 'cloudfront'; cf.kvs().get(k, {'format': f})", V2, {"kvs", "buffer"}, set()),
        ('import cf from \'cloudfront\'; cf.kvs().get(k, {"format": "json"})', V2, {"kvs"}, {"buffer"}),
        ("import cf from 'cloudfront'; cf.kvs().get(k, {format: 'string', x: 1})", V2, {"kvs"}, {"buffer"}),
    ],
)
def test_a_computed_name_loads_everything_it_could_name(
    code: str, runtime: str, present: set[str], absent: set[str]
) -> None:
    names = set(fragment_names(code, runtime))
    assert present <= names, names
    assert not (absent & names), names


@pytest.mark.parametrize("runtime", [V1, V2])
def test_a_computed_module_name_can_be_required(runtime: str) -> None:
    box = Sandbox("var qs = require('query' + 'string'), c = require('cry' + 'pto');", runtime)
    assert box.eval("qs.stringify({a: [1, 2]}) + ' ' + typeof c.createHash") == "a=1&a=2 function"
