"""The declared table of JavaScript fragments (cfmock/runtime/modules.py, ``_FRAGMENTS``) against their code.

Each fragment declares the names it provides to the others, the fragments it needs and its hooks (fragments
it reaches only after a ``typeof`` test). A static reading of every fragment checks the table; running every
fragment with exactly its declared closure checks that nothing the reading missed is needed, on both runtimes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
import quickjs
from fragment_scan import FragmentNames, closure, declaration_problems, fragment_source, read_names
from modules_harness import _STANDIN_PRELUDE, V1, V2, default_host

from cfmock.runtime import modules
from cfmock.runtime.modules import Fragment

TABLE = modules._FRAGMENTS
NAMES: dict[str, FragmentNames] = {name: read_names(fragment_source(name)) for name in TABLE}


def test_the_table_matches_the_code() -> None:
    assert declaration_problems(TABLE, NAMES) == []


def test_the_reading_sees_shared_names_and_locals() -> None:
    read = read_names(
        "var A = 1, B = f(1, 2), C;\nfor (var i = 0, j; i < 1; i++);\nfor (let k = 0; k < 1; k++);\n"
        "function g(p, q) { var r = {A: s, t: B}; return typeof u + r.C + p; }\n"
        "class K { m(w) { try {} catch (e) {} } }"
    )
    assert read.top_level == {"A", "B", "C", "i", "j", "g", "K"}
    assert {"k", "p", "q", "r", "w", "e"} <= read.local
    assert {"s", "B", "u", "f"} <= read.used
    assert "t" not in read.used  # a key of an object literal, like the property in `r.C`
    assert read.guards["u"] == (frozenset({"u"}),)


def _replace(name: str, **changes: Any) -> dict[str, Fragment]:
    table = dict(TABLE)
    table[name] = table[name]._replace(**changes)
    return table


def _reorder(first: str, then: str) -> dict[str, Fragment]:
    order = [n for n in TABLE if n != first]
    order.insert(order.index(then) + 1, first)
    return {n: TABLE[n] for n in order}


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        # Each of the names that used to be declared nowhere.
        (_replace("hash", hooks=("base64", "bytestr", "buffer")), "hash uses hexDecode of hex but declares neither"),
        (_replace("hash", hooks=("hex", "bytestr", "buffer")), "hash uses b64Encode of base64 but declares neither"),
        (_replace("hash", hooks=("hex", "base64", "buffer")), "hash uses byteString of bytestr but declares neither"),
        (_replace("kvs", hooks=()), "kvs uses bufFrom of buffer but declares neither"),
        # A need that is only transitive is enough; one that is not there at all is not.
        (_replace("bufferext", needs=("core",)), "bufferext uses BUF_PROTO of buffer but declares neither"),
        (_replace("md5", needs=("hashes",)), "md5 declares hashes, which is no fragment"),
        (_replace("atob", needs=("base64", "hex")), "atob declares hex but uses none of its names"),
        (_replace("hex", provides=("hexEncode", "hexDecode", "hexTable")), "hex declares it provides ['hexTable']"),
        (_replace("hex", provides=("hexEncode",)), "hexDecode of hex, which hex does not declare it provides"),
        (_replace("core", provides=(*TABLE["core"].provides, "HOST_X")), "core declares it provides ['HOST_X']"),
        (_replace("buffer", provides=(*TABLE["buffer"].provides, "bufAlloc")), "bufAlloc, which no other fragment"),
        (_replace("core", needs=("hash",), hooks=()), "cycle: core -> hash -> core"),
        (_reorder("base64", "atob"), "atob needs base64, which is evaluated after it"),
    ],
)
def test_the_check_finds_each_kind_of_wrong_declaration(table: dict[str, Fragment], problem: str) -> None:
    found = declaration_problems(table, NAMES)
    assert any(problem in p for p in found), found


def test_the_check_finds_a_hook_used_without_typeof() -> None:
    names = dict(NAMES)
    names["kvs"] = read_names(fragment_source("kvs").replace("typeof bufFrom", "typeof Object"))
    assert "kvs uses bufFrom of its hook buffer without a typeof test" in declaration_problems(TABLE, names)


def test_the_check_finds_one_use_of_a_hook_left_unguarded() -> None:
    """Every use needs its own test: hash still tests `typeof hexDecode`, but this use of hexEncode is bare."""
    source = fragment_source("hash")
    assert "hookLoaded(typeof hexEncode, 'hex'), hexEncode(r)" in source
    names = dict(NAMES)
    names["hash"] = read_names(source.replace("hookLoaded(typeof hexEncode, 'hex'), hexEncode(r)", "hexEncode(r)"))
    assert declaration_problems(TABLE, names) == ["hash uses hexEncode of its hook hex without a typeof test"]


def test_a_typeof_guards_its_statement_and_the_block_of_its_if() -> None:
    read = read_names(
        "if (typeof a == 'function') { x(); a(); } a();\n"
        "f(typeof b, 1), g(b(1)); b(2);\n"
        "var c = typeof d == 'object' && d[0], e = d;"
    )
    assert read.guards["a"] == (frozenset({"a"}), frozenset({"a"}), frozenset())
    assert read.guards["b"] == (frozenset({"b"}), frozenset({"b"}), frozenset())
    # The reading works per statement: `e = d` counts as tested too (the smoke calls below cover the rest).
    assert read.guards["d"] == (frozenset({"d"}), frozenset({"d"}), frozenset({"d"}))


def test_the_check_finds_shared_names_that_collide() -> None:
    names = dict(NAMES)
    names["sha1"] = read_names(fragment_source("sha1") + "\nfor (var i = 0; i < 1; i++);")
    names["md5"] = read_names(fragment_source("md5") + "\nfor (var i = 0; i < 1; i++);")
    found = declaration_problems(TABLE, names)
    assert "i is a top-level name of both md5 and sha1" in found, found
    assert any("declares a local i, which is also a top-level name of" in p for p in found), found


def test_every_hook_is_loaded_by_the_scan_where_the_code_reaches_it() -> None:
    """The hooks' counterpart in the scan: code that reaches a hook's use gets that hook."""
    crypto = "var c = require('crypto'); "
    assert {"hex"} <= set(modules.fragment_names(crypto + "c.createHash('md5').update(s).digest('hex')", V2))
    assert {"base64"} <= set(modules.fragment_names(crypto + "c.createHash('md5').update(s).digest('base64')", V1))
    assert {"bytestr"} <= set(modules.fragment_names(crypto + "c.createHash('md5').update(s).digest()", V1))
    assert {"buffer"} <= set(modules.fragment_names(crypto + "c.createHash('md5').update(s).digest()", V2))
    kvs = "import cf from 'cloudfront'; cf.kvs().get(k, {format: 'bytes'})"
    assert {"kvs", "buffer"} <= set(modules.fragment_names(kvs, V2))
    origins = "import cf from 'cloudfront'; cf.updateRequestOrigin({})"
    assert {"origins"} <= set(modules.fragment_names(origins, V2))


# ---- Every fragment alone with exactly its declared closure ------------------------------------------------

HOST = {"kvs": {"id": "store", "data": {"k": "v", "j": '{"a": 1}'}, "created": None, "lastModified": None}}
UNLOADED = "Error: cfmock internal error: the {} module fragment was not loaded"
ERR = "var err = function (f) { try { f(); return 'NO ERROR'; } catch (e) { return String(e); } };\n"


def _run(fragments: list[str], runtime: str, smoke: str) -> Any:
    """Evaluate ``fragments`` as modules.py assembles them, with ``smoke`` (an expression) evaluated inside
    their shared closure; answer its value through JSON after running pending jobs."""
    context = quickjs.Context()
    context.eval(_STANDIN_PRELUDE % json.dumps(default_host(runtime, **HOST)))
    ordered = tuple(n for n in TABLE if n in fragments)
    prelude = modules._assemble(ordered)
    end = "\n})();\n"
    assert prelude.endswith(end)
    context.eval(prelude[: -len(end)] + "\n" + ERR + "globalThis.__smoke = " + smoke + ";" + end)
    while context.execute_pending_job():
        pass
    return json.loads(context.eval("JSON.stringify(globalThis.__smoke)"))


def _with_hooks(name: str) -> list[str]:
    """``name``'s closure, with every hook of what it holds and their closures, to the end."""
    found = closure(TABLE, name)
    for fragment in found:  # grows while it is read
        for hook in TABLE[fragment].hooks:
            found.extend(n for n in closure(TABLE, hook) if n not in found)
    return found


def _digest_smoke(algorithm: str) -> str:
    return (
        f"(function (c, a) {{ var d = c.createHash(a).update('abc').digest(); return ["
        " c.createHash(a).update('abc').digest('hex'),"
        " c.createHmac(a, 'k').update('6162', 'hex').update('Yw==', 'base64').digest('base64'),"
        " c.createHash(a).update('YWJj', 'base64url').digest('base64url'),"
        " V1 ? typeof d : Object.getPrototypeOf(d) === Buffer.prototype, d.length];"
        f" }})(MODULES.crypto(), '{algorithm}')"
    )


def _digests(algorithm: str, runtime: str) -> list[Any]:
    digest = hashlib.new(algorithm, b"abc").digest()
    mac = hmac.new(b"k", b"abc", algorithm).digest()
    return [
        digest.hex(),
        base64.b64encode(mac).decode(),
        base64.urlsafe_b64encode(digest).decode().rstrip("="),
        "string" if runtime == V1 else True,
        len(digest),
    ]


# fragment -> (expression, expected value or {runtime: value}), in its exact closure. The expression may call
# `err(f)`, which answers what f throws as a string.
SMOKE: dict[str, tuple[str, Any]] = {
    "core": (
        "[hasOwn({a: 1}, 'a'), Array.from(bytesOf(new Uint16Array([1]))), typeof MODULES, err(function () {"
        " hookLoaded(typeof undefinedName, 'x'); })]",
        [True, [1, 0], "object", UNLOADED.format("x")],
    ),
    "bytestr": (
        "[byteString(new Uint8Array([104, 255])), BYTE_STRINGS['h\\xff'], Array.from(latin1Bytes('h\\xff'))]",
        ["h\xff", True, [104, 255]],
    ),
    "utf8encode": ("Array.from(utf8Encode('\\xe9\\ud800'))", [195, 169, 239, 191, 189]),
    "utf8decode": ("utf8Decode(new Uint8Array([104, 195, 169, 255]), 0, 4)", "h\xe9\ufffd"),
    "hex": ("[hexEncode(new Uint8Array([1, 171])), Array.from(hexDecode('01aBzz'))]", ["01ab", [1, 171]]),
    "base64": (
        "[b64Encode(new Uint8Array([255, 254]), false), b64Encode(new Uint8Array([255, 254]), true),"
        " Array.from(b64Decode('_/4'))]",
        ["//4=", "__4", [255, 254]],
    ),
    "buffer": (
        "[Buffer.from('h\\xe9').toString('hex'), Buffer.from('aGk=', 'base64').toString(), Buffer.alloc(2, 'a')"
        ".toString(), Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString('base64'),"
        " Buffer.isBuffer(bufferOf(new Uint8Array(1))), Buffer.from([1, 2]).equals(Buffer.from('0102', 'hex'))]",
        ["68c3a9", "hi", "aa", "YWI=", True, True],
    ),
    "bufferext": (
        "(function (b) { b.writeUInt16BE(258, 0); b.fill('z', 2); return [b.readUInt16BE(0), b.toString('hex'),"
        " b.indexOf('z'), b.includes('q'), b.swap16().toString('hex')]; })(Buffer.alloc(4))",
        [258, "01027a7a", 2, False, "02017a7a"],
    ),
    "hash": (
        "[Object.keys(MODULES.crypto()), err(function () { MODULES.crypto().createHash('md5'); })]",
        [["createHash", "createHmac"], 'TypeError: not supported algorithm: "md5"'],
    ),
    "querystring": (
        "(function (q) { return [q.stringify({a: ['1', '\\xe9'], b: ''}), q.parse('a=1&a=%E9&b=%zz+x'),"
        " q.unescape('%C3%A9'), q.escape('a b')]; })(MODULES.querystring())",
        ["a=1&a=%C3%A9&b=", {"a": ["1", "\ufffd"], "b": "%zz x"}, "\xe9", "a%20b"],
    ),
    "textcodec": (
        "[Array.from(new TextEncoder().encode('\\xe9')), new TextDecoder().decode(new Uint8Array([239, 187, 191,"
        " 104])), err(function () { new TextDecoder('utf-8', {fatal: true}).decode(new Uint8Array([255])); })]",
        [[195, 169], "h", "TypeError: The encoded data was not valid"],
    ),
    "atob": ("[btoa('hi\\xff'), atob(' aGn/ '), globalThis.atob === atob]", ["aGn/", "hi\xff", True]),
    "bytestring": (
        "[String.bytesFrom('6869', 'hex'), String.bytesFrom('aGk=', 'base64'), '\\xe9'.toUTF8().length,"
        " 'h\\xc3\\xa9'.fromUTF8(), 'h\\u0100'.fromBytes(), 'hi'.toBytes(), String.bytesFrom([104, 105])]",
        ["hi", "hi", 2, "h\xe9", None, "hi", "hi"],
    ),
    "cloudfront": (
        "(function (cf) { return [cf.edgeLocation.region, typeof cf.kvs, typeof cf.updateRequestOrigin,"
        " err(function () { return cf.distributionTenant; })]; })(MODULES.cloudfront())",
        ["us-east-1", "undefined", "undefined", "TypeError: distributionTenant module is not available"],
    ),
    "kvs": (
        "(function (s) { return Promise.all([s.get('k'), s.get('j', {format: 'json'}), s.exists('x'),"
        " s.meta().then(function (m) { return m.keyCount; }), s.get('k', {format: 'bytes'}).then(String, String),"
        " s.get('x').then(String, String)]); })(MODULES.cloudfront().kvs())"
        ".then(function (v) { globalThis.__smoke = v; })",
        ["v", {"a": 1}, False, 2, UNLOADED.format("buffer"), 'KeyNotFound: Key "x" not found'],
    ),
    "origins": (
        "[(cfSelectRequestOriginById('o1'), HOST.originRecords), err(function () {"
        " cfUpdateRequestOrigin({port: 1}); })]",
        [
            [
                {"method": "selectRequestOriginById", "args": {"originId": "o1"}},
                {"method": "updateRequestOrigin", "args": {"port": 1}, "unknownFields": ["port"]},
            ],
            "NO ERROR",  # decisions 33: an unknown field is recorded, not refused
        ],
    ),
    "rawquery": (
        "(function (e) { __cfmock_decorateEvent(e); return e.request.rawQueryString(); })({request: {querystring:"
        " {a: {value: '1'}, b: {value: '', multiValue: [{value: 'x'}, {value: 'y'}]}}}})",
        "a=1&b=x&b=y",
    ),
}
# A hash without its hooks: the paths that need none run, the others name the hook the scan failed to load.
for _algorithm in ("md5", "sha1", "sha256"):
    SMOKE[_algorithm] = (
        f"(function (c, a) {{ return [c.createHash(a).update('abc').copy() !== null,"
        " err(function () { c.createHash(a).digest('hex'); }),"
        " err(function () { c.createHmac(a, 'k').update('00', 'base64'); }),"
        f" err(function () {{ c.createHash(a).digest(); }})]; }})(MODULES.crypto(), '{_algorithm}')",
        {
            runtime: [True, UNLOADED.format("hex"), UNLOADED.format("base64"), UNLOADED.format(answer)]
            for runtime, answer in ((V1, "bytestr"), (V2, "buffer"))
        },
    )


def test_every_fragment_has_a_smoke_call() -> None:
    assert set(SMOKE) == set(TABLE)


@pytest.mark.parametrize("runtime", [V1, V2])
@pytest.mark.parametrize("name", list(TABLE))
def test_each_fragment_runs_with_exactly_its_declared_closure(name: str, runtime: str) -> None:
    smoke, expected = SMOKE[name]
    if name == "kvs":  # its value arrives with the promise
        smoke = "undefined, " + smoke
    if isinstance(expected, dict) and set(expected) == {V1, V2}:
        expected = expected[runtime]
    assert _run(closure(TABLE, name), runtime, smoke) == expected


@pytest.mark.parametrize("runtime", [V1, V2])
@pytest.mark.parametrize("algorithm", ["md5", "sha1", "sha256"])
def test_each_hash_runs_with_its_closure_and_hooks(algorithm: str, runtime: str) -> None:
    assert _run(_with_hooks(algorithm), runtime, _digest_smoke(algorithm)) == _digests(algorithm, runtime)


@pytest.mark.parametrize("runtime", [V1, V2])
def test_the_cloudfront_hooks_run_with_their_closures(runtime: str) -> None:
    loaded = _with_hooks("cloudfront")
    assert {"kvs", "origins", "buffer"} <= set(loaded)
    smoke = (
        "undefined, (function (cf) { cf.selectRequestOriginById('o1'); return cf.kvs().get('k', {format: 'bytes'})"
        ".then(function (b) { return [b.toString('hex'), HOST.originRecords.length]; }); })(MODULES.cloudfront())"
        ".then(function (v) { globalThis.__smoke = v; })"
    )
    assert _run(loaded, runtime, smoke) == ["76", 1]
