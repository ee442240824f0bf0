"""Runtime profiles: what ``cloudfront-js-1.0`` rejects, and how 2.0 ``import`` lines become ``require`` calls.

Both work on real tokens (see :mod:`cfmock.runtime.tokenizer`), so keywords inside strings, template
literals, comments, regular expressions or property names (``obj.let``) are never mistaken for code.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, cast

from . import metering
from .tokenizer import Token, tokenize

RUNTIME_1: Final = "cloudfront-js-1.0"
RUNTIME_2: Final = "cloudfront-js-2.0"
VIEWER_RUNTIMES: Final = (RUNTIME_1, RUNTIME_2)

# Words that runtime 1.0 does not know at all (decisions 26).
_V1_WORDS: Final = frozenset({"const", "let", "class", "import"})
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# After "await", these mean "await" was used as a plain identifier (an ES5 script may do that).
_OPERATOR_WORDS: Final = frozenset({"in", "instanceof", "of"})


def unsupported_token_message(token: str) -> str:
    return f'SyntaxError: Token "{token}" not supported in this version'


@dataclass(frozen=True, slots=True)
class Violation:
    token: str
    start: int

    @property
    def message(self) -> str:
        return unsupported_token_message(self.token)


def _at(tokens: list[Token], i: int) -> Token | None:
    return tokens[i] if 0 <= i < len(tokens) else None


def _is_property_name(tokens: list[Token], i: int) -> bool:
    """``obj.let``, ``obj?.let`` and ``{let: 1}`` / ``{let() {}}`` use the word as a property name."""
    prev = _at(tokens, i - 1)
    if prev is not None and prev.text in (".", "?."):
        return True
    nxt = _at(tokens, i + 1)
    parent = _at(tokens, tokens[i].parent)
    return (
        parent is not None
        and parent.bracket == "object"
        and prev is not None
        and prev.text in ("{", ",")
        and nxt is not None
        and nxt.text in (":", "(")
    )


def _followed_by_arrow(tokens: list[Token], opener: Token) -> bool:
    after = _at(tokens, opener.match + 1) if opener.match >= 0 else None
    return after is not None and after.text == "=>"


def _is_async_function(tokens: list[Token], i: int) -> bool:
    nxt = _at(tokens, i + 1)
    if nxt is None or nxt.nl_before:
        return False
    if nxt.text == "function":
        return True
    after = _at(tokens, i + 2)
    if nxt.kind == "name" and after is not None:
        # "async x => …", or an async method "async name() {…}" inside an object literal or class.
        return after.text == "=>" or (after.text == "(" and _at(tokens, tokens[i].parent) is not None)
    return nxt.text == "(" and _followed_by_arrow(tokens, nxt)


def _is_await_expression(tokens: list[Token], i: int) -> bool:
    nxt = _at(tokens, i + 1)
    if nxt is None or nxt.nl_before:
        return False
    if nxt.kind == "name":
        return nxt.text not in _OPERATOR_WORDS
    return nxt.kind in ("num", "str", "template", "regex")


def _destructuring_opener(tokens: list[Token], i: int) -> bool:
    """``{``/``[`` that opens a binding or assignment pattern."""
    tok = tokens[i]
    prev = _at(tokens, i - 1)
    if prev is not None and prev.kind == "name" and prev.text in ("var", "let", "const"):
        return True
    closer = _at(tokens, tok.match)
    after = _at(tokens, tok.match + 1) if closer is not None else None
    if tok.bracket in ("object", "array") and after is not None and after.text == "=":
        return True  # "[a, b] = pair" or "({a} = obj)"
    parent = _at(tokens, tok.parent)
    if parent is None or prev is None or prev.text not in ("(", ","):
        return False
    if parent.bracket == "params":
        return True
    if parent.bracket == "expr" and _followed_by_arrow(tokens, parent):
        return True
    if parent.bracket == "stmt":
        keyword = _at(tokens, tokens[i].parent - 1)
        return keyword is not None and keyword.text == "catch"
    return False


def _spread_allowed(tokens: list[Token], i: int) -> bool:
    """``...`` is fine as a rest parameter, anything else is spread (or rest in a pattern)."""
    parent = _at(tokens, tokens[i].parent)
    if parent is None:
        return False
    if parent.bracket == "params":
        return True
    return parent.bracket == "expr" and _followed_by_arrow(tokens, parent)


def _is_default_parameter(tokens: list[Token], i: int) -> bool:
    parent = _at(tokens, tokens[i].parent)
    if parent is None:
        return False
    return parent.bracket == "params" or (parent.bracket == "expr" and _followed_by_arrow(tokens, parent))


def _is_for_of(tokens: list[Token], i: int) -> bool:
    parent = _at(tokens, tokens[i].parent)
    keyword = _at(tokens, tokens[i].parent - 1)
    return parent is not None and parent.bracket == "stmt" and keyword is not None and keyword.text == "for"


# Syntax that neither runtime's page lists (decisions 40): reported by its first token.
_UNLISTED_2_0: Final = frozenset({"?.", "??", "||=", "&&=", "??=", "#"})
# What connection functions' ES2020 does not have: logical assignment (ES2021) and private names (ES2022).
_BEYOND_ES2020: Final = frozenset({"||=", "&&=", "??=", "#"})


def find_v1_violation(
    tokens: list[Token], *, words: frozenset[str] = _V1_WORDS, modern: bool = False
) -> Violation | None:
    """The first construct runtime 1.0 does not support, or None. With ``modern`` (runtime 2.0's documented
    syntax), ``const``, ``let``, ``async`` and ``await`` pass. Neither page lists ``?.``, ``??``, logical
    assignment, private names, ``for…of`` or default parameters (decisions 40), so both report them."""
    found: list[Violation] = []
    for i, tok in enumerate(tokens):
        text = tok.text
        if tok.kind == "name":
            if _is_property_name(tokens, i):
                continue
            if (
                text in words
                or (not modern and text == "async" and _is_async_function(tokens, i))
                or (not modern and text == "await" and _is_await_expression(tokens, i))
                or (text == "of" and _is_for_of(tokens, i))
            ):
                found.append(Violation(text, tok.start))
            elif text == "catch":
                nxt = _at(tokens, i + 1)
                if nxt is not None and nxt.text == "{":
                    found.append(Violation("{", nxt.start))
        elif tok.kind == "punct":
            if text == "*":
                prev = _at(tokens, i - 1)
                parent = _at(tokens, tok.parent)
                if prev is not None and (
                    prev.text == "function"
                    or (parent is not None and parent.bracket == "object" and prev.text in ("{", ","))
                ):
                    found.append(Violation("*", tok.start))
            elif text == "...":
                if not _spread_allowed(tokens, i):
                    found.append(Violation("...", tok.start))
            elif (
                (text in ("{", "[") and _destructuring_opener(tokens, i))
                or text in _UNLISTED_2_0
                or (text == "=" and _is_default_parameter(tokens, i))
            ):
                found.append(Violation(text, tok.start))
        if found:
            break  # tokens come in source order, so the first hit is the earliest
    return found[0] if found else None


def find_v2_violation(tokens: list[Token], *, documented: bool = True) -> Violation | None:
    """The first construct runtime 2.0's viewer-function page does not list (decisions 40). Without
    ``documented`` (the relaxed check), only the optional catch binding, reported failing on AWS."""
    if documented:
        return find_v1_violation(tokens, words=frozenset({"class"}), modern=True)
    return find_connection_violation(tokens, beyond=frozenset())


def find_connection_violation(tokens: list[Token], *, beyond: frozenset[str] = _BEYOND_ES2020) -> Violation | None:
    """Connection functions run ES2020 (``?.``, ``??``, BigInt, classes…): the optional catch binding, seen
    failing on 2.0, and syntax of later editions are reported."""
    for i, tok in enumerate(tokens):
        if tok.kind == "name" and tok.text == "catch" and not _is_property_name(tokens, i):
            nxt = _at(tokens, i + 1)
            if nxt is not None and nxt.text == "{":
                return Violation("{", nxt.start)
        elif tok.kind == "punct" and tok.text in beyond:
            return Violation(tok.text, tok.start)
    return None


# ---------------------------------------------------------------------------------------------- imports


@dataclass(frozen=True, slots=True)
class _Import:
    start: int
    end: int
    statements: str


def _parse_import(tokens: list[Token], i: int) -> tuple[_Import, int] | None:
    """Parse ``import … from 'x'`` starting at token ``i``; returns the import and the next token index."""
    j = i + 1
    locals_: list[str] = []  # names bound to the whole module object (default and namespace imports)
    named: list[str] = []  # destructuring entries for named imports
    if _kind(tokens, j) != "str":
        if _kind(tokens, j) == "name":
            locals_.append(tokens[j].text)
            j += 1
            if _peek(tokens, j) == ",":
                j += 1
        if _peek(tokens, j) == "*":
            if _peek(tokens, j + 1) != "as" or _kind(tokens, j + 2) != "name":
                return None
            locals_.append(tokens[j + 2].text)
            j += 3
        elif _peek(tokens, j) == "{":
            j += 1
            while _peek(tokens, j) not in ("}", None):
                if _kind(tokens, j) not in ("name", "str"):
                    return None
                imported = tokens[j].text
                local = imported
                j += 1
                if _peek(tokens, j) == "as":
                    if _kind(tokens, j + 1) != "name":
                        return None
                    local = tokens[j + 1].text
                    j += 2
                if imported == "default":
                    locals_.append(local)  # the modules have no "default" export: it is the module itself
                else:
                    named.append(local if imported == local else f"{imported}: {local}")
                if _peek(tokens, j) == ",":
                    j += 1
            j += 1
        if _peek(tokens, j) != "from":
            return None
        j += 1
    module = _at(tokens, j)
    if module is None or module.kind != "str":
        return None
    j += 1
    end = module.end
    if _peek(tokens, j) == ";":
        end = tokens[j].end
        j += 1
    req = f"require({module.text})"
    parts = [f"const {local} = {req};" for local in locals_]
    if named:
        parts.append("const {" + ", ".join(named) + f"}} = {req};")
    if not parts:
        parts.append(f"{req};")
    return _Import(tokens[i].start, end, " ".join(parts)), j


def _peek(tokens: list[Token], i: int) -> str | None:
    tok = _at(tokens, i)
    return tok.text if tok is not None else None


def _kind(tokens: list[Token], i: int) -> str | None:
    tok = _at(tokens, i)
    return tok.kind if tok is not None else None


def rewrite_imports(src: str, tokens: list[Token]) -> tuple[str, str]:
    """Turn top-level ES ``import`` declarations into ``require`` calls.

    QuickJS runs the function as a script (there is no module loader here), so ``import cf from
    'cloudfront'`` becomes ``const cf = require('cloudfront');``. Imports are hoisted like real ones: the
    generated statements are returned separately, to be put on line 1, and each import is blanked out in
    place with its line breaks kept, so line numbers in error messages stay right.
    """
    imports: list[_Import] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            tok.kind == "name"
            and tok.text == "import"
            and tok.parent == -1
            and _peek(tokens, i - 1) not in (".", "?.")
            and _peek(tokens, i + 1) not in ("(", ".")
        ):
            parsed = _parse_import(tokens, i)
            if parsed is not None:
                imports.append(parsed[0])
                i = parsed[1]
                continue
        i += 1
    if not imports:
        return src, ""
    out: list[str] = []
    last = 0
    for imp in imports:
        out.append(src[last : imp.start])
        out.append("".join(c if c in "\r\n\u2028\u2029" else " " for c in src[imp.start : imp.end]))
        last = imp.end
    out.append(src[last:])
    return "".join(out), " ".join(imp.statements for imp in imports)


# ------------------------------------------------------------------------------------------ preparation


@dataclass(frozen=True, slots=True)
class PreparedSource:
    """User code made ready for QuickJS: cached per (code, runtime), since it does not depend on the event."""

    source: str  # what QuickJS evaluates: strict mode, imports hoisted to line 1, line numbers kept
    syntax_error: str | None  # "SyntaxError: Token … not supported in this version", checked before running
    module_prelude: str  # JS from cfmock.runtime.modules, evaluated after the engine prelude
    metering: str  # JS from cfmock.runtime.metering: the heavy built-ins the code can reach, metered


def _module_prelude(code: str, runtime: str) -> str:
    try:
        modules = importlib.import_module("cfmock.runtime.modules")
    except ModuleNotFoundError as exc:
        # NOTE(lead): cfmock/runtime/modules.py is written concurrently. Until it exists, code that uses no
        # module still runs and require() of any module throws 'Cannot find module "…"'.
        if exc.name != "cfmock.runtime.modules":
            raise
        return ""
    build = cast(Callable[[str, str], str], modules.module_prelude)
    return build(code, runtime)


@functools.lru_cache(maxsize=256)
def prepare(code: str, runtime: str, kind: str = "viewer", relaxed: bool = False) -> PreparedSource:
    """``kind`` is "viewer" or "connection"; ``relaxed`` drops decisions 40's check of 2.0 viewer syntax."""
    code = _LONE_SURROGATE.sub("\ufffd", code)
    tokens = tokenize(code)
    if runtime == RUNTIME_1:
        violation = find_v1_violation(tokens)
    elif kind == "connection":
        violation = find_connection_violation(tokens, beyond=frozenset() if relaxed else _BEYOND_ES2020)
    else:
        violation = find_v2_violation(tokens, documented=not relaxed)
    body, hoisted = (code, "") if runtime == RUNTIME_1 else rewrite_imports(code, tokens)
    # One line, no line break: the user's line numbers stay what they wrote.
    source = f'"use strict"; {hoisted}{body}' if hoisted else f'"use strict";{body}'
    return PreparedSource(
        source=source,
        syntax_error=violation.message if violation is not None else None,
        module_prelude=_module_prelude(code, runtime),
        metering=metering.for_source(code),
    )
