"""A small, lenient JavaScript tokenizer.

It exists so that the runtime-1.0 syntax check, the 2.0 ``import`` rewrite and the error-message rewriter can
look at real tokens: words inside strings, template literals, comments and regular expressions are never
mistaken for code. It does not validate anything; malformed input (an unterminated string, say) simply ends
the current token at the end of the source, and QuickJS reports the real syntax error later.

Besides plain tokens it records, for every bracket, what kind of bracket it is (block or object literal,
array literal or member access, parameter list or expression group), because the 1.0 check needs that to
tell destructuring and spread from ordinary code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

TokenKind = Literal["name", "num", "str", "template", "regex", "punct"]
# "template" tokens are the literal pieces of a template: "`...`" whole, or "`...${", "}...${", "}...`".

BracketKind = Literal["block", "object", "array", "member", "params", "stmt", "expr", "subst"]


@dataclass(slots=True)
class Token:
    kind: TokenKind
    text: str
    start: int
    end: int
    line: int  # 1-based line of the token's first character
    nl_before: bool  # a line terminator separates this token from the previous one
    bracket: BracketKind | None = None  # for opening and closing brackets
    match: int = -1  # index of the matching bracket token, -1 if unmatched
    parent: int = -1  # index of the innermost enclosing opening bracket, -1 at top level


@dataclass(slots=True)
class _Open:
    index: int
    kind: BracketKind


@dataclass(slots=True)
class _State:
    tokens: list[Token] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)


_LINE_TERMINATORS: Final = "\n\r\u2028\u2029"
_WS_RE: Final = re.compile(r"[ \t\v\f\u00a0\ufeff\u1680\u2000-\u200a\u202f\u205f\u3000\n\r\u2028\u2029]+")
_NAME_RE: Final = re.compile(
    r"(?:[A-Za-z_$\u0080-\uffff]|\\u\{?[0-9A-Fa-f]+\}?)(?:[\w$\u0080-\uffff]|\\u\{?[0-9A-Fa-f]+\}?)*"
)
_NUM_RE: Final = re.compile(
    r"0[xX][0-9a-fA-F_]*n?|0[oO][0-7_]*n?|0[bB][01_]*n?"
    r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?[\d_]+)?n?"
)
_PUNCTUATORS: Final = (
    ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
    "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=",
    "&=", "|=", "^=", "<<", ">>", "**",
)  # fmt: skip
_SINGLE_PUNCT: Final = frozenset("{}()[];,<>+-*/%&|^!~?:=.@#")

# After these words an expression starts, so "/" opens a regular expression and "{" an object literal.
_EXPR_KEYWORDS: Final = frozenset(
    {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
     "yield", "await", "extends"}
)  # fmt: skip
_STMT_PAREN_KEYWORDS: Final = frozenset({"if", "while", "for", "with", "switch", "catch"})
_BLOCK_AFTER: Final = frozenset({";", "{", "}", "=>"})
_BLOCK_KEYWORDS: Final = frozenset({"else", "do", "try", "finally"})


def _expression_expected(tokens: list[Token]) -> bool:
    """True when the next token starts an expression (so ``/`` is a regex, ``[`` an array literal)."""
    if not tokens:
        return True
    prev = tokens[-1]
    if prev.kind in ("num", "str", "regex"):
        return False
    if prev.kind == "template":
        return not prev.text.endswith("${")
    if prev.kind == "name":
        before = tokens[-2] if len(tokens) > 1 else None
        if before is not None and before.text in (".", "?."):
            return False
        return prev.text in _EXPR_KEYWORDS
    if prev.text == ")":
        return prev.bracket == "stmt"
    if prev.text == "]":
        return False
    if prev.text == "}":
        return prev.bracket == "block"
    return prev.text not in ("++", "--")


def _brace_kind(state: _State) -> BracketKind:
    tokens = state.tokens
    if not tokens:
        return "block"
    prev = tokens[-1]
    if prev.text in _BLOCK_AFTER or prev.text == ")":
        return "block"
    if prev.kind == "name" and prev.text in _BLOCK_KEYWORDS:
        return "block"
    if prev.text == ":":
        # "case x: {" and "label: {" open blocks; "{a: {" opens a nested object literal.
        enclosing = state.stack[-1].kind if state.stack else "block"
        return "object" if enclosing == "object" else "block"
    if prev.kind == "name" and not _expression_expected(tokens):
        return "block"  # e.g. "class A {" or "class A extends B {"
    return "object"


def _paren_kind(tokens: list[Token]) -> BracketKind:
    if not tokens:
        return "expr"
    prev = tokens[-1]
    texts = [t.text for t in tokens[-3:]]
    if prev.kind == "name":
        before = texts[-2] if len(texts) > 1 else None
        if prev.text in _STMT_PAREN_KEYWORDS and before not in (".", "?."):
            return "stmt"
    # "function (", "function f (", "function* (", "function* f (" (and "function *f (").
    if texts[-1:] == ["function"] or texts[-2:] in (["function", "*"],):
        return "params"
    if prev.kind == "name" and (texts[-2:-1] == ["function"] or texts[-3:-1] == ["function", "*"]):
        return "params"
    return "expr"


def _scan_string(src: str, pos: int, quote: str) -> int:
    i = pos + 1
    n = len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == quote:
            return i + 1
        if c in "\n\r":  # unterminated; stop at the line end
            return i
        i += 1
    return n


def _scan_template_part(src: str, pos: int) -> tuple[int, bool]:
    """Scan template characters from ``pos``; returns (end, ends_with_substitution)."""
    i = pos
    n = len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            return i + 1, False
        if c == "$" and i + 1 < n and src[i + 1] == "{":
            return i + 2, True
        i += 1
    return n, False


def _scan_regex(src: str, pos: int) -> int:
    i = pos + 1
    n = len(src)
    in_class = False
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c in _LINE_TERMINATORS:
            return i
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "/":
            i += 1
            m = _NAME_RE.match(src, i)  # flags
            return m.end() if m else i
        i += 1
    return n


def tokenize(src: str) -> list[Token]:
    """Split JavaScript source into tokens (comments and whitespace dropped)."""
    state = _State()
    tokens = state.tokens
    stack = state.stack
    n = len(src)
    pos = 0
    line = 1
    nl_before = False

    def emit(kind: TokenKind, end: int, bracket: BracketKind | None = None) -> Token:
        nonlocal pos, line, nl_before
        text = src[pos:end]
        tok = Token(kind, text, pos, end, line, nl_before, bracket, parent=stack[-1].index if stack else -1)
        tokens.append(tok)
        line += text.count("\n") + text.count("\u2028") + text.count("\u2029") + _lone_cr(text)
        pos = end
        nl_before = False
        return tok

    while pos < n:
        c = src[pos]
        m = _WS_RE.match(src, pos)
        if m:
            text = m.group()
            breaks = text.count("\n") + text.count("\u2028") + text.count("\u2029") + _lone_cr(text)
            if breaks:
                line += breaks
                nl_before = True
            pos = m.end()
            continue
        if c == "/" and src.startswith("//", pos):
            end = pos + 2
            while end < n and src[end] not in _LINE_TERMINATORS:
                end += 1
            pos = end
            continue
        if c == "/" and src.startswith("/*", pos):
            close = src.find("*/", pos + 2)
            end = n if close < 0 else close + 2
            comment = src[pos:end]
            breaks = comment.count("\n") + comment.count("\u2028") + comment.count("\u2029") + _lone_cr(comment)
            if breaks:
                line += breaks
                nl_before = True
            pos = end
            continue
        if c in "'\"":
            emit("str", _scan_string(src, pos, c))
            continue
        if c == "`":
            end, subst = _scan_template_part(src, pos + 1)
            tok = emit("template", end, "subst" if subst else None)
            if subst:
                stack.append(_Open(len(tokens) - 1, "subst"))
            continue
        if c == "}" and stack and stack[-1].kind == "subst":
            opened = stack.pop()
            end, subst = _scan_template_part(src, pos + 1)
            tok = emit("template", end, "subst")
            tok.match = opened.index
            tok.parent = stack[-1].index if stack else -1
            tokens[opened.index].match = len(tokens) - 1
            if subst:
                stack.append(_Open(len(tokens) - 1, "subst"))
            continue
        if c.isdigit() or (c == "." and pos + 1 < n and src[pos + 1].isdigit()):
            m = _NUM_RE.match(src, pos)
            emit("num", m.end() if m else pos + 1)
            continue
        m = _NAME_RE.match(src, pos)
        if m:
            emit("name", m.end())
            continue
        if c == "/" and _expression_expected(tokens):
            emit("regex", _scan_regex(src, pos))
            continue
        if c in "{([":
            if c == "{":
                kind = _brace_kind(state)
            elif c == "(":
                kind = _paren_kind(tokens)
            else:
                kind = "array" if _expression_expected(tokens) else "member"
            emit("punct", pos + 1, kind)
            stack.append(_Open(len(tokens) - 1, kind))
            continue
        if c in "})]":
            opened_tok: _Open | None = stack.pop() if stack else None
            tok = emit("punct", pos + 1, opened_tok.kind if opened_tok else None)
            if opened_tok is not None:
                tok.match = opened_tok.index
                tok.parent = stack[-1].index if stack else -1
                tokens[opened_tok.index].match = len(tokens) - 1
            continue
        for p in _PUNCTUATORS:
            if src.startswith(p, pos):
                if p == "?." and pos + 2 < n and src[pos + 2].isdigit():
                    continue  # "a?.5:b" is a conditional, not optional chaining
                emit("punct", pos + len(p))
                break
        else:
            # Single-character punctuators and anything unknown become one-character tokens.
            emit("punct", pos + 1)
    return tokens


def _lone_cr(text: str) -> int:
    """Count CR characters that are not part of a CRLF pair (each is a line break of its own)."""
    return text.count("\r") - text.count("\r\n")


def significant_names(tokens: list[Token]) -> set[str]:
    """Identifier-like tokens that are not property names after ``.``: a cheap usage probe."""
    out: set[str] = set()
    prev: Token | None = None
    for tok in tokens:
        if tok.kind == "name" and (prev is None or prev.text not in (".", "?.")):
            out.add(tok.text)
        prev = tok
    return out
