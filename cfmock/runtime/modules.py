"""CloudFront runtime modules, written in JavaScript and evaluated inside the QuickJS sandbox.

:func:`module_prelude` returns the JavaScript that the engine evaluates in global scope after its
own prelude and before the user's code. It registers module factories in ``__cfmock_modules``
(``crypto``, ``querystring``, ``cloudfront``), defines the runtime's extra globals (``Buffer``,
``TextEncoder``, ``TextDecoder``, ``atob``, ``btoa`` in 2.0; the byte-string methods of ``String``
in 1.0) and ``__cfmock_decorateEvent`` (``request.rawQueryString()``).

Every run loads the module code into its fresh context: as cached bytecode where
the engine's fast path is available, else compiled from source (about 0.1 ms per KB). Either way
the cost grows with the code, so only the fragments that the code can use are included: the choice
is a cheap substring scan that errs on the side of including. A name passed to a call (a module,
a hash algorithm, an encoding, a KVS format) counts as written only when a plain string literal is
the whole argument (``require('crypto')``, ``digest('hex')``); any other argument (``'sha' + bits``,
``'SHA256'.toLowerCase()``, a variable) may name anything, so everything it could name is included.
The fragments live in ``js/modules/`` and share one closure, so their helpers never leak into the
user's global scope.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable

__all__ = ["RUNTIMES", "fragment_names", "module_prelude"]

RUNTIMES = ("cloudfront-js-1.0", "cloudfront-js-2.0")

# Fragment name -> fragments it needs. Also the evaluation order (dependencies come first).
_FRAGMENTS: dict[str, tuple[str, ...]] = {
    "core": (),
    "bytestr": (),
    "utf8encode": (),
    "utf8decode": (),
    "hex": (),
    "base64": (),
    "buffer": ("core", "utf8encode", "utf8decode", "hex", "base64"),
    "bufferext": ("buffer",),
    "hash": ("core", "utf8encode"),
    "md5": ("hash",),
    "sha1": ("hash",),
    "sha256": ("hash",),
    "querystring": ("core", "utf8encode", "utf8decode"),
    "textcodec": ("core", "utf8encode", "utf8decode"),
    "atob": ("base64",),
    "bytestring": ("core", "bytestr", "utf8encode", "utf8decode", "hex", "base64"),
    "cloudfront": ("core",),
    "kvs": ("cloudfront",),
    "origins": ("cloudfront",),
    "rawquery": (),
}

_ORIGIN_HELPERS = ("updateRequestOrigin", "selectRequestOriginById", "createRequestOriginGroup")
_BYTE_STRING_METHODS = ("bytesFrom", "fromBytes", "fromUTF8", "toBytes", "toUTF8")
_HASH_ALGORITHMS = ("md5", "sha1", "sha256")
_TEXT_DIGESTS = frozenset({"hex", "base64", "base64url"})
# Names of Buffer methods that live in bufferext.js rather than buffer.js.
_BUFFER_EXTRAS = re.compile(r"\b(?:read|write)[A-Z]|\b(?:copy|fill|write|indexOf|lastIndexOf|includes|swap\d\d)\b")

# A string literal with nothing computed in it (no escape, no `${}`)...
_PLAIN_STRING = r"""(['"`])([^'"`\\$\n]*)\1"""
# ...that is the whole argument: the end of the argument follows.
_LITERAL = _PLAIN_STRING + r"\s*[,)]"
# `require(` with anything but a single string literal as its argument: the name cannot be read statically.
_DYNAMIC_REQUIRE = re.compile(r"\brequire\s*\((?!\s*" + _LITERAL + ")")
# `require` or `globalThis` used as a value (`var r = require;`, `var g = globalThis; g[name]`,
# `require.call(…)`, `globalThis [name]`): what it reaches cannot be read statically either.
_ALIASED = re.compile(r"\brequire\b\s*(?:[.;,)\]}=]|$)|\bglobalThis\b(?!\s*\.\s*[A-Za-z_$])", re.M)
# A use of `format` other than a KVS get() format written as a literal "string" or "json".
_DYNAMIC_FORMAT = re.compile(r"""\bformat\b(?!['"]?\s*:\s*(['"`])(?:string|json)\1\s*[,}])""")
# Each use of createHash/createHmac, and the algorithm when a literal is the whole argument.
_HASH_USE = re.compile(r"\bcreateH(?:ash|mac)\b(?:\s*\(\s*" + _LITERAL + ")?")
# Each use of digest, and the encoding when a literal is the whole argument.
_DIGEST_USE = re.compile(r"\bdigest\b(?:\s*\(\s*" + _LITERAL + ")?")
# Each use of a hash's update method (`h.update(…)`, `h.update.call(…)`, `h['update']`), and its `(`.
_UPDATE_USE = re.compile(r"""\.\s*update\b(\s*\()?|(['"`])update\2""")
# One token of a call's arguments: a string literal (a template's ${} may hold only simple code),
# a run of plain characters, or one character.
_ARG_TOKEN = re.compile(
    r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\.|\$(?!\{)|\$\{[^{}`'"/]*\})*`"""
    r"""|[^'"`()[\]{},/]+|.""",
    re.S,
)
# How far _call_arguments() reads: real arguments are short, and this bounds the scan of nested calls.
_MAX_ARG_TOKENS = 200
# A whole argument that is a plain string literal (used with fullmatch).
_LITERAL_ARG = re.compile(_PLAIN_STRING)


def module_prelude(code: str, runtime: str) -> str:
    """Return the JavaScript that provides the runtime's modules and globals that ``code`` may use.

    ``runtime`` is ``cloudfront-js-1.0`` or ``cloudfront-js-2.0``. The result is ``""`` when the code
    needs none of them. Results are cached per set of fragments, so calling this per run is cheap.
    """
    return _assemble(fragment_names(code, runtime))


def fragment_names(code: str, runtime: str) -> tuple[str, ...]:
    """The fragments of ``js/modules/`` that :func:`module_prelude` includes for ``code``, in order."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
    return _closure(_wanted(code, runtime == RUNTIMES[1]))


def _names_module(code: str, name: str) -> bool:
    """Whether ``code`` holds the module name as a whole string literal, as require()/import need it to.

    Bare words are not enough: nearly every function reads ``request.querystring``, and header names such
    as ``cloudfront-viewer-country`` are common; loading a module costs time on every run.
    """
    return f"'{name}'" in code or f'"{name}"' in code or f"`{name}`" in code


def _wanted(code: str, v2: bool) -> set[str]:
    """Scan ``code`` for what it can use. A false positive costs load time, a false negative breaks
    the user's code, so every doubt (a computed module name, a computed global) includes more."""
    dynamic = _DYNAMIC_REQUIRE.search(code) is not None or _ALIASED.search(code) is not None
    wanted: set[str] = set()
    if dynamic or _names_module(code, "crypto"):
        wanted.update(_hash_fragments(code, dynamic))
    if dynamic or _names_module(code, "querystring"):
        wanted.add("querystring")
    if not v2:
        if any(name in code for name in _BYTE_STRING_METHODS):
            wanted.add("bytestring")
        if "hash" in wanted and _digest_may_return_bytes(code):
            wanted.add("bytestr")  # digest() answers a byte string
        return wanted
    if dynamic or "Buffer" in code:
        wanted.add("buffer")
    if dynamic or "TextEncoder" in code or "TextDecoder" in code:
        wanted.add("textcodec")
    if dynamic or "atob" in code or "btoa" in code:
        wanted.add("atob")
    if dynamic or _names_module(code, "cloudfront"):
        wanted.add("cloudfront")
        if dynamic or "kvs" in code:
            wanted.add("kvs")
            if "bytes" in code or _DYNAMIC_FORMAT.search(code):  # format "bytes" answers a Buffer
                wanted.add("buffer")
        if dynamic or any(name in code for name in _ORIGIN_HELPERS):
            wanted.add("origins")
    if "rawQueryString" in code:
        wanted.add("rawquery")
    if "hash" in wanted and _digest_may_return_bytes(code):
        wanted.add("buffer")  # digest() answers a Buffer
    if "buffer" in wanted and (dynamic or _BUFFER_EXTRAS.search(code)):
        wanted.add("bufferext")
    return wanted


def _hash_fragments(code: str, dynamic: bool) -> set[str]:
    """crypto: the algorithms the code names (all unless every use is a literal), and the encoders
    and decoders for the encodings it can name (both unless every digest() and update() names its
    encoding literally, if at all)."""
    names = {"hash"}
    uses = list(_HASH_USE.finditer(code))
    if dynamic or not uses or any(m.group(2) is None for m in uses):
        names.update(_HASH_ALGORITHMS)
    else:
        names.update(m.group(2) for m in uses if m.group(2) in _HASH_ALGORITHMS)
    computed = dynamic or _digest_may_return_bytes(code) or _update_may_name_encoding(code)
    if computed or "hex" in code:
        names.add("hex")
    if computed or "base64" in code:
        names.add("base64")
    return names


def _digest_may_return_bytes(code: str) -> bool:
    """True unless every use of ``digest`` is a call naming a text encoding literally (``digest('hex')``)."""
    return any(m.group(2) not in _TEXT_DIGESTS for m in _DIGEST_USE.finditer(code))


def _update_may_name_encoding(code: str) -> bool:
    """True unless every use of ``update`` is a call whose input encoding, if any, is a literal
    (``update(x)``, ``update(x, 'hex')``): a computed one may be any, so it needs every decoder."""
    for m in _UPDATE_USE.finditer(code):
        args = _call_arguments(code, m.end()) if m.group(1) else None
        if args is None or any(a.startswith("...") for a in args):
            return True
        if len(args) > 1 and not _LITERAL_ARG.fullmatch(args[1]):
            return True
    return False


def _call_arguments(code: str, start: int) -> list[str] | None:
    """The arguments, as written, of the call whose ``(`` ends just before ``start``; None when the
    scan cannot tell (a ``/`` that may start a comment or a regular expression, a template literal
    with nested code in its ``${}``, no closing parenthesis within ``_MAX_ARG_TOKENS`` tokens)."""
    args: list[str] = []
    depth, begin, pos = 0, start, start
    for _ in range(_MAX_ARG_TOKENS):
        if pos >= len(code):
            break
        token = _ARG_TOKEN.match(code, pos)
        if token is None:  # cannot happen: the last alternative matches any character
            return None
        text, pos = token.group(), token.end()
        if text in ("'", '"', "`", "/"):
            return None
        if text in ("(", "[", "{"):
            depth += 1
        elif text in (")", "]", "}"):
            if depth == 0:
                if text != ")":
                    return None
                last = code[begin : pos - 1].strip()
                return [*args, last] if last else args  # `f()` and `f(a, )` have no last argument
            depth -= 1
        elif text == "," and depth == 0:
            args.append(code[begin : pos - 1].strip())
            begin = pos
    return None


def _closure(wanted: Iterable[str]) -> tuple[str, ...]:
    todo = list(wanted)
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(_FRAGMENTS[name])
    return tuple(name for name in _FRAGMENTS if name in found)


@functools.lru_cache(maxsize=256)
def _assemble(fragments: tuple[str, ...]) -> str:
    if not fragments:
        return ""
    body = "\n".join(_source(name) for name in fragments)
    return f'(function () {{\n"use strict";\n{body}\n}})();\n'


@functools.cache
def _source(name: str) -> str:
    if name not in _FRAGMENTS:
        raise KeyError(name)
    resource = importlib.resources.files(__package__ or "cfmock.runtime") / "js" / "modules" / f"{name}.js"
    return resource.read_text(encoding="utf-8")
