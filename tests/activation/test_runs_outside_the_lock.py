"""A running function does not hold the mock's lock (issue 14, point 9).

The lock is held only to read and write state: other threads' calls go on while TestFunction or
TestConnectionFunction spins, and a run uses the code and store contents of the moment it started.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import boto3
import pytest

from cfmock import mock_cloudfront_functions

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
CONFIG = {"Comment": "", "Runtime": "cloudfront-js-2.0"}
EVENT = json.dumps({"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "1.2.3.4"},
                    "request": {"method": "GET", "uri": "/", "headers": {}}}).encode()  # fmt: skip
CONNECTION = json.dumps({"connectionId": "c", "clientIp": "203.0.113.1", "endpoint": "d.cloudfront.net",
                         "distributionId": "E1"}).encode()  # fmt: skip
SPIN = b"function handler(event) { while (true) {} }"
CONNECTION_SPIN = b"function connectionHandler(connection) { while (true) {} }"
# Spins until the hard limit (1 s of CPU by default) stops it.


def _in_background(call: Any) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except BaseException as error:  # reported by the test
            box["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, box


def _wait_until_running(thread: threading.Thread, box: dict[str, Any]) -> None:
    """Give the run time to start: its thread is still alive (and so still running the code)."""
    time.sleep(0.15)
    assert thread.is_alive(), f"the run ended within 0.15 s: {box}"


@pytest.mark.parametrize("kind", ["function", "connection function"])
def test_other_calls_do_not_wait_for_a_spinning_run(kind: str) -> None:
    with mock_cloudfront_functions():
        cf = boto3.client("cloudfront", **CREDENTIALS)
        other = boto3.client("cloudfront", **CREDENTIALS)
        if kind == "function":
            etag = cf.create_function(Name="spin", FunctionConfig=CONFIG, FunctionCode=SPIN)["ETag"]
            thread, box = _in_background(lambda: cf.test_function(Name="spin", IfMatch=etag, EventObject=EVENT))
        else:
            created = cf.create_connection_function(
                Name="spin", ConnectionFunctionConfig=CONFIG, ConnectionFunctionCode=CONNECTION_SPIN
            )
            fid = created["ConnectionFunctionSummary"]["Id"]
            thread, box = _in_background(
                lambda: cf.test_connection_function(Id=fid, IfMatch=created["ETag"], ConnectionObject=CONNECTION)
            )
        _wait_until_running(thread, box)
        started = time.perf_counter()
        other.list_functions()
        other.create_key_value_store(Name="meanwhile")
        other.describe_key_value_store(Name="meanwhile")
        waited = time.perf_counter() - started
        still_running = thread.is_alive()
        thread.join(30)
        assert "error" not in box, box.get("error")
        # Behind the lock these calls waited for the rest of the run (~0.85 s of CPU); without it they take
        # milliseconds. The bound leaves room for a busy machine.
        assert still_running, "the run ended before the other calls: nothing was shown"
        assert waited < 0.5, f"other calls waited {waited:.2f} s for the run"
        result = box["result"]
        test_result = result.get("TestResult") or result["ConnectionFunctionTestResult"]
        assert "timed out" in (test_result.get("FunctionErrorMessage") or test_result["ConnectionFunctionErrorMessage"])


def test_a_run_uses_the_code_and_store_of_the_moment_it_started() -> None:
    code = b"""import cf from 'cloudfront';
    async function handler(event) {
        var n = 0;
        for (var i = 0; i < 20000000; i++) { n += i % 7; }  // seconds, while the test writes
        console.log('first', await cf.kvs().get('k'), n > 0);
        return event.request;
    }"""
    with mock_cloudfront_functions(time_limit_s=20) as mock:
        cf = boto3.client("cloudfront", **CREDENTIALS)
        kvs = boto3.client("cloudfront-keyvaluestore", **CREDENTIALS)
        arn = cf.create_key_value_store(Name="store")["KeyValueStore"]["ARN"]
        mock.key_value_stores["store"].put("k", "old")
        config = {**CONFIG, "KeyValueStoreAssociations": {"Quantity": 1, "Items": [{"KeyValueStoreARN": arn}]}}
        etag = cf.create_function(Name="fn", FunctionConfig=config, FunctionCode=code)["ETag"]
        thread, box = _in_background(lambda: cf.test_function(Name="fn", IfMatch=etag, EventObject=EVENT))
        _wait_until_running(thread, box)
        kvs.put_key(KvsARN=arn, Key="k", Value="new", IfMatch=mock.key_value_stores["store"].etag)
        cf.update_function(
            Name="fn", IfMatch=etag, FunctionConfig=config, FunctionCode=code.replace(b"first", b"second")
        )
        still_running = thread.is_alive()
        thread.join(60)
        assert "error" not in box, box.get("error")
        assert still_running, "the run ended before the writes: nothing was shown"
        test_result = box["result"]["TestResult"]
        assert test_result["FunctionErrorMessage"] == ""
        assert test_result["FunctionExecutionLogs"] == ["first old true"]
        assert test_result["FunctionSummary"]["FunctionMetadata"]["Stage"] == "DEVELOPMENT"
        # and the next run sees the new code and contents
        new_etag = cf.describe_function(Name="fn")["ETag"]
        after = cf.test_function(Name="fn", IfMatch=new_etag, EventObject=EVENT)["TestResult"]
        assert after["FunctionExecutionLogs"] == ["second new true"]


def test_runs_in_several_threads_all_finish_with_their_own_results() -> None:
    code = b"function handler(event) { console.log(event.request.uri); return event.request; }"
    with mock_cloudfront_functions():
        cf = boto3.client("cloudfront", **CREDENTIALS)
        etag = cf.create_function(Name="fn", FunctionConfig=CONFIG, FunctionCode=code)["ETag"]

        def run(index: int) -> list[str]:
            client = boto3.client("cloudfront", **CREDENTIALS)
            logs = []
            for round_ in range(10):
                event = json.loads(EVENT)
                event["request"]["uri"] = f"/{index}/{round_}"
                result = client.test_function(Name="fn", IfMatch=etag, EventObject=json.dumps(event).encode())
                logs += result["TestResult"]["FunctionExecutionLogs"]
            return logs

        boxes = [_in_background(lambda index=index: run(index)) for index in range(8)]  # type: ignore[misc]
        for thread, _ in boxes:
            thread.join(120)
        for index, (_, box) in enumerate(boxes):
            assert box.get("result") == [f"/{index}/{r}" for r in range(10)], box.get("error")
