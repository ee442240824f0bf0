"""The built-ins every runtime profile keeps: one table, applied to whatever engine runs underneath.

Decision 40: what a runtime accepts is what its documentation lists, whatever the engine could run. The
table below is the ES2020-level surface cfmock has always offered (QuickJS 2021-03-27's built-ins, without
its private extras); runtime.md §3.1–3.3 fix how the profiles differ from it, and the engine prelude applies
those differences (1.0 has no ``Promise.all``/``any``/``race``/``allSettled`` and adds ``MemoryError``; 2.0's
``atob``, ``btoa``, ``Buffer``, ``TextEncoder`` and ``TextDecoder`` come from cfmock's modules, as do 1.0's
byte-string methods). Connection functions use the 2.0 set.

Everything else a newer engine brings (``Array.prototype.at``, ``findLast``, ``Object.hasOwn``,
``structuredClone``, ``Iterator``, ``WeakRef``, ``performance``, native ``atob``, …) is deleted from each
fresh context before any code runs, so using it fails as it would on AWS. The list of deletions is worked out
once per process by comparing a fresh context with this table (:func:`pruning_script`).

Keys name an object: a global, ``X.prototype``, or an intrinsic (``%TypedArray%``); ``@@name`` is the
property keyed by ``Symbol.name``.
"""

from __future__ import annotations

import json
import re
from typing import Final

KEPT: Final[dict[str, str]] = {
    "globalThis": (
        "AggregateError Array ArrayBuffer Atomics BigInt BigInt64Array BigUint64Array Boolean DataView Date "
        "Error EvalError Float32Array Float64Array Function Infinity Int16Array Int32Array Int8Array "
        "InternalError JSON Map Math NaN Number Object Promise Proxy RangeError ReferenceError Reflect RegExp "
        "Set SharedArrayBuffer String Symbol SyntaxError TypeError URIError Uint16Array Uint32Array "
        "Uint8Array Uint8ClampedArray WeakMap WeakSet decodeURI decodeURIComponent encodeURI "
        "encodeURIComponent escape eval globalThis isFinite isNaN parseFloat parseInt undefined unescape"
    ),
    "%AsyncFunction%.prototype": "@@toStringTag constructor",
    "%GeneratorFunction%.prototype": "@@toStringTag constructor prototype",
    "%IteratorPrototype%": "@@iterator",
    "%TypedArray%": "@@species from length name of prototype",
    "%TypedArray%.prototype": (
        "@@iterator @@toStringTag buffer byteLength byteOffset constructor copyWithin entries every fill "
        "filter find findIndex forEach includes indexOf join keys lastIndexOf length map reduce reduceRight "
        "reverse set slice some sort subarray toLocaleString toString values"
    ),
    "AggregateError": "length name prototype",
    "AggregateError.prototype": "constructor message name",
    "Array": "@@species from isArray length name of prototype",
    "Array.prototype": (
        "@@iterator @@unscopables concat constructor copyWithin entries every fill filter find findIndex flat "
        "flatMap forEach includes indexOf join keys lastIndexOf length map pop push reduce reduceRight "
        "reverse shift slice some sort splice toLocaleString toString unshift values"
    ),
    "ArrayBuffer": "@@species isView length name prototype",
    "ArrayBuffer.prototype": "@@toStringTag byteLength constructor slice",
    "Atomics": "@@toStringTag add and compareExchange exchange isLockFree load notify or store sub wait xor",
    "BigInt": "asIntN asUintN length name prototype",
    "BigInt.prototype": "@@toStringTag constructor toString valueOf",
    "BigInt64Array": "BYTES_PER_ELEMENT length name prototype",
    "BigInt64Array.prototype": "BYTES_PER_ELEMENT constructor",
    "BigUint64Array": "BYTES_PER_ELEMENT length name prototype",
    "BigUint64Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Boolean": "length name prototype",
    "Boolean.prototype": "constructor toString valueOf",
    "DataView": "length name prototype",
    "DataView.prototype": (
        "@@toStringTag buffer byteLength byteOffset constructor getBigInt64 getBigUint64 getFloat32 "
        "getFloat64 getInt16 getInt32 getInt8 getUint16 getUint32 getUint8 setBigInt64 setBigUint64 "
        "setFloat32 setFloat64 setInt16 setInt32 setInt8 setUint16 setUint32 setUint8"
    ),
    "Date": "UTC length name now parse prototype",
    "Date.prototype": (
        "@@toPrimitive constructor getDate getDay getFullYear getHours getMilliseconds getMinutes getMonth "
        "getSeconds getTime getTimezoneOffset getUTCDate getUTCDay getUTCFullYear getUTCHours "
        "getUTCMilliseconds getUTCMinutes getUTCMonth getUTCSeconds getYear setDate setFullYear setHours "
        "setMilliseconds setMinutes setMonth setSeconds setTime setUTCDate setUTCFullYear setUTCHours "
        "setUTCMilliseconds setUTCMinutes setUTCMonth setUTCSeconds setYear toDateString toGMTString "
        "toISOString toJSON toLocaleDateString toLocaleString toLocaleTimeString toString toTimeString "
        "toUTCString valueOf"
    ),
    "Error": "length name prototype",
    "Error.prototype": "constructor message name stack toString",  # QuickJS-ng: stack is an accessor here
    "EvalError": "length name prototype",
    "EvalError.prototype": "constructor message name",
    "Float32Array": "BYTES_PER_ELEMENT length name prototype",
    "Float32Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Float64Array": "BYTES_PER_ELEMENT length name prototype",
    "Float64Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Function": "length name prototype",
    "Int16Array": "BYTES_PER_ELEMENT length name prototype",
    "Int16Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Int32Array": "BYTES_PER_ELEMENT length name prototype",
    "Int32Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Int8Array": "BYTES_PER_ELEMENT length name prototype",
    "Int8Array.prototype": "BYTES_PER_ELEMENT constructor",
    "InternalError": "length name prototype",
    "InternalError.prototype": "constructor message name",
    "JSON": "@@toStringTag parse stringify",
    "Map": "@@species length name prototype",
    "Map.prototype": "@@iterator @@toStringTag clear constructor delete entries forEach get has keys set size values",
    "Math": (
        "@@toStringTag E LN10 LN2 LOG10E LOG2E PI SQRT1_2 SQRT2 abs acos acosh asin asinh atan atan2 atanh "
        "cbrt ceil clz32 cos cosh exp expm1 floor fround hypot imul log log10 log1p log2 max min pow random "
        "round sign sin sinh sqrt tan tanh trunc"
    ),
    "Number": (
        "EPSILON MAX_SAFE_INTEGER MAX_VALUE MIN_SAFE_INTEGER MIN_VALUE NEGATIVE_INFINITY NaN "
        "POSITIVE_INFINITY isFinite isInteger isNaN isSafeInteger length name parseFloat parseInt prototype"
    ),
    "Number.prototype": "constructor toExponential toFixed toLocaleString toPrecision toString valueOf",
    "Object": (
        "assign create defineProperties defineProperty entries freeze fromEntries getOwnPropertyDescriptor "
        "getOwnPropertyDescriptors getOwnPropertyNames getOwnPropertySymbols getPrototypeOf is isExtensible "
        "isFrozen isSealed keys length name preventExtensions prototype seal setPrototypeOf values"
    ),
    "Object.prototype": (
        "__defineGetter__ __defineSetter__ __lookupGetter__ __lookupSetter__ __proto__ constructor "
        "hasOwnProperty isPrototypeOf propertyIsEnumerable toLocaleString toString valueOf"
    ),
    "Promise": "@@species all allSettled any length name prototype race reject resolve",
    "Promise.prototype": "@@toStringTag catch constructor finally then",
    "Proxy": "length name revocable",
    "RangeError": "length name prototype",
    "RangeError.prototype": "constructor message name",
    "ReferenceError": "length name prototype",
    "ReferenceError.prototype": "constructor message name",
    "Reflect": (
        "@@toStringTag apply construct defineProperty deleteProperty get getOwnPropertyDescriptor "
        "getPrototypeOf has isExtensible ownKeys preventExtensions set setPrototypeOf"
    ),
    "RegExp": "@@species length name prototype",
    "RegExp.prototype": (
        "@@match @@matchAll @@replace @@search @@split compile constructor dotAll exec flags global "
        "ignoreCase multiline source sticky test toString unicode"
    ),
    "Set": "@@species length name prototype",
    "Set.prototype": "@@iterator @@toStringTag add clear constructor delete entries forEach has keys size values",
    "SharedArrayBuffer": "@@species length name prototype",
    "SharedArrayBuffer.prototype": "@@toStringTag byteLength constructor slice",
    "String": "fromCharCode fromCodePoint length name prototype raw",
    "String.prototype": (
        "@@iterator anchor big blink bold charAt charCodeAt codePointAt concat constructor endsWith fixed "
        "fontcolor fontsize includes indexOf italics lastIndexOf length link localeCompare match matchAll "
        "normalize padEnd padStart repeat replace replaceAll search slice small split startsWith strike sub "
        "substr substring sup toLocaleLowerCase toLocaleUpperCase toLowerCase toString toUpperCase trim "
        "trimEnd trimLeft trimRight trimStart valueOf"
    ),
    "Symbol": (
        "asyncIterator for hasInstance isConcatSpreadable iterator keyFor length match matchAll name "
        "prototype replace search species split toPrimitive toStringTag unscopables"
    ),
    "Symbol.prototype": "@@toPrimitive @@toStringTag constructor description toString valueOf",
    "SyntaxError": "length name prototype",
    "SyntaxError.prototype": "constructor message name",
    "TypeError": "length name prototype",
    "TypeError.prototype": "constructor message name",
    "URIError": "length name prototype",
    "URIError.prototype": "constructor message name",
    "Uint16Array": "BYTES_PER_ELEMENT length name prototype",
    "Uint16Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Uint32Array": "BYTES_PER_ELEMENT length name prototype",
    "Uint32Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Uint8Array": "BYTES_PER_ELEMENT length name prototype",
    "Uint8Array.prototype": "BYTES_PER_ELEMENT constructor",
    "Uint8ClampedArray": "BYTES_PER_ELEMENT length name prototype",
    "Uint8ClampedArray.prototype": "BYTES_PER_ELEMENT constructor",
    "WeakMap": "length name prototype",
    "WeakMap.prototype": "@@toStringTag constructor delete get has set",
    "WeakSet": "length name prototype",
    "WeakSet.prototype": "@@toStringTag add constructor delete has",
    "decodeURI": "length name",
    "decodeURIComponent": "length name",
    "encodeURI": "length name",
    "encodeURIComponent": "length name",
    "escape": "length name",
    "eval": "length name",
    "isFinite": "length name",
    "isNaN": "length name",
    "parseFloat": "length name",
    "parseInt": "length name",
    "unescape": "length name",
}  # fmt: skip

# The intrinsics the table names that no global reaches directly (for the survey).
INTRINSICS_JS: Final = (
    "var TA = Object.getPrototypeOf(Int8Array), I = {"
    '"%TypedArray%": TA, "%TypedArray%.prototype": TA.prototype,'
    ' "%IteratorPrototype%": Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),'
    ' "%AsyncFunction%.prototype": Object.getPrototypeOf(async function () {}),'
    ' "%GeneratorFunction%.prototype": Object.getPrototypeOf(function* () {})};'
    "function at(path) { if (path in I) return I[path]; var o = globalThis;"
    ' path.split(".").forEach(function (p) { o = o === undefined || o === null ? undefined : o[p]; }); return o; }'
)

# Lists the keys of every object of the table that exists in this engine, as JSON {path: [key, …]}.
SURVEY_JS: Final = (
    "(function (paths) { " + INTRINSICS_JS + " var out = {};"
    " paths.forEach(function (p) { var o = at(p);"
    " if (o === null || (typeof o !== 'object' && typeof o !== 'function')) return;"
    " out[p] = Object.getOwnPropertyNames(o).concat(Object.getOwnPropertySymbols(o).map(function (s) {"
    ' return "@@" + String(s.description).replace("Symbol.", ""); })); }); return JSON.stringify(out); })'
)


def kept(path: str) -> frozenset[str]:
    return frozenset(KEPT.get(path, "").split())


def removals(survey: dict[str, list[str]]) -> list[tuple[str, str]]:
    """``(object path, key)`` pairs present in the engine but not in the table; symbol keys first, so that a
    well-known symbol is still reachable when the properties keyed by it go."""
    found = [(path, key) for path, keys in survey.items() for key in keys if key not in kept(path)]
    return sorted(found, key=lambda item: (not item[1].startswith("@@"), item[0] == "Symbol", item))


_INTRINSIC_EXPRESSIONS: Final = {
    "%TypedArray%": "TA",
    "%TypedArray%.prototype": "TA.prototype",
    "%IteratorPrototype%": "IP",
    "%AsyncFunction%.prototype": "Object.getPrototypeOf(async function () {})",
    "%GeneratorFunction%.prototype": "Object.getPrototypeOf(function* () {})",
}
_IDENTIFIER: Final = re.compile(r"^[A-Za-z_$][\w$]*$")


def _member(key: str) -> str:
    if key.startswith("@@"):
        return f"[Symbol[{json.dumps(key[2:])}]]"
    return f".{key}" if _IDENTIFIER.match(key) else f"[{json.dumps(key)}]"


def pruning_script(survey: dict[str, list[str]]) -> str:
    """JavaScript (a function body, run first in every context, not in strict mode: what cannot be deleted,
    such as the well-known symbols, stays) deleting everything the table leaves out. Plain ``delete``
    statements: resolving paths at run time cost a millisecond per run. Each object is looked up once, into
    ``o``: a quarter cheaper than walking its path from ``globalThis`` for every key."""
    lines = [
        "var G = globalThis, TA = Object.getPrototypeOf(Int8Array),"
        " IP = Object.getPrototypeOf(Object.getPrototypeOf([].keys())), o;"
    ]
    target = None
    for path, key in removals(survey):
        # removals() lists symbol keys first, so an object can come round twice; "o =" costs little.
        wanted = _INTRINSIC_EXPRESSIONS.get(path) or "G" + "".join(_member(p) for p in path.split("."))
        if wanted != target:
            lines.append(f"o = {wanted};")
            target = wanted
        lines.append(f"delete o{_member(key)};")
    return "\n".join(lines)
