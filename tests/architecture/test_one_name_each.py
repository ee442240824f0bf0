"""One result type per kind of function, and one name for the time limit, from the engine to the public API."""

from __future__ import annotations

import dataclasses
import json

import cfmock
from cfmock import MockOptions
from cfmock.runner import limits_for
from cfmock.runtime import RuntimeLimits, run_connection_function, run_viewer_function

REQUEST = {"method": "GET", "uri": "/", "querystring": {}, "headers": {}, "cookies": {}}
EVENT = json.dumps(
    {"version": "1.0", "context": {"eventType": "viewer-request"}, "viewer": {"ip": "1.2.3.4"}, "request": REQUEST}
)
CONNECTION = json.dumps({"clientIp": "1.2.3.4"})


def test_the_engine_returns_the_public_result_types() -> None:
    viewer = run_viewer_function("function handler(event) { return event.request; }", EVENT)
    connection = run_connection_function("function connectionHandler(connection) { connection.allow(); }", CONNECTION)
    assert type(viewer) is cfmock.FunctionResult and viewer.ok
    assert type(connection) is cfmock.ConnectionResult and connection.action == "allow", connection
    assert (
        type(cfmock.run_function("function handler(event) { return event.request; }", EVENT)) is cfmock.FunctionResult
    )


def test_the_time_limit_has_one_name_from_the_options_to_the_engine() -> None:
    option_names = {field.name for field in dataclasses.fields(MockOptions)}
    limit_names = {field.name for field in dataclasses.fields(RuntimeLimits)}
    assert "time_limit_s" in option_names & limit_names
    assert not [name for name in limit_names if "limit_s" in name and name != "time_limit_s"]
    assert limits_for(MockOptions(time_limit_s=0.25)).time_limit_s == 0.25
