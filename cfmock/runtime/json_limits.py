"""cfmock's own limits on the JSON exchanged with user code, the same on every supported Python.

Python's ``json`` recurses once per nesting level, and how deep it may go depends on the Python: about 1,000
levels on 3.11 (the interpreter's recursion limit, less the frames in use), about 1,500 on 3.12, 8,000–12,000
on 3.13. Its integer parsing stops at 4,300 digits (``sys.get_int_max_str_digits``). cfmock decides instead:

* an event (or connection object) nests objects and arrays at most :data:`MAX_NESTING` levels deep, the
  event object itself being level 1; deeper is :class:`InvalidEventError` (``InvalidArgument``);
* an integer in an event has at most :data:`MAX_INTEGER_DIGITS` digits, and no number exceeds the range of a
  JavaScript number (``1e400``); either is :class:`InvalidEventError` too;
* a value the function returns that nests deeper than :data:`MAX_NESTING` levels is the JavaScript error
  ``RangeError: Maximum call stack size exceeded`` (see :mod:`cfmock.runtime.sandbox`), as its serialisation
  overflowing the stack would be.

Depth is measured on the text without recursion; parsing and serialising within the limit then get the
recursion room they need, whatever the interpreter's own limit (:func:`~cfmock.runtime.nesting.in_room`).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

from .errors import InvalidEventError
from .nesting import MAX_NESTING, in_room, recursion_room

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING",
    "NestedTooDeeplyError",
    "deeper_than",
    "in_room",
    "nesting_depth",
    "recursion_room",
]

MAX_INTEGER_DIGITS: Final = 4_300
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET: Final = re.compile(r"[^\[\]{}]+")


class NestedTooDeeplyError(ValueError):
    """JSON text nested more than :data:`MAX_NESTING` levels deep."""


def nesting_depth(text: str) -> int:
    """How many levels of objects and arrays ``text`` nests (0 for a scalar), ignoring brackets in strings."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = deepest = 0
    for bracket in brackets:
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def deeper_than(text: str, limit: int) -> bool:
    """``nesting_depth(text) > limit``, without the walk when the text has too few brackets to nest that deep
    (counting brackets inside strings too only over-counts, so the shortcut never says no wrongly)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    return nesting_depth(text) > limit


def _event_int(text: str) -> int:
    digits = len(text) - text.startswith("-")
    if digits > MAX_INTEGER_DIGITS:
        raise InvalidEventError(f"has an integer of {digits} digits; at most {MAX_INTEGER_DIGITS} are allowed")
    try:
        return int(text)
    except ValueError as exc:  # a process that lowered sys.set_int_max_str_digits below Python's default
        raise InvalidEventError(f"has an integer Python refuses to convert: {exc}") from None


def _event_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise InvalidEventError(f"has the number {text[:40]}{'…' if len(text) > 40 else ''}, beyond the range of "
                                "a JavaScript number")  # fmt: skip
    return value


def load_event_json(text: str, what: str) -> Any:
    """Parse an event's JSON text within cfmock's limits; :class:`InvalidEventError` names what broke them."""
    if deeper_than(text, MAX_NESTING):
        raise InvalidEventError(f"the {what} is nested more than {MAX_NESTING} levels deep")
    try:
        return in_room(
            json.loads, text, parse_int=_event_int, parse_float=_event_float, parse_constant=_reject_constant
        )
    except InvalidEventError as exc:
        raise InvalidEventError(f"the {what} {exc}") from None


def _reject_constant(name: str) -> Any:
    raise InvalidEventError(f"is not valid JSON: {name} is not allowed")


def load_returned_json(text: str) -> Any:
    """Parse JSON the engine made from the function's value; :class:`NestedTooDeeplyError` past the limit (the
    engine's own envelope adds one level)."""
    if deeper_than(text, MAX_NESTING + 1):
        raise NestedTooDeeplyError(f"nested more than {MAX_NESTING} levels deep")
    return in_room(json.loads, text)


def dump_json(value: Any, **options: Any) -> str:
    """``json.dumps`` of a value parsed within the limits (so at most :data:`MAX_NESTING` levels deep)."""
    return in_room(json.dumps, value, **options)
