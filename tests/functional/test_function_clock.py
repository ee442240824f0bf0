"""The function's clock (decisions 27, 45): real time at the start of each run, or a time fixed by the caller.

Through real boto3 clients (``mock_cloudfront_functions(now=...)``) and through ``run_function`` /
``run_connection_function(now=...)``; Python's clock patched by time-machine or freezegun is honoured.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import boto3
import pytest

import cfmock
from cfmock import MockOptions, mock_cloudfront_functions, run_connection_function, run_function

EVENT: dict[str, Any] = {
    "version": "1.0",
    "context": {"eventType": "viewer-request"},
    "viewer": {"ip": "198.51.100.11"},
    "request": {"method": "GET", "uri": "/", "headers": {}},
}
CONNECTION: dict[str, Any] = {
    "connectionId": "Fdb-Eb7L9gVn2cFakz7wWyBJIDAD4-oNO6g8r3vXDV132BtnIVtqDA==",
    "clientIp": "203.0.113.42",
    "endpoint": "d3lch071jze0cb.cloudfront.net",
    "distributionId": "E1NXS4MQZH501R",
}
# Every reading of the clock within a run is the same instant (decisions 27): log them all.
CLOCK = """function handler(event) {
  console.log(String(Date.now()), new Date().toISOString(), String(new Date().getTime()));
  return event.request;
}"""
CONNECTION_CLOCK = """function connectionHandler(connection) {
  console.log(String(Date.now()));
  connection.allow();
}"""
FIXED = datetime(2031, 5, 6, 7, 8, 9, 123_999, tzinfo=UTC)
FIXED_MS = 1_935_817_689_123  # computed independently: calendar.timegm((2031, 5, 6, 7, 8, 9)) * 1000 + 123


def readings(logs: Any) -> tuple[int, str, int]:
    now, iso, time_ = logs[0].split(" ")
    return int(now), iso, int(time_)


def test_the_fixed_moment_is_what_every_reading_returns() -> None:
    assert readings(run_function(CLOCK, EVENT, now=FIXED).logs) == (FIXED_MS, "2031-05-06T07:08:09.123Z", FIXED_MS)


def test_a_naive_datetime_is_read_as_utc() -> None:
    naive = FIXED.replace(tzinfo=None)
    assert readings(run_function(CLOCK, EVENT, now=naive).logs)[0] == FIXED_MS


def test_an_aware_datetime_in_another_zone_is_the_same_instant() -> None:
    berlin = FIXED.astimezone(timezone(timedelta(hours=2)))
    assert readings(run_function(CLOCK, EVENT, now=berlin).logs)[0] == FIXED_MS


@pytest.mark.parametrize(("seconds", "ms"), [(0, 0), (1.5, 1500), (1_935_817_689.1239, FIXED_MS), (-1.25, -1250)])
def test_epoch_seconds(seconds: float, ms: int) -> None:
    assert readings(run_function(CLOCK, EVENT, now=seconds).logs)[0] == ms


def test_connection_functions_take_the_moment_too() -> None:
    assert run_connection_function(CONNECTION_CLOCK, CONNECTION, now=FIXED).logs == (str(FIXED_MS),)
    options = MockOptions(now=FIXED)
    assert run_connection_function(CONNECTION_CLOCK, CONNECTION, options=options).logs == (str(FIXED_MS),)


def test_options_now_applies_and_the_argument_wins() -> None:
    options = MockOptions(now=0)
    assert readings(run_function(CLOCK, EVENT, options=options).logs)[0] == 0
    assert readings(run_function(CLOCK, EVENT, options=options, now=FIXED).logs)[0] == FIXED_MS


def test_without_a_moment_each_run_reads_the_real_clock_at_its_start() -> None:
    before = int(time.time() * 1000)
    first = readings(run_function(CLOCK, EVENT).logs)[0]
    time.sleep(0.02)
    second = readings(run_function(CLOCK, EVENT).logs)[0]
    after = int(time.time() * 1000)
    assert before <= first < second <= after


@pytest.mark.parametrize("bad", ["2030-01-01", True, None.__class__, [0]])
def test_a_moment_of_the_wrong_type_is_refused(bad: Any) -> None:
    with pytest.raises(TypeError, match="now must be a datetime or epoch seconds"):
        run_function(CLOCK, EVENT, now=bad)
    with pytest.raises(TypeError, match="now must be a datetime or epoch seconds"):
        MockOptions(now=bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 9e15])
def test_a_moment_javascript_cannot_hold_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="outside the range of JavaScript dates"):
        run_function(CLOCK, EVENT, now=bad)


def test_a_patched_python_clock_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    """freezegun's way: it replaces ``time.time`` in the ``time`` module."""
    monkeypatch.setattr(time, "time", lambda: 1_935_817_689.123)
    assert readings(run_function(CLOCK, EVENT).logs)[0] == FIXED_MS


def test_time_machine_is_honoured() -> None:
    time_machine = pytest.importorskip("time_machine")
    with time_machine.travel(FIXED, tick=False):
        assert readings(run_function(CLOCK, EVENT).logs)[0] == FIXED_MS


def test_freezegun_is_honoured() -> None:
    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time(FIXED):
        assert readings(run_function(CLOCK, EVENT).logs)[0] == FIXED_MS


# -- through boto3 ------------------------------------------------------------------------------------------


def _test_function(code: str) -> tuple[int, str, int]:
    cf = boto3.client("cloudfront", region_name="us-east-1")
    etag = cf.create_function(
        Name="clock", FunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"}, FunctionCode=code.encode()
    )["ETag"]
    result = cf.test_function(Name="clock", IfMatch=etag, EventObject=json.dumps(EVENT).encode())["TestResult"]
    return readings(result["FunctionExecutionLogs"])


def test_the_activation_fixes_the_clock_of_test_function() -> None:
    with mock_cloudfront_functions(now=FIXED):
        assert _test_function(CLOCK) == (FIXED_MS, "2031-05-06T07:08:09.123Z", FIXED_MS)


def test_the_activation_fixes_the_clock_of_test_connection_function() -> None:
    with mock_cloudfront_functions(now=0):
        cf = boto3.client("cloudfront", region_name="us-east-1")
        created = cf.create_connection_function(
            Name="clock",
            ConnectionFunctionConfig={"Comment": "", "Runtime": "cloudfront-js-2.0"},
            ConnectionFunctionCode=CONNECTION_CLOCK.encode(),
        )
        result = cf.test_connection_function(
            Id=created["ConnectionFunctionSummary"]["Id"],
            IfMatch=created["ETag"],
            ConnectionObject=json.dumps(CONNECTION).encode(),
        )["ConnectionFunctionTestResult"]
        assert result["ConnectionFunctionExecutionLogs"] == ["0"]


def test_test_function_reads_the_real_clock_by_default() -> None:
    with mock_cloudfront_functions():
        before = int(time.time() * 1000)
        now = _test_function(CLOCK)[0]
        assert before <= now <= int(time.time() * 1000)


def test_test_function_honours_a_patched_python_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_cloudfront_functions():
        monkeypatch.setattr(time, "time", lambda: 1_935_817_689.123)
        assert _test_function(CLOCK)[0] == FIXED_MS


def test_test_function_honours_time_machine() -> None:
    time_machine = pytest.importorskip("time_machine")
    with mock_cloudfront_functions(), time_machine.travel(FIXED, tick=False):
        assert _test_function(CLOCK)[0] == FIXED_MS


def test_a_nested_activation_cannot_change_the_clock() -> None:
    with mock_cloudfront_functions(now=FIXED), pytest.raises(ValueError, match="now"):
        mock_cloudfront_functions(now=0).start()


def test_the_option_is_public() -> None:
    assert MockOptions(now=FIXED).now == FIXED
    assert cfmock.MockOptions().now is None


def test_a_run_in_the_worker_process_sees_the_callers_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where runs go to a worker process (isolation.py), the start time is still read in the caller's."""
    from cfmock.runtime import isolation

    monkeypatch.setattr(isolation, "_use_worker", True)
    monkeypatch.setattr(time, "time", lambda: 1_935_817_689.123)
    assert readings(run_function(CLOCK, EVENT).logs)[0] == FIXED_MS
