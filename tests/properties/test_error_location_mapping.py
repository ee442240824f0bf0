"""Error locations (cfmock/runtime/locations.py) for code of any shape: whatever lines, line terminators, tabs
and characters (astral ones, lone surrogates, wide ones) come before the error, the location is the position
``str`` indexing gives in the user's own text, for a syntax error and for a runtime error, on line 1 too."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from cfmock.runtime import ErrorLocation, run_viewer_function

EVENT = json.dumps({"request": {"method": "GET", "uri": "/", "headers": {}}})
# Text of a comment or a literal: any character (lone surrogates included) but line terminators, quotes,
# backslashes, "$", "*" and "/".
TEXT = st.text(
    st.characters(blacklist_characters="\n\r\u2028\u2029\"'`$\\*/", blacklist_categories=("Cc",)), max_size=12
)
BREAK = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\u2029"])
PAD = st.text(st.sampled_from(" \t"), max_size=4)


def expect(code: str, offset: int) -> ErrorLocation:
    line, column = 1, 1
    i = 0
    while i < offset:
        if code[i] == "\r" and code[i + 1 : i + 2] == "\n":
            i += 1
        if code[i] in "\n\r\u2028\u2029":
            line, column = line + 1, 1
        else:
            column += 1
        i += 1
    return ErrorLocation(line, column)


@st.composite
def code_with_error(draw: st.DrawFn) -> tuple[str, int]:
    """Code with filler before the failing statement; the offset of the token the error must point at."""
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["line-comment", "block-comment", "string", "separator-in-string", "template"]))
        text, brk = draw(TEXT), draw(BREAK)
        if kind == "line-comment":
            parts.append(f"// {text}{brk}")
        elif kind == "block-comment":
            parts.append(f"/* {text}{brk}{draw(TEXT)} */{draw(PAD)}")
        elif kind == "string":
            parts.append(f'var s{len(parts)} = "{text}";{brk}')
        elif kind == "separator-in-string":  # U+2028/U+2029 may stand in a string literal (ES2019)
            separator = draw(st.sampled_from(["\u2028", "\u2029"]))
            parts.append(f'var s{len(parts)} = "{text}{separator}";{brk}')
        else:
            parts.append(f"var t{len(parts)} = `{text}{brk}{draw(TEXT)}`;{brk}")
    runtime_error = draw(st.booleans())
    head = "".join(parts) + f"function handler(event) {{{draw(BREAK)}{draw(PAD)}var v = '{draw(TEXT)}'; "
    failing = "undefinedName + 1;" if runtime_error else "var = 1;"
    offset = len(head) + (0 if runtime_error else len("var "))
    return head + failing + f"{draw(BREAK)}return event.request;{draw(BREAK)}}}", offset


@settings(max_examples=60, deadline=None)
@given(code_with_error())
def test_the_location_is_the_users_position_whatever_comes_before(case: tuple[str, int]) -> None:
    code, offset = case
    result = run_viewer_function(code, EVENT)
    assert result.error_message, "the code must fail"
    assert result.error_location == expect(code, offset), (repr(code), result.error_message)
