"""cfmock.runtime.json_limits: depth measured on the text, recursion room, the limits' own errors."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfmock.runtime import InvalidEventError
from cfmock.runtime.events import normalise_viewer_event, shape_output
from cfmock.runtime.json_limits import (
    MAX_INTEGER_DIGITS,
    MAX_NESTING,
    NestedTooDeeplyError,
    deeper_than,
    in_room,
    load_event_json,
    load_returned_json,
    nesting_depth,
    recursion_room,
)


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[{{{"', 0),
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('["\\"[[[", ["]]]\\\\"]]', 2),  # escaped quotes and backslashes inside strings
        ("[[], [], [[]]]", 3),
    ],
)
def test_nesting_depth_counts_containers_outside_strings(text: str, depth: int) -> None:
    assert nesting_depth(text) == depth


# deadline=None as in every other property test here: the default 200 ms deadline is wall time, so a loaded CI
# runner that preempts the process for a moment fails an example that takes 0.1 ms (seen with a 0.4 s pause).
@settings(deadline=None)
@given(
    st.recursive(
        st.none() | st.integers() | st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)
    )
)
def test_nesting_depth_agrees_with_the_parsed_value(value: Any) -> None:
    def depth(v: Any) -> int:
        if isinstance(v, list):
            return 1 + max(map(depth, v), default=0)
        if isinstance(v, dict):
            return 1 + max(map(depth, v.values()), default=0)
        return 0

    assert nesting_depth(json.dumps(value)) == depth(value)


def test_recursion_room_is_restored_and_only_ever_raised() -> None:
    before = sys.getrecursionlimit()
    with recursion_room():
        assert sys.getrecursionlimit() >= 2 * MAX_NESTING
        with recursion_room():
            assert sys.getrecursionlimit() >= 2 * MAX_NESTING
    assert sys.getrecursionlimit() == before


def test_the_limits_hold_from_a_deep_call_stack_and_from_another_thread() -> None:
    text = "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    event = '{"request":{},"viewer":' + '{"a":' * (MAX_NESTING - 1) + "1" + "}" * (MAX_NESTING - 1) + "}"

    def deep(levels: int) -> Any:
        return deep(levels - 1) if levels else (load_event_json(text, "event"), normalise_viewer_event(event))

    assert deep(sys.getrecursionlimit() // 2)[0] is not None
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(normalise_viewer_event(event)))
    worker.start()
    worker.join()
    assert len(results) == 1


def test_returned_json_past_the_limit_is_its_own_error() -> None:
    envelope = '{"value":' + "[" * MAX_NESTING + "]" * MAX_NESTING + "}"
    assert load_returned_json(envelope)["value"]
    deeper = '{"value":' + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "}"
    with pytest.raises(NestedTooDeeplyError):
        load_returned_json(deeper)


def test_a_returned_request_with_deep_multivalue_entries_is_shaped() -> None:
    entry: Any = {"value": "v"}
    for _ in range((MAX_NESTING - 4) // 2):  # request, headers, h, then multiValue array and entry per step
        entry = {"value": "v", "multiValue": [entry]}
    shaped = shape_output({"headers": {"h": entry}})
    assert nesting_depth(shaped) <= MAX_NESTING + 1


@pytest.mark.parametrize("sign", ["", "-"])
def test_integer_digits_are_cfmocks_limit(sign: str) -> None:
    assert load_event_json(f'{{"n": {sign}{"7" * MAX_INTEGER_DIGITS}}}', "event")["n"]
    with pytest.raises(InvalidEventError, match=f"integer of {MAX_INTEGER_DIGITS + 1} digits"):
        load_event_json(f'{{"n": {sign}{"7" * (MAX_INTEGER_DIGITS + 1)}}}', "event")


def test_a_process_with_a_lower_python_integer_limit_still_gets_an_invalid_event() -> None:
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(640)  # the lowest Python allows
    try:
        with pytest.raises(InvalidEventError, match="integer Python refuses to convert"):
            load_event_json(f'{{"n": {"7" * 641}}}', "event")
    finally:
        sys.set_int_max_str_digits(previous)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(alphabet='[]{}"\\ab'),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(alphabet='[]{}"ab'), inner),
    ),
    st.integers(min_value=0, max_value=12),
)
def test_deeper_than_is_nesting_depth_past_a_limit(value: Any, limit: int) -> None:
    # Brackets inside strings count towards the shortcut's bound but never towards the depth.
    text = json.dumps(value)
    assert deeper_than(text, limit) == (nesting_depth(text) > limit)


def test_deeper_than_at_the_limit_itself() -> None:
    at_limit = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert not deeper_than(at_limit, MAX_NESTING)
    assert deeper_than("[" + at_limit + "]", MAX_NESTING)
    assert not deeper_than(json.dumps(["[" * (MAX_NESTING + 5)]), MAX_NESTING)  # all in a string


def test_in_room_makes_room_only_when_the_work_overflows() -> None:
    limits: list[int] = []

    def deep(levels: int) -> int:
        limits.append(sys.getrecursionlimit())
        return deep(levels - 1) + 1 if levels else 0

    before = sys.getrecursionlimit()
    assert in_room(deep, 3) == 3
    assert set(limits) == {before}  # small work: no room was made
    limits.clear()
    levels = before + MAX_NESTING // 2  # overflows as it is, fits in the room
    assert in_room(deep, levels) == levels
    assert max(limits) > before
    assert sys.getrecursionlimit() == before


def test_in_room_gives_what_the_room_gives_from_a_deep_call_stack() -> None:
    text = "[" * MAX_NESTING + "]" * MAX_NESTING

    def deep(levels: int) -> Any:
        return deep(levels - 1) if levels else in_room(json.loads, text)

    def reach(levels: int) -> int:
        try:
            return reach(levels + 1)
        except RecursionError:
            return levels

    parsed = deep(reach(0) - 20)  # about 20 levels spare: too few to parse without room
    with recursion_room():  # comparing 1,000 levels recurses too
        assert parsed == json.loads(text)


def test_in_room_passes_other_errors_through_unretried() -> None:
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        raise ValueError("not recursion")

    with pytest.raises(ValueError, match="not recursion"):
        in_room(failing)
    assert calls == [1]
