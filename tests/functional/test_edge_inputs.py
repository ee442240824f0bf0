"""Edge inputs end the same way on every supported Python, through each door (cfmock.runtime.json_limits).

* An event nested deeper than cfmock's MAX_NESTING levels, an integer longer than MAX_INTEGER_DIGITS digits or a
  number beyond a JavaScript number's range: ``InvalidArgument`` (TestFunction, decisions 23),
  ``InvalidEventError`` (``run_function``), exit status 2 (``cfmock run``). At the limits, the event runs.
* A returned value of any depth: a result, or a JavaScript error in ``FunctionErrorMessage`` (decisions 24),
  never a Python exception, a traceback or a 500 ``TestFunctionFailed``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

import cfmock
from cfmock.runtime import InvalidEventError
from cfmock.runtime.json_limits import MAX_INTEGER_DIGITS, MAX_NESTING

PREFIX = "The CloudFront function associated with the CloudFront distribution is invalid or could not run. "
STACK_OVERFLOW = PREFIX + "RangeError: Maximum call stack size exceeded"

# Logs how deep event.viewer nests (event.viewer is level 2 of the event) and what kind of number event.viewer.n is.
MEASURE = b"""function handler(event) {
    var depth = 0, v = event.viewer;
    while (v !== null && typeof v === 'object') { depth++; v = v.a; }
    console.log('viewer depth ' + depth + ', n is ' + typeof event.viewer.n);
    return event.request;
}
"""


def returning(levels: int) -> bytes:
    """A handler returning a request that nests ``levels`` levels (the request itself is level 1): headers (2),
    x (3) and its value, arrays from level 4 on. Header values are kept in FunctionOutput as returned."""
    arrays = levels - 3
    return (
        b"function handler(event) { var v = 'deep', i; for (i = 0; i < %d; i++) v = [v];"
        b" event.request.headers.x = { value: v }; return event.request; }" % arrays
    )


def viewer_event(levels: int) -> bytes:
    """An event nesting ``levels`` levels: the event (1), then event.viewer (2) and its chain of {"a": …}."""
    chain = levels - 1
    return b'{"request":{"uri":"/"},"viewer":' + b'{"a":' * chain + b"1" + b"}" * chain + b"}"


def number_event(digits: str) -> bytes:
    return b'{"request":{"uri":"/"},"viewer":{"n":' + digits.encode() + b"}}"


TOO_LONG_INTEGER = "9" * (MAX_INTEGER_DIGITS + 1)
INVALID_EVENTS = {
    "nested-one-level-too-deep": viewer_event(MAX_NESTING + 1),
    "nested-far-too-deep": b'{"request":{},"viewer":' + b"[" * 20_000 + b"]" * 20_000 + b"}",
    "integer-one-digit-too-long": number_event(TOO_LONG_INTEGER),
    "negative-integer-one-digit-too-long": number_event("-" + TOO_LONG_INTEGER),
    "number-beyond-a-double": number_event("1e400"),
}
RETURNED_DEPTHS = [MAX_NESTING, MAX_NESTING + 1, 5_000, 200_000]


# -- run_function ---------------------------------------------------------------------------------------------


def test_an_event_at_the_nesting_limit_runs() -> None:
    result = cfmock.run_function(MEASURE, viewer_event(MAX_NESTING))
    assert result.ok, result.error_message
    assert result.logs == (f"viewer depth {MAX_NESTING - 1}, n is undefined",)


def test_an_integer_of_the_longest_allowed_length_runs_as_a_javascript_number() -> None:
    result = cfmock.run_function(MEASURE, number_event("9" * MAX_INTEGER_DIGITS))
    assert result.ok, result.error_message
    assert result.logs == ("viewer depth 1, n is number",)


@pytest.mark.parametrize("event", list(INVALID_EVENTS.values()), ids=list(INVALID_EVENTS))
def test_run_function_refuses_an_event_beyond_the_limits(event: bytes) -> None:
    with pytest.raises(InvalidEventError):
        cfmock.run_function(MEASURE, event)
    with pytest.raises(InvalidEventError):
        cfmock.run_connection_function(b"function connectionHandler(c) { c.allow(); }", event)


def test_a_mapping_event_is_held_to_the_same_nesting_limit() -> None:
    def nested(levels: int) -> dict[str, Any]:
        viewer: Any = 1
        for _ in range(levels - 1):
            viewer = {"a": viewer}
        return {"request": {"uri": "/"}, "viewer": viewer}  # the event is level 1: as deep as viewer_event(levels)

    assert cfmock.run_function(MEASURE, nested(MAX_NESTING)).ok
    for levels in (MAX_NESTING + 1, 50_000):
        with pytest.raises(InvalidEventError, match=f"nested more than {MAX_NESTING} levels deep"):
            cfmock.run_function(MEASURE, nested(levels))


@pytest.mark.parametrize("levels", RETURNED_DEPTHS)
def test_run_function_ends_a_returned_value_of_any_depth_as_a_result_or_a_javascript_error(levels: int) -> None:
    result = cfmock.run_function(returning(levels), viewer_event(2))
    if levels <= MAX_NESTING:
        assert result.ok, result.error_message
        value = result.output_object["request"]["headers"]["x"]["value"]  # type: ignore[index]
        for _ in range(levels - 3):
            (value,) = value
        assert value == "deep"
        assert "deep" in result.describe()
    else:  # deeper than cfmock's limit, or than the engine's stack or memory allow
        assert result.error_message in (STACK_OVERFLOW, PREFIX + "InternalError: out of memory")
        assert result.output == ""


# -- through boto3 ----------------------------------------------------------------------------------------------


@pytest.fixture
def cf(cloudfront_functions: Any) -> Any:
    return boto3.client("cloudfront", region_name="us-east-1")


def create_and_test(cf: Any, code: bytes, event: bytes) -> dict[str, Any]:
    etag = cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
                              FunctionCode=code)["ETag"]  # fmt: skip
    answer = cf.test_function(Name="fn", IfMatch=etag, EventObject=event)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    return dict(answer["TestResult"])


def test_test_function_runs_an_event_at_the_limits(cf: Any) -> None:
    result = create_and_test(cf, MEASURE, viewer_event(MAX_NESTING))
    assert (result["FunctionErrorMessage"], result["FunctionExecutionLogs"]) == (
        "",
        [f"viewer depth {MAX_NESTING - 1}, n is undefined"],
    )
    answer = cf.test_function(
        Name="fn", IfMatch=cf.describe_function(Name="fn")["ETag"], EventObject=number_event("9" * MAX_INTEGER_DIGITS)
    )
    assert answer["TestResult"]["FunctionExecutionLogs"] == ["viewer depth 1, n is number"]


@pytest.mark.parametrize("event", list(INVALID_EVENTS.values()), ids=list(INVALID_EVENTS))
def test_test_function_answers_invalid_argument_for_an_event_beyond_the_limits(cf: Any, event: bytes) -> None:
    etag = cf.create_function(Name="fn", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
                              FunctionCode=MEASURE)["ETag"]  # fmt: skip
    with pytest.raises(cf.exceptions.InvalidArgument) as excinfo:
        cf.test_function(Name="fn", IfMatch=etag, EventObject=event)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("levels", RETURNED_DEPTHS)
def test_test_function_reports_a_returned_value_of_any_depth_with_200(cf: Any, levels: int) -> None:
    result = create_and_test(cf, returning(levels), viewer_event(2))
    if levels <= MAX_NESTING:
        assert result["FunctionErrorMessage"] == ""
        # (Not json.loads: Python 3.11's own limit would refuse what cfmock produced.)
        nested = "[" * (levels - 3) + '"deep"' + "]" * (levels - 3)
        assert result["FunctionOutput"].startswith('{"request":{"headers":{"x":{"value":' + nested + "}}")
    else:
        assert result["FunctionErrorMessage"] in (STACK_OVERFLOW, PREFIX + "InternalError: out of memory")
        assert result["FunctionOutput"] == ""


# -- cfmock run, as a process ----------------------------------------------------------------------------------


def cfmock_run(tmp_path: Path, code: bytes, event: bytes, *flags: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "f.js").write_bytes(code)
    (tmp_path / "e.json").write_bytes(event)
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(
        [sys.executable, "-m", "cfmock", "run", str(tmp_path / "f.js"), "--event", str(tmp_path / "e.json"), *flags],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    "event",
    [INVALID_EVENTS["nested-one-level-too-deep"], INVALID_EVENTS["integer-one-digit-too-long"]],
    ids=["nested-one-level-too-deep", "integer-one-digit-too-long"],
)
def test_cfmock_run_exits_2_for_an_event_beyond_the_limits(tmp_path: Path, event: bytes) -> None:
    done = cfmock_run(tmp_path, MEASURE, event)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("cfmock: invalid input: the event ")
    assert "Traceback" not in done.stderr


def test_cfmock_run_runs_an_event_at_the_nesting_limit(tmp_path: Path) -> None:
    done = cfmock_run(tmp_path, MEASURE, viewer_event(MAX_NESTING))
    assert done.returncode == 0, done.stderr
    assert f"viewer depth {MAX_NESTING - 1}" in done.stdout


@pytest.mark.parametrize("flags", [(), ("--json",)], ids=["text", "json"])
@pytest.mark.parametrize("levels", [MAX_NESTING, MAX_NESTING + 1])
def test_cfmock_run_prints_a_deep_returned_value_or_its_javascript_error(
    tmp_path: Path, levels: int, flags: tuple[str, ...]
) -> None:
    done = cfmock_run(tmp_path, returning(levels), viewer_event(2), *flags)
    assert "Traceback" not in done.stderr
    if levels <= MAX_NESTING:
        assert done.returncode == 0, done.stderr
        assert '"deep"' in done.stdout
    else:
        assert done.returncode == 1, done.stderr
        assert STACK_OVERFLOW in done.stdout
