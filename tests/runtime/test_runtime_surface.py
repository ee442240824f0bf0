"""Feature probes per runtime profile (decisions 40, runtime.md §3.1–3.3): every built-in the table keeps is
there, everything the engine adds beyond it is absent, and the clock stays frozen (decisions 27)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cfmock.runtime import ERROR_PREFIX, run_connection_function, run_viewer_function, surface

EVENT: dict[str, Any] = {"request": {"method": "GET", "uri": "/", "headers": {}}}
CONNECTION = {"connectionId": "c1", "clientIp": "203.0.113.9", "serverIp": "198.51.100.1"}
V1, V2 = "cloudfront-js-1.0", "cloudfront-js-2.0"
# runtime.md: what each profile changes relative to the table (the rest of the table is common).
NOT_IN_1_0 = {"Promise": {"all", "any", "race", "allSettled"}}
ONLY_IN_1_0 = {"globalThis": {"MemoryError"}}
ONLY_IN_2_0 = {"globalThis": {"Buffer", "TextEncoder", "TextDecoder", "atob", "btoa"}}
NEWER = [
    "[].at", "[].findLast", "[].findLastIndex", "[].toSorted", "[].toReversed", "[].with", "''.at",
    "''.isWellFormed", "Object.hasOwn", "Object.groupBy", "Array.fromAsync", "Promise.withResolvers",
    "Promise.try", "RegExp.escape", "Math.sumPrecise", "Error.captureStackTrace", "Iterator", "WeakRef",
    "FinalizationRegistry", "structuredClone", "performance", "queueMicrotask", "DisposableStack",
    "SuppressedError", "Float16Array", "new Set().union", "new Map().getOrInsert", "Uint8Array.fromBase64",
    "new ArrayBuffer(1).resize", "[].values().map", "JSON.rawJSON",
]  # fmt: skip

# Lists, for every object of the table, which of its kept keys exist (as JSON {path: [missing keys]}).
PROBE = """function handler(event) {
  var paths = %s, missing = {};
  var TA = Object.getPrototypeOf(Int8Array), I = {"%%TypedArray%%": TA, "%%TypedArray%%.prototype": TA.prototype,
    "%%IteratorPrototype%%": Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))};
  Object.keys(paths).forEach(function (p) {
    var o = I[p];
    if (o === undefined) { o = globalThis; p.split(".").forEach(function (k) { o = o == null ? o : o[k]; }); }
    missing[p] = paths[p].filter(function (k) {
      if (o == null) return true;
      var key = k.slice(0, 2) === "@@" ? Symbol[k.slice(2)] : k;
      return !Object.getOwnPropertyDescriptor(o, key);
    });
  });
  console.log(JSON.stringify(missing));
  return event.request;
}"""


def _kept(runtime: str) -> dict[str, list[str]]:
    # The async and generator function prototypes are reachable only through syntax the profiles reject.
    kept = {path: sorted(surface.kept(path)) for path in surface.KEPT if "Function%" not in path}
    if runtime == V1:
        kept["Promise"] = [k for k in kept["Promise"] if k not in NOT_IN_1_0["Promise"]]
    return kept


@pytest.mark.parametrize("runtime", [V1, V2])
def test_every_listed_built_in_is_present(runtime: str) -> None:
    code = PROBE % json.dumps(_kept(runtime))
    result = run_viewer_function(code, EVENT, runtime=runtime)
    assert result.error_message == ""
    missing = {path: keys for path, keys in json.loads(result.logs[0]).items() if keys}
    assert missing == {}


@pytest.mark.parametrize("runtime", [V1, V2])
@pytest.mark.parametrize("expression", NEWER)
def test_built_ins_the_engine_adds_are_absent(runtime: str, expression: str) -> None:
    code = f"function handler(event) {{ console.log(String(typeof {expression})); return event.request; }}"
    if expression == "[].values().map":
        code = code.replace("typeof [].values().map", "typeof Object.getPrototypeOf([].values()).map")
    result = run_viewer_function(code, EVENT, runtime=runtime)
    assert result.logs == ("undefined",), expression


def test_profile_differences() -> None:
    probe = "function handler(e) {{ console.log([{}].join()); return e.request; }}"
    names = ["MemoryError", "atob", "btoa", "Buffer", "TextEncoder", "TextDecoder", "Promise.all", "Promise.any"]
    code = probe.format(", ".join(f"typeof {n}" for n in names))
    one = run_viewer_function(code, EVENT, runtime=V1).logs[0].split(",")
    two = run_viewer_function(code, EVENT, runtime=V2).logs[0].split(",")
    assert dict(zip(names, one, strict=True)) == {"MemoryError": "function", "atob": "undefined", "btoa": "undefined",
        "Buffer": "undefined", "TextEncoder": "undefined", "TextDecoder": "undefined", "Promise.all": "undefined",
        "Promise.any": "undefined"}  # fmt: skip
    assert set(two[1:]) == {"function"} and two[0] == "undefined"


# Besides the table's globals and the profile's own: console and require, and the two hidden globals of the
# modules contract (js/prelude.js).
CFMOCK_GLOBALS = {"console", "require", "__cfmock_host", "__cfmock_modules"}


@pytest.mark.parametrize("runtime", [V1, V2])
def test_the_global_object_holds_nothing_the_table_does_not_list(runtime: str) -> None:
    # Whatever else the engine puts on the global object (QuickJS's extras, timers a build may add) is pruned.
    code = (
        "function handler(event) { console.log(JSON.stringify(Object.getOwnPropertyNames(globalThis).concat("
        "Object.getOwnPropertySymbols(globalThis).map(String)))); return event.request; }"
    )
    names = set(json.loads(run_viewer_function(code, EVENT, runtime=runtime).logs[0]))
    profile = ONLY_IN_1_0 if runtime == V1 else ONLY_IN_2_0
    assert names == surface.kept("globalThis") | profile["globalThis"] | CFMOCK_GLOBALS | {"handler"}


def test_connection_functions_see_the_2_0_surface() -> None:
    code = "function connectionHandler(c) { c.logCustomData([typeof [].at, typeof Buffer, typeof WeakRef].join()); }"
    result = run_connection_function(code, CONNECTION)
    assert json.loads(result.output)["customData"] == "undefined,function,undefined"


@pytest.mark.parametrize("runtime", [V1, V2])
def test_the_clock_stays_frozen(runtime: str) -> None:
    code = """function handler(event) {
      var t = Date.now(), s = 0;
      for (var i = 0; i < 200000; i++) s += i;
      console.log(String(Date.now() - t) + " " + String(new Date().getTime() - t) + " " + typeof performance);
      return event.request;
    }"""
    assert run_viewer_function(code, EVENT, runtime=runtime).logs == ("0 0 undefined",)


def test_unknown_built_ins_fail_as_on_aws() -> None:
    result = run_viewer_function("function handler(e) { return [e.request].at(0); }", EVENT)
    assert result.error_message.startswith(ERROR_PREFIX + "TypeError")
