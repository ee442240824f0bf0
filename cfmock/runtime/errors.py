"""Error types and CloudFront's wording of JavaScript errors.

QuickJS and CloudFront's engine word common errors differently; decisions 25 fixes CloudFront's wording, so
the final ``Name: message`` text is rewritten here. QuickJS says only ``not a function`` without naming the
callee, so the callee is recovered from the source line the stack trace points at (best effort).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from .tokenizer import Token, tokenize

ERROR_PREFIX: Final = (
    "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
)
TIMEOUT_MESSAGE: Final = "InternalError: function execution timed out"
OUT_OF_MEMORY_MESSAGE: Final = "InternalError: out of memory"
STACK_OVERFLOW_MESSAGE: Final = "RangeError: Maximum call stack size exceeded"
NOT_A_FUNCTION: Final = "TypeError: not a function"


class InvalidEventError(ValueError):
    """The test event (or connection object) is not acceptable: the caller maps it to ``InvalidArgument``."""


class EngineError(RuntimeError):
    """cfmock's own JavaScript (engine or module prelude) failed: a cfmock bug, never the user's code.

    The caller maps it to ``TestFunctionFailed``.
    """


_REWRITES: Final = (
    (re.compile(r"^TypeError: cannot read property '(.*)' of (undefined|null)$", re.S),
     r'TypeError: cannot get property "\1" of \2'),
    (re.compile(r"^TypeError: cannot set property '(.*)' of (undefined|null)$", re.S),
     r'TypeError: cannot set property "\1" of \2'),
    (re.compile(r"^ReferenceError: '(.*)' is not defined$", re.S), r'ReferenceError: "\1" is not defined'),
    (re.compile(r"^ReferenceError: ([^\s\"']+) is not defined$"), r'ReferenceError: "\1" is not defined'),
    (re.compile(r"^InternalError: string too long$"), OUT_OF_MEMORY_MESSAGE),  # QuickJS-ng's cap on a string
    (re.compile(r"^\[uninitialized\]$"), OUT_OF_MEMORY_MESSAGE),  # no exception recorded: its own allocation failed
    (re.compile(r"^InternalError: stack overflow$"), STACK_OVERFLOW_MESSAGE),
    (re.compile(r"^SyntaxError: unsupported keyword: export$"), "SyntaxError: Illegal export statement"),
)  # fmt: skip


def cloudfront_wording(message: str) -> str:
    """Rewrite a QuickJS ``Name: message`` into CloudFront's wording where they differ."""
    for pattern, replacement in _REWRITES:
        new, count = pattern.subn(replacement, message)
        if count:
            return new
    return message


def split_exception_text(text: str) -> tuple[str, str]:
    """Split the binding's exception text (``Name: message`` + stack lines) into (message, stack)."""
    lines = text.rstrip("\n").split("\n")
    k = len(lines)
    while k > 1 and lines[k - 1].startswith("    at "):
        k -= 1
    if k == len(lines) and k > 1 and lines[-1] == "undefined":
        return "\n".join(lines[:-1]), ""  # a thrown non-Error value has no stack: the binding adds "undefined"
    return "\n".join(lines[:k]), "\n".join(lines[k:])


def may_throw_values(source: str) -> bool:
    """Could the code throw or reject with a value of its choosing (``throw x``, ``reject(x)``,
    ``Promise.reject(x)``)? QuickJS throws a bare ``null`` when it cannot even build its out-of-memory error, and
    code without these can only have got a null that way."""
    return any(tok.kind == "name" and tok.text in ("throw", "reject") for tok in tokenize(source))


_FRAME_LINE_RE: Final = re.compile(r"\(<input>:(\d+)(?::\d+)?\)")
_FRAME_NAME_RE: Final = re.compile(r"^\s*at (\S+) \(<input>\)", re.M)
_RESERVED: Final = frozenset({
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
    "export", "extends", "finally", "for", "function", "if", "import", "in", "instanceof", "let", "new",
    "return", "switch", "throw", "try", "typeof", "var", "void", "while", "with", "yield", "await", "async", "of",
})  # fmt: skip


def _error_line(stack: str, tokens: list[Token]) -> int | None:
    # Only the innermost frame says where the error is: a later frame's line (the engine's own caller)
    # would name the wrong call.
    first = next((line for line in stack.splitlines() if line.strip().startswith("at ")), "")
    m = _FRAME_LINE_RE.search(first)
    if m:
        return int(m.group(1))
    # QuickJS leaves out the line for a function's first statement when it shares the declaration's line.
    m = _FRAME_NAME_RE.search(first)
    if m:
        name = m.group(1)
        for i, tok in enumerate(tokens[:-1]):
            if tok.text == "function" and tokens[i + 1].text == name:
                return tok.line
    return None


def _ends_operand(tok: Token) -> bool:
    if tok.kind == "name":
        return tok.text not in _RESERVED
    if tok.kind == "template":
        return tok.text.endswith("`")
    return tok.kind in ("str", "num") or tok.text in (")", "]")


def _chain_start(tokens: list[Token], j: int) -> int | None:
    """Index of the first token of the member/call chain that ends at token ``j``."""
    while j >= 0:
        tok = tokens[j]
        if tok.text in (")", "]") and tok.match >= 0:
            if tok.bracket == "array":
                return tok.match
            before = tok.match - 1
            if tok.text == ")" and (before < 0 or not _ends_operand(tokens[before])):
                return tok.match  # a parenthesised expression
            j = before
            continue
        if not _ends_operand(tok):
            return None
        if j >= 2 and tokens[j - 1].text in (".", "?."):
            j -= 2
            continue
        return j
    return None


def _render(tokens: list[Token]) -> str:
    out: list[str] = []
    prev: Token | None = None
    for tok in tokens:
        if prev is not None and prev.kind in ("name", "num") and tok.kind in ("name", "num"):
            out.append(" ")
        out.append(tok.text)
        prev = tok
    return "".join(out)


def callee_candidates(source: str, stack: str) -> list[str]:
    """Callee expressions on the failing line, in the order their calls complete (innermost first)."""
    tokens = tokenize(source)
    line = _error_line(stack, tokens)
    if line is None:
        return []
    calls: list[tuple[int, str]] = []
    for i, tok in enumerate(tokens):
        if tok.line != line or tok.text != "(" or tok.bracket != "expr" or i == 0:
            continue
        if not _ends_operand(tokens[i - 1]):
            continue
        start = _chain_start(tokens, i - 1)
        if start is not None:
            calls.append((tok.match if tok.match >= 0 else len(tokens), _render(tokens[start:i])))
    calls.sort()
    seen: list[str] = []
    for _, text in calls:
        if text not in seen:
            seen.append(text)
    return seen


def member_path(expression: str) -> list[str] | None:
    """``a.b[0]["c"]`` as ``["a", "b", "0", "c"]``: a name, then property names; None for anything else.

    The engine reads such a path through property descriptors, so guessing a callee never runs a getter."""
    tokens = tokenize(expression)
    if not tokens or tokens[0].kind != "name" or tokens[0].text in _RESERVED:
        return None
    path, i = [tokens[0].text], 1
    while i < len(tokens):
        tok = tokens[i]
        if tok.text in (".", "?.") and i + 1 < len(tokens) and tokens[i + 1].kind == "name":
            path.append(tokens[i + 1].text)
            i += 2
        elif tok.text == "[" and i + 2 < len(tokens) and tokens[i + 2].text == "]":
            key = _literal_key(tokens[i + 1])
            if key is None:
                return None
            path.append(key)
            i += 3
        else:
            return None
    return path


def _literal_key(tok: Token) -> str | None:
    if tok.kind == "num" and tok.text.isdigit():
        return str(int(tok.text))
    if tok.kind == "str" and "\\" not in tok.text:
        return tok.text[1:-1]
    return None


def name_not_a_function(source: str | None, stack: str, is_function: Callable[[list[str]], list[bool | None]]) -> str:
    """``TypeError: <callee> is not a function`` for QuickJS's anonymous ``TypeError: not a function``.

    ``is_function`` tells, for global-scope expressions, whether they evaluate to a function (None when it
    cannot tell, e.g. for locals); calls known to be fine are skipped.
    """
    if source is None:
        return NOT_A_FUNCTION
    candidates = callee_candidates(source, stack)
    if len(candidates) > 1:
        verdicts = is_function(candidates)
        remaining = [c for c, ok in zip(candidates, verdicts, strict=True) if ok is not True]
        candidates = remaining or candidates
    if not candidates:
        return NOT_A_FUNCTION
    return f"TypeError: {candidates[0]} is not a function"
