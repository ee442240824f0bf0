"""Where in the user's own file an error is: :class:`ErrorLocation`, worked out from the engine's stack trace.

QuickJS names every script it runs ``<input>`` (cfmock's prelude and module code as well as the user's code),
counts columns in UTF-8 bytes, counts lines its own way (:func:`_engine_lines`), and sees the user's line 1
behind cfmock's ``"use strict";`` (and the hoisted imports). Here a frame is mapped back to an offset in what
QuickJS ran, then to the user's file: the line as JavaScript counts it, the column in code points of that
line, nothing cfmock adds counted. A frame belongs to the user's code when its position lies
in the user's source and its function is the user's: frames of functions that only cfmock's scripts define
(``createHash``, a metered ``indexOf`` wrapper, ``require``…) are skipped, so an error thrown inside cfmock's
modules points at the user's call. The error message itself (``FunctionErrorMessage``) never carries the
location: CloudFront's has none (decisions 24, 25).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from cfmock.results import ErrorLocation  # defined with the results that carry it

from .tokenizer import Token, tokenize

__all__ = ["ErrorLocation", "excerpt", "locate", "location_at"]


_LINE_BREAK: Final = re.compile("\r\n|[\r\n\u2028\u2029]")
# "    at name (<input>:3:5)", or a compile error's "    at <input>:3:5" (no function).
_FRAME: Final = re.compile(
    r"^\s*at (?:(?P<name>.+?) \((?P<file>[^()]*):(?P<line>\d+):(?P<col>\d+)\)|(?P<file2>[^()\s]+):(?P<line2>\d+)"
    r":(?P<col2>\d+))\s*$"
)
_ENGINE_FILE: Final = "<input>"
_TOP_LEVEL: Final = "<eval>"
_ANONYMOUS: Final = "<anonymous>"
_NOT_METHODS: Final = frozenset({"if", "for", "while", "switch", "catch", "with", "function", "return", "typeof"})


def _lines(text: str) -> list[str]:
    return _LINE_BREAK.split(text)


def location_at(code: str, offset: int) -> ErrorLocation:
    """The location of character ``offset`` of ``code`` (cfmock's own syntax check reports offsets)."""
    offset = max(0, min(offset, len(code)))
    before = _lines(code[:offset])
    if code[offset - 1 : offset + 1] == "\r\n":  # an offset on the LF of a CRLF is still on the CR's line
        before = _lines(code[: offset - 1])
        before[-1] += "\r"
    return ErrorLocation(len(before), len(before[-1]) + 1)


@dataclass(frozen=True)
class _Frame:
    name: str | None  # None: a compile error's position, which names no function
    line: int
    byte_column: int


def _frames(stack: str) -> list[_Frame]:
    frames: list[_Frame] = []
    for text in stack.splitlines():
        m = _FRAME.match(text)
        if m is None:
            continue
        if m.group("name") is not None:
            if m.group("file") == _ENGINE_FILE:
                frames.append(_Frame(m.group("name"), int(m.group("line")), int(m.group("col"))))
        elif m.group("file2") == _ENGINE_FILE:
            frames.append(_Frame(None, int(m.group("line2")), int(m.group("col2"))))
        else:
            frames.append(_Frame("", 0, 0))  # a frame in another file: never the user's
    return frames


@functools.lru_cache(maxsize=64)
def _declared_names(script: str) -> frozenset[str]:
    """The names QuickJS shows in stack frames for the functions ``script`` defines (a close approximation:
    ``function f``, ``f = function``/arrow, ``f: function``, methods ``f() {`` (as metering.js's wrappers of
    built-ins are written), ``<anonymous>``), plus the words of ``meter(target, "indexOf join …")`` calls."""
    tokens = _tokens(script)
    names: set[str] = set()
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind == "name" and tok.text == "function":
            after = tokens[i + 2] if nxt is not None and nxt.text == "*" and i + 2 < len(tokens) else nxt
            prev = tokens[i - 1] if i else None
            if after is not None and after.kind == "name":
                names.add(after.text)
            elif prev is not None and prev.text in ("=", ":") and _binds_a_name(tokens, i - 2):
                names.add(tokens[i - 2].text)
            else:
                names.add(_ANONYMOUS)
        elif tok.text == "=>":
            names.add(_ANONYMOUS)  # named or not, both kinds may show; the name is caught below
        elif nxt is not None and nxt.text in ("=", ":") and _binds_a_name(tokens, i) and _starts_arrow(tokens, i + 2):
            names.add(tok.text)
        elif tok.kind == "name" and tok.text == "meter" and nxt is not None and nxt.text == "(" and nxt.match > 0:
            for inner in tokens[i + 2 : nxt.match]:
                if inner.kind == "str":
                    names.update(inner.text[1:-1].split())
        elif tok.kind == "name" and nxt is not None and nxt.text == "(" and tok.text not in _NOT_METHODS:
            close = tokens[nxt.match] if nxt.match >= 0 else None
            after = tokens[nxt.match + 1] if close is not None and nxt.match + 1 < len(tokens) else None
            if after is not None and after.text == "{":
                names.add(tok.text)
                prev = tokens[i - 1] if i else None
                if prev is not None and prev.text in ("get", "set"):
                    names.add(f"{prev.text} {tok.text}")
    return frozenset(names)


def _binds_a_name(tokens: Sequence[Token], i: int) -> bool:
    """Is token ``i`` a name that a function assigned to it takes (``f = …``, ``f: …``)? ``o.f = function`` and
    ``o.f = () =>`` stay anonymous in QuickJS's frames, as the language defines."""
    return i >= 0 and tokens[i].kind == "name" and not (i >= 1 and tokens[i - 1].text in (".", "?."))


def _starts_arrow(tokens: Sequence[Token], i: int) -> bool:
    """Does an arrow function (``x =>``, ``(a, b) =>``, ``async …``) start at token ``i``?"""
    if i < len(tokens) and tokens[i].text == "async":
        i += 1
    if i + 1 >= len(tokens):
        return False
    tok = tokens[i]
    if tok.kind == "name":
        return tokens[i + 1].text == "=>"
    return tok.text == "(" and 0 <= tok.match < len(tokens) - 1 and tokens[tok.match + 1].text == "=>"


@functools.lru_cache(maxsize=64)
def _tokens(script: str) -> tuple[Token, ...]:
    return tuple(tokenize(script))


_BLOCK_COMMENT: Final = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_LINE_COMMENT: Final = re.compile(r"//[^\n\r\u2028\u2029]*")


@functools.lru_cache(maxsize=64)
def _engine_lines(script: str) -> tuple[tuple[int, int], ...]:
    """Where QuickJS-ng restarts its column count, as (its line number, character offset), in order.

    It counts lines differently from JavaScript in places: a CR alone inside a block comment restarts the
    column but not the line, and U+2028/U+2029 count only between tokens (not in comments, strings or
    templates, nor when they end a ``//`` comment); LF and CRLF count everywhere."""
    starts = [(1, 0)]
    line = 1

    def restart(offset: int, new_line: bool) -> None:
        nonlocal line
        line += new_line
        starts.append((line, offset))

    def breaks(text: str, base: int, separators: bool, lone_cr_counts: bool = True) -> None:
        for m in re.finditer("\r\n|[\r\n\u2028\u2029]", text):
            kind = m.group()
            if kind in "\u2028\u2029" and not separators:
                continue
            restart(base + m.end(), kind != "\r" or lone_cr_counts)

    pos = 0
    for tok in (*_tokens(script), None):
        gap_end = len(script) if tok is None else tok.start
        while pos < gap_end:  # whitespace and comments between tokens
            comment = _BLOCK_COMMENT.match(script, pos, gap_end) or _LINE_COMMENT.match(script, pos, gap_end)
            if comment is None:
                stop = pos + 1 + (script[pos : pos + 2] == "\r\n")
                breaks(script[pos:stop], pos, separators=True)
                pos = stop
            elif comment.group().startswith("/*"):
                breaks(comment.group(), pos, separators=False, lone_cr_counts=False)
                pos = comment.end()
            else:
                pos = comment.end()
                if script[pos : pos + 1] in ("\u2028", "\u2029"):
                    pos += 1  # the separator ends the comment uncounted
        if tok is None:
            break
        if tok.kind in ("str", "template"):
            breaks(tok.text, tok.start, separators=False)
        pos = max(pos, tok.end)
    return tuple(starts)


def _engine_offset(script: str, line: int, byte_column: int) -> int | None:
    """The character offset in ``script`` of QuickJS's (line, 1-based UTF-8 byte column); None if none."""
    starts = _engine_lines(script)
    found = None
    for k, (at_line, start) in enumerate(starts):
        if at_line != line:
            continue
        end = starts[k + 1][1] if k + 1 < len(starts) else len(script)
        raw = script[start:end].encode("utf-8", "surrogatepass")
        if 1 <= byte_column <= len(raw) + 1:
            found = start + len(raw[: byte_column - 1].decode("utf-8", "ignore"))
    return found


def _within(script: str, line: int, byte_column: int) -> bool:
    return _engine_offset(script, line, byte_column) is not None


def _is_users(frame: _Frame, source: str, own_scripts: Sequence[str]) -> bool:
    if frame.name == _TOP_LEVEL:
        return _within(source, frame.line, frame.byte_column)  # cfmock's scripts have all ended by then
    if not frame.name or not _within(source, frame.line, frame.byte_column):
        return False
    if frame.name in _declared_names(source):
        return True
    return not any(
        frame.name in _declared_names(script) and _within(script, frame.line, frame.byte_column)
        for script in own_scripts
        if script
    )


def locate(stack: str, source: str, code: str, own_scripts: Sequence[str] = ()) -> ErrorLocation | None:
    """The user's location of an error from the engine's ``stack``; None when no frame is the user's.

    ``source`` is what QuickJS ran (``code`` behind cfmock's prefix on line 1, same lines), ``code`` the
    user's file as given, ``own_scripts`` cfmock's scripts that ran in the same context (their frames are
    skipped). A stack holding only a position (``at <input>:3:5``) is a compile error of ``source``."""
    frames = _frames(stack)
    chosen: _Frame | None
    if len(frames) == 1 and frames[0].name is None:
        chosen = frames[0]
    else:
        chosen = next((f for f in frames if f.name is not None and _is_users(f, source, own_scripts)), None)
    if chosen is None:
        return None
    return _user_position(source, code, chosen.line, chosen.byte_column, runtime=chosen.name is not None)


# QuickJS-ng counts some runtime positions on its first line from 0 (calls: ``o.f()`` lands on the ``.``,
# ``f(x)`` on the character before ``f``), and never places one on these characters, which only precede an
# operand; syntax errors are counted from 1 there too.
_BEFORE_AN_OPERAND: Final = frozenset(" \t\v\f\u00a0\ufeff.;,=")


def _user_position(source: str, code: str, line: int, byte_column: int, *, runtime: bool) -> ErrorLocation | None:
    offset = _engine_offset(source, line, byte_column)
    if offset is None:
        return None
    if runtime and line == 1 and source[offset : offset + 1] in _BEFORE_AN_OPERAND and offset + 1 < len(source):
        offset += 1
    prefix = len(source) - len(code)  # what cfmock put before the code, all on line 1
    if offset < prefix:  # in the hoisted imports: point at the import of that module
        return _import_location(source[:prefix], offset, code)
    return location_at(code, offset - prefix)


_REQUIRE: Final = re.compile(r"""require\((?P<lit>'[^']*'|"[^"]*")\)""")


def _import_location(prefix: str, offset: int, code: str) -> ErrorLocation | None:
    for m in _REQUIRE.finditer(prefix):
        if m.start() - 1 <= offset <= m.end():  # QuickJS may count line 1 from 0 here
            for imp in re.finditer(r"\bimport\b[^;]*?" + re.escape(m.group("lit")), code):
                return location_at(code, imp.start())
    return None


def excerpt(code: str, location: ErrorLocation, indent: str = "") -> str:
    """The location's line of ``code`` with a caret under its column, numbered as an editor shows it::

        3 |   return event.request.headers.host.value;
          |                                     ^

    Tabs are kept in the caret line and wide (East Asian) characters count two cells, so the caret lines up
    in a terminal."""
    lines = _lines(code)
    if not 1 <= location.line <= len(lines):
        return ""
    text = lines[location.line - 1]
    pad = "".join(
        "\t" if ch == "\t" else "  " if unicodedata.east_asian_width(ch) in ("W", "F") else " "
        for ch in text[: location.column - 1]
    )
    number = str(location.line)
    gutter = " " * len(number)
    return f"{indent}{number} | {text}\n{indent}{gutter} | {pad}^"
