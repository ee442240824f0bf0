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
